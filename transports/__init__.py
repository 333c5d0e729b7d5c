"""transports: the I/O edge of oauthcore, everything that touches a socket, a server or a terminal.

``base`` is the contract (``Transport``, ``Response``, the ``TransportError`` tree); ``client``
drives a signed flow over any transport; ``adapters`` holds one transport per HTTP stack,
``provider`` the WSGI resource protection and token endpoints, ``demo`` the embedded provider,
``cli`` the console script and ``oauth2_compat`` python-oauth2's API. Importing this package
loads no HTTP library; each adapter loads its own on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import adapters
from .adapters import ADAPTERS
from .base import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE,
    DEFAULT_TIMEOUT,
    BaseTransport,
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
    from .adapters.httplib2 import Httplib2Transport
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
    "BaseTransport",
    "Client",
    "ClosableTransport",
    "ConnectionFailed",
    "DeadlineExceeded",
    "Httplib2Transport",
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
    "redact_url",
]
