"""MemoryNonceStore: replay refusal scoped by consumer, token and timestamp (RFC 5849 §3.3)."""

from __future__ import annotations

import threading

import pytest

from oauthcore import MemoryNonceStore, NonceStore

T = 1_700_000_000


def test_is_a_nonce_store() -> None:
    assert isinstance(MemoryNonceStore(), NonceStore)
    assert repr(MemoryNonceStore(60)) == "MemoryNonceStore(window=60)"


def test_second_use_is_refused() -> None:
    store = MemoryNonceStore()
    assert store.use("ck", "tk", T, "n1") is True
    assert store.use("ck", "tk", T, "n1") is False
    assert store.use("ck", "tk", T, "n2") is True
    assert len(store) == 2


@pytest.mark.parametrize(
    "other",
    [("ck2", "tk", T, "n"), ("ck", "tk2", T, "n"), ("ck", None, T, "n"), ("ck", "tk", T + 1, "n")],
)
def test_scope_is_consumer_token_and_timestamp(other: tuple[str, str | None, int, str]) -> None:
    store = MemoryNonceStore()
    assert store.use("ck", "tk", T, "n")
    assert store.use(*other) is True


def test_memory_is_bounded_by_the_window() -> None:
    store = MemoryNonceStore(window=10)
    for second in range(1000):
        assert store.use("ck", None, T + second, "n")
        assert store.use("ck", None, T + second, "m")
    # Only about three windows of timestamps are kept, not a thousand seconds' worth.
    assert len(store) <= 2 * (2 * 10 + 1)
    assert store.use("ck", None, T + 999, "n") is False


def test_out_of_order_timestamps_within_the_window_are_remembered() -> None:
    store = MemoryNonceStore(window=300)
    assert store.use("ck", None, T, "a")
    assert store.use("ck", None, T - 200, "b")
    assert store.use("ck", None, T + 300, "c")
    # T - 200 is still within reach of a request that passed a 300 s check.
    assert store.use("ck", None, T - 200, "b") is False
    assert store.use("ck", None, T, "a") is False


def test_timestamp_too_old_to_vouch_for_is_refused() -> None:
    store = MemoryNonceStore(window=10)
    assert store.use("ck", None, T, "a")
    assert store.use("ck", None, T - 21, "fresh-but-too-old") is False
    assert store.use("ck", None, T - 20, "just-in-reach") is True


def test_concurrent_uses_of_one_nonce_succeed_exactly_once() -> None:
    store = MemoryNonceStore()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results.extend(store.use("ck", "tk", T, "same") for _ in range(50))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1
    assert len(results) == 400


def test_window_is_validated() -> None:
    with pytest.raises(TypeError, match="window must be an int"):
        MemoryNonceStore(window=True)
    with pytest.raises(TypeError, match="window must be an int"):
        MemoryNonceStore(window=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        MemoryNonceStore(window=-1)
