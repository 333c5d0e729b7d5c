"""OAuthMiddleware with the async Redis stores, under uvicorn, against a real redis-server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse
from starlette.routing import Route

from oauthcore import Consumer, Request, Token, TokenKind, sign
from transports.adapters.urllib3 import Urllib3Transport
from transports.provider.asgi import OAuthMiddleware, verified
from transports.stores.redis_async import AsyncRedisCredentialStore, AsyncRedisNonceStore, connect

from ..provider.uvicorn_server import serve_asgi

CONSUMER = Consumer("asgi-key", "asgi-secret")
ACCESS = Token("asgi-token", "asgi-token-secret", extra=[("user_id", "42")])
PREFIX = "asgi-test:"


async def whoami(request: StarletteRequest) -> JSONResponse:
    found = verified(request.scope)
    assert found.token is not None
    return JSONResponse({"consumer": found.consumer.key, "user_id": found.token.get("user_id")})


def seed(redis_url: str) -> None:
    async def main() -> None:
        client = connect(redis_url)
        try:
            store = AsyncRedisCredentialStore(client, prefix=PREFIX)
            await store.add_consumer(CONSUMER)
            await store.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
        finally:
            await client.aclose()

    asyncio.run(main())


def forget(redis_url: str) -> None:
    async def main() -> None:
        client = connect(redis_url)
        try:
            await client.flushdb()
        finally:
            await client.aclose()

    asyncio.run(main())


def test_async_redis_stores_behind_the_middleware(redis_url: str) -> None:
    seed(redis_url)
    client = connect(redis_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()  # on the server's loop, where its connections live

    inner = Starlette(routes=[Route("/whoami", whoami)], lifespan=lifespan)
    app = OAuthMiddleware(
        inner,
        AsyncRedisCredentialStore(client, prefix=PREFIX),
        AsyncRedisNonceStore(client, prefix=PREFIX + "nonce:"),
        realm="api",
    )
    try:
        with serve_asgi(app, lifespan="on") as base, Urllib3Transport(timeout=30) as transport:
            accepted = transport.send(sign(Request("GET", f"{base}/whoami"), CONSUMER, ACCESS))
            assert json.loads(accepted.body) == {"consumer": "asgi-key", "user_id": "42"}
            unknown = Token("nope", "x")
            refused = transport.send(sign(Request("GET", f"{base}/whoami"), CONSUMER, unknown))
            assert refused.status == 401
            assert refused.header("WWW-Authenticate") == 'OAuth realm="api"'
            # One signed request sent 40 times at once: Redis lets exactly one through.
            flood = sign(Request("GET", f"{base}/whoami"), CONSUMER, ACCESS)
            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(lambda _: transport.send(flood).status, range(40)))
            assert sorted(set(statuses)) == [200, 401]
            assert statuses.count(200) == 1
    finally:
        forget(redis_url)
