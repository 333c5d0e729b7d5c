"""Shared timing, table and verdict helpers for the benchmarks.

Method (timeit-style): each contender loops over a list of inputs built *before* the clock starts,
every input unique for the whole run (a serial number goes into it), so no cache anywhere can
serve a repeated value. The garbage collector is off while the clock runs, as in ``timeit``.
Contenders are timed round-robin, one short repeat each in turn (many short repeats rather than a
few long ones), so a burst of load on a shared machine hits all of them alike and the best repeat
of each is likely to have run in a quiet moment. Each figure is reported as the best (minimum)
repeat, which is what the targets are judged on, with the median beside it to show the spread.
The clock is the process's CPU time by default (``time.process_time``), so the time the process
spends waiting for a core on a shared machine is not counted; ``--timer wall`` uses
``time.perf_counter`` as ``timeit`` does.
"""

from __future__ import annotations

import gc
import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Contender",
    "Settings",
    "Timing",
    "Verdict",
    "compare",
    "fresh",
    "print_table",
    "verdict",
    "verdicts",
]

_serial = itertools.count(1)


def fresh() -> int:
    """A serial number never handed out before in this process: makes every input unique."""
    return next(_serial)


@dataclass
class Settings:
    """How long to measure: repeats per contender and the minimum duration of one repeat."""

    repeat: int = 25
    min_time: float = 0.02
    #: ``"cpu"``: this process's CPU time (time spent waiting for a core on a busy machine does
    #: not count); ``"wall"``: ``time.perf_counter``, as ``timeit`` does.
    timer: str = "cpu"

    def clock(self) -> Callable[[], float]:
        """The clock function this run uses."""
        return time.process_time if self.timer == "cpu" else time.perf_counter


@dataclass
class Contender:
    """One implementation under test: ``run`` does one operation per item of ``inputs``.

    ``make_inputs(n)`` builds ``n`` fresh inputs outside the timed region.
    """

    name: str
    run: Callable[[list[Any]], object]
    make_inputs: Callable[[int], list[Any]]


@dataclass
class Timing:
    """Seconds per operation, one figure per repeat."""

    name: str
    number: int
    per_op: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        """The fastest repeat: the least disturbed by other load (``timeit`` advice)."""
        return min(self.per_op)

    @property
    def median(self) -> float:
        """The median repeat, to show how noisy the run was."""
        return statistics.median(self.per_op)


def _timed(
    run: Callable[[list[Any]], object], inputs: list[Any], clock: Callable[[], float]
) -> float:
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        run(inputs)
        return clock() - start
    finally:
        if enabled:
            gc.enable()


def compare(contenders: Sequence[Contender], settings: Settings) -> list[Timing]:
    """Time every contender round-robin and return seconds per operation for each repeat."""
    timings: list[Timing] = []
    clock = settings.clock()
    for contender in contenders:
        # Warm up (imports, first-call caches of the interpreter) and size a repeat so that it
        # lasts at least ``min_time``: cheap operations need more iterations to be measurable.
        _timed(contender.run, contender.make_inputs(20), clock)
        probe = 50
        elapsed = _timed(contender.run, contender.make_inputs(probe), clock)
        number = max(probe, int(settings.min_time / max(elapsed / probe, 1e-9)))
        timings.append(Timing(contender.name, number))
    for round_ in range(settings.repeat):
        order = list(range(len(contenders)))
        shift = round_ % len(order)
        for index in order[shift:] + order[:shift]:
            contender, timing = contenders[index], timings[index]
            inputs = contender.make_inputs(timing.number)
            timing.per_op.append(_timed(contender.run, inputs, clock) / timing.number)
    return timings


def _format_us(seconds: float) -> str:
    micro = seconds * 1e6
    if micro >= 100:
        return f"{micro:,.0f}"
    if micro >= 10:
        return f"{micro:.1f}"
    return f"{micro:.2f}"


def print_table(title: str, timings: Sequence[Timing], reference: str) -> None:
    """Print best and median µs/op and each row's time relative to ``reference`` (x slower)."""
    base = next(t for t in timings if t.name == reference).best
    width = max(len(t.name) for t in timings)
    print(f"\n{title}")
    print(f"  {'implementation':<{width}}  {'best µs/op':>11}  {'median µs/op':>12}  {'ratio':>7}")
    for timing in timings:
        ratio = timing.best / base
        print(
            f"  {timing.name:<{width}}  {_format_us(timing.best):>11}"
            f"  {_format_us(timing.median):>12}  {ratio:>6.2f}x"
        )
    print(f"  (ratio = best time / best time of {reference}; >1 means slower than it)")


@dataclass
class Verdict:
    """One target from the issues and whether this run met it."""

    target: str
    passed: bool
    detail: str

    def line(self) -> str:
        """``PASS``/``FAIL``, the target and the measured figure."""
        return f"{'PASS' if self.passed else 'FAIL'}  {self.target}: {self.detail}"


verdicts: list[Verdict] = []


def verdict(target: str, passed: bool, detail: str) -> Verdict:
    """Record and print a target's outcome."""
    result = Verdict(target, passed, detail)
    verdicts.append(result)
    print(result.line())
    return result


def by_name(timings: Sequence[Timing]) -> dict[str, Timing]:
    """Index timings by contender name."""
    return {timing.name: timing for timing in timings}
