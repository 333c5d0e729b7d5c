"""Real servers for the store tests: one redis-server and one PostgreSQL per test session.

Locally a server that is not installed skips its tests with the Debian package to install; with
``OAUTHCORE_REQUIRE_SERVERS=1`` (as .ci/run sets it) that is a failure instead: CI must run them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from pathlib import Path

import pytest
import redis

from tests.databases import ServerMissing, postgres_server, redis_server
from transports.stores.sql import METADATA
from transports.stores.urls import Stores, open_stores, sql_engine


def _start(server: Callable[[], ContextManager[str]]) -> Iterator[str]:
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(server())
        except ServerMissing as missing:
            if os.environ.get("OAUTHCORE_REQUIRE_SERVERS") == "1":
                pytest.fail(f"{missing} (OAUTHCORE_REQUIRE_SERVERS=1: CI must run these tests)")
            pytest.skip(str(missing))
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a redis-server started for this test session."""
    yield from _start(redis_server)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """The SQLAlchemy URL of a PostgreSQL cluster started for this test session."""
    yield from _start(postgres_server)


@pytest.fixture(params=["memory", "redis", "sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    """The stores of each backend, empty, closed after the test (RFC 5849 §2, §3.3)."""
    url = store_url(request, tmp_path)
    with open_stores(url) as opened:
        yield opened
        clear(url)


def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store URL of the backend ``request.param`` names, its server started if need be."""
    backend: str = request.param
    if backend in ("redis", "postgresql"):
        url: str = request.getfixturevalue(f"{backend}_url")
        return url
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'stores.db'}"
    return "memory:"


def clear(url: str) -> None:
    """Empty a shared backend after a test, so the next one starts afresh."""
    if url.startswith("redis"):
        with contextlib.closing(redis.Redis.from_url(url)) as client:
            client.flushdb()
    elif url.startswith("postgresql"):
        engine = sql_engine(url)
        METADATA.drop_all(engine)
        engine.dispose()
