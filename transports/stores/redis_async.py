"""The Redis stores for asyncio providers, over ``redis.asyncio`` (RFC 5849 §2, §3.3).

The same keys, commands and scripts as ``transports.stores.redis`` (see its theory of operation),
awaited: a sync and an async worker can share one Redis. They implement the async protocols
``oauthcore.nonces.AsyncNonceStore``, ``oauthcore.credentials.AsyncTokenStore`` and
``transports.provider.pending.AsyncPendingStore``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauthcore import Consumer, Token, TokenKind
from oauthcore.provider import TemporaryCredentials
from oauthcore.records import Pairs

from .._extras import missing_extra
from ._fields import (
    DEFAULT_PENDING_TTL,
    consumer_fields,
    digest,
    expiry,
    pairs_text,
    storable,
    temporary_fields,
    temporary_from,
    token_fields,
)
from .redis import _RedisRecords, fields_of

if TYPE_CHECKING:
    import redis.asyncio

__all__ = ["AsyncRedisCredentialStore", "AsyncRedisNonceStore", "connect"]


def connect(url: str) -> redis.asyncio.Redis:
    """A ``redis.asyncio`` client for the stores (§3.3) at ``redis://host:port/db``; aclose() it."""
    try:
        import redis.asyncio
    except ImportError as exc:
        raise missing_extra("transports.stores.redis_async", "redis") from exc
    client: redis.asyncio.Redis = redis.asyncio.Redis.from_url(url)
    return client


class AsyncRedisNonceStore:
    """An ``AsyncNonceStore`` shared through Redis: one ``SET NX EX`` per nonce (RFC 5849 §3.3).

    ``window`` and ``clock_skew`` as for ``RedisNonceStore``.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
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

    async def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        """Record the nonce; ``False`` for a replay (§3.3). One ``SET NX EX``, atomic."""
        key = self.prefix + digest(consumer_key, token, timestamp, nonce)
        return await self.client.set(key, b"1", nx=True, ex=self.ttl) is True

    def __repr__(self) -> str:
        return f"AsyncRedisNonceStore(window={self.window}, ttl={self.ttl}, prefix={self.prefix!r})"


class AsyncRedisCredentialStore(_RedisRecords):
    """An ``AsyncTokenStore`` and ``AsyncPendingStore`` in Redis (RFC 5849 §2).

    The same records and guarantees as ``RedisCredentialStore``, awaited.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        *,
        prefix: str = "oauthcore:",
        pending_ttl: int = DEFAULT_PENDING_TTL,
    ) -> None:
        self.client = client
        self._keep(client, prefix, pending_ttl)

    async def _write(self, key: str, fields: dict[str, str], expires: bool) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]  # typed as an invariant dict
            if expires:
                pipe.expire(key, self.pending_ttl)
            await pipe.execute()

    async def add_consumer(self, consumer: Consumer) -> None:
        """Register (or replace) a consumer, keyed by ``consumer.key`` (RFC 5849 §1.1)."""
        fields = consumer_fields(consumer)
        await self._write(self._consumer_key(fields["key"]), fields, False)

    async def consumer(self, key: str) -> Consumer | None:
        """The consumer with this key, or ``None`` (§3.2)."""
        return self._consumer_in(await self.client.hgetall(self._consumer_key(key)), key)

    async def add_token(self, consumer_key: str, token: Token, kind: TokenKind) -> None:
        """Record a ``kind`` token issued to ``consumer_key`` (§2.1, §2.3)."""
        fields = token_fields(consumer_key, token)
        if not isinstance(kind, TokenKind):
            raise TypeError(f"kind must be a TokenKind, not {kind!r}")
        await self._write(self._token_key(token.key, kind), fields, kind is TokenKind.REQUEST)

    async def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        """The ``kind`` token ``token_key`` of ``consumer_key``, or ``None`` (§3.2)."""
        found = await self.client.hgetall(self._token_key(token_key, kind))
        return self._token_in(found, consumer_key, token_key)

    async def remove_token(self, consumer_key: str, token_key: str, kind: TokenKind) -> bool:
        """Forget a token; ``True`` only for the one caller that removed it (single use, §2.3)."""
        if not storable(consumer_key):
            return False
        key = self._token_key(token_key, kind)
        removed: int = await self._remove(keys=[key], args=[consumer_key])
        return removed == 1

    async def add_pending(self, temporary: TemporaryCredentials) -> None:
        """Record newly issued temporary credentials, pending for ``pending_ttl`` s (§2.1)."""
        key = self._token_key(temporary.token.key, TokenKind.REQUEST)
        await self._write(key, temporary_fields(temporary), True)

    async def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending record of request token ``token_key``, or ``None`` (§2.2)."""
        found = await self.client.hgetall(self._token_key(token_key, TokenKind.REQUEST))
        return self._pending_in(found, token_key)

    async def authorize_pending(
        self, token_key: str, verifier: str, owner: Pairs
    ) -> TemporaryCredentials | None:
        """Bind ``verifier`` and ``owner`` to the pending token, once (§2.2); else ``None``."""
        key = self._token_key(token_key, TokenKind.REQUEST)
        found = await self._authorize(keys=[key], args=[verifier, pairs_text(owner)])
        return None if found is None else temporary_from(fields_of(found))[0]

    async def take_pending(self, token_key: str) -> tuple[TemporaryCredentials, Pairs] | None:
        """Read and delete the record in one transaction: one caller gets it (§2.3)."""
        key = self._token_key(token_key, TokenKind.REQUEST)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.delete(key)
            found, deleted = await pipe.execute()
        return self._taken(found, deleted)

    def __repr__(self) -> str:
        return f"AsyncRedisCredentialStore(prefix={self.prefix!r}, pending_ttl={self.pending_ttl})"
