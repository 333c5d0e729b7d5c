"""The token endpoints for ASGI: ``ASGITokenEndpoints`` serves a ``TokenEndpoints`` (RFC 5849 §2).

Theory of operation: the temporary-credentials and token-credentials logic (verification, the
pending authorizations, single-use request tokens) lives once, in the WSGI ``TokenEndpoints``;
this module does not repeat it. Each ASGI request is read as ``OAuthMiddleware`` reads one (POST
only, body up to ``max_body``, the URL built by ``scope.request_from_scope``, ``origin``
honoured), then handed to the ``TokenEndpoints`` app in-process through ``WSGITransport``, in a
worker thread, so its sync stores never block the event loop. The application keeps calling
``authorize`` and ``deny`` on the ``TokenEndpoints`` itself.
"""

from __future__ import annotations

import asyncio
from wsgiref.types import WSGIApplication

from oauthcore import Request

from ..adapters.wsgi import WSGITransport
from .asgi import Send, send_reply
from .endpoints import TokenEndpoints
from .proxies import OriginPolicy
from .replies import HTTPProblem, Reply
from .scope import Receive, Scope, ScopeDisconnected, read_body, request_from_scope

__all__ = ["ASGITokenEndpoints"]


class ASGITokenEndpoints:
    """``request_token`` and ``access_token`` as ASGI apps over a ``TokenEndpoints`` (§2.1, §2.3).

    The answers are those of the WSGI endpoints: the credentials form-encoded, or a refusal
    400/401 with ``WWW-Authenticate`` and a problem report; 405 for anything but POST. Behind a
    proxy, give ``origin`` (``TrustedProxies``, ``PublicOrigin``) here, where the client address
    is known. The two apps are objects, not functions, so Starlette's ``Route`` calls them as ASGI.
    """

    def __init__(self, endpoints: TokenEndpoints, *, origin: OriginPolicy | None = None) -> None:
        self.endpoints = endpoints
        #: ASGI app: verify a temporary-credentials request and issue them (RFC 5849 §2.1).
        self.request_token = _Endpoint(endpoints, endpoints.request_token, origin)
        #: ASGI app: exchange authorized temporary credentials for token credentials (§2.3).
        self.access_token = _Endpoint(endpoints, endpoints.access_token, origin)


class _Endpoint:
    """One token endpoint as an ASGI app: the request read here, answered by the WSGI app."""

    def __init__(
        self, endpoints: TokenEndpoints, app: WSGIApplication, origin: OriginPolicy | None
    ) -> None:
        self.max_body = endpoints.max_body
        self.origin = origin
        self.transport = WSGITransport(app, max_response=None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read and rebuild the request, then answer it with the WSGI endpoint (§2)."""
        try:
            if scope["method"] != "POST":
                # RFC 5849 §2.1 and §2.3 require POST for both credentials requests.
                raise HTTPProblem(405, "credentials requests must use POST (RFC 5849 §2)")
            body = await read_body(scope, receive, max_body=self.max_body)
            request = request_from_scope(scope, body, origin=self.origin)
        except ScopeDisconnected:
            return
        except HTTPProblem as problem:
            await send_reply(send, Reply.text(problem.status, problem.message))
            return
        # The URL already holds the public host: a Host header too would be folded into it.
        forwarded = Request(
            request.method,
            request.url,
            [(name, value) for name, value in request.headers if name.lower() != "host"],
            request.body,
        )
        response = await asyncio.to_thread(self.transport.send, forwarded)
        headers = [pair for pair in response.headers if pair[0].lower() != "content-length"]
        await send_reply(send, Reply(response.status, headers, response.body))
