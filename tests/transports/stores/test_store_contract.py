"""Every store keeps the same promises: memory, Redis, SQLite, PostgreSQL (RFC 5849 §2, §3.3).

The shared backends run against a real redis-server and PostgreSQL started for the session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from oauthcore import Consumer, NonceStore, Token, TokenKind, TokenStore
from oauthcore.provider import TemporaryCredentials
from oauthcore.rsa import RsaKey
from transports.provider.pending import PendingStore
from transports.stores.urls import Stores

APP = Consumer("app-key", "app-secret")
OTHER = Consumer("other-key", "other-secret")
HOSTILE = ["", "\x00", "\ud800", "é" * 5000, "a" * 100_000, '["a", "b"]', "\n\r\t"]


def race(count: int, attempt: Callable[[], bool]) -> int:
    """Run ``attempt`` in ``count`` threads released together; how many got ``True``."""
    barrier = threading.Barrier(count)
    wins: list[bool] = []

    def run() -> None:
        barrier.wait()
        wins.append(attempt())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(wins)


def pending_record(
    key: str = "req-key", callback: str = "https://app.test/back"
) -> TemporaryCredentials:
    return TemporaryCredentials(
        APP.key, Token(key, "req-secret", callback_confirmed=True), callback
    )


def test_the_stores_implement_the_protocols(stores: Stores) -> None:
    assert isinstance(stores.credentials, TokenStore)
    assert isinstance(stores.pending, PendingStore)
    assert isinstance(stores.nonces, NonceStore)
    assert "secret" not in repr(stores.credentials) + repr(stores.nonces) + repr(stores.pending)


def test_a_nonce_is_accepted_once_per_scope(stores: Stores) -> None:
    nonces = stores.nonces
    assert nonces.use("key", "tok", 1_700_000_000, "n1")
    assert not nonces.use("key", "tok", 1_700_000_000, "n1")
    # Any other consumer, token, timestamp or nonce is another scope.
    assert nonces.use("key2", "tok", 1_700_000_000, "n1")
    assert nonces.use("key", None, 1_700_000_000, "n1")
    assert nonces.use("key", "tok", 1_700_000_001, "n1")
    assert nonces.use("key", "tok", 1_700_000_000, "n2")
    # Joined naively, these two scopes would be the same string.
    assert nonces.use("a:b", "c", 1_700_000_000, "d")
    assert nonces.use("a", "b:c", 1_700_000_000, "d")


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_scopes_like_any_other(stores: Stores, value: str) -> None:
    assert stores.nonces.use(value, value, 1_700_000_000, value)
    assert not stores.nonces.use(value, value, 1_700_000_000, value)
    assert stores.credentials.consumer(value) is None
    assert stores.credentials.token(value, value, TokenKind.ACCESS) is None
    assert not stores.credentials.remove_token(value, value, TokenKind.REQUEST)
    assert stores.pending.pending(value) is None
    assert stores.pending.authorize_pending(value, "v", ()) is None
    assert stores.pending.take_pending(value) is None


def test_of_concurrent_first_uses_exactly_one_wins(stores: Stores) -> None:
    assert race(16, lambda: stores.nonces.use("key", "tok", 1_700_000_000, "same")) == 1


def test_consumers_round_trip(stores: Stores, rsa_public_pem: str) -> None:
    credentials = stores.credentials
    assert credentials.consumer(APP.key) is None
    credentials.add_consumer(APP)
    assert credentials.consumer(APP.key) == APP
    rsa = Consumer("rsa-app", rsa_key=rsa_public_pem)
    credentials.add_consumer(rsa)
    found = credentials.consumer("rsa-app")
    assert found is not None
    assert found.rsa_key is not None
    assert found.rsa_key.public.public_numbers() == rsa.rsa_key.public.public_numbers()  # type: ignore[union-attr]
    # Replaced, not merged: the RSA key goes with the old record.
    credentials.add_consumer(Consumer("rsa-app", "now-a-secret"))
    assert credentials.consumer("rsa-app") == Consumer("rsa-app", "now-a-secret")
    with pytest.raises(TypeError, match=r"oauthcore\.Consumer"):
        credentials.add_consumer("app")  # type: ignore[arg-type]
    # A signer with no public key (a KMS key) can be kept in memory as it is, but a shared store
    # keeps the public key a provider verifies with, so it says there is none.
    signer_only = Consumer("kms-app", rsa_key=RsaKey.external(lambda message: b"", hash="sha256"))
    if not stores.shared:
        return
    with pytest.raises(ValueError, match="without a public key"):
        credentials.add_consumer(signer_only)
    assert credentials.consumer("kms-app") is None


def test_tokens_belong_to_their_consumer_and_kind(stores: Stores) -> None:
    credentials = stores.credentials
    token = Token("tok", "tok-secret", extra=[("user_id", "7"), ("screen_name", "ann")])
    credentials.add_token(APP.key, token, TokenKind.ACCESS)
    assert credentials.token(APP.key, "tok", TokenKind.ACCESS) == token
    assert credentials.token(OTHER.key, "tok", TokenKind.ACCESS) is None
    assert credentials.token(APP.key, "tok", TokenKind.REQUEST) is None
    assert not credentials.remove_token(OTHER.key, "tok", TokenKind.ACCESS)
    assert credentials.remove_token(APP.key, "tok", TokenKind.ACCESS)
    assert not credentials.remove_token(APP.key, "tok", TokenKind.ACCESS)
    assert credentials.token(APP.key, "tok", TokenKind.ACCESS) is None
    with pytest.raises(TypeError, match=r"oauthcore\.Token"):
        credentials.add_token(APP.key, "tok", TokenKind.ACCESS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="TokenKind"):
        credentials.add_token(APP.key, token, "access")  # type: ignore[arg-type]


def test_a_request_token_is_removed_by_one_of_many(stores: Stores) -> None:
    credentials = stores.credentials
    credentials.add_token(APP.key, Token("once", "s"), TokenKind.REQUEST)
    assert credentials.token(APP.key, "once", TokenKind.REQUEST) == Token("once", "s")
    assert race(16, lambda: credentials.remove_token(APP.key, "once", TokenKind.REQUEST)) == 1


def test_a_pending_authorization_is_bound_once_and_taken_once(stores: Stores) -> None:
    pending = stores.pending
    record = pending_record()
    pending.add_pending(record)
    assert pending.pending("req-key") == record
    # The request token is a credential of its consumer while it is pending.
    assert stores.credentials.token(APP.key, "req-key", TokenKind.REQUEST) == record.token
    owner = (("user_id", "1"), ("screen_name", "ann"))
    authorized = pending.authorize_pending("req-key", "the-verifier", owner)
    assert authorized is not None
    assert authorized.verifier == "the-verifier"
    assert authorized.token == record.token
    assert pending.pending("req-key") == authorized
    # The verifier is bound to this token once: a second authorization changes nothing.
    assert pending.authorize_pending("req-key", "another", ()) is None
    assert pending.pending("req-key") == authorized
    assert pending.take_pending("req-key") == (authorized, owner)
    assert pending.take_pending("req-key") is None
    assert pending.pending("req-key") is None
    assert pending.authorize_pending("req-key", "late", ()) is None
    assert stores.credentials.token(APP.key, "req-key", TokenKind.REQUEST) is None


def test_of_concurrent_takes_exactly_one_gets_the_record(stores: Stores) -> None:
    pending = stores.pending
    pending.add_pending(pending_record("contested", "oob"))
    assert pending.authorize_pending("contested", "v", ()) is not None
    taken: list[object] = []

    def take() -> bool:
        found = pending.take_pending("contested")
        taken.append(found)
        return found is not None

    assert race(16, take) == 1
    assert taken.count(None) == 15


def test_of_concurrent_authorizations_exactly_one_binds(stores: Stores) -> None:
    pending = stores.pending
    pending.add_pending(pending_record("to-bind"))
    verifiers = iter(range(100))
    lock = threading.Lock()

    def bind() -> bool:
        with lock:
            verifier = f"v{next(verifiers)}"
        return pending.authorize_pending("to-bind", verifier, ()) is not None

    assert race(16, bind) == 1


def test_workers_registering_the_same_records_at_once_all_succeed(stores: Stores) -> None:
    # Every worker of a provider registers its consumers and fixed tokens as it starts.
    credentials = stores.credentials

    def register() -> bool:
        credentials.add_consumer(APP)
        credentials.add_token(APP.key, Token("fixed", "s"), TokenKind.ACCESS)
        return True

    assert race(16, register) == 16
    assert credentials.consumer(APP.key) == APP
    assert credentials.token(APP.key, "fixed", TokenKind.ACCESS) == Token("fixed", "s")


def test_a_replaced_request_token_keeps_nothing_of_the_old_record(stores: Stores) -> None:
    stores.pending.add_pending(pending_record("again"))
    assert stores.pending.authorize_pending("again", "old-verifier", (("user_id", "1"),))
    stores.pending.add_pending(pending_record("again"))
    found = stores.pending.pending("again")
    assert found is not None
    assert found.verifier is None
