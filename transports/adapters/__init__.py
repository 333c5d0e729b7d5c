"""The shipped transports, one module per HTTP stack: urllib3, httplib2, urllib, httpx, aiohttp
and an in-process WSGI app.

Each adapter is imported on first access, so importing this package loads no HTTP library;
``transports`` re-exports them all, which is where most code imports them from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..base import ClosableAsyncTransport, ClosableTransport
    from .aiohttp import AiohttpTransport
    from .httplib2 import Httplib2Transport
    from .httpx import AsyncHttpxTransport, HttpxTransport
    from .stdlib import UrllibTransport
    from .urllib3 import Urllib3Transport
    from .wsgi import WSGITransport

#: Each adapter's module, relative to this package; imported when the name is first used.
ADAPTERS = {
    "AiohttpTransport": ".aiohttp",
    "AsyncHttpxTransport": ".httpx",
    "Httplib2Transport": ".httplib2",
    "HttpxTransport": ".httpx",
    "Urllib3Transport": ".urllib3",
    "UrllibTransport": ".stdlib",
    "WSGITransport": ".wsgi",
}


# The transports a Client makes when given none, best first: pooled and thread-safe, then the
# standard library's, which is always there.
_PREFERRED = ("Urllib3Transport", "HttpxTransport")
_PREFERRED_ASYNC = ("AsyncHttpxTransport", "AiohttpTransport")


def best_transport() -> ClosableTransport:
    """The best shipped ``Transport`` installed, with its defaults (RFC 5849 §3.5).

    urllib3's (pooled, thread-safe) if ``oauthcore[urllib3]`` is installed, else httpx's, else
    the standard library's: what a ``Client`` made without ``transport=`` sends through.
    """
    for name in _PREFERRED:
        try:
            made: ClosableTransport = __getattr__(name)()
        except ImportError:
            continue
        return made
    from .stdlib import UrllibTransport

    return UrllibTransport()


def best_async_transport() -> ClosableAsyncTransport:
    """The best shipped ``AsyncTransport`` installed, with its defaults (RFC 5849 §3.5).

    httpx's (``oauthcore[httpx]``), else aiohttp's (``oauthcore[aiohttp]``): what an
    ``AsyncClient`` made without ``transport=`` sends through. Neither: ``ImportError``.
    """
    for name in _PREFERRED_ASYNC:
        try:
            made: ClosableAsyncTransport = __getattr__(name)()
        except ImportError:
            continue
        return made
    raise ImportError(
        "an AsyncClient needs httpx or aiohttp, and neither is installed:"
        " pip install 'oauthcore[httpx]' (or 'oauthcore[aiohttp]')"
    )


def __getattr__(name: str) -> Any:
    if name in ADAPTERS:
        import importlib

        return getattr(importlib.import_module(ADAPTERS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__: list[str] = [
    "AiohttpTransport",
    "AsyncHttpxTransport",
    "Httplib2Transport",
    "HttpxTransport",
    "Urllib3Transport",
    "UrllibTransport",
    "WSGITransport",
    "best_async_transport",
    "best_transport",
]
