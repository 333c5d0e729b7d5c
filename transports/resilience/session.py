"""``TokenSession``: an access token that renews itself once per expiry (OAuth Session 1.0 §5).

Theory of operation: the flow signs each try with the session's current token. A ``401
token_expired`` (§5.2) for a token the session still holds makes one caller the renewer:
``claim`` says so to exactly one of them (a thread lock guards that choice, and nothing else),
and that caller's flow sends the renewal (§5.3: the Access Token URL, signed with the expired
token and ``oauth_session_handle``) through its own driver, then ``release``s the new token: it
is stored, handed to ``on_refresh`` (save it), and every waiter wakes. Every other caller yields
a ``Pause`` that waits for the renewal: a ``threading.Event`` for threads, an ``asyncio`` future
per waiting task (woken from whichever thread renews). A caller whose token was already replaced
just signs again with the new one. So many threads or tasks hitting one expiry renew it once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from attrs import evolve

from oauthcore import Request, Token
from oauthcore.client import parse_token_response
from oauthcore.sessions import session_fields

from ..base import Response
from ..flow import Flow, Signer, send_flow
from ..pause import Pause
from .skew import ClockSkew, SkewedSigner, problem_report

__all__ = ["TokenSession", "is_token_expired", "renew_flow"]

#: What ``claim`` tells a caller: renew the token, wait for another's renewal, or sign again.
RENEW, WAIT, RETRY = "renew", "wait", "retry"


def is_token_expired(response: Response) -> bool:
    """Whether ``response`` refuses an expired token: ``401`` with ``token_expired`` (§5.2)."""
    return response.status == 401 and problem_report(response).get("oauth_problem") == (
        "token_expired"
    )


def renew_flow(
    url: str, signer: Signer, token: Token, handle: str, clock_skew: ClockSkew | None = None
) -> Flow[Token]:
    """Renew ``token`` at the Access Token ``url`` with session ``handle`` (OAuth Session §5.3).

    A POST signed for ``signer``'s consumer with ``token`` and ``oauth_session_handle``; returns
    the new token (its reply's session fields in ``Token.extra``). A refusal raises
    ``oauthcore.client.TokenResponseError``. With ``clock_skew`` it is signed on the origin's
    learned clock, as every other request.
    """

    renewing = evolve(signer, token=token, callback=None, verifier=None, session_handle=handle)
    sign_hop = renewing if clock_skew is None else SkewedSigner(renewing, clock_skew)
    response = yield from send_flow(Request("POST", url), sign_hop)
    return parse_token_response(response.body, status=response.status)


class TokenSession:
    """An access token and its session handle, renewed once per expiry (OAuth Session 1.0 §5).

    ``token`` is the access token as the credentials reply gave it: its ``Token.extra`` holds
    ``oauth_session_handle`` (or pass ``handle``). ``url`` is the Access Token URL. Each new
    token goes to ``on_refresh`` (store it); ``wait`` bounds how long a caller waits for
    another's renewal. Share one between clients, threads and tasks.
    """

    __slots__ = (
        "_event",
        "_lock",
        "_signer",
        "_token",
        "_waiters",
        "handle",
        "on_refresh",
        "url",
        "wait",
    )

    def __init__(
        self,
        token: Token,
        url: str,
        *,
        handle: str | None = None,
        on_refresh: Callable[[Token], object] | None = None,
        wait: float = 30.0,
    ) -> None:
        if not isinstance(token, Token):
            raise TypeError(f"token must be a Token, not {type(token).__name__}")
        found = session_fields(token)[0] if handle is None else handle
        if not found:
            raise ValueError(
                "no session handle: the token's extra has no oauth_session_handle; pass handle="
            )
        self._token = token
        self.url = url
        self.handle: str = found
        self.on_refresh = on_refresh
        self.wait = wait
        self._lock = threading.Lock()
        # Set while no renewal runs; a renewal clears it and sets it when done.
        self._event: threading.Event | None = None
        self._waiters: list[tuple[Any, Any]] = []
        # The last signer made for a token: (the client's signer, the token, the copy signing).
        self._signer: tuple[Signer, Token, Signer] | None = None

    def __repr__(self) -> str:
        return f"TokenSession(url={self.url!r}, token={self._token.key!r})"

    @property
    def token(self) -> Token:
        """The current access token (§5.4): sign with it."""
        return self._token

    def signer(self, base: Signer) -> tuple[Token, Signer]:
        """The current token and ``base`` signing with it (made once per token, §5.4)."""
        token = self._token
        found = self._signer
        if found is not None and found[0] is base and found[1] is token:
            return token, found[2]
        made = evolve(base, token=token)
        self._signer = (base, token, made)
        return token, made

    def claim(self, used: Token) -> str:
        """``"renew"`` for the one caller that renews ``used``; ``"wait"`` while another
        renews; ``"retry"`` when ``used`` was already replaced."""
        with self._lock:
            if self._token is not used:
                return RETRY
            if self._event is not None:
                return WAIT
            self._event = threading.Event()
            return RENEW

    def release(self, token: Token | None) -> None:
        """End a renewal: keep ``token`` (``None``: it failed) and wake every waiter (§5.4)."""
        with self._lock:
            if token is not None:
                self._token = token
                self.handle = session_fields(token)[0] or self.handle
            event, self._event = self._event, None
            waiters, self._waiters = self._waiters, []
        try:
            if token is not None and self.on_refresh is not None:
                self.on_refresh(token)
        finally:
            if event is not None:
                event.set()
            for loop, future in waiters:
                loop.call_soon_threadsafe(_resolve, future)

    def pause(self) -> Pause:
        """The ``Pause`` a caller yields to wait for the renewal under way (at most ``wait``)."""
        with self._lock:
            event = self._event
        return Pause(self.wait, sleep=lambda seconds: _wait(event, seconds), asleep=self._await)

    async def _await(self, seconds: float) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            if self._event is None:
                return
            self._waiters.append((loop, future))
        try:
            await asyncio.wait_for(future, seconds)
        except TimeoutError:
            return


def _wait(event: threading.Event | None, seconds: float) -> None:
    if event is not None:
        event.wait(seconds)


def _resolve(future: Any) -> None:
    if not future.done():
        future.set_result(None)
