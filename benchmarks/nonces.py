"""Nonce memory and uniqueness: ``MemoryNonceStore`` under a flood, and a million fresh nonces.

1. Flood: a provider with a ±300 s timestamp window (10 minutes in all) receives ``RATE``
   requests a second, each with a fresh nonce, for 30 simulated minutes, in two patterns:
   *steady* (timestamps follow the clock) and *spread* (each timestamp drawn anywhere in the
   window, as a client with a skewed clock or an attacker would send). ``tracemalloc`` measures
   what the store holds each simulated minute. Bounded means: it stops growing once a window's
   worth of nonces is held (the last reading within 15% of the one at minute 15) and never holds
   more nonces than ``RATE`` times three windows (the store's documented bound).
2. Uniqueness: 1,000,000 nonces from ``oauthcore.signing.make_nonce`` (what ``sign()`` draws) must
   all differ.
"""

from __future__ import annotations

import random
import secrets
import time
import tracemalloc

from oauthcore.nonces import MemoryNonceStore
from oauthcore.signing import make_nonce

from .common import Settings, verdict

__all__ = ["flood", "main", "uniqueness"]

WINDOW = 300
RATE = 200  # requests per simulated second
MINUTES = 30
START = 1_700_000_000


def flood(pattern: str, rate: int = RATE, minutes: int = MINUTES) -> list[tuple[int, int, int]]:
    """Feed the store; return (minute, nonces held, bytes traced) at the end of each minute."""
    chooser = random.Random(5849)  # the spread pattern's timestamps, reproducibly
    readings = []
    tracemalloc.start()
    try:
        store = MemoryNonceStore(WINDOW)
        baseline = tracemalloc.get_traced_memory()[0]
        for second in range(minutes * 60):
            now = START + second
            for _ in range(rate):
                timestamp = now + chooser.randint(-WINDOW, WINDOW) if pattern == "spread" else now
                if not store.use("consumer-key", "token-key", timestamp, secrets.token_urlsafe(16)):
                    raise AssertionError("a fresh nonce was refused")
            if second % 60 == 59:
                held = tracemalloc.get_traced_memory()[0] - baseline
                readings.append((second // 60 + 1, len(store), held))
    finally:
        tracemalloc.stop()
    return readings


def uniqueness(count: int = 1_000_000) -> tuple[int, float]:
    """How many distinct nonces among ``count`` from ``make_nonce``, and seconds per nonce."""
    start = time.perf_counter()
    nonces = {make_nonce() for _ in range(count)}
    return len(nonces), (time.perf_counter() - start) / count


def main(settings: Settings) -> None:
    """Run the flood in both patterns and the uniqueness check; judge both."""
    del settings  # sizes here are fixed by what is being shown, not by timing precision
    bound = RATE * 3 * WINDOW
    for pattern in ("steady", "spread"):
        readings = flood(pattern)
        print(
            f"\nMemoryNonceStore under a flood: {RATE} requests/s, ±{WINDOW} s window,"
            f" {MINUTES} simulated minutes, timestamps {pattern}"
        )
        print(f"  {'minute':>6}  {'nonces held':>11}  {'traced memory':>13}  {'bytes/nonce':>11}")
        for minute, held, size in readings:
            if minute in (1, 5, 10, 11, 15, 20, 25, 30):
                per = size / held if held else 0.0
                print(f"  {minute:>6}  {held:>11,}  {size / 2**20:>10.1f} MiB  {per:>11.0f}")
        at_15 = readings[14][2]
        last = readings[-1][2]
        most = max(held for _, held, _ in readings)
        verdict(
            f"nonce memory bounded ({pattern} flood)",
            last <= at_15 * 1.15 and most <= bound,
            f"{last / 2**20:.1f} MiB at minute {MINUTES} vs {at_15 / 2**20:.1f} MiB at minute 15;"
            f" at most {most:,} nonces held (bound {bound:,})",
        )
    distinct, per = uniqueness()
    print(f"\n1,000,000 nonces from make_nonce(): {distinct:,} distinct, {per * 1e6:.2f} µs each")
    verdict(
        "1,000,000 generated nonces unique",
        distinct == 1_000_000,
        f"{distinct:,} distinct",
    )
