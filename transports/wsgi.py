"""The stable import path of the WSGI pieces: ``transports.provider`` and ``WSGITransport``."""

from __future__ import annotations

from oauthcore import TokenStore  # re-exported: code that imports it from here keeps working

from .adapters.wsgi import WSGITransport
from .provider import (
    DEFAULT_MAX_BODY,
    VERIFIED_KEY,
    HTTPProblem,
    ProtectedResource,
    PublicOrigin,
    Reply,
    TokenEndpoints,
    TrustedProxies,
    request_from_environ,
    verified,
)

__all__ = [
    "DEFAULT_MAX_BODY",
    "VERIFIED_KEY",
    "HTTPProblem",
    "ProtectedResource",
    "PublicOrigin",
    "Reply",
    "TokenEndpoints",
    "TokenStore",
    "TrustedProxies",
    "WSGITransport",
    "request_from_environ",
    "verified",
]
