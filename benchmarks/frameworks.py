"""The provider in frameworks: what verifying costs on an event loop and in a Flask view.

1. On an event loop, per request: the core's ``verify`` called directly (the reference), then
   ``verify_async`` inline (``offload=False``), in a worker thread (the default, so network
   stores never block the loop), and with async stores (each call run on the loop while the
   worker thread waits). The differences are the price of each way of not blocking the loop.
2. Through Flask's test client: the same view unprotected, and under ``FlaskOAuth.required``.
   The ratio is what protection adds to a request in a real framework.

Every request is signed afresh outside the timed region (each nonce is used once).
"""

from __future__ import annotations

import asyncio
from typing import Any

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
from transports.provider.aio import verify_async

from .common import Contender, Settings, by_name, compare, print_table, verdict

__all__ = ["main"]

CONSUMER = Consumer("bench-key", "bench-secret")
ACCESS = Token("bench-token", "bench-token-secret")
URL = "http://localhost/api/me?fields=name"


def _store() -> MemoryCredentialStore:
    store = MemoryCredentialStore([CONSUMER])
    store.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return store


def _signed(count: int) -> list[Request]:
    return [sign(Request("GET", URL), CONSUMER, ACCESS) for _ in range(count)]


class _AsyncCredentials:
    def __init__(self, inner: MemoryCredentialStore) -> None:
        self.inner = inner

    async def consumer(self, key: str) -> Consumer | None:
        return self.inner.consumer(key)

    async def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        return self.inner.token(consumer_key, token_key, kind)


class _AsyncNonces:
    def __init__(self) -> None:
        self.inner = MemoryNonceStore()

    async def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        return self.inner.use(consumer_key, token, timestamp, nonce)


def _on_loop(credentials: Any, nonces: Any, *, offload: bool) -> Any:
    loop = asyncio.new_event_loop()

    async def many(requests: list[Request]) -> None:
        for request in requests:
            await verify_async(request, credentials, nonces, offload=offload)

    def run(requests: list[Request]) -> None:
        loop.run_until_complete(many(requests))

    return run


def event_loop_contenders() -> list[Contender]:
    """Direct ``verify``, then ``verify_async`` inline, offloaded, and over async stores."""
    store = _store()
    nonces = MemoryNonceStore()

    def direct(requests: list[Request]) -> None:
        for request in requests:
            verify(request, store, nonces)

    inline = _on_loop(_store(), MemoryNonceStore(), offload=False)
    offloaded = _on_loop(_store(), MemoryNonceStore(), offload=True)
    bridged = _on_loop(_AsyncCredentials(_store()), _AsyncNonces(), offload=True)
    return [
        Contender("verify (sync, direct)", direct, _signed),
        Contender("verify_async offload=False", inline, _signed),
        Contender("verify_async (worker thread)", offloaded, _signed),
        Contender("verify_async, async stores", bridged, _signed),
    ]


def flask_contenders() -> list[Contender]:
    """One Flask view through the test client: unprotected, and under ``oauth.required``."""
    import flask

    from transports.provider.flask import FlaskOAuth

    app = flask.Flask(__name__)
    oauth = FlaskOAuth(app, _store(), MemoryNonceStore())

    def me() -> dict[str, str]:
        return {"fields": "name"}

    app.add_url_rule("/open/me", "open", me)
    app.add_url_rule("/api/me", "protected", oauth.required(me))
    client = app.test_client()

    def call(path: str) -> Any:
        def run(requests: list[Request]) -> None:
            for request in requests:
                response = client.get(path, headers=list(request.headers))
                if response.status_code != 200:
                    raise AssertionError(response.get_data(as_text=True))

        return run

    return [
        Contender("Flask view, unprotected", call("/open/me?fields=name"), _signed),
        Contender("Flask view, FlaskOAuth.required", call("/api/me?fields=name"), _signed),
    ]


def main(settings: Settings) -> None:
    """Time both tables and report what each way of verifying adds per request."""
    loop_timings = compare(event_loop_contenders(), settings)
    print_table(
        "Verifying one request on an event loop (in-memory stores)",
        loop_timings,
        "verify (sync, direct)",
    )
    found = by_name(loop_timings)
    hop = found["verify_async (worker thread)"].best - found["verify_async offload=False"].best
    verdict(
        "the worker thread costs less than a millisecond a request",
        hop < 1e-3,
        f"{hop * 1e6:.0f} µs per request over verifying inline",
    )
    try:
        flask_timings = compare(flask_contenders(), settings)
    except ImportError as exc:
        print(f"\n[frameworks: Flask] skipped: {exc}")
        return
    print_table("One GET through Flask's test client", flask_timings, "Flask view, unprotected")
    found = by_name(flask_timings)
    added = found["Flask view, FlaskOAuth.required"].best - found["Flask view, unprotected"].best
    print(f"  FlaskOAuth adds {added * 1e6:.0f} µs to a request")


if __name__ == "__main__":
    main(Settings())
