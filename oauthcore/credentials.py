"""Where a provider's secrets come from: the ``CredentialStore`` protocol (RFC 5849 §1.1, §3.2).

``verify`` asks a store for the consumer (its shared secret or RSA public key) by consumer key and
for a token secret by token key, saying whether it expects temporary credentials (a request token,
§2.1) or token credentials (an access token, §2.3). A ``TokenStore`` can also record and forget
the tokens a provider issues (§2.1, §2.3). ``MemoryCredentialStore`` is both: a small thread-safe
in-memory store for tests, demos and single-process tools.
"""

from __future__ import annotations

import enum
import threading
from typing import Protocol, runtime_checkable

from .records import Consumer, Token

__all__ = [
    "AsyncCredentialStore",
    "AsyncTokenStore",
    "CredentialStore",
    "MemoryCredentialStore",
    "TokenKind",
    "TokenStore",
]


class TokenKind(enum.Enum):
    """The two kinds of token of RFC 5849 §2: temporary (request) and token (access) credentials."""

    #: Temporary credentials (§2.1): only good for the token-credentials request.
    REQUEST = "request"
    #: Token credentials (§2.3): what protected-resource requests carry.
    ACCESS = "access"


@runtime_checkable
class CredentialStore(Protocol):
    """Looks up the secrets ``verify`` checks a signature against (RFC 5849 §3.2)."""

    def consumer(self, key: str) -> Consumer | None:
        """The consumer with this key (secret and/or RSA public key), or ``None`` if unknown."""
        ...

    def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        """The ``kind`` token with this key issued to this consumer, or ``None`` (§2)."""
        ...


@runtime_checkable
class TokenStore(CredentialStore, Protocol):
    """A ``CredentialStore`` that can also record and forget tokens (RFC 5849 §2.1, §2.3)."""

    def add_token(self, consumer_key: str, token: Token, kind: TokenKind) -> None:
        """Record a ``kind`` token issued to the consumer ``consumer_key`` (§2.1, §2.3)."""
        ...

    def remove_token(self, consumer_key: str, token_key: str, kind: TokenKind) -> bool:
        """Forget a token; ``True`` only for the caller that removed it (single use, §2.3)."""
        ...


@runtime_checkable
class AsyncCredentialStore(Protocol):
    """``CredentialStore`` for asyncio providers: the look-ups are awaited (RFC 5849 §3.2)."""

    async def consumer(self, key: str) -> Consumer | None:
        """The consumer with this key, or ``None`` if unknown (§3.2)."""
        ...

    async def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        """The ``kind`` token with this key issued to this consumer, or ``None`` (§2)."""
        ...


@runtime_checkable
class AsyncTokenStore(AsyncCredentialStore, Protocol):
    """``TokenStore`` for asyncio providers: record and forget tokens, awaited (§2.1, §2.3)."""

    async def add_token(self, consumer_key: str, token: Token, kind: TokenKind) -> None:
        """Record a ``kind`` token issued to the consumer ``consumer_key`` (§2.1, §2.3)."""
        ...

    async def remove_token(self, consumer_key: str, token_key: str, kind: TokenKind) -> bool:
        """Forget a token; ``True`` only for the caller that removed it (single use, §2.3)."""
        ...


class MemoryCredentialStore:
    """A thread-safe in-memory ``TokenStore`` for tests, demos and single-process tools (§2).

    Tokens are kept per consumer and per ``TokenKind``; ``remove_token`` is atomic, so a request
    token can be made single-use (§2.3) by removing it before issuing the access token.
    """

    __slots__ = ("_consumers", "_lock", "_tokens")

    def __init__(self, consumers: tuple[Consumer, ...] | list[Consumer] = ()) -> None:
        self._consumers: dict[str, Consumer] = {}
        self._tokens: dict[tuple[str, str, TokenKind], Token] = {}
        self._lock = threading.Lock()
        for consumer in consumers:
            self.add_consumer(consumer)

    def add_consumer(self, consumer: Consumer) -> None:
        """Register (or replace) a consumer, keyed by ``consumer.key`` (RFC 5849 §1.1)."""
        if not isinstance(consumer, Consumer):
            raise TypeError(
                f"consumer must be an oauthcore.Consumer, not {type(consumer).__name__}"
            )
        with self._lock:
            self._consumers[consumer.key] = consumer

    def add_token(self, consumer_key: str, token: Token, kind: TokenKind) -> None:
        """Record a ``kind`` token issued to the consumer ``consumer_key`` (§2.1, §2.3)."""
        if not isinstance(token, Token):
            raise TypeError(f"token must be an oauthcore.Token, not {type(token).__name__}")
        if not isinstance(kind, TokenKind):
            raise TypeError(f"kind must be a TokenKind, not {kind!r}")
        with self._lock:
            self._tokens[(consumer_key, token.key, kind)] = token

    def remove_token(self, consumer_key: str, token_key: str, kind: TokenKind) -> bool:
        """Forget a token; ``True`` only for the one caller that removed it (single use, §2.3)."""
        with self._lock:
            return self._tokens.pop((consumer_key, token_key, kind), None) is not None

    def consumer(self, key: str) -> Consumer | None:
        """The consumer with this key, or ``None`` (§3.2)."""
        return self._consumers.get(key)

    def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        """The ``kind`` token ``token_key`` of consumer ``consumer_key``, or ``None`` (§3.2)."""
        return self._tokens.get((consumer_key, token_key, kind))

    def __repr__(self) -> str:
        return (
            f"MemoryCredentialStore(consumers={len(self._consumers)}, tokens={len(self._tokens)})"
        )
