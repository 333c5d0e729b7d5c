"""``verify`` for asyncio code, with sync or async stores: one pipeline, never blocking the loop.

Theory of operation: the core's ``verify`` is one synchronous pipeline (parse, the checks that
need no secret, the look-ups, the signature in constant time, the nonce last), and it stays the
only one: nothing here re-implements a check. ``verify_async`` runs it in a worker thread
(``asyncio.to_thread``), so a store that does network I/O (Redis, SQL) never stalls the event
loop. An async store (``AsyncCredentialStore``, ``AsyncNonceStore``: the same methods, awaited,
as over ``redis.asyncio``) is handed to ``verify`` behind a synchronous face whose calls run the
store's coroutine on the event loop and wait for it in the worker thread; the loop stays free
meanwhile. With sync in-memory stores, ``offload=False`` runs ``verify`` inline and saves the
thread hop (an async store always needs the thread: waiting on the loop from the loop would
deadlock).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

from oauthcore import Consumer, CredentialStore, NonceStore, Request, Token, TokenKind
from oauthcore.credentials import AsyncCredentialStore
from oauthcore.nonces import AsyncNonceStore
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.verification import Verified, verify

__all__ = [
    "AnyCredentialStore",
    "AnyNonceStore",
    "is_async_store",
    "verify_async",
]

_T = TypeVar("_T")


AnyCredentialStore = CredentialStore | AsyncCredentialStore
"""A credential store ``verify_async`` takes, sync or async: where it finds the secrets a
signature is checked with (RFC 5849 §3.2)."""
AnyNonceStore = NonceStore | AsyncNonceStore
"""A nonce store ``verify_async`` takes: sync or async (or ``None``: no replay protection,
RFC 5849 §3.3)."""


def is_async_store(store: object, method: str) -> bool:
    """Whether ``store.<method>`` is a coroutine function (an async store, RFC 5849 §3.2)."""
    return inspect.iscoroutinefunction(getattr(store, method, None))


class _Blocking:
    """Runs an async store's coroutines on ``loop`` from a worker thread, waiting for each."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def wait(self, coroutine: Awaitable[_T]) -> _T:
        return asyncio.run_coroutine_threadsafe(_awaited(coroutine), self.loop).result()


async def _awaited(awaitable: Awaitable[_T]) -> _T:
    return await awaitable


class _BlockingCredentials(_Blocking):
    def __init__(self, store: AsyncCredentialStore, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.store = store

    def consumer(self, key: str) -> Consumer | None:
        return self.wait(self.store.consumer(key))

    def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        return self.wait(self.store.token(consumer_key, token_key, kind))


class _BlockingNonces(_Blocking):
    def __init__(self, store: AsyncNonceStore, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.store = store

    def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        return self.wait(self.store.use(consumer_key, token, timestamp, nonce))


def _outcome(run: Callable[[], Verified]) -> tuple[Verified | None, Exception | None]:
    """``run()``'s result or error, as a value. The error is raised again in the coroutine: an
    exception surfacing through an awaited future loses the awaiting frames from line tracing
    on Python 3.11 (coverage stops seeing them), one raised in the coroutine does not."""
    try:
        return run(), None
    except Exception as error:
        return None, error


def _sync_credentials(
    store: AnyCredentialStore, loop: asyncio.AbstractEventLoop
) -> CredentialStore | None:
    """``store`` behind a sync face if it is async, else ``None`` (use it as it is)."""
    if is_async_store(store, "consumer"):
        return _BlockingCredentials(cast(AsyncCredentialStore, store), loop)
    return None


def _sync_nonces(store: AnyNonceStore | None, loop: asyncio.AbstractEventLoop) -> NonceStore | None:
    if store is not None and is_async_store(store, "use"):
        return _BlockingNonces(cast(AsyncNonceStore, store), loop)
    return None


async def verify_async(
    request: Request,
    credentials: AnyCredentialStore,
    nonces: AnyNonceStore | None,
    *,
    token_kind: TokenKind | None = TokenKind.ACCESS,
    token_optional: bool = False,
    policy: VerifyPolicy = DEFAULT_POLICY,
    verifier: str | None = None,
    offload: bool = True,
) -> Verified:
    """``oauthcore.verify`` from a coroutine, with sync or async stores (RFC 5849 §3.2).

    Same arguments, checks, order and errors as ``verify``. The pipeline runs in a worker thread
    unless ``offload=False`` and both stores are sync; an async store's calls run on this event
    loop. Raises the ``OAuthError`` to answer with.
    """
    loop = asyncio.get_running_loop()
    bridged_credentials = _sync_credentials(credentials, loop)
    bridged_nonces = _sync_nonces(nonces, loop)
    run = functools.partial(
        verify,
        request,
        bridged_credentials or cast(CredentialStore, credentials),
        bridged_nonces or cast("NonceStore | None", nonces),
        token_kind=token_kind,
        token_optional=token_optional,
        policy=policy,
        verifier=verifier,
    )
    if offload or bridged_credentials is not None or bridged_nonces is not None:
        result, error = await asyncio.to_thread(_outcome, run)
        if error is not None:
            raise error
        return cast(Verified, result)
    return run()
