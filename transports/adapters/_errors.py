"""How the shipped adapters name a failure: socket and ssl errors by type, in the chain (§3.5).

Each adapter maps its own library's exceptions first (urllib3's ``NameResolutionError``,
httplib2's ``ServerNotFoundError``...) and hands the rest here, where the chain of causes is
searched for the standard library's: a timeout, a refused or reset connection, a TLS failure,
a host name that did not resolve. What none of them explains is a plain ``TransportError``.
"""

from __future__ import annotations

import socket
import ssl

from oauthcore import Request

from ..errors import Kind, NameResolutionError, TLSError, TransportError, chain_kind

__all__ = ["Kind", "failure", "socket_kind"]


def socket_kind(cause: BaseException | None) -> Kind | None:
    """The kind of the first socket or ssl error in ``cause``'s chain, if there is one."""
    return chain_kind(cause, _by_type)


def _by_type(error: BaseException) -> Kind | None:
    if isinstance(error, ssl.SSLError):
        return TLSError, ""
    if isinstance(error, socket.gaierror):
        return NameResolutionError, ""
    return None


def failure(request: Request, cause: BaseException, kind: Kind | None) -> TransportError:
    """The error of ``kind`` for ``request``, caused by ``cause``; a ``TransportError`` if none."""
    error_class, summary = kind or (TransportError, "")
    return error_class.describe(request, cause, summary)
