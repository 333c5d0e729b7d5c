"""SQL stores through SQLAlchemy 2: SQLite embedded, PostgreSQL shared (RFC 5849 §2, §3.3).

Theory of operation: three tables (``TABLES``: consumers, tokens, nonces) and one statement per
operation, so the database's own atomicity does the work:

- a nonce is an ``INSERT`` of its hashed scope, the primary key: ``ON CONFLICT DO NOTHING`` (or
  the unique violation on other databases) tells a replay, whichever process inserted first;
- a verifier is bound by ``UPDATE ... WHERE verifier IS NULL``, once;
- a pending request token is taken by ``DELETE ... RETURNING``: only the transaction whose delete
  removed the row gets it back, so a request token is exchanged once.

Expired rows are pruned, at most once per ``prune_interval`` seconds per store, by the process
that happens to write then: nonces once no request carrying them can pass the timestamp check,
request tokens after ``pending_ttl``. Expired request tokens are never returned before that.
Times are the writing host's ``time.time()``; ``clock_skew`` covers hosts that disagree.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    Index,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from oauthcore import Consumer, Token, TokenKind
from oauthcore.provider import TemporaryCredentials
from oauthcore.records import Pairs

from ._fields import (
    DEFAULT_PENDING_TTL,
    check_ttl,
    consumer_fields,
    consumer_from,
    digest,
    expiry,
    pairs_text,
    storable,
    temporary_fields,
    temporary_from,
    token_fields,
    token_from,
)

__all__ = ["METADATA", "SqlCredentialStore", "SqlNonceStore", "create_tables"]

METADATA = MetaData()
"""The tables of both stores, credentials (RFC 5849 §2) and nonces (§3.3); add them to your
migrations, or call ``create_tables``."""

CONSUMERS = Table(
    "oauthcore_consumers",
    METADATA,
    Column("key", Text, primary_key=True),
    Column("secret", Text, nullable=False),
    Column("rsa_key", Text, nullable=False),
)

TOKENS = Table(
    "oauthcore_tokens",
    METADATA,
    Column("kind", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("consumer", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("confirmed", Boolean, nullable=False),
    Column("extra", Text, nullable=False),
    Column("callback", Text),
    Column("verifier", Text),
    Column("owner", Text),
    # Seconds since the epoch after which the token is gone; NULL: never (access tokens).
    Column("expires_at", Float, index=True),
)

NONCES = Table(
    "oauthcore_nonces",
    METADATA,
    # SHA-256 of (consumer key, token, timestamp, nonce): the uniqueness is the primary key's.
    Column("scope", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False),
    Index("oauthcore_nonces_expires_at", "expires_at"),
)


# Any fixed number: the key of the lock that lets one process at a time create the tables.
_CREATE_LOCK = 5849_0001


def create_tables(engine: Engine) -> None:
    """Create the stores' tables (RFC 5849 §2, §3.3) where they do not exist yet.

    Safe when several workers start at once: ``IF NOT EXISTS`` inside one transaction, which
    PostgreSQL also serializes with an advisory lock (its ``IF NOT EXISTS`` can still race).
    """
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(_CREATE_LOCK)))
        for table in METADATA.sorted_tables:
            connection.execute(CreateTable(table, if_not_exists=True))
            for index in sorted(table.indexes, key=lambda index: str(index.name)):
                connection.execute(CreateIndex(index, if_not_exists=True))


def _insert_for(engine: Engine) -> Any:
    """The dialect's ``insert``, which has ``ON CONFLICT``: SQLite's or PostgreSQL's."""
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise ValueError(f"the SQL stores run on SQLite and PostgreSQL, not {dialect}")


def _upsert(engine: Engine, table: Table, row: dict[str, Any]) -> None:
    """Insert ``row``, or replace the row with its primary key: one atomic statement, so
    workers writing the same record at once (each registering the demo consumer) all succeed.
    """
    keys = [column.name for column in table.primary_key]
    statement = _insert_for(engine)(table).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in row if name not in keys},
    )
    with _single_statements(engine).connect() as connection:
        connection.execute(statement)


