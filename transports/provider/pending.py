"""Pending authorizations between the §2.1 and §2.3 requests: ``PendingStore`` and its memory one.

Theory of operation: a request token is pending from the temporary-credentials reply (§2.1) until
it is exchanged or denied. Its record (``TemporaryCredentials``: consumer, token, callback, and
once the resource owner agrees, the verifier) must be visible to whichever worker serves the next
step, so ``TokenEndpoints`` keeps it in a ``PendingStore``. Two operations carry the guarantees:
``authorize_pending`` binds a verifier to the token once, and ``take_pending`` removes the record
atomically, so that of two concurrent exchanges exactly one gets it (a request token works once).
``MemoryPendingStore`` does this in one process; ``transports.stores`` has shared ones.
"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

from attrs import evolve

from oauthcore import TokenKind, TokenStore
from oauthcore.provider import TemporaryCredentials
from oauthcore.records import Pairs

__all__ = ["AsyncPendingStore", "MemoryPendingStore", "PendingStore"]


@runtime_checkable
class PendingStore(Protocol):
    """Request tokens awaiting the resource owner and the exchange (RFC 5849 §2.1-§2.3).

    The store also answers for the request token in ``CredentialStore.token`` terms: once added,
    ``token(consumer_key, key, TokenKind.REQUEST)`` finds it until it is taken.
    """

    def add_pending(self, temporary: TemporaryCredentials) -> None:
        """Record newly issued temporary credentials, not yet authorized (§2.1)."""
        ...

    def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending record of request token ``token_key``, or ``None`` (§2.2)."""
        ...

    def authorize_pending(
        self, token_key: str, verifier: str, owner: Pairs
    ) -> TemporaryCredentials | None:
        """Bind ``verifier`` and the resource owner to the token, once (§2.2).

        ``None`` when the token is unknown, expired or already authorized.
        """
        ...

    def take_pending(self, token_key: str) -> tuple[TemporaryCredentials, Pairs] | None:
        """Remove the record atomically: of concurrent callers exactly one gets it (§2.3)."""
        ...


@runtime_checkable
class AsyncPendingStore(Protocol):
    """``PendingStore`` for asyncio code: the same operations, awaited (RFC 5849 §2.1-§2.3)."""

    async def add_pending(self, temporary: TemporaryCredentials) -> None:
        """Record newly issued temporary credentials, not yet authorized (§2.1)."""
        ...

    async def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending record of request token ``token_key``, or ``None`` (§2.2)."""
        ...

    async def authorize_pending(
        self, token_key: str, verifier: str, owner: Pairs
    ) -> TemporaryCredentials | None:
        """Bind ``verifier`` and the resource owner to the token, once (§2.2)."""
        ...

    async def take_pending(self, token_key: str) -> tuple[TemporaryCredentials, Pairs] | None:
        """Remove the record atomically: of concurrent callers exactly one gets it (§2.3)."""
        ...


class MemoryPendingStore:
    """A thread-safe, single-process ``PendingStore`` over a ``TokenStore`` (RFC 5849 §2).

    Each request token is also added to ``credentials`` as a ``TokenKind.REQUEST`` token and
    removed with its record. At most ``max_pending`` records are kept per consumer, that
    consumer's oldest dropped first: no consumer can push out another's.
    """

    def __init__(self, credentials: TokenStore, *, max_pending: int = 10_000) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, not {max_pending}")
        self.credentials = credentials
        self.max_pending = max_pending
        self._pending: dict[str, TemporaryCredentials] = {}
        # Each consumer's pending request tokens, oldest first (dicts keep insertion order).
        self._queues: dict[str, dict[str, None]] = {}
        self._owners: dict[str, Pairs] = {}
        self._lock = threading.Lock()

    def add_pending(self, temporary: TemporaryCredentials) -> None:
        """Record temporary credentials and their request token (§2.1)."""
        consumer_key, key = temporary.consumer_key, temporary.token.key
        self.credentials.add_token(consumer_key, temporary.token, TokenKind.REQUEST)
        with self._lock:
            self._pending[key] = temporary
            queue = self._queues.setdefault(consumer_key, {})
            queue[key] = None
            # The bound is per consumer and there is no global one: any shared cap lets one
            # consumer's flood push out another's flows. Only consumers the credential store
            # knows get this far, so the table holds at most max_pending times that many.
            dropped = []
            while len(queue) > self.max_pending:
                old_key = next(iter(queue))
                self._unlist(old_key)
                dropped.append(old_key)
        for old_key in dropped:
            self.credentials.remove_token(consumer_key, old_key, TokenKind.REQUEST)

    def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending record of ``token_key``, or ``None`` (§2.2)."""
        with self._lock:
            return self._pending.get(token_key)

    def authorize_pending(
        self, token_key: str, verifier: str, owner: Pairs
    ) -> TemporaryCredentials | None:
        """Bind the verifier and owner once; ``None`` if unknown or already authorized (§2.2)."""
        with self._lock:
            temporary = self._pending.get(token_key)
            if temporary is None or temporary.verifier is not None:
                return None
            authorized = evolve(temporary, verifier=verifier)
            self._pending[token_key] = authorized
            self._owners[token_key] = owner
            return authorized

    def take_pending(self, token_key: str) -> tuple[TemporaryCredentials, Pairs] | None:
        """Remove the record; only the one caller that removed it gets it (§2.3)."""
        with self._lock:
            taken = self._unlist(token_key)
        if taken is not None:
            self.credentials.remove_token(taken[0].consumer_key, token_key, TokenKind.REQUEST)
        return taken

    def _unlist(self, token_key: str) -> tuple[TemporaryCredentials, Pairs] | None:
        # Callers hold the lock.
        temporary = self._pending.pop(token_key, None)
        if temporary is None:
            return None
        queue = self._queues[temporary.consumer_key]
        del queue[token_key]
        if not queue:
            del self._queues[temporary.consumer_key]
        return temporary, self._owners.pop(token_key, ())

    def __repr__(self) -> str:
        return f"MemoryPendingStore(pending={len(self._pending)})"
