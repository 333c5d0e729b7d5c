"""What every transport shares: the ``Transport`` protocols, ``Response`` and the errors they raise.

A transport sends one already-signed ``oauthcore.Request`` and returns what came back, byte for
byte: it follows no redirect, retries nothing and never touches the OAuth parameters (RFC 5849
§3.5 puts them on the wire exactly as the signer placed them). Anything with a matching ``send``
method is a transport; the adapters in ``transports.adapters`` are just the ones that ship. The
error classes live in ``transports.errors`` and are re-exported here.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterable
from typing import Any, Protocol, Self, runtime_checkable

from attrs import field, frozen

from oauthcore import Request
from oauthcore.records import all_headers, first_header, to_pairs
from oauthcore.redaction import mask_header, mask_url

from .errors import (
    ConnectionFailed,
    DeadlineExceeded,
    NameResolutionError,
    ResponseTooLarge,
    TLSError,
    TransportError,
    TransportTimeout,
)

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE",
    "DEFAULT_TIMEOUT",
    "AsyncBaseTransport",
    "AsyncTransport",
    "BaseTransport",
    "ClosableAsyncTransport",
    "ClosableTransport",
    "ConnectionFailed",
    "DeadlineExceeded",
    "NameResolutionError",
    "Response",
    "ResponseTooLarge",
    "TLSError",
    "Transport",
    "TransportError",
    "TransportTimeout",
    "redact_url",
    "send_takes",
]

DEFAULT_TIMEOUT = 30.0
"""Seconds a shipped adapter waits to connect and for each read of a signed request's reply
(RFC 5849 §3), unless told otherwise."""
DEFAULT_MAX_RESPONSE = 10 * 1024 * 1024
"""Largest reply body a shipped adapter reads, in bytes (10 MiB; a §2.1/§2.3 credentials reply
is a few hundred), unless told otherwise."""
DEFAULT_DEADLINE = 120.0
"""Seconds a shipped adapter gives one whole call of RFC 5849 §3 (connect, send, read it all),
unless told otherwise."""
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
"""The statuses a client follows when they carry a ``Location`` (RFC 9110 §15.4)."""

_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` with its userinfo and the values of secret parameters masked (RFC 5849 §3.5.3).

    Use it before putting a URL (or any text) in a message or a log line; it is the core's
    ``oauthcore.redaction.mask_url``, which knows every spelling parsers accept.
    """
    return mask_url(url)


def _to_status(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"status must be an int, not {type(value).__name__}")
    if not 100 <= value <= 999:
        raise ValueError(f"status must be a three-digit HTTP status code, got {value}")
    return value


