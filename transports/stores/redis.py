"""Redis stores shared by every worker and host of a provider (RFC 5849 §2, §3.3), over redis-py.

Theory of operation: one Redis command or script per operation, so no other client can come in
between a check and its write.

- ``RedisNonceStore.use`` is one ``SET key 1 NX EX ttl``: of concurrent first uses exactly one
  creates the key, and Redis deletes it once no request carrying it can pass the timestamp check.
- ``RedisCredentialStore`` keeps consumers and tokens as hashes. A pending request token is one
  hash holding the token, its callback and, once authorized, its verifier and owner: the verifier
  is set by ``HSETNX`` inside a script that also checks the token still exists, so it is bound to
  that token once. ``take_pending`` reads and deletes the hash in one ``MULTI``/``EXEC``: only the
  caller whose ``DEL`` removed it gets the record, so a request token is exchanged once. Pending
  tokens expire after ``pending_ttl`` seconds.

Keys are ``prefix`` plus a SHA-256 of the values a client chose, never the values themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oauthcore import Consumer, Token, TokenKind
from oauthcore.provider import TemporaryCredentials
from oauthcore.records import Pairs

from .._extras import missing_extra
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
    text,
    token_fields,
    token_from,
)

if TYPE_CHECKING:
    import redis

__all__ = ["RedisCredentialStore", "RedisNonceStore", "connect"]

#: Binds a verifier and owner to a pending token once: nil if gone or already authorized (§2.2).
AUTHORIZE_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if redis.call('HSETNX', KEYS[1], 'verifier', ARGV[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[2])
return redis.call('HGETALL', KEYS[1])
"""

#: Deletes a token only if it was issued to this consumer: 1 for the caller that deleted it.
REMOVE_SCRIPT = """
if redis.call('HGET', KEYS[1], 'consumer') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def connect(url: str) -> redis.Redis:
    """A redis-py client for the stores (§3.3): ``redis://host:port/db``, ``rediss:``, ``unix:``."""
    try:
        import redis
    except ImportError as exc:
        raise missing_extra("transports.stores.redis", "redis") from exc
    client: redis.Redis = redis.Redis.from_url(url)
    return client


def fields_of(found: Any) -> dict[str, str]:
    """A hash as Redis returned it (a mapping, or a script's flat list), as ``str`` fields."""
    if isinstance(found, dict):
        return {text(name): text(value) for name, value in found.items()}
    items = [text(item) for item in found]
    return dict(zip(items[::2], items[1::2], strict=True))


class _RedisRecords:
    """Where the Redis credential stores keep each record, and what a record read must hold.

    Shared by ``RedisCredentialStore`` and its asyncio twin, so both read and write the same
    keys (RFC 5849 §2): a consumer or token is found only under the key it was stored with, a
    token only for the consumer it was issued to, a pending record only while it has its
    callback.
    """

    prefix: str
    pending_ttl: int

    def _keep(self, client: Any, prefix: str, pending_ttl: int) -> None:
        self.prefix = prefix
        self.pending_ttl = check_ttl("pending_ttl", pending_ttl)
        self._authorize = client.register_script(AUTHORIZE_SCRIPT)
        self._remove = client.register_script(REMOVE_SCRIPT)

    def _consumer_key(self, key: str) -> str:
        return f"{self.prefix}consumer:{digest(key)}"

    def _token_key(self, token_key: str, kind: TokenKind) -> str:
        return f"{self.prefix}{kind.value}:{digest(token_key)}"

    @staticmethod
    def _consumer_in(found: Any, key: str) -> Consumer | None:
        fields = fields_of(found)
        return consumer_from(fields) if fields.get("key") == key else None

    @staticmethod
    def _token_in(found: Any, consumer_key: str, token_key: str) -> Token | None:
        fields = fields_of(found)
        if fields.get("consumer") != consumer_key or fields.get("key") != token_key:
            return None
        return token_from(fields)

    @staticmethod
    def _pending_in(found: Any, token_key: str) -> TemporaryCredentials | None:
        fields = fields_of(found)
        if fields.get("key") != token_key or "callback" not in fields:
            return None
        return temporary_from(fields)[0]

    @staticmethod
    def _taken(found: Any, deleted: int) -> tuple[TemporaryCredentials, Pairs] | None:
        # What a read-and-delete transaction got: the record, if this caller deleted it.
        if deleted != 1 or "callback" not in (fields := fields_of(found)):
            return None
        return temporary_from(fields)


