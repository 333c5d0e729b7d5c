"""transports.wsgi.TokenEndpoints: pending authorizations are bounded per consumer (RFC 5849 §2.2).

With one table for every consumer, a consumer that asked for ``max_pending`` request tokens
pushed out the flows of every other consumer: a denial of service on their users' sign-ins.
Each consumer now has its own ``max_pending``, and only its own oldest flows are dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import Consumer, Token, TokenKind
from oauthcore.credentials import MemoryCredentialStore
from oauthcore.nonces import MemoryNonceStore
from transports.client import Client
from transports.wsgi import TokenEndpoints, WSGITransport

ALICE_APP = Consumer("alice-app", "alice-secret")
BOB_APP = Consumer("bob-app", "bob-secret")
MAX_PENDING = 4


def provider(*consumers: Consumer) -> tuple[TokenEndpoints, MemoryCredentialStore]:
    credentials = MemoryCredentialStore([ALICE_APP, BOB_APP, *consumers])
    tokens = TokenEndpoints(credentials, MemoryNonceStore(), max_pending=MAX_PENDING)
    return tokens, credentials


def client(tokens: TokenEndpoints, consumer: Consumer) -> Client:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/request_token":
            return tokens.request_token(environ, start_response)
        return tokens.access_token(environ, start_response)

    return Client(consumer, transport=WSGITransport(app))


def request_tokens(app: Client, count: int) -> list[Token]:
    return [app.fetch_request_token("http://p.test/request_token") for _ in range(count)]


def still_pending(
    tokens: TokenEndpoints, credentials: MemoryCredentialStore, consumer: Consumer, token: Token
) -> bool:
    pending = tokens.pending(token.key) is not None
    stored = credentials.token(consumer.key, token.key, TokenKind.REQUEST) is not None
    assert pending == stored  # the table and the store never disagree
    return pending


def test_another_consumer_cannot_evict_a_pending_authorization() -> None:
    tokens, credentials = provider()
    alice = client(tokens, ALICE_APP)
    bob = client(tokens, BOB_APP)
    waiting = alice.fetch_request_token("http://p.test/request_token")
    flood = request_tokens(bob, 3 * MAX_PENDING)
    assert still_pending(tokens, credentials, ALICE_APP, waiting)
    # Bob's own oldest went, his newest max_pending stay.
    kept = [still_pending(tokens, credentials, BOB_APP, token) for token in flood]
    assert kept == [False] * (2 * MAX_PENDING) + [True] * MAX_PENDING
    # Alice's user, slower than Bob's flood, still signs in.
    authorized = tokens.authorize(waiting.key, [("user_id", "1")])
    assert authorized.verifier is not None
    access = alice.fetch_access_token("http://p.test/access_token", waiting, authorized.verifier)
    assert access.extra == (("user_id", "1"),)
    assert credentials.token(ALICE_APP.key, access.key, TokenKind.ACCESS) == access


def test_a_consumer_over_its_bound_loses_its_own_oldest_only() -> None:
    tokens, credentials = provider()
    alice = request_tokens(client(tokens, ALICE_APP), MAX_PENDING)
    bob = request_tokens(client(tokens, BOB_APP), MAX_PENDING + 1)
    assert all(still_pending(tokens, credentials, ALICE_APP, token) for token in alice)
    assert not still_pending(tokens, credentials, BOB_APP, bob[0])
    assert all(still_pending(tokens, credentials, BOB_APP, token) for token in bob[1:])


def test_finished_flows_free_their_place() -> None:
    tokens, credentials = provider()
    alice = client(tokens, ALICE_APP)
    issued = request_tokens(alice, MAX_PENDING)
    authorized = tokens.authorize(issued[0].key)
    assert authorized.verifier is not None
    alice.fetch_access_token("http://p.test/access_token", issued[0], authorized.verifier)
    tokens.deny(issued[1].key)
    # Two places are free again: two more flows start without pushing out the other two.
    issued += request_tokens(alice, 2)
    assert all(still_pending(tokens, credentials, ALICE_APP, token) for token in issued[2:])
    issued += request_tokens(alice, 1)
    assert not still_pending(tokens, credentials, ALICE_APP, issued[2])
    assert all(still_pending(tokens, credentials, ALICE_APP, token) for token in issued[3:])


def test_consumers_starting_flows_at_once_keep_to_their_own_bounds() -> None:
    others = [Consumer(f"app-{number}", f"secret-{number}") for number in range(4)]
    tokens, credentials = provider(*others)
    waiting = client(tokens, ALICE_APP).fetch_request_token("http://p.test/request_token")
    issued: dict[str, list[Token]] = {}
    start = threading.Barrier(len(others))

    def flood(consumer: Consumer) -> None:
        app = client(tokens, consumer)
        start.wait()
        issued[consumer.key] = request_tokens(app, 3 * MAX_PENDING)

    threads = [threading.Thread(target=flood, args=(consumer,)) for consumer in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert still_pending(tokens, credentials, ALICE_APP, waiting)
    for consumer in others:
        kept = [still_pending(tokens, credentials, consumer, t) for t in issued[consumer.key]]
        assert kept == [False] * (2 * MAX_PENDING) + [True] * MAX_PENDING


@pytest.mark.parametrize("bound", [0, -1])
def test_the_bound_lets_at_least_one_flow_wait(bound: int) -> None:
    with pytest.raises(ValueError, match=f"max_pending must be at least 1, not {bound}"):
        TokenEndpoints(MemoryCredentialStore(), None, max_pending=bound)
