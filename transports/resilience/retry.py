"""``RetryPolicy``: which failures a call tries again, how often, and how long it waits between.

Theory of operation: the policy only decides; the flow (``transports.resilience.call_flow``)
acts. A connection failure (``ConnectionFailed``, ``TransportTimeout``), a ``429`` or a ``5xx``
of ``statuses`` is tried again, for an idempotent method (RFC 9110 §9.2.2) unless ``methods``
says otherwise, at most ``attempts`` times in all. Between tries the flow yields a ``Pause``:
``Retry-After`` (RFC 9110 §10.2.3, seconds or an HTTP-date) when the reply has one, else an
exponential backoff with full jitter. Every try is signed afresh (RFC 5849 §3.3: a new nonce and
timestamp), never replayed. Randomness, the clock and the sleep are injectable, for tests.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable, Iterable

from attrs import field, frozen

from ..base import Response
from ..errors import ConnectionFailed, TransportError, TransportTimeout
from ..pause import Sleep

__all__ = ["IDEMPOTENT_METHODS", "RETRY_STATUSES", "RetryPolicy", "http_date", "retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
"""Methods that may be sent twice with the effect of once (RFC 9110 §9.2.2)."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Replies worth another try: 429 Too Many Requests (RFC 6585 §4) and the server errors that
say "later" (RFC 9110 §15.6)."""
# A Retry-After of more digits than this is no delay anyone waits for.
_MAX_DIGITS = 10


def retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 §10.2.3), or ``None``.

    ``value`` is delay-seconds or an HTTP-date (a date in the past: 0); unreadable: ``None``.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit() and value.isascii():
        return float(value) if len(value) <= _MAX_DIGITS else None
    when = http_date(value)
    return None if when is None else max(0.0, when - now)


def http_date(value: str) -> int | None:
    """An HTTP-date (RFC 9110 §5.6.7) as seconds since the epoch; ``None`` when unreadable.

    How ``Retry-After`` and a reply's ``Date`` (the provider's clock) are read.
    """
    if len(value) > 64:
        return None
    # Imported here: email.utils imports socket, which ``import transports`` does not load.
    import email.utils

    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    try:
        return int(email.utils.mktime_tz(parsed))
    except (OverflowError, ValueError):
        return None


def _positive_int(_instance: object, attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"attempts must be an int of at least 1, not {value!r}")


def _seconds(_instance: object, attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{getattr(attribute, 'name', 'seconds')} must be 0 or more seconds")


def _statuses(statuses: Iterable[int]) -> frozenset[int]:
    found = frozenset(statuses)
    for status in found:
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError(f"statuses must be HTTP statuses (100 to 599), not {status!r}")
    return found


def _upper(methods: object) -> frozenset[str]:
    if isinstance(methods, str):
        raise TypeError("methods must be a collection of method names, not one str")
    return frozenset(str(method).upper() for method in methods)  # type: ignore[attr-defined]


@frozen
class RetryPolicy:
    """When a call is tried again, signed afresh each time (RFC 5849 §3.3, RFC 9110 §9.2.2).

    ``attempts`` counts every try, the first included. A ``Retry-After`` longer than
    ``max_retry_after`` is not waited for: that reply is returned.

    >>> from transports.resilience import RetryPolicy
    >>> RetryPolicy(attempts=4).retries_method("POST")
    False
    """

    attempts: int = field(default=3, validator=_positive_int)
    #: The first backoff, doubled for each further try, up to ``max_backoff`` (full jitter).
    backoff: float = field(default=0.5, validator=_seconds)
    max_backoff: float = field(default=30.0, validator=_seconds)
    max_retry_after: float = field(default=60.0, validator=_seconds)
    statuses: frozenset[int] = field(default=RETRY_STATUSES, converter=_statuses)
    #: Methods tried again; add ``"POST"`` only for requests the server treats as idempotent.
    methods: frozenset[str] = field(default=IDEMPOTENT_METHODS, converter=_upper)
    #: Transport failures tried again (a deadline or a size cap is not).
    failures: tuple[type[TransportError], ...] = (ConnectionFailed, TransportTimeout)
    #: A number in [0, 1) for the jitter; ``random.random`` unless a test injects its own.
    random: Callable[[], float] = field(default=_random.random, repr=False)
    #: The clock an HTTP-date ``Retry-After`` is read against.
    clock: Callable[[], float] = field(default=time.time, repr=False)
    #: What waits between tries; ``None``: the driver's (``time.sleep``, ``asyncio.sleep``).
    sleep: Sleep | None = field(default=None, repr=False)

    def retries_method(self, method: str) -> bool:
        """Whether a ``method`` request may be tried again at all (RFC 9110 §9.2.2)."""
        return method in self.methods

    def backoff_delay(self, retry: int) -> float:
        """Seconds before try ``retry + 2``: a random share of ``backoff * 2**retry``, capped."""
        return self.random() * min(self.max_backoff, self.backoff * 2.0 ** min(retry, 64))

    def failure_delay(self, error: TransportError, retry: int) -> float | None:
        """Seconds to wait before trying again after ``error``, or ``None``: do not."""
        return self.backoff_delay(retry) if isinstance(error, self.failures) else None

    def response_delay(self, response: Response, retry: int) -> float | None:
        """Seconds to wait before trying again after ``response``, or ``None``: return it.

        ``Retry-After`` when the reply has a readable one (at most ``max_retry_after``), else
        the backoff.
        """
        if response.status not in self.statuses:
            return None
        asked = retry_after(response.header("Retry-After"), now=self.clock())
        if asked is None:
            return self.backoff_delay(retry)
        return asked if asked <= self.max_retry_after else None
