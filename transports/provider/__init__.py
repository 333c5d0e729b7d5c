"""OAuth 1.0a providers on WSGI: rebuild the request, protect resources, issue credentials (§2, §3).

``request_from_environ`` rebuilds the signed request; ``ProtectedResource`` guards an app with
the core's ``verify``; ``TokenEndpoints`` issues temporary and token credentials; ``Reply`` and
``HTTPProblem`` are the answers they send; ``TrustedProxies`` and ``PublicOrigin`` say where the
public URL comes from behind a proxy. The same verification in web frameworks lives in modules
imported on their own, each loading only its framework: ``asgi`` (``OAuthMiddleware``),
``asgi_tokens`` (``ASGITokenEndpoints``), ``flask`` (``FlaskOAuth``) and ``django``.
"""

from __future__ import annotations

from .endpoints import TokenEndpoints
from .environ import DEFAULT_MAX_BODY, request_from_environ
from .protected import VERIFIED_KEY, ProtectedResource, verified
from .proxies import OriginPolicy, PublicOrigin, TrustedProxies, parse_forwarded
from .replies import HTTPProblem, Reply

__all__ = [
    "DEFAULT_MAX_BODY",
    "VERIFIED_KEY",
    "HTTPProblem",
    "OriginPolicy",
    "ProtectedResource",
    "PublicOrigin",
    "Reply",
    "TokenEndpoints",
    "TrustedProxies",
    "parse_forwarded",
    "request_from_environ",
    "verified",
]
