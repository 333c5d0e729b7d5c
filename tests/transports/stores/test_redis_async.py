"""The Redis stores over redis.asyncio, against a real redis-server (RFC 5849 §2, §3.3)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from oauthcore import Consumer, Token, TokenKind
from oauthcore.credentials import AsyncCredentialStore, AsyncTokenStore
from oauthcore.nonces import AsyncNonceStore
from oauthcore.provider import TemporaryCredentials
from transports.provider.pending import AsyncPendingStore
from transports.stores.redis_async import (
    AsyncRedisCredentialStore,
    AsyncRedisNonceStore,
    connect,
)

T = TypeVar("T")
APP = Consumer("app-key", "app-secret")


def run(
    redis_url: str,
    scenario: Callable[[AsyncRedisCredentialStore, AsyncRedisNonceStore], Awaitable[T]],
) -> T:
    """Run ``scenario`` with both stores over one client, then empty the database and close."""

    async def main() -> T:
        client = connect(redis_url)
        try:
            return await scenario(
                AsyncRedisCredentialStore(client, prefix="async:"),
                AsyncRedisNonceStore(client, window=60, clock_skew=5, prefix="async:nonce:"),
            )
        finally:
            await client.flushdb()
            await client.aclose()

    return asyncio.run(main())


def test_the_async_stores_implement_the_async_protocols(redis_url: str) -> None:
    async def scenario(store: AsyncRedisCredentialStore, nonces: AsyncRedisNonceStore) -> None:
        assert isinstance(nonces, AsyncNonceStore)
        assert isinstance(store, AsyncCredentialStore)
        assert isinstance(store, AsyncTokenStore)
        assert isinstance(store, AsyncPendingStore)
        assert repr(nonces) == "AsyncRedisNonceStore(window=60, ttl=126, prefix='async:nonce:')"
        assert repr(store) == "AsyncRedisCredentialStore(prefix='async:', pending_ttl=900)"

    run(redis_url, scenario)


def test_async_nonces_are_used_once_and_expire(redis_url: str) -> None:
    async def scenario(
        store: AsyncRedisCredentialStore, nonces: AsyncRedisNonceStore
    ) -> list[bool]:
        first = await nonces.use("key", "tok", 1_700_000_000, "n")
        again = await nonces.use("key", "tok", 1_700_000_000, "n")
        racing = await asyncio.gather(*(nonces.use("key", None, 1, "race") for _ in range(20)))
        keys = [key async for key in store.client.scan_iter("async:nonce:*")]
        ttls = [await store.client.ttl(key) for key in keys]
        assert all(0 < ttl <= 126 for ttl in ttls)
        return [first, again, sum(racing) == 1]

    assert run(redis_url, scenario) == [True, False, True]


def test_async_credentials_and_pending_authorizations(redis_url: str) -> None:
    async def scenario(store: AsyncRedisCredentialStore, nonces: AsyncRedisNonceStore) -> None:
        assert await store.consumer(APP.key) is None
        await store.add_consumer(APP)
        assert await store.consumer(APP.key) == APP
        token = Token("tok", "tok-secret", extra=[("user_id", "1")])
        await store.add_token(APP.key, token, TokenKind.ACCESS)
        assert await store.token(APP.key, "tok", TokenKind.ACCESS) == token
        assert await store.token("other", "tok", TokenKind.ACCESS) is None
        with pytest.raises(TypeError, match="TokenKind"):
            await store.add_token(APP.key, token, "access")  # type: ignore[arg-type]
        assert not await store.remove_token("\ud800", "tok", TokenKind.ACCESS)
        removals = await asyncio.gather(
            *(store.remove_token(APP.key, "tok", TokenKind.ACCESS) for _ in range(10))
        )
        assert sum(removals) == 1

        record = TemporaryCredentials(APP.key, Token("req", "s", callback_confirmed=True), "oob")
        await store.add_pending(record)
        assert await store.client.ttl("async:request:" + _digest("req")) == 900
        assert await store.pending("req") == record
        assert await store.pending("nope") is None
        assert await store.take_pending("nope") is None
        owner = (("user_id", "1"),)
        bound = await asyncio.gather(
            *(store.authorize_pending("req", f"v{i}", owner) for i in range(10))
        )
        winners = [found for found in bound if found is not None]
        assert len(winners) == 1
        assert await store.pending("req") == winners[0]
        taken = await asyncio.gather(*(store.take_pending("req") for _ in range(10)))
        assert [found for found in taken if found is not None] == [(winners[0], owner)]

    run(redis_url, scenario)


def _digest(value: str) -> str:
    from transports.stores._fields import digest

    return digest(value)


def test_connect_names_the_extra_when_redis_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[redis\]'"):
        connect("redis://127.0.0.1:1/0")
