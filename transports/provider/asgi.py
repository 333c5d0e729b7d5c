"""OAuth 1.0a resource protection for ASGI: ``OAuthMiddleware`` (RFC 5849 §3.2).

Plain ASGI 3, no framework needed: it wraps a Starlette, FastAPI, Quart or Django (ASGI) app
alike. An ``http`` request is rebuilt by ``scope.request_from_scope`` (the one place the URL is
built), its body read up to ``max_body`` and handed on to the app unchanged, and verified by the
core's pipeline through ``Guard``; a refusal is the answer ``ProtectedResource`` gives in WSGI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from oauthcore import OAuthError
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.verification import Verified

from .aio import AnyCredentialStore, AnyNonceStore
from .environ import DEFAULT_MAX_BODY
from .guard import Guard
from .protected import VERIFIED_KEY
from .proxies import OriginPolicy
from .replies import HTTPProblem, Reply
from .scope import Receive, Scope, ScopeDisconnected, read_body, request_from_scope

__all__ = ["ASGIApp", "OAuthMiddleware", "Send", "send_reply", "verified"]

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
"""The ASGI ``send`` callable: sends the response's start (status, header fields) and its body
(RFC 9110 §6)."""
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application, such as the one ``OAuthMiddleware`` wraps to verify its requests
(RFC 5849 §3.2)."""

# RFC 6455 §7.4.1: 1008, "policy violation". Closing before accepting answers the handshake 403.
_WEBSOCKET_POLICY_VIOLATION = 1008


def verified(scope: Mapping[str, Any]) -> Verified:
    """The ``Verified`` request ``OAuthMiddleware`` let through, from the ASGI scope (§3.2).

    In Starlette: ``verified(request.scope)``. Raises ``LookupError`` outside the middleware.
    """
    found = scope.get(VERIFIED_KEY)
    if not isinstance(found, Verified):
        raise LookupError("no verified OAuth request here: wrap the app in OAuthMiddleware")
    return found


async def send_reply(send: Send, reply: Reply) -> None:
    """Send a ``Reply`` (a refusal or a credentials answer) as ASGI response events (§3.2)."""
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in reply.headers
    ]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then the client's next events."""
    pending = True

    async def replay() -> MutableMapping[str, Any]:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class OAuthMiddleware:
    """ASGI middleware: only requests signed with valid token credentials reach ``app`` (§3.2).

    The ``Verified`` result is put in ``scope["oauthcore.verified"]`` (read it with
    ``verified(scope)``); the body, already read, is passed on to the app. A refused request is
    answered 400/401 with ``WWW-Authenticate`` and a problem report, as ``ProtectedResource``
    does. Stores may be sync (called in a worker thread; ``offload=False``: inline, for
    in-memory stores) or async (awaited on the loop). ``lifespan`` events pass through; a
    WebSocket handshake is refused (closed with 1008) rather than let through unverified.
    Behind a proxy, ``origin`` (``TrustedProxies``, ``PublicOrigin``) gives the public URL.
    """

    def __init__(
        self,
        app: ASGIApp,
        credentials: AnyCredentialStore,
        nonces: AnyNonceStore | None,
        *,
        realm: str | None = None,
        policy: VerifyPolicy = DEFAULT_POLICY,
        token_optional: bool = False,
        max_body: int = DEFAULT_MAX_BODY,
        offload: bool = True,
        origin: OriginPolicy | None = None,
    ) -> None:
        self.app = app
        self.origin = origin
        self.guard = Guard(
            credentials,
            nonces,
            realm=realm,
            policy=policy,
            token_optional=token_optional,
            max_body=max_body,
            offload=offload,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Verify an ``http`` request, then call the app, or answer the problem (§3.2)."""
        kind = scope["type"]
        if kind == "lifespan":
            await self.app(scope, receive, send)
            return
        if kind == "websocket":
            await send({"type": "websocket.close", "code": _WEBSOCKET_POLICY_VIOLATION})
            return
        if kind != "http":
            raise ValueError(f"OAuthMiddleware cannot protect an ASGI {kind!r} scope")
        request = None
        try:
            body = await read_body(scope, receive, max_body=self.guard.max_body)
            request = request_from_scope(scope, body, origin=self.origin)
            result = await self.guard.verify_async(request)
        except ScopeDisconnected:
            return
        except (HTTPProblem, OAuthError) as error:
            await send_reply(send, self.guard.refusal(error, request))
            return
        # A child scope, as ASGI middleware passes on: the server's own dict stays as it was.
        inner = {**scope, VERIFIED_KEY: result}
        await self.app(inner, _replaying(body, receive), send)
