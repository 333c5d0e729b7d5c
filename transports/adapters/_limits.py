"""The size cap and the deadline of one call, shared by the shipped adapters (RFC 5849 §3.5).

Theory of operation: a socket timeout bounds each read, not a call, so a server that trickles a
byte at a time keeps a call alive for ever, and an HTTP library reads a body of any size into
memory. ``Budget`` holds both limits of one call. The adapter asks it for each socket wait
(``read_timeout``: the per-read timeout cut to the time left, so no single wait outlasts the
deadline), and lets it read the body (``read``): in chunks of at most what the cap still allows,
checking the clock between chunks, refusing a ``Content-Length`` over the cap before reading.

The status line and the headers are read by the HTTP library itself, so ``in_force`` makes the
budget that of the call under way in this thread, for the responses the adapters' connections
make to read through (``transports.adapters._budgeted``). This module loads no HTTP library: the
``Client`` uses it too.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator
from contextlib import contextmanager

from oauthcore import Request

from ..base import AsyncBaseTransport, BaseTransport
from ..errors import DeadlineExceeded, ResponseTooLarge, TransportError, TransportTimeout

__all__ = [
    "AsyncLimitedTransport",
    "Budget",
    "LimitedTransport",
    "Limits",
    "body_length",
    "budget_in_force",
    "check_deadline",
    "check_max_response",
]

# Bytes asked for per read: large enough to be cheap, small enough to stop just past the cap.
_CHUNK = 64 * 1024
# The budget of the call under way in each thread (a send runs in the thread that called it).
_calls = threading.local()


def budget_in_force() -> Budget | None:
    """The budget of the call under way in this thread (see ``Budget.in_force``), if any."""
    budget: Budget | None = getattr(_calls, "budget", None)
    return budget


def check_max_response(value: object) -> int | None:
    """``value`` as a response size cap in bytes (``None``: no cap); refuses anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_response must be an int (bytes) or None, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_response must be 0 or more, got {value}")
    return value