def _to_headers(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    # The core's pair check: its errors name types, never values (a header may hold a secret).
    return to_pairs(value, "headers")


def _to_body(value: object) -> bytes:
    if isinstance(value, bytearray):
        return bytes(value)
    if not isinstance(value, bytes):
        raise TypeError(f"body must be bytes, not {type(value).__name__}")
    return value


@frozen(repr=False)
class Response:
    """An HTTP response as a transport received it: status, ordered headers, body, final URL.

    Header names keep their case and order, repeats included; ``header()`` looks them up
    case-insensitively. The body is never shown in ``repr`` (a token reply carries a secret, §2.3),
    nor are credentials in headers: a verifier in ``Location``, ``Set-Cookie`` and the like.
    """

    status: int = field(converter=_to_status)
    headers: tuple[tuple[str, str], ...] = field(default=(), converter=_to_headers)
    body: bytes = field(default=b"", converter=_to_body)
    url: str = ""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        return first_header(self.headers, name)

    def header_values(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in the order received."""
        return all_headers(self.headers, name)

    @property
    def ok(self) -> bool:
        """True for a 2xx (success) status."""
        return 200 <= self.status < 300

    @property
    def is_redirect(self) -> bool:
        """True for a redirect status with a ``Location`` header (301, 302, 303, 307, 308)."""
        return self.status in REDIRECT_STATUSES and self.header("Location") is not None

    @property
    def text(self) -> str:
        """The body decoded by its ``Content-Type`` charset (else UTF-8); bad bytes replaced."""
        charset = "utf-8"
        match = _CHARSET.search(self.header("Content-Type") or "")
        if match:
            charset = match.group(1)
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            # An unknown charset label is the server's mistake; UTF-8 is the best guess left.
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` when it is not JSON."""
        try:
            return json.loads(self.body)
        except RecursionError:
            # The parser recurses once per level: a hostile reply nests until the stack ends.
            raise ValueError("the JSON reply is nested too deeply to parse") from None

    def __repr__(self) -> str:
        headers = tuple((name, mask_header(name, value)) for name, value in self.headers)
        return (
            f"Response(status={self.status}, url={redact_url(self.url)!r},"
            f" headers={headers!r}, body=<{len(self.body)} bytes>)"
        )


@runtime_checkable
class Transport(Protocol):
    """Sends one signed request and returns the response, following no redirect (RFC 5849 §3.5).

    ``timeout`` (seconds) overrides the transport's default for this call. Failures to connect or
    to read raise a ``TransportError`` (the subclass naming the cause: ``TransportTimeout``,
    ``ConnectionFailed``, ``TLSError``, ``NameResolutionError``) with the original exception as
    ``__cause__``. A transport
    whose ``send`` also takes ``deadline`` (seconds for the whole call, as the shipped ones do)
    is handed what is left of the ``Client``'s deadline on each hop.
    """

    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        """Send ``request`` exactly as given and return the response as received."""
        ...


@runtime_checkable
class ClosableTransport(Transport, Protocol):
    """A ``Transport`` that holds connections: ``close()`` releases them, ``with`` closes it (§3.5).

    Every shipped adapter is one (they inherit ``BaseTransport``). The ``Client`` asks only for
    ``Transport``: a transport may serve many clients, so whoever made it closes it, and one
    written with ``send`` alone keeps working wherever a ``Transport`` is asked for.
    """

    def close(self) -> None:
        """Release the transport's connections; it must not be used afterwards."""
        ...

    def __enter__(self) -> Self:
        """Return the transport itself."""
        ...

    def __exit__(self, *exc_info: object) -> None:
        """Close the transport."""
        ...


@runtime_checkable
class AsyncTransport(Protocol):
    """Sends one signed request without blocking and returns the response (RFC 5849 §3.5).

    The async twin of ``Transport``, for the ``AsyncClient``: ``send`` is a coroutine function
    with the same rules (no redirect followed, nothing retried, failures as ``TransportError``s).
    One whose ``send`` also takes ``deadline``, as the shipped ones do, is handed what is left of
    the client's deadline on each hop.
    """

    async def send(self, request: Request, *, timeout: float | None = None) -> Response:
        """Send ``request`` exactly as given and return the response as received."""
        ...


@runtime_checkable
class ClosableAsyncTransport(AsyncTransport, Protocol):
    """An ``AsyncTransport`` that holds connections: ``await aclose()``, ``async with`` (§3.5).

    Every shipped async adapter is one (they inherit ``AsyncBaseTransport``).
    """

    async def aclose(self) -> None:
        """Release the transport's connections; it must not be used afterwards."""
        ...

    async def __aenter__(self) -> Self:
        """Return the transport itself."""
        ...

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the transport."""
        ...


class BaseTransport:
    """``close()`` and ``with`` for a transport class: inherit it and define ``send`` (§3.5).

    ``close`` releases nothing here; a transport that holds connections overrides it.
    """

    def close(self) -> None:
        """Release the transport's connections (this base holds none)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncBaseTransport:
    """``aclose()`` and ``async with`` for an async transport class: define ``send`` (§3.5).

    ``aclose`` releases nothing here; a transport that holds connections overrides it.
    """

    async def aclose(self) -> None:
        """Release the transport's connections (this base holds none)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def send_takes(transport: object, name: str) -> bool:
    """Whether ``transport.send`` takes the keyword argument ``name`` (``deadline``, ``stream``):
    an optional part of the transport protocol (§3.5) that shipped transports implement."""
    try:
        # Looked up before the transport is validated: a missing send is refused later.
        send: Any = getattr(transport, "send", None)
        parameters = inspect.signature(send).parameters
    except (TypeError, ValueError):
        return False
    found = parameters.get(name)
    return found is not None and found.kind in (found.KEYWORD_ONLY, found.POSITIONAL_OR_KEYWORD)
