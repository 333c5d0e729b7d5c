"""What each shared store adds to the contract: expiry, pruning, URLs, missing extras (§2, §3.3)."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from sqlalchemy import create_engine

from oauthcore import Consumer, Token, TokenKind
from oauthcore.provider import TemporaryCredentials
from transports.provider import TokenEndpoints
from transports.provider.pending import MemoryPendingStore
from transports.stores._fields import digest
from transports.stores.redis import RedisCredentialStore, RedisNonceStore, connect
from transports.stores.sql import SqlCredentialStore, SqlNonceStore, create_tables
from transports.stores.urls import open_stores, sql_engine

from .conftest import clear

APP = Consumer("app-key", "app-secret")


def pending_record(key: str) -> TemporaryCredentials:
    return TemporaryCredentials(APP.key, Token(key, "s", callback_confirmed=True), "oob")


@pytest.fixture
def client(redis_url: str) -> Any:
    with contextlib.closing(connect(redis_url)) as opened:
        yield opened
        opened.flushdb()


def test_redis_keys_are_hashed_and_expire(client: redis.Redis) -> None:
    nonces = RedisNonceStore(client, window=300, clock_skew=30)
    assert nonces.ttl == 631  # two windows, the hosts' skew and a second to round up
    assert nonces.use("k" * 10_000, "t", 1_700_000_000, "n" * 10_000)
    (key,) = client.keys("oauthcore:nonce:*")
    assert len(key) == len("oauthcore:nonce:") + 64
    assert 600 < client.ttl(key) <= 631
    assert repr(nonces) == "RedisNonceStore(window=300, ttl=631, prefix='oauthcore:nonce:')"


def test_redis_request_tokens_expire_and_access_tokens_do_not(client: redis.Redis) -> None:
    store = RedisCredentialStore(client, pending_ttl=1)
    store.add_token(APP.key, Token("access", "s"), TokenKind.ACCESS)
    store.add_pending(pending_record("request"))
    assert client.ttl("oauthcore:access:" + digest("access")) == -1
    assert client.ttl("oauthcore:request:" + digest("request")) == 1
    time.sleep(1.1)
    assert store.pending("request") is None
    assert store.token(APP.key, "access", TokenKind.ACCESS) == Token("access", "s")
    assert repr(store) == "RedisCredentialStore(prefix='oauthcore:', pending_ttl=1)"


@pytest.mark.parametrize("bad", [0, -5])
def test_durations_are_checked(bad: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RedisCredentialStore(SimpleNamespace(register_script=id), pending_ttl=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        RedisNonceStore(None, window=bad - 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int of seconds"):
        RedisNonceStore(None, clock_skew=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int of seconds"):
        SqlCredentialStore(None, pending_ttl=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        SqlNonceStore(create_engine("sqlite://"), prune_interval=bad - 1)


def test_connect_names_the_extra_when_redis_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[redis\]'"):
        connect("redis://127.0.0.1:1/0")


def test_sql_engine_names_the_extra_when_sqlalchemy_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[sql\]'"):
        sql_engine("sqlite://")


def test_sql_runs_on_sqlite_and_postgresql_only() -> None:
    engine = SimpleNamespace(dialect=SimpleNamespace(name="mysql"))
    with pytest.raises(ValueError, match="SQLite and PostgreSQL, not mysql"):
        SqlNonceStore(engine)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="SQLite and PostgreSQL, not mysql"):
        SqlCredentialStore(engine)  # type: ignore[arg-type]


def test_store_urls(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="got 'mysql'"):
        open_stores("mysql://user:hunter2@db/oauth")
    with open_stores("memory:") as memory:
        assert not memory.shared
    # A password in the URL never shows in a repr.
    engine = sql_engine("postgresql://user:hunter2@127.0.0.1:1/oauth")
    assert engine.url.drivername == "postgresql+psycopg"
    assert "hunter2" not in repr(SqlNonceStore(engine)) + repr(SqlCredentialStore(engine))
    engine.dispose()


def test_a_postgresql_url_without_a_driver_uses_psycopg(postgresql_url: str) -> None:
    url = postgresql_url.replace("postgresql+psycopg://", "postgresql://")
    with open_stores(url) as stores:
        assert stores.nonces.use("k", None, 1, "n")
    clear(postgresql_url)


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    with open_stores(f"sqlite:///{tmp_path / 'wal.db'}") as stores:
        engine = stores.nonces.engine  # type: ignore[attr-defined]
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_sql_prunes_expired_rows(tmp_path: Path) -> None:
    engine = sql_engine(f"sqlite:///{tmp_path / 'prune.db'}")
    create_tables(engine)
    nonces = SqlNonceStore(engine, window=10, clock_skew=2, prune_interval=3600)
    store = SqlCredentialStore(engine, pending_ttl=1, prune_interval=3600)
    for number in range(5):
        assert nonces.use("k", None, number, "n")
    store.add_pending(pending_record("gone-soon"))
    store.add_token(APP.key, Token("kept", "s"), TokenKind.ACCESS)
    assert len(nonces) == 5
    # Kept until no request can reuse them: 2 * 10 + 2 + 1 seconds, and the skew once more.
    assert nonces.prune(time.time() + 20) == 0
    assert nonces.prune(time.time() + 30) == 5
    time.sleep(1.1)
    # Expired but not pruned yet: no longer found.
    assert store.pending("gone-soon") is None
    assert store.take_pending("gone-soon") is None
    assert store.prune() == 1
    assert store.token(APP.key, "kept", TokenKind.ACCESS) == Token("kept", "s")
    engine.dispose()


def test_sql_writers_prune_once_per_interval(tmp_path: Path) -> None:
    engine = sql_engine(f"sqlite:///{tmp_path / 'interval.db'}")
    create_tables(engine)
    nonces = SqlNonceStore(engine, window=0, clock_skew=0, prune_interval=0)
    store = SqlCredentialStore(engine, pending_ttl=1, prune_interval=0)
    assert nonces.use("k", None, 1, "old")
    store.add_pending(pending_record("old"))
    time.sleep(1.1)
    # The next writes prune first: only what they wrote is left.
    assert nonces.use("k", None, 2, "new")
    store.add_pending(pending_record("new"))
    assert len(nonces) == 1
    assert store.prune() == 0
    engine.dispose()


class StalePending(MemoryPendingStore):
    """What a second worker sees: the record as it was read, before another worker bound it."""

    def pending(self, token_key: str) -> TemporaryCredentials | None:
        found = super().pending(token_key)
        return (
            None
            if found is None
            else TemporaryCredentials(found.consumer_key, found.token, found.callback)
        )


def test_an_authorization_lost_to_another_worker_is_refused() -> None:
    from oauthcore import MemoryCredentialStore, MemoryNonceStore

    credentials = MemoryCredentialStore([APP])
    pending = StalePending(credentials)
    tokens = TokenEndpoints(credentials, MemoryNonceStore(), pending=pending)
    pending.add_pending(pending_record("contested"))
    tokens.authorize("contested")
    with pytest.raises(ValueError, match="no longer pending"):
        tokens.authorize("contested")
    assert repr(pending) == "MemoryPendingStore(pending=1)"
