"""Load and concurrency: many threads, one client, the demo provider on loopback (RFC 5849 §3.3).

Eight threads share one ``transports.Client`` (and so one transport) and send signed requests to
the demo provider with its nonce store on. Every request must be accepted, and the store must
hold exactly one new nonce per request: a repeated nonce would have been refused as a replay, and
a lost one would mean a request went unchecked. The full 8 x 2,000 per transport is marked
``slow``; the default run does 8 x 100.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from oauthcore.nonces import MemoryNonceStore
from oauthcore.signing import make_nonce
from tests.servers import serve
from transports import Client, Httplib2Transport, Transport, Urllib3Transport, UrllibTransport
from transports.demo import DEMO_CONSUMER, DemoProvider, Endpoints
from transports.wsgi import WSGITransport

THREADS = 8

NetworkTransport = UrllibTransport | Urllib3Transport | Httplib2Transport
NETWORK_TRANSPORTS: dict[str, Callable[[], NetworkTransport]] = {
    "urllib": UrllibTransport,
    "urllib3": Urllib3Transport,
    "httplib2": Httplib2Transport,
}


def signed_in(provider: DemoProvider, endpoints: Endpoints, transport: Transport) -> Client:
    """A client holding access credentials from ``provider`` (RFC 5849 §2, oob verifier)."""
    app = Client(DEMO_CONSUMER, transport=transport)
    request_token = app.fetch_request_token(endpoints.request_token, callback="oob")
    approved = provider.approve(request_token.key)
    assert approved.verifier is not None
    access = app.fetch_access_token(endpoints.access_token, request_token, approved.verifier)
    return app.with_token(access)


def hammer(client: Client, provider: DemoProvider, url: str, per_thread: int) -> None:
    """``THREADS`` threads x ``per_thread`` signed GETs and POSTs: all accepted, nonces all new."""
    nonces = provider.nonces
    assert isinstance(nonces, MemoryNonceStore)  # the demo's default: it can count its nonces
    before = len(nonces)

    def work(thread: int) -> list[str]:
        failures = []
        for i in range(per_thread):
            if i % 2:
                response = client.request(
                    "POST", url, data=[("thread", str(thread)), ("i", str(i))]
                )
            else:
                response = client.request("GET", url, params=[("i", str(i))])
            if response.status != 200:
                failures.append(f"{response.status} {response.body[:200]!r}")
        return failures

    with ThreadPoolExecutor(THREADS) as pool:
        failures = [f for batch in pool.map(work, range(THREADS)) for f in batch]
    assert failures == []
    assert len(nonces) - before == THREADS * per_thread


def run_over_network(make_transport: Callable[[], NetworkTransport], per_thread: int) -> None:
    """The demo provider on 127.0.0.1 (HTTP/1.1, keep-alive), hammered through one transport."""
    provider = DemoProvider()
    transport = make_transport()
    try:
        with serve(provider) as base:
            endpoints = Endpoints.at(base)
            client = signed_in(provider, endpoints, transport)
            hammer(client, provider, endpoints.resource, per_thread)
    finally:
        transport.close()


@pytest.mark.parametrize("name", sorted(NETWORK_TRANSPORTS))
def test_concurrent_signed_requests(name: str) -> None:
    run_over_network(NETWORK_TRANSPORTS[name], 100)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NETWORK_TRANSPORTS))
def test_concurrent_signed_requests_full_load(name: str) -> None:
    run_over_network(NETWORK_TRANSPORTS[name], 2_000)


@pytest.mark.parametrize("per_thread", [100, pytest.param(2_000, marks=pytest.mark.slow)])
def test_concurrent_signed_requests_in_process(per_thread: int) -> None:
    provider = DemoProvider()
    endpoints = Endpoints.at("http://provider.test")
    client = signed_in(provider, endpoints, WSGITransport(provider))
    hammer(client, provider, endpoints.resource, per_thread)


def test_a_replayed_request_is_refused_under_load() -> None:
    # The counterpart of "zero collisions": the same signed request sent from every thread at
    # once is accepted exactly once.
    from oauthcore import Request, sign

    provider = DemoProvider()
    endpoints = Endpoints.at("http://provider.test")
    transport = WSGITransport(provider)
    client = signed_in(provider, endpoints, transport)
    assert client.token is not None
    signed = sign(Request("GET", endpoints.resource), DEMO_CONSUMER, client.token)
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = sorted(pool.map(lambda _: transport.send(signed).status, range(THREADS * 4)))
    assert statuses == [200] + [401] * (THREADS * 4 - 1)


def nonces_are_unique(count: int) -> None:
    """``count`` nonces from ``make_nonce`` are pairwise different (128 random bits each)."""
    seen = {make_nonce() for _ in range(count)}
    assert len(seen) == count


def test_nonces_are_unique() -> None:
    nonces_are_unique(100_000)


@pytest.mark.slow
def test_a_million_nonces_are_unique() -> None:
    nonces_are_unique(1_000_000)