class RedisNonceStore:
    """A ``NonceStore`` shared by every process and host that uses one Redis (RFC 5849 §3.3).

    ``window`` must be at least the timestamp window of the ``VerifyPolicy`` in use;
    ``clock_skew`` is how far apart the verifying hosts' clocks may be. Each nonce is kept
    ``2 * window + clock_skew + 1`` seconds, then Redis forgets it.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        window: int = 300,
        clock_skew: int = 30,
        prefix: str = "oauthcore:nonce:",
    ) -> None:
        self.client = client
        self.window = window
        self.prefix = prefix
        #: Seconds each nonce is kept.
        self.ttl = expiry(window, clock_skew)

    def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        """Record the nonce; ``False`` for a replay (§3.3). One ``SET NX EX``, atomic."""
        key = self.prefix + digest(consumer_key, token, timestamp, nonce)
        return self.client.set(key, b"1", nx=True, ex=self.ttl) is True

    def __repr__(self) -> str:
        return f"RedisNonceStore(window={self.window}, ttl={self.ttl}, prefix={self.prefix!r})"


class RedisCredentialStore(_RedisRecords):
    """A ``TokenStore`` and ``PendingStore`` in Redis, shared by every worker (RFC 5849 §2).

    Consumers and access tokens stay until removed; pending request tokens expire after
    ``pending_ttl`` seconds. Token keys are unique across consumers (``make_token`` draws them
    at random); a token is only found for the consumer it was issued to.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "oauthcore:",
        pending_ttl: int = DEFAULT_PENDING_TTL,
    ) -> None:
        self.client = client
        self._keep(client, prefix, pending_ttl)

    def add_consumer(self, consumer: Consumer) -> None:
        """Register (or replace) a consumer, keyed by ``consumer.key`` (RFC 5849 §1.1)."""
        fields = consumer_fields(consumer)
        self._write(self._consumer_key(fields["key"]), fields, False)

    def consumer(self, key: str) -> Consumer | None:
        """The consumer with this key, or ``None`` (§3.2)."""
        return self._consumer_in(self.client.hgetall(self._consumer_key(key)), key)

    def add_token(self, consumer_key: str, token: Token, kind: TokenKind) -> None:
        """Record a ``kind`` token issued to ``consumer_key`` (§2.1, §2.3); request tokens
        expire after ``pending_ttl`` seconds.
        """
        fields = token_fields(consumer_key, token)
        if not isinstance(kind, TokenKind):
            raise TypeError(f"kind must be a TokenKind, not {kind!r}")
        self._write(self._token_key(token.key, kind), fields, kind is TokenKind.REQUEST)

    def _write(self, key: str, fields: dict[str, str], expires: bool) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]  # typed as an invariant dict
            if expires:
                pipe.expire(key, self.pending_ttl)
            pipe.execute()

    def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        """The ``kind`` token ``token_key`` of ``consumer_key``, or ``None`` (§3.2)."""
        found = self.client.hgetall(self._token_key(token_key, kind))
        return self._token_in(found, consumer_key, token_key)

    def remove_token(self, consumer_key: str, token_key: str, kind: TokenKind) -> bool:
        """Forget a token; ``True`` only for the one caller that removed it (single use, §2.3)."""
        if not storable(consumer_key):
            return False
        key = self._token_key(token_key, kind)
        removed: int = self._remove(keys=[key], args=[consumer_key])
        return removed == 1

    def add_pending(self, temporary: TemporaryCredentials) -> None:
        """Record newly issued temporary credentials, pending for ``pending_ttl`` s (§2.1)."""
        key = self._token_key(temporary.token.key, TokenKind.REQUEST)
        self._write(key, temporary_fields(temporary), True)

    def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending record of request token ``token_key``, or ``None`` (§2.2)."""
        found = self.client.hgetall(self._token_key(token_key, TokenKind.REQUEST))
        return self._pending_in(found, token_key)

    def authorize_pending(
        self, token_key: str, verifier: str, owner: Pairs
    ) -> TemporaryCredentials | None:
        """Bind ``verifier`` and ``owner`` to the pending token, once (§2.2); else ``None``."""
        key = self._token_key(token_key, TokenKind.REQUEST)
        found = self._authorize(keys=[key], args=[verifier, pairs_text(owner)])
        return None if found is None else temporary_from(fields_of(found))[0]

    def take_pending(self, token_key: str) -> tuple[TemporaryCredentials, Pairs] | None:
        """Read and delete the record in one transaction: one caller gets it (§2.3)."""
        key = self._token_key(token_key, TokenKind.REQUEST)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.delete(key)
            found, deleted = pipe.execute()
        return self._taken(found, deleted)

    def __repr__(self) -> str:
        return f"RedisCredentialStore(prefix={self.prefix!r}, pending_ttl={self.pending_ttl})"
