"""Clock skew: learn each origin's clock from a refused timestamp, sign with it after (§3.3).

Theory of operation: a provider refuses a timestamp outside its window (RFC 5849 §3.3) with
``401`` and ``oauth_problem=timestamp_refused``; the OAuth Problem Reporting extension adds
``oauth_acceptable_timestamps=oldest-newest``. ``ClockSkew.learn`` reads that range (its middle
is the provider's "now"), else the reply's ``Date`` header (RFC 9110 §6.6.1), and records the
difference to the client's clock for the reply's origin (RFC 6454) only: one provider's clock
never moves the timestamps sent to another. A ``401`` with no problem report at all (most
providers send none) is read by its ``Date`` alone, and only when that is further from the
client's clock than ``date_tolerance``: otherwise the refusal is about something else.
``timestamp(url)`` is then the ``timestamp`` argument of ``sign()``: the core stays
deterministic, the offset is an argument like any other.
Until an offset is learned (and with the default clock) it is ``None`` and ``sign`` reads the
clock itself, so an untroubled client pays one dict check per hop.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from oauthcore import Request
from oauthcore.problems import read_problem_report

from ..base import Response
from ..flow import Signer
from ..redirects import origin
from .retry import http_date

__all__ = ["DATE_TOLERANCE", "ClockSkew", "SkewedSigner", "problem_report", "server_time"]

DATE_TOLERANCE = 60.0
"""Seconds a bare ``401``'s ``Date`` may differ from the client's clock before the clock is
taken to be the cause (RFC 5849 §3.3; RFC 9110 §6.6.1)."""

# Digits enough for any timestamp until the year 33658; more is not a timestamp.
_RANGE = re.compile(r"([0-9]{1,12})-([0-9]{1,12})")


def problem_report(response: Response) -> dict[str, str]:
    """The OAuth Problem Reporting fields of ``response``, a refusal (RFC 5849 §3.2): its form body,
    else its challenge; ``oauthcore.problems.read_problem_report`` on the reply."""
    return read_problem_report(response.body, response.header("WWW-Authenticate"))


def server_time(response: Response, report: dict[str, str]) -> int | None:
    """The provider's clock when it answered: the middle of ``oauth_acceptable_timestamps``,
    else the ``Date`` header (RFC 9110 §6.6.1); ``None`` when neither can be read."""
    found = _RANGE.fullmatch(report.get("oauth_acceptable_timestamps", ""))
    if found is not None:
        oldest, newest = int(found[1]), int(found[2])
        if oldest <= newest:
            return (oldest + newest) // 2
    date = response.header("Date")
    return None if date is None else http_date(date)


class ClockSkew:
    """Each origin's clock offset, learned from ``timestamp_refused`` replies (RFC 5849 §3.3).

    ``clock`` is the client's clock (seconds since the epoch; ``time.time`` when ``None``). At
    most ``max_origins`` offsets are kept, the oldest forgotten first. A provider that reports
    no problem (a bare ``401``, as many do) is read by its ``Date`` header: when that is more
    than ``date_tolerance`` seconds from the client's clock (as corrected so far), the clock is
    learnt and the call signed once more (``None``: only ``timestamp_refused`` teaches).
    Thread-safe; share one between clients to share what they learned.

    >>> from transports.resilience import ClockSkew
    >>> skew = ClockSkew(clock=lambda: 1_000_000)
    >>> skew.timestamp("https://api.example.com/me")
    1000000
    """

    __slots__ = ("_lock", "_offsets", "clock", "date_tolerance", "max_origins")

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        *,
        max_origins: int = 1024,
        date_tolerance: float | None = DATE_TOLERANCE,
    ) -> None:
        if clock is not None and not callable(clock):
            raise TypeError(f"clock must be callable, not {type(clock).__name__}")
        if isinstance(max_origins, bool) or not isinstance(max_origins, int) or max_origins < 1:
            raise ValueError(f"max_origins must be an int of at least 1, not {max_origins!r}")
        if date_tolerance is not None and (
            isinstance(date_tolerance, bool)
            or not isinstance(date_tolerance, (int, float))
            or not date_tolerance >= 0
        ):
            raise ValueError(
                f"date_tolerance must be 0 or more seconds, or None, not {date_tolerance!r}"
            )
        self.clock = clock
        self.max_origins = max_origins
        self.date_tolerance = date_tolerance
        self._offsets: dict[str, int] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ClockSkew(origins={len(self._offsets)})"

    def offset(self, url: str) -> int:
        """Seconds added to the client's clock for ``url``'s origin (0 until one is learned)."""
        return self._offsets.get(origin(url), 0) if self._offsets else 0

    def timestamp(self, url: str) -> int | None:
        """The ``oauth_timestamp`` to sign a request to ``url`` with (§3.3), or ``None``.

        ``None`` (``sign`` reads the clock itself) while nothing is learned and the clock is
        the default one.
        """
        if self.clock is None:
            if not self._offsets:
                return None
            return int(time.time()) + self.offset(url)
        return int(self.clock()) + self.offset(url)

    def learn(self, response: Response) -> bool:
        """Learn ``response``'s origin's offset from a ``401`` about its clock (§3.3).

        A ``timestamp_refused`` report teaches it (its acceptable range, else ``Date``); a
        ``401`` with no problem report teaches it by its ``Date`` when that is more than
        ``date_tolerance`` from the clock as corrected so far. True when the offset changed, so
        a request signed again would carry another timestamp; False for any other reply, one
        that says nothing of the provider's clock, or one that agrees with what was already
        learned (no point in sending it again).
        """
        if response.status != 401:
            return False
        report = problem_report(response)
        problem = report.get("oauth_problem")
        if problem != "timestamp_refused" and (problem is not None or self.date_tolerance is None):
            return False
        server = server_time(response, report)
        if server is None:
            return False
        now = time.time() if self.clock is None else self.clock()
        key = origin(response.url)
        offset = server - int(now)
        if problem is None and abs(offset - self._offsets.get(key, 0)) <= (
            self.date_tolerance or 0
        ):
            # A bare 401 from a provider whose clock agrees with ours: not about the clock.
            return False
        with self._lock:
            if self._offsets.get(key, 0) == offset:
                return False
            self._offsets.pop(key, None)
            self._offsets[key] = offset
            while len(self._offsets) > self.max_origins:
                del self._offsets[next(iter(self._offsets))]
        return True

    def forget(self) -> None:
        """Drop every learned offset: sign with the client's own clock again."""
        with self._lock:
            self._offsets.clear()


class SkewedSigner:
    """``signer`` with the timestamp ``skew`` gives each hop's origin (RFC 5849 §3.3)."""

    __slots__ = ("signer", "skew")

    def __init__(self, signer: Signer, skew: ClockSkew) -> None:
        self.signer = signer
        self.skew = skew

    def __call__(self, request: Request) -> Request:
        """``request`` signed afresh, its ``oauth_timestamp`` on the origin's clock."""
        return self.signer(request, timestamp=self.skew.timestamp(request.url))
