"""Nonce replay protection (RFC 5849 §3.3): the ``NonceStore`` protocol and an in-memory store.

Theory of operation: a nonce only has to be remembered while a request carrying it could still
pass the timestamp check, i.e. while its timestamp is within the window of the provider's clock.
``MemoryNonceStore`` keeps one bucket per timestamp and a heap of bucket timestamps; it never reads
a clock (the core is deterministic) but follows the newest timestamp it has accepted. A request
that passed a ``window``-second check cannot be newer than ``now + window``, so dropping buckets
older than ``newest - 2 * window`` only drops nonces whose requests are already refused as stale.
Each bucket is pushed and popped once: amortised O(1) dictionary work per check.
"""

from __future__ import annotations

import heapq
import threading
from typing import Protocol, runtime_checkable

__all__ = ["AsyncNonceStore", "MemoryNonceStore", "NonceStore"]


@runtime_checkable
class NonceStore(Protocol):
    """Remembers used nonces, scoped by consumer key, token and timestamp (RFC 5849 §3.3)."""

    def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        """Record the nonce; ``False`` when this combination was seen before (a replay, §3.3).

        Must be atomic: of two concurrent calls with the same arguments, exactly one gets ``True``.
        """
        ...


@runtime_checkable
class AsyncNonceStore(Protocol):
    """``NonceStore`` for asyncio providers: ``use`` is awaited (RFC 5849 §3.3).

    The same contract: atomic, so of two concurrent calls with the same arguments exactly one
    gets ``True``. ``transports.stores.redis_async`` has one over Redis.
    """

    async def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        """Record the nonce; ``False`` when this combination was seen before (a replay, §3.3)."""
        ...


class MemoryNonceStore:
    """A bounded, thread-safe, single-process ``NonceStore`` (RFC 5849 §3.3).

    ``window`` must be at least the timestamp window of the ``check``/``verify`` that uses it.
    Several processes or hosts need a shared store (such as Redis) behind the same protocol.
    """

    __slots__ = ("_buckets", "_heap", "_lock", "_newest", "_span", "window")

    def __init__(self, window: int = 300) -> None:
        if isinstance(window, bool) or not isinstance(window, int):
            raise TypeError(f"window must be an int of seconds, not {type(window).__name__}")
        if window < 0:
            raise ValueError(f"window must not be negative, got {window}")
        #: Seconds of the provider's timestamp window this store covers.
        self.window = window
        self._span = 2 * window
        self._buckets: dict[int, set[tuple[str, str | None, str]]] = {}
        self._heap: list[int] = []
        self._newest: int | None = None
        self._lock = threading.Lock()

    def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        """Record the nonce; ``False`` for a replay or a timestamp too old to vouch for (§3.3)."""
        key = (consumer_key, token, nonce)
        with self._lock:
            bucket = self._buckets.get(timestamp)
            if bucket is not None:
                # The common case, a second already seen. Buckets only exist within the span of
                # the newest timestamp, and only a new bucket can move the newest timestamp.
                if key in bucket:
                    return False
                bucket.add(key)
                return True
            newest = self._newest
            if newest is not None and timestamp < newest - self._span:
                # Its bucket may already be gone: uniqueness can no longer be proven, so refuse.
                return False
            self._buckets[timestamp] = {key}
            heapq.heappush(self._heap, timestamp)
            if newest is None or timestamp > newest:
                self._newest = timestamp
                self._drop_older_than(timestamp - self._span)
            return True

    def _drop_older_than(self, oldest: int) -> None:
        heap = self._heap
        while heap[0] < oldest:
            del self._buckets[heapq.heappop(heap)]

    def __len__(self) -> int:
        """How many nonces are remembered now: the requests of at most 3 windows (§3.3)."""
        with self._lock:
            return sum(len(bucket) for bucket in self._buckets.values())

    def __repr__(self) -> str:
        return f"MemoryNonceStore(window={self.window})"
