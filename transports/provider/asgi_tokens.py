"""The token endpoints for ASGI: ``ASGITokenEndpoints`` serves a ``TokenEndpoints`` (RFC 5849 §2).

Theory of operation: the temporary-credentials and token-credentials logic (verification, the
pending authorizations, single-use request tokens) lives once, in the WSGI ``TokenEndpoints``;
this module does not repeat it. Each ASGI request is read as ``OAuthMiddleware`` reads one (POST
only, body up to ``max_body``, the URL built by ``scope.request_from_scope``, ``origin``
honoured), and that ``oauthcore.Request``, the URL exactly as the client sent it, is answered by
``TokenEndpoints.answer_request_token`` or ``answer_access_token`` in a worker thread, so its
sync stores never block the event loop. The application keeps calling ``authorize`` and ``deny``
on the ``TokenEndpoints`` itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from oauthcore import Request

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
    is known; without one, the ``TokenEndpoints``' own ``origin`` is used. The two apps are
    objects, not functions, so Starlette's ``Route`` calls them as ASGI.
    """

    def __init__(self, endpoints: TokenEndpoints, *, origin: OriginPolicy | None = None) -> None:
        self.endpoints = endpoints
        origin = endpoints.origin if origin is None else origin
        max_body = endpoints.max_body
        #: ASGI app: verify a temporary-credentials request and issue them (RFC 5849 §2.1).
        self.request_token = _Endpoint(endpoints.answer_request_token, max_body, origin)
        #: ASGI app: exchange authorized temporary credentials for token credentials (§2.3).
        self.access_token = _Endpoint(endpoints.answer_access_token, max_body, origin)


class _Endpoint:
    """One token endpoint as an ASGI app: the request read here, answered by ``TokenEndpoints``."""

    def __init__(
        self, answer: Callable[[Request], Reply], max_body: int, origin: OriginPolicy | None
    ) -> None:
        self.answer = answer
        self.max_body = max_body
        self.origin = origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the request, then answer it as the WSGI endpoint does (§2)."""
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
        await send_reply(send, await asyncio.to_thread(self.answer, request))
