"""``open_stores(url)``: the credential, pending and nonce stores a URL names (RFC 5849 §2, §3.3).

``memory:`` is one process's own memory; ``redis://host:port/db`` (``rediss://``, ``unix://``)
is Redis; ``sqlite:///path.db`` and ``postgresql://user@host/db`` are SQL through SQLAlchemy,
their tables created when missing. ``oauthcore serve --store URL`` opens its stores with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from attrs import frozen

from oauthcore import Consumer, NonceStore, TokenStore
from oauthcore.credentials import MemoryCredentialStore
from oauthcore.nonces import MemoryNonceStore

from .._extras import missing_extra
from ..provider.pending import MemoryPendingStore, PendingStore

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["ConsumerRegistry", "Stores", "memory_stores", "open_stores", "sql_engine"]

_SCHEMES = "memory:, redis://, rediss://, unix://, sqlite:///, postgresql://"


@runtime_checkable
class ConsumerRegistry(TokenStore, Protocol):
    """A ``TokenStore`` that also registers consumers, as every store here does (§1.1)."""

    def add_consumer(self, consumer: Consumer) -> None:
        """Register (or replace) a consumer, keyed by ``consumer.key`` (RFC 5849 §1.1)."""
        ...


@frozen
class Stores:
    """The stores of one provider: credentials, pending authorizations, nonces (§2, §3.3).

    Use it as a context manager, or call ``close()``: it closes the connections it opened.
    """

    credentials: ConsumerRegistry
    pending: PendingStore
    nonces: NonceStore
    close: Callable[[], None]
    #: Whether every worker and host using the same URL sees the same state.
    shared: bool = True

    def __enter__(self) -> Stores:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _nothing() -> None:
    """Memory stores hold no connection."""


def memory_stores(window: int = 300) -> Stores:
    """One process's own stores: ``MemoryCredentialStore``, its pending table and nonces (§2)."""
    credentials = MemoryCredentialStore()
    pending = MemoryPendingStore(credentials)
    return Stores(credentials, pending, MemoryNonceStore(window), _nothing, shared=False)


def sql_engine(url: str) -> Engine:
    """A SQLAlchemy engine for a SQLite or PostgreSQL URL, set up for several processes (§3.3).

    ``postgresql://`` uses psycopg 3; SQLite waits up to 30 s for a lock and runs in WAL mode,
    so readers do not wait for the one writer, with ``synchronous=NORMAL``: in WAL mode that
    survives a crash of the process intact, and a power cut loses at most the last writes.
    """
    try:
        from sqlalchemy import create_engine, event
    except ImportError as exc:
        raise missing_extra("transports.stores.sql", "sqlalchemy", extra="sql") from exc
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(connection: Any, _record: object) -> None:
        with contextlib.closing(connection.cursor()) as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")

    return engine


def open_stores(url: str, *, window: int = 300, clock_skew: int = 30) -> Stores:
    """The stores ``url`` names; ``window`` is the timestamp window of the policy in use (§3.3).

    Raises ``ValueError`` for a URL of another scheme and ``ImportError`` naming the extra to
    install when its library is missing.
    """
    if url == "memory:":
        return memory_stores(window)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis import RedisCredentialStore, RedisNonceStore, connect

        client = connect(url)
        store = RedisCredentialStore(client)
        nonces = RedisNonceStore(client, window=window, clock_skew=clock_skew)
        return Stores(store, store, nonces, client.close)
    if url.startswith(("sqlite:", "postgresql:", "postgresql+")):
        engine = sql_engine(url)
        from .sql import SqlCredentialStore, SqlNonceStore, create_tables

        create_tables(engine)
        sql = SqlCredentialStore(engine)
        sql_nonces = SqlNonceStore(engine, window=window, clock_skew=clock_skew)
        return Stores(sql, sql, sql_nonces, engine.dispose)
    raise ValueError(f"a store URL starts with one of {_SCHEMES}; got {url.split(':')[0]!r}")
