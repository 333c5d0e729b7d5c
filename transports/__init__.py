"""transports: the I/O edge of oauthcore: HTTP adapters, the Client, WSGI provider pieces, the CLI.

Importing this package loads no HTTP library; each adapter loads its own on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE,
    DEFAULT_TIMEOUT,
    DeadlineExceeded,
    Response,
    ResponseTooLarge,
    Transport,
    TransportError,
    redact_url,
)
from .client import Client, RedirectError

if TYPE_CHECKING:
    from .httplib2_adapter import Httplib2Transport
    from .stdlib_adapter import UrllibTransport
    from .urllib3_adapter import Urllib3Transport

# Adapters are imported on first access, so `import transports` loads no HTTP library.
_ADAPTERS = {
    "Httplib2Transport": ".httplib2_adapter",
    "Urllib3Transport": ".urllib3_adapter",
    "UrllibTransport": ".stdlib_adapter",
}


def __getattr__(name: str) -> Any:
    if name in _ADAPTERS:
        import importlib

        return getattr(importlib.import_module(_ADAPTERS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__: list[str] = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE",
    "DEFAULT_TIMEOUT",
    "Client",
    "DeadlineExceeded",
    "Httplib2Transport",
    "RedirectError",
    "Response",
    "ResponseTooLarge",
    "Transport",
    "TransportError",
    "Urllib3Transport",
    "UrllibTransport",
    "redact_url",
]
