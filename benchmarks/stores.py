"""Shared stores: ``verify`` per store, and a store's memory under a flood bounded by expiry.

1. Verify: the same pre-signed requests (each with its own nonce) verified with
   ``MemoryCredentialStore`` and, for nonces, ``MemoryNonceStore`` (the reference), then with each
   shared nonce store (one round trip per request), then with every look-up in the shared store
   (consumer, token and nonce: three round trips). Wall clock, since the time is spent waiting
   for the server; µs per request and requests/s for one worker (one thread). The round trips
   per request are counted: Redis ``INFO commandstats``, SQL statements seen by SQLAlchemy.
2. Flood: fresh nonces as fast as one client sends them for ``FLOOD_SECONDS``, with the window
   scaled down 60 times, from 300 s to ``FLOOD_WINDOW`` s: 30 s at a 5 s window is 30 minutes at
   300 s in windows (six), which is what expiry is about; only the wall time shrinks.
   Bounded: once the expiry has passed, the store holds no more nonces than were sent within the
   expiry (plus a prune interval for SQL, two seconds for Redis), up to a quarter more for keys
   Redis has expired but not yet reclaimed: what is held follows the rate, not the total sent.

The servers are started here as the tests start them (tests/databases.py): loopback, throw-away.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from sqlalchemy import event

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    Request,
    Token,
    TokenKind,
    sign,
    verify,
)
from tests.databases import ServerMissing, postgres_server, redis_server
from transports.stores.redis import RedisCredentialStore, RedisNonceStore
from transports.stores.sql import METADATA, SqlCredentialStore, SqlNonceStore, create_tables
from transports.stores.urls import sql_engine

from .common import Settings, verdict

__all__ = ["main"]

CONSUMER = Consumer("bench-consumer", "bench-consumer-secret")
TOKEN = Token("bench-token", "bench-token-secret")
REQUESTS = 2000
FLOOD_WINDOW = 5
FLOOD_SECONDS = 30


def _signed(count: int) -> list[Request]:
    now = int(time.time())
    return [
        sign(
            Request("GET", f"https://api.example.com/1.1/statuses?since_id={n}"),
            CONSUMER,
            TOKEN,
            timestamp=now,
        )
        for n in range(count)
    ]


def _memory_credentials() -> MemoryCredentialStore:
    store = MemoryCredentialStore([CONSUMER])
    store.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
    return store


def _time(credentials: Any, nonces: Any, requests: list[Request]) -> float:
    """Seconds per verified request, best of three passes over fresh requests."""
    best = float("inf")
    for start in range(3):
        batch = requests[start::3]
        began = time.perf_counter()
        for request in batch:
            verify(request, credentials, nonces)
        best = min(best, (time.perf_counter() - began) / len(batch))
    return best


@contextlib.contextmanager
def _servers() -> Iterator[dict[str, str]]:
    urls: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for name, server in (("redis", redis_server), ("postgresql", postgres_server)):
            try:
                urls[name] = stack.enter_context(server())
            except ServerMissing as missing:
                print(f"  [{name}] skipped: {missing}")
        yield urls


def _redis_calls(client: redis.Redis) -> int:
    stats = client.info("commandstats")
    return sum(int(value["calls"]) for value in stats.values())


def _sql_counter(engine: Any) -> Callable[[], int]:
    counted = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: object) -> None:
        counted[0] += 1

    return lambda: counted[0]


def _rows(urls: dict[str, str], sqlite_path: str) -> list[tuple[str, float, float]]:
    """(name, µs per request, round trips per request) for every store."""
    requests = _signed(REQUESTS * 3 * 8)
    chunks = iter(requests[i : i + REQUESTS * 3] for i in range(0, len(requests), REQUESTS * 3))
    memory = _memory_credentials()
    rows = [("MemoryNonceStore (reference)", _time(memory, MemoryNonceStore(), next(chunks)), 0.0)]
    if "redis" in urls:
        with contextlib.closing(redis.Redis.from_url(urls["redis"])) as client:
            shared = RedisCredentialStore(client)
            shared.add_consumer(CONSUMER)
            shared.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
            for label, credentials in (("nonces only", memory), ("all look-ups", shared)):
                before = _redis_calls(client)
                seconds = _time(credentials, RedisNonceStore(client), next(chunks))
                # Less the INFO that read "before": Redis counts a command once it has run.
                trips = (_redis_calls(client) - before - 1) / (REQUESTS * 3)
                rows.append((f"Redis, {label}", seconds, trips))
            client.flushdb()
    sql_urls = [("SQLite", f"sqlite:///{sqlite_path}")]
    if "postgresql" in urls:
        sql_urls.append(("PostgreSQL", urls["postgresql"]))
    for name, url in sql_urls:
        engine = sql_engine(url)
        create_tables(engine)
        store = SqlCredentialStore(engine)
        store.add_consumer(CONSUMER)
        store.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
        statements = _sql_counter(engine)
        sql_contenders: tuple[tuple[str, Any], ...] = (
            ("nonces only", memory),
            ("all look-ups", store),
        )
        for label, credentials in sql_contenders:
            before = statements()
            seconds = _time(credentials, SqlNonceStore(engine, prune_interval=3600), next(chunks))
            rows.append((f"{name}, {label}", seconds, (statements() - before) / (REQUESTS * 3)))
        METADATA.drop_all(engine)
        engine.dispose()
    return rows


Reading = tuple[float, int, float, int]


def _flood(use: Callable[[int], bool], held: Callable[[], int], keep: float) -> list[Reading]:
    """Fresh nonces for FLOOD_SECONDS; every 3 s: (elapsed s, nonces held, requests/s so far,
    nonces sent in the last ``keep`` seconds: the most the store may hold if it forgets on time).
    """
    readings = []
    began = time.monotonic()
    sent: list[float] = []
    next_reading = 3.0
    for number in itertools.count():
        elapsed = time.monotonic() - began
        if elapsed >= next_reading:
            recent = len(sent) - bisect.bisect_left(sent, elapsed - keep)
            readings.append((elapsed, held(), len(sent) / elapsed, recent))
            next_reading += 3.0
            if elapsed >= FLOOD_SECONDS:
                break
        if not use(number):
            raise AssertionError("a fresh nonce was refused")
        sent.append(elapsed)
    return readings


def _report_flood(name: str, keep: float, readings: list[Reading], total: int) -> None:
    print(
        f"\n{name} under a flood: window {FLOOD_WINDOW} s (300 s scaled down 60 times), nonces"
        f" forgotten after {keep:.0f} s at most, {FLOOD_SECONDS} s of fresh nonces from one client"
    )
    print(f"  {'seconds':>7}  {'nonces held':>11}  {'sent in last':>12}  {'requests/s':>10}")
    for elapsed, held, rate, recent in readings:
        print(f"  {elapsed:>7.0f}  {held:>11,}  {recent:>12,}  {rate:>10,.0f}")
    settled = [(held, recent) for elapsed, held, _, recent in readings if elapsed > keep]
    # What is held follows what was sent within the expiry, never the total sent (a quarter
    # over, for Redis keys that expired but wait for its expiry cycle to be reclaimed).
    worst = max(held / recent for held, recent in settled)
    verdict(
        f"{name} memory bounded by expiry",
        worst <= 1.25,
        f"after {keep:.0f} s it held at most {worst:.2f} times what was sent within {keep:.0f} s;"
        f" {readings[-1][1]:,} held at the end of {total:,} sent",
    )


def _floods(urls: dict[str, str], sqlite_path: str) -> None:
    if "redis" in urls:
        with contextlib.closing(redis.Redis.from_url(urls["redis"])) as client:
            nonces = RedisNonceStore(client, window=FLOOD_WINDOW, clock_skew=0)
            now = int(time.time())
            # Redis drops expired keys within about a second (its active expiry cycle).
            keep = nonces.ttl + 2
            readings = _flood(
                lambda n: nonces.use("consumer", "token", now, f"nonce-{n}"), client.dbsize, keep
            )
            memory = client.info("memory")["used_memory"]
            total = int(readings[-1][0] * readings[-1][2])
            _report_flood("RedisNonceStore", keep, readings, total)
            print(f"  Redis used_memory at the end: {memory / 2**20:.1f} MiB")
            client.flushdb()
    targets = [("SqlNonceStore (SQLite)", f"sqlite:///{sqlite_path}")]
    if "postgresql" in urls:
        targets.append(("SqlNonceStore (PostgreSQL)", urls["postgresql"]))
    for name, url in targets:
        _sql_flood(name, url)


def _sql_flood(name: str, url: str) -> None:
    engine = sql_engine(url)
    create_tables(engine)
    sql = SqlNonceStore(engine, window=FLOOD_WINDOW, clock_skew=0, prune_interval=1)
    now = int(time.time())
    # Pruned once a second: a row may outlive its expiry by that second.
    keep = sql.ttl + 1.5
    readings = _flood(lambda n: sql.use("consumer", "token", now, f"nonce-{n}"), sql.__len__, keep)
    _report_flood(name, keep, readings, int(readings[-1][0] * readings[-1][2]))
    METADATA.drop_all(engine)
    engine.dispose()


def main(settings: Settings) -> None:
    """Verify per store, then the floods; servers started and stopped here."""
    del settings  # wall-clock round trips: sizes fixed, best of three passes
    import tempfile

    with _servers() as urls, tempfile.TemporaryDirectory() as scratch:
        rows = _rows(urls, f"{scratch}/verify.db")
        reference = rows[0][1]
        print(
            f"\nverify() per store: {REQUESTS} requests per pass, best of 3, wall clock, one worker"
        )
        print(f"  {'store':<34} {'µs/request':>10} {'requests/s':>10} {'ratio':>6} {'trips':>5}")
        for name, seconds, trips in rows:
            print(
                f"  {name:<34} {seconds * 1e6:>10.1f} {1 / seconds:>10,.0f}"
                f" {seconds / reference:>6.1f} {trips:>5.1f}"
            )
        for name, _, trips in rows[1:]:
            if "nonces only" in name:
                verdict(
                    f"{name}: one round trip per verify",
                    round(trips, 2) == 1.0,
                    f"{trips:.2f} round trips per request",
                )
        _floods(urls, f"{scratch}/flood.db")
