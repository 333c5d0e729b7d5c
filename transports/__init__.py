"""transports: the I/O edge of oauthcore, everything that touches a socket, a server or a terminal.

``base`` is the contract (``Transport``, ``AsyncTransport``, ``Response``, the ``TransportError``
tree); ``flow`` is the client flow without I/O, which ``Client`` drives over any transport and
``AsyncClient`` over any async one; ``adapters`` holds one transport per HTTP stack,
``provider`` the WSGI resource protection and token endpoints, ``demo`` the embedded provider,
``cli`` the console script and ``oauth2_compat`` python-oauth2's API. Importing this package
loads no HTTP library; each adapter loads its own on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import adapters
from .adapters import ADAPTERS, best_async_transport, best_transport
from .async_client import AsyncClient
from .base import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE,
    DEFAULT_TIMEOUT,
    AsyncBaseTransport,
    AsyncTransport,
    BaseTransport,
    ClosableAsyncTransport,
    ClosableTransport,
    ConnectionFailed,
    DeadlineExceeded,
    NameResolutionError,
    Response,
    ResponseTooLarge,
    TLSError,
    Transport,
    TransportError,
    TransportTimeout,
    redact_url,
)
from .client import Client, RedirectError

if TYPE_CHECKING:
    from .adapters.aiohttp import AiohttpTransport
    from .adapters.httplib2 import Httplib2Transport
    from .adapters.httpx import AsyncHttpxTransport, HttpxTransport
    from .adapters.stdlib import UrllibTransport
    from .adapters.urllib3 import Urllib3Transport
    from .adapters.wsgi import WSGITransport


def __getattr__(name: str) -> Any:
    # Adapters are imported on first access, so `import transports` loads no HTTP library.
    if name in ADAPTERS:
        return getattr(adapters, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__: list[str] = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE",
    "DEFAULT_TIMEOUT",
    "AiohttpTransport",
    "AsyncBaseTransport",
    "AsyncClient",
    "AsyncHttpxTransport",
    "AsyncTransport",
    "BaseTransport",
    "Client",
    "ClosableAsyncTransport",
    "ClosableTransport",
    "ConnectionFailed",
    "DeadlineExceeded",
    "Httplib2Transport",
    "HttpxTransport",
    "NameResolutionError",
    "RedirectError",
    "Response",
    "ResponseTooLarge",
    "TLSError",
    "Transport",
    "TransportError",
    "TransportTimeout",
    "Urllib3Transport",
    "UrllibTransport",
    "WSGITransport",
    "best_async_transport",
    "best_transport",
    "redact_url",
]
