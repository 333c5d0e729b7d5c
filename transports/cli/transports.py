"""The transports the command line sends through, by name (``--transport urllib3``)."""

from __future__ import annotations

from ..base import DEFAULT_TIMEOUT, ClosableTransport

__all__ = ["TRANSPORT_NAMES", "make_transport"]

TRANSPORT_NAMES = ("urllib3", "httplib2", "urllib")
"""Every HTTP stack ``--transport`` accepts to send the signed request (RFC 5849 §3), in the
order ``oauthcore demo`` tries them."""


def make_transport(name: str, timeout: float | None = DEFAULT_TIMEOUT) -> ClosableTransport:
    """A new transport (sends §3.5 requests) by name; ``ImportError`` names its extra."""
    if name == "urllib3":
        from ..adapters.urllib3 import Urllib3Transport

        return Urllib3Transport(timeout=timeout)
    if name == "httplib2":
        from ..adapters.httplib2 import Httplib2Transport

        return Httplib2Transport(timeout=timeout)
    if name == "urllib":
        from ..adapters.stdlib import UrllibTransport

        return UrllibTransport(timeout=timeout)
    raise ValueError(f"unknown transport {name!r}; use one of {', '.join(TRANSPORT_NAMES)}")
