"""Plug-ins for code that already owns its HTTP stack: requests, httpx and aiohttp.

Each signs the requests its stack sends with oauthcore, and follows redirects by the one client
flow of ``transports.flow`` (a fresh nonce on every hop, nothing signed on another origin, https
to http refused). Importing this package loads no HTTP library; each name loads its own stack
on first use, so ``RequestsAuth`` never imports httpx and ``HttpxAuth`` never imports requests.

- ``RequestsAuth``: a requests ``AuthBase`` (``requests.get(url, auth=...)``, sessions too)
- ``OAuth1Session``: requests-oauthlib's ``OAuth1Session`` API, signed by oauthcore
- ``HttpxAuth``: an ``httpx.Auth`` for ``httpx.Client`` and ``httpx.AsyncClient``
- ``AiohttpMiddleware``: an aiohttp client middleware (aiohttp 3.12 or later)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .aiohttp import AiohttpMiddleware
    from .httpx import HttpxAuth
    from .requests import RequestsAuth
    from .session import OAuth1Session

#: Each integration's module, relative to this package; imported when the name is first used.
INTEGRATIONS = {
    "AiohttpMiddleware": ".aiohttp",
    "HttpxAuth": ".httpx",
    "OAuth1Session": ".session",
    "RequestsAuth": ".requests",
}


def __getattr__(name: str) -> Any:
    if name in INTEGRATIONS:
        return getattr(importlib.import_module(INTEGRATIONS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["AiohttpMiddleware", "HttpxAuth", "OAuth1Session", "RequestsAuth"]
