"""What the shipped adapters share: the checks of their TLS options (RFC 5849 §3.5), the error
for an HTTP library that is not installed, and the reading of raw header lines.

An adapter verifies certificates against ``ca_certs`` (a PEM file) or with an ``ssl_context``,
never both, and takes neither when it is given a client of yours, whose TLS is yours to set.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .._extras import missing_extra

__all__ = ["check_own", "check_tls", "header_pairs", "needs", "tls_context"]


@contextmanager
def needs(adapter: str, library: str) -> Iterator[None]:
    """Turn an ``ImportError`` of the block (importing ``library``) into one naming the extra.

    The block is the adapter's own ``import``, so the module keeps its type where it is used.
    """
    try:
        yield
    except ImportError as exc:
        raise missing_extra(adapter, library) from exc


def check_own(
    owned: object, noun: str, ca_certs: str | None, ssl_context: ssl.SSLContext | None = None
) -> None:
    """Refuse TLS options beside the ``owned`` client (a ``noun``) the caller passed, if any."""
    if owned is not None and (ca_certs is not None or ssl_context is not None):
        raise ValueError(f"configure TLS on the {noun} you pass, or pass no {noun}")


def check_tls(ca_certs: str | None, ssl_context: ssl.SSLContext | None) -> None:
    """Refuse a CA file beside a context: it would be loaded into the caller's context."""
    if ca_certs is not None and ssl_context is not None:
        raise ValueError("give ca_certs or ssl_context, not both")


def tls_context(ca_certs: str | None, ssl_context: ssl.SSLContext | None) -> ssl.SSLContext:
    """The caller's ``ssl_context``, else one verifying against ``ca_certs`` or the system's."""
    check_tls(ca_certs, ssl_context)
    return ssl_context or ssl.create_default_context(cafile=ca_certs)


def header_pairs(raw: Iterable[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    """Header lines as received, repeats kept, each byte read as the latin-1 character it is."""
    return tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in raw)