def check_deadline(value: object) -> float | None:
    """``value`` as a deadline in seconds (``None``: none); refuses anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"deadline must be a number of seconds or None, not {type(value).__name__}")
    if not value > 0:
        raise ValueError(f"deadline must be more than 0 seconds, got {value}")
    if math.isinf(value):
        raise ValueError("deadline must be finite; pass None for no deadline")
    return float(value)


class Budget:
    """The limits of one call to ``send``: size cap, deadline and per-read timeout (§3.5).

    Made when the call starts, so the deadline counts connecting, sending and reading alike.
    """

    __slots__ = ("_bound", "_ends", "deadline", "max_response", "request", "timeout")

    def __init__(
        self,
        request: Request,
        *,
        max_response: int | None,
        deadline: float | None,
        timeout: float | None,
    ) -> None:
        self.request = request
        self.max_response = max_response
        self.deadline = deadline
        self.timeout = timeout
        self._ends = None if deadline is None else time.monotonic() + deadline
        # Whether the last socket wait handed out was cut short by the deadline.
        self._bound = False

    @contextmanager
    def in_force(self) -> Iterator[Budget]:
        """Make this the budget of the call under way in this thread (``budget_in_force``)."""
        outer = getattr(_calls, "budget", None)
        _calls.budget = self
        try:
            yield self
        finally:
            _calls.budget = outer

    def read_timeout(self) -> float | None:
        """Seconds the next socket wait may take: the timeout, cut to the time left."""
        if self._ends is None:
            return self.timeout
        left = self._ends - time.monotonic()
        if left <= 0:
            raise self.exceeded()
        self._bound = self.timeout is None or left < self.timeout
        return left if self._bound else self.timeout

    def read(
        self,
        read1: Callable[[int], bytes],
        settimeout: Callable[[float | None], None] | None,
        length: int | None,
    ) -> bytes:
        """The body, read with ``read1`` (one socket read at most) within both limits.

        ``length`` is the ``Content-Length`` still to come, if the library knows it;
        ``settimeout`` sets the socket's timeout before each read while a deadline runs
        (``None``: the reads do that themselves, as a ``BudgetedResponse``'s do).
        """
        limit = self.max_response
        self.check_length(length)
        chunks: list[bytes] = []
        size = 0
        while True:
            if settimeout is not None and self._ends is not None:
                settimeout(self.read_timeout())
            chunk = read1(_CHUNK if limit is None else min(_CHUNK, limit - size + 1))
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            self.check_size(size)
            chunks.append(chunk)

    async def read_async(
        self,
        chunks: AsyncIterable[bytes],
        length: int | None,
        read_all: Callable[[], Awaitable[bytes]] | None = None,
    ) -> bytes:
        """The body, from ``chunks`` as an async HTTP library yields them, within the size cap.

        ``length`` is the ``Content-Length`` to come, if known; then ``read_all`` (the library's
        read of exactly that many bytes), if given, reads it in one go: the cap was checked
        first, so memory stays bounded. The deadline is the caller's (an ``asyncio`` timeout
        around the whole call, which cancels a read under way).
        """
        self.check_length(length)
        if length is not None and read_all is not None:
            body = await read_all()
            self.check_size(len(body))  # the library stops at the length; checked all the same
            return body
        parts: list[bytes] = []
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            self.check_size(size)
            parts.append(chunk)
        return b"".join(parts)

    def check_length(self, length: int | None) -> None:
        """Refuse a ``Content-Length`` over the cap, before any of the body is read."""
        limit = self.max_response
        if limit is not None and length is not None and length > limit:
            raise self.too_large(f"a Content-Length of {length} bytes is")

    def check_size(self, size: int) -> None:
        """Refuse a body once the ``size`` bytes read so far are over the cap."""
        limit = self.max_response
        if limit is not None and size > limit:
            raise self.too_large("the response body is")

    def too_large(self, what: str) -> ResponseTooLarge:
        """The error for a body over the cap; ``what`` says what was over it."""
        limit = self.max_response
        assert limit is not None  # only asked for when there is a cap
        return ResponseTooLarge(
            f"{what} over the {limit}-byte limit (max_response={limit}); pass a larger"
            f" max_response (or None) to the transport to accept it",
            limit=limit,
            method=self.request.method,
            url=self.request.url,
        )

    def exceeded(self) -> DeadlineExceeded:
        """The error for a call that ran out of time."""
        deadline = self.deadline
        assert deadline is not None  # only asked for when there is a deadline
        return DeadlineExceeded(
            f"no complete response within the {deadline:g}-second deadline; pass a larger"
            f" deadline (or None) to send() or to the transport",
            deadline=deadline,
            method=self.request.method,
            url=self.request.url,
        )

    def error(self, failure: TransportError) -> TransportError:
        """``failure``, the adapter's error for this call, or the deadline's if it cut the wait."""
        if self._bound and isinstance(failure, TransportTimeout):
            return self.exceeded()
        return failure


class Limits:
    """A shipped adapter's limits, checked once: ``timeout``, ``max_response``, ``deadline`` (§3.5).

    ``send`` asks ``budget`` for the limits of each call: these, unless it was given others.
    """

    timeout: float | None
    max_response: int | None
    deadline: float | None

    def _set_limits(
        self, timeout: float | None, max_response: int | None, deadline: float | None
    ) -> None:
        self.timeout = timeout
        self.max_response = check_max_response(max_response)
        self.deadline = check_deadline(deadline)

    def budget(
        self, request: Request, timeout: float | None, deadline: float | None = None
    ) -> Budget:
        """The limits of one call of ``send``, which starts now: its own, else the transport's."""
        return Budget(
            request,
            max_response=self.max_response,
            deadline=self.deadline if deadline is None else check_deadline(deadline),
            timeout=self.timeout if timeout is None else timeout,
        )


class LimitedTransport(Limits, BaseTransport):
    """A sync shipped adapter: the ``Limits``, ``close()`` and ``with`` (§3.5)."""


class AsyncLimitedTransport(Limits, AsyncBaseTransport):
    """An async shipped adapter: the ``Limits``, ``aclose()`` and ``async with`` (§3.5)."""


def body_length(method: str, status: int, content_length: str | None) -> int | None:
    """The body size a ``Content-Length`` announces, if it can be trusted before reading (§3.5).

    A HEAD reply, a 1xx, 204 or 304 has no body whatever the header says (RFC 9110 §8.6); a
    value that is not a plain number is the HTTP library's to refuse, not a size to check.
    """
    if method == "HEAD" or status in (204, 304) or status < 200 or content_length is None:
        return None
    text = content_length.strip()
    return int(text) if text.isascii() and text.isdigit() else None
