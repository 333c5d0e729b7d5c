"""Command line: ``python -m benchmarks [SUITE ...] [options]``.

Suites: sign, verify, client, imports, nonces, keys, stores, frameworks, integrations,
async_client, resilience, streams; none or ``all``: every one.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from collections.abc import Callable

from . import common

SUITES = (
    "sign",
    "verify",
    "client",
    "imports",
    "nonces",
    "keys",
    "stores",
    "frameworks",
    "integrations",
    "async_client",
    "resilience",
    "streams",
)


def _suite(name: str, settings: common.Settings, profile: bool) -> Callable[[], None] | None:
    """The entry point of a suite, or None when the code it measures is not there yet."""
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ImportError as exc:
        print(f"\n[{name}] skipped: {exc}")
        return None
    if name in ("sign", "verify"):
        return lambda: module.main(settings, profile=profile)
    if name == "imports":
        return lambda: module.main()
    return lambda: module.main(settings)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen suites, then print every PASS/FAIL line again as a summary."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    # Checked below, not with choices=: Python 3.11's argparse refuses an empty list against them.
    parser.add_argument("suites", nargs="*", help=f"any of: {', '.join([*SUITES, 'all'])}")
    parser.add_argument(
        "--repeat", type=int, default=25, help="repeats per contender (best is kept)"
    )
    parser.add_argument(
        "--min-time", type=float, default=0.02, help="minimum seconds per repeat (default 0.02)"
    )
    parser.add_argument(
        "--timer",
        choices=["cpu", "wall"],
        default="cpu",
        help="cpu: process CPU time (default; robust on a busy machine); wall: perf_counter",
    )
    parser.add_argument("--quick", action="store_true", help="5 repeats of 0.01 s: a smoke run")
    parser.add_argument(
        "--profile", action="store_true", help="add a cProfile of oauthcore sign() and verification"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when any target fails")
    args = parser.parse_args(argv)
    settings = common.Settings(repeat=args.repeat, min_time=args.min_time, timer=args.timer)
    if args.quick:
        settings = common.Settings(repeat=5, min_time=0.01, timer=args.timer)
    suites = args.suites or ["all"]
    unknown = [name for name in suites if name not in (*SUITES, "all")]
    if unknown:
        parser.error(f"unknown suite {unknown[0]!r}; choose from {', '.join([*SUITES, 'all'])}")
    chosen = SUITES if "all" in suites else tuple(dict.fromkeys(suites))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"oauthcore benchmarks: Python {platform.python_version()} on {platform.machine()},"
        f" {os.cpu_count()} CPUs, load average {load};"
        f" best of {settings.repeat} repeats of >= {settings.min_time} s each,"
        f" {settings.timer} clock, GC off while timed"
    )
    for name in chosen:
        run = _suite(name, settings, args.profile)
        if run is not None:
            run()
    print("\nSummary")
    for result in common.verdicts:
        print(f"  {result.line()}")
    failed = sum(not result.passed for result in common.verdicts)
    print(f"  {len(common.verdicts) - failed} targets met, {failed} missed")
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
