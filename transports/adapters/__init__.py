"""The shipped transports, one module per HTTP stack: urllib3, httplib2, urllib, in-process WSGI.

Each adapter is imported on first access, so importing this package loads no HTTP library;
``transports`` re-exports them all, which is where most code imports them from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..base import ClosableTransport
    from .httplib2 import Httplib2Transport
    from .stdlib import UrllibTransport
    from .urllib3 import Urllib3Transport
    from .wsgi import WSGITransport

#: Each adapter's module, relative to this package; imported when the name is first used.
ADAPTERS = {
    "Httplib2Transport": ".httplib2",
    "Urllib3Transport": ".urllib3",
    "UrllibTransport": ".stdlib",
    "WSGITransport": ".wsgi",
}


# The transports a Client makes when given none, best first: pooled and thread-safe, then the
# standard library's, which is always there.
_PREFERRED = ("Urllib3Transport",)


def best_transport() -> ClosableTransport:
    """The best shipped ``Transport`` installed, with its defaults (RFC 5849 §3.5).

    urllib3's (pooled, thread-safe) if ``oauthcore[urllib3]`` is installed, else the standard
    library's: what a ``Client`` made without ``transport=`` sends through.
    """
    for name in _PREFERRED:
        try:
            made: ClosableTransport = __getattr__(name)()
        except ImportError:
            continue
        return made
    from .stdlib import UrllibTransport

    return UrllibTransport()


def __getattr__(name: str) -> Any:
    if name in ADAPTERS:
        import importlib

        return getattr(importlib.import_module(ADAPTERS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__: list[str] = [
    "Httplib2Transport",
    "Urllib3Transport",
    "UrllibTransport",
    "WSGITransport",
    "best_transport",
]
