"""The ``TransportError`` tree: why a signed request got no usable response, one class per cause.

RFC 5849 §3.5 leaves delivery to HTTP; when it fails, the shipped adapters raise the class that
names the cause, mapping their library's exceptions explicitly: ``TransportTimeout``,
``ConnectionFailed`` (refused, reset), ``TLSError``, ``NameResolutionError``; the size cap and
the deadline raise ``ResponseTooLarge`` and ``DeadlineExceeded``. Each keeps the library's
exception as ``__cause__`` and a message naming the method, the URL (secrets masked) and the
cause. All are ``oauthcore.ClientError``s, with the client flow's own errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Self

from oauthcore import Request
from oauthcore.errors import ClientError
from oauthcore.redaction import mask_url

__all__ = [
    "ConnectionFailed",
    "DeadlineExceeded",
    "NameResolutionError",
    "ResponseTooLarge",
    "TLSError",
    "TransportError",
    "TransportTimeout",
]


class TransportError(ClientError):
    """A signed request (RFC 5849 §3.5) could not be sent, or no response came back.

    The shipped adapters raise a subclass naming the cause; a failure none of them names (a
    malformed reply, say) is a plain ``TransportError``. The message says what went wrong and
    names the method and the URL (secrets in its query masked); the original is ``__cause__``.
    """

    #: What the message says went wrong, unless the adapter says more.
    summary: ClassVar[str] = "request failed"

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        self.method = method
        #: The URL of the failed call, with secrets in the query masked.
        self.url = mask_url(url)
        prefix = f"{method} {self.url}".strip()
        super().__init__(f"{prefix}: {message}" if prefix else message)

    @classmethod
    def describe(cls, request: Request, cause: BaseException, summary: str = "") -> Self:
        """This error for ``request``, caused by ``cause`` (chain it with ``from``).

        The message is ``summary`` (else the class's), then the cause's class and text.
        """
        detail = str(cause) or cause.__class__.__name__
        return cls(
            f"{summary or cls.summary} ({cause.__class__.__name__}: {detail})",
            method=request.method,
            url=request.url,
        )

    @classmethod
    def wrap(cls, request: Request, cause: BaseException) -> TransportError:
        """The ``TransportError`` subclass for ``cause``, read off its chain, for ``request``.

        For adapters that do not map their library's exceptions themselves (the shipped ones
        do): the chain (``__cause__``, ``__context__``, urllib's ``reason``) is searched for a
        timeout, a refused or reset connection, a TLS or a name-resolution failure, known by
        type or, for libraries this package does not import, by class name.
        """
        kind, summary = _guess(cause)
        return kind.describe(request, cause, summary)


class TransportTimeout(TransportError):
    """No connection, or no data, within the transport's ``timeout`` (RFC 5849 §3.5)."""

    summary = "timed out"


class ConnectionFailed(TransportError):
    """The connection was refused, reset or broken before a response came (RFC 5849 §3.5)."""

    summary = "connection failed"


class TLSError(TransportError):
    """The TLS handshake failed: most often a certificate that does not verify (RFC 5849 §4.3)."""

    summary = "TLS failure"


class NameResolutionError(TransportError):
    """The URL's host name did not resolve to an address (RFC 5849 §3.5)."""

    summary = "host name not resolved"


class ResponseTooLarge(TransportError):
    """The response body is larger than the transport's ``max_response`` (RFC 5849 §3.5).

    Reading stopped as soon as the limit was passed (or before, on a ``Content-Length`` over
    it) and the connection was closed; ``limit`` is the cap in bytes.
    """

    def __init__(self, message: str, *, limit: int, method: str = "", url: str = "") -> None:
        super().__init__(message, method=method, url=url)
        #: The cap that was passed, in bytes.
        self.limit = limit


class DeadlineExceeded(TransportError):
    """The call (or the Client's redirect chain) ran past its ``deadline`` (RFC 5849 §3.5).

    ``deadline`` is the limit that ran out, in seconds; a per-read timeout that fires first is
    a ``TransportTimeout`` ("timed out") instead.
    """

    def __init__(self, message: str, *, deadline: float, method: str = "", url: str = "") -> None:
        super().__init__(message, method=method, url=url)
        #: The deadline that ran out, in seconds.
        self.deadline = deadline


#: A ``TransportError`` class and the summary its message starts with (``""``: the class's).
Kind = tuple[type[TransportError], str]


def chain_kind(
    cause: BaseException | None, classify: Callable[[BaseException], Kind | None]
) -> Kind | None:
    """The kind of the first error in ``cause``'s chain that ``classify`` or the built-ins name.

    The chain is ``__cause__``, ``__context__`` and urllib's ``reason``: libraries wrap the
    socket error one or two levels deep. Python breaks cycles when chaining, so the walk ends.
    """
    while cause is not None:
        found = _builtin_kind(cause) or classify(cause)
        if found is not None:
            return found
        reason = getattr(cause, "reason", None)
        cause = (
            reason if isinstance(reason, BaseException) else cause.__cause__ or cause.__context__
        )
    return None


def _builtin_kind(error: BaseException) -> Kind | None:
    # Exceptions every Python has, whatever library raised them.
    if isinstance(error, TimeoutError):
        return TransportTimeout, ""
    if isinstance(error, ConnectionRefusedError):
        return ConnectionFailed, "connection refused"
    if isinstance(error, ConnectionResetError):
        return ConnectionFailed, "connection reset"
    return None


def _by_name(error: BaseException) -> Kind | None:
    # For libraries this package does not import (``import transports`` loads no ssl or socket).
    name = error.__class__.__name__
    if "Timeout" in name:
        return TransportTimeout, ""
    if "SSL" in name or "Certificate" in name:
        return TLSError, ""
    if "gaierror" in name or "NameResolution" in name or "ServerNotFound" in name:
        return NameResolutionError, ""
    return None


def _guess(cause: BaseException) -> Kind:
    return chain_kind(cause, _by_name) or (TransportError, "")