def _single_statements(engine: Engine) -> Engine:
    """The engine in autocommit: an operation of one statement is atomic by itself, and sends
    no BEGIN, COMMIT or ROLLBACK round trip around it.
    """
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class _Pruner:
    """Runs ``prune`` at most once per ``interval`` seconds from the writers of one store."""

    def __init__(self, interval: float) -> None:
        if interval < 0:
            raise ValueError(f"prune_interval must not be negative, got {interval}")
        self.interval = interval
        self._next = 0.0
        self._lock = threading.Lock()

    def due(self, now: float) -> bool:
        with self._lock:
            if now < self._next:
                return False
            self._next = now + self.interval
            return True


class SqlNonceStore:
    """A ``NonceStore`` in a SQL table, shared by every process using the database (§3.3).

    ``window`` must be at least the timestamp window of the ``VerifyPolicy`` in use;
    ``clock_skew`` is how far apart the hosts' clocks may be. A nonce row is kept
    ``2 * window + clock_skew + 1`` seconds, then pruned.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        window: int = 300,
        clock_skew: int = 30,
        prune_interval: float = 60.0,
    ) -> None:
        self.engine = engine
        self.window = window
        self.clock_skew = clock_skew
        #: Seconds each nonce is kept.
        self.ttl = expiry(window, clock_skew)
        self._pruner = _Pruner(prune_interval)
        # A replay inserts nothing rather than failing: no exception, no error in the server log;
        # only the inserting statement gets its row back.
        self._insert = (
            _insert_for(engine)(NONCES).on_conflict_do_nothing().returning(NONCES.c.scope)
        )
        self._single = _single_statements(engine)

    def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        """Record the nonce; ``False`` for a replay (§3.3). One ``INSERT``, atomic."""
        now = time.time()
        if self._pruner.due(now):
            self.prune(now)
        row = {"scope": digest(consumer_key, token, timestamp, nonce), "expires_at": now + self.ttl}
        with self._single.connect() as connection:
            # RETURNING rather than rowcount, which drivers may not report for an upsert.
            return connection.execute(self._insert, row).first() is not None

    def prune(self, now: float | None = None) -> int:
        """Delete the nonces no request can reuse any more; returns how many (§3.3)."""
        # Another host's clock may be behind by clock_skew: keep its rows as long as it needs them.
        oldest = (time.time() if now is None else now) - self.clock_skew
        with self._single.connect() as connection:
            return connection.execute(delete(NONCES).where(NONCES.c.expires_at < oldest)).rowcount

    def __len__(self) -> int:
        """How many nonces the table holds now, expired ones not yet pruned included."""
        with self._single.connect() as connection:
            return connection.execute(select(func.count()).select_from(NONCES)).scalar_one()

    def __repr__(self) -> str:
        return f"SqlNonceStore({self.engine.url.render_as_string()!r}, ttl={self.ttl})"


class SqlCredentialStore:
    """A ``TokenStore`` and ``PendingStore`` in SQL tables (RFC 5849 §2).

    Consumers and access tokens stay until removed; pending request tokens expire after
    ``pending_ttl`` seconds. Token keys are unique per kind across consumers (``make_token``
    draws them at random); a token is only found for the consumer it was issued to.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        pending_ttl: int = DEFAULT_PENDING_TTL,
        prune_interval: float = 60.0,
    ) -> None:
        self.engine = engine
        self.pending_ttl = check_ttl("pending_ttl", pending_ttl)
        self._pruner = _Pruner(prune_interval)
        _insert_for(engine)  # refuses another database now, not at the first write
        self._single = _single_statements(engine)

    def add_consumer(self, consumer: Consumer) -> None:
        """Register (or replace) a consumer, keyed by ``consumer.key`` (RFC 5849 §1.1)."""
        _upsert(self.engine, CONSUMERS, dict(consumer_fields(consumer)))

    def consumer(self, key: str) -> Consumer | None:
        """The consumer with this key, or ``None`` (§3.2)."""
        if not storable(key):
            return None
        with self._single.connect() as connection:
            row = connection.execute(select(CONSUMERS).where(CONSUMERS.c.key == key)).first()
        if row is None:
            return None
        return consumer_from({"key": row.key, "secret": row.secret, "rsa_key": row.rsa_key})

    def _write(self, kind: TokenKind, fields: dict[str, Any]) -> None:
        now = time.time()
        if self._pruner.due(now):
            self.prune(now)
        # Every column, so that a replaced record keeps nothing of the old one.
        row: dict[str, Any] = {"callback": None, "verifier": None, "owner": None, **fields}
        row["kind"] = kind.value
        row["confirmed"] = bool(fields["confirmed"])
        row["expires_at"] = now + self.pending_ttl if kind is TokenKind.REQUEST else None
        _upsert(self.engine, TOKENS, row)

    def add_token(self, consumer_key: str, token: Token, kind: TokenKind) -> None:
        """Record a ``kind`` token issued to ``consumer_key`` (§2.1, §2.3); request tokens
        expire after ``pending_ttl`` seconds.
        """
        fields: dict[str, Any] = token_fields(consumer_key, token)
        if not isinstance(kind, TokenKind):
            raise TypeError(f"kind must be a TokenKind, not {kind!r}")
        self._write(kind, fields)

    def _live(self, kind: TokenKind, token_key: str) -> Any:
        """The condition for token ``token_key`` of ``kind`` that has not expired."""
        return and_(
            TOKENS.c.kind == kind.value,
            TOKENS.c.key == token_key,
            or_(TOKENS.c.expires_at.is_(None), TOKENS.c.expires_at > time.time()),
        )

    def _row(self, kind: TokenKind, token_key: str) -> dict[str, str] | None:
        if not storable(token_key):
            return None
        with self._single.connect() as connection:
            row = connection.execute(select(TOKENS).where(self._live(kind, token_key))).first()
        return None if row is None else _text_fields(row._mapping)

    def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        """The ``kind`` token ``token_key`` of ``consumer_key``, or ``None`` (§3.2)."""
        found = self._row(kind, token_key)
        if found is None or found["consumer"] != consumer_key:
            return None
        return token_from(found)

    def remove_token(self, consumer_key: str, token_key: str, kind: TokenKind) -> bool:
        """Forget a token; ``True`` only for the one caller that removed it (single use, §2.3)."""
        if not storable(consumer_key, token_key):
            return False
        condition = and_(self._live(kind, token_key), TOKENS.c.consumer == consumer_key)
        with self._single.connect() as connection:
            return connection.execute(delete(TOKENS).where(condition)).rowcount == 1

    def add_pending(self, temporary: TemporaryCredentials) -> None:
        """Record newly issued temporary credentials, pending for ``pending_ttl`` s (§2.1)."""
        self._write(TokenKind.REQUEST, dict(temporary_fields(temporary)))

    def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending record of request token ``token_key``, or ``None`` (§2.2)."""
        found = self._row(TokenKind.REQUEST, token_key)
        if found is None or not found["callback"]:
            return None
        return temporary_from(found)[0]

    def authorize_pending(
        self, token_key: str, verifier: str, owner: Pairs
    ) -> TemporaryCredentials | None:
        """Bind ``verifier`` and ``owner`` to the pending token, once (§2.2); else ``None``."""
        if not storable(token_key):
            return None
        statement = (
            update(TOKENS)
            .where(self._live(TokenKind.REQUEST, token_key), TOKENS.c.verifier.is_(None))
            .values(verifier=verifier, owner=pairs_text(owner))
            .returning(*TOKENS.c)
        )
        with self._single.connect() as connection:
            row = connection.execute(statement).first()
        return None if row is None else temporary_from(_text_fields(row._mapping))[0]

    def take_pending(self, token_key: str) -> tuple[TemporaryCredentials, Pairs] | None:
        """``DELETE ... RETURNING`` the record: only the one caller that deleted it gets it."""
        if not storable(token_key):
            return None
        statement = (
            delete(TOKENS).where(self._live(TokenKind.REQUEST, token_key)).returning(*TOKENS.c)
        )
        with self._single.connect() as connection:
            row = connection.execute(statement).first()
        if row is None or not row.callback:
            return None
        return temporary_from(_text_fields(row._mapping))

    def prune(self, now: float | None = None) -> int:
        """Delete expired request tokens; returns how many (§2.1)."""
        moment = time.time() if now is None else now
        with self._single.connect() as connection:
            return connection.execute(delete(TOKENS).where(TOKENS.c.expires_at < moment)).rowcount

    def __repr__(self) -> str:
        return f"SqlCredentialStore({self.engine.url.render_as_string()!r})"


def _text_fields(row: Any) -> dict[str, str]:
    """A tokens row as the text fields ``token_from`` and ``temporary_from`` read."""
    fields = {name: "" if value is None else str(value) for name, value in row.items()}
    fields["confirmed"] = "1" if row["confirmed"] else ""
    return fields
