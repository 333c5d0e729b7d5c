"""OAuth Session 1.0: tokens that expire every 2 s, renewed once per expiry under load (§5).

The provider is ``TokenEndpoints`` and ``ProtectedResource`` with ``token_lifetime=2`` on a
loopback socket; many threads (or tasks) call it through one ``Client`` (``AsyncClient``) and
one ``TokenSession``. Every call must succeed, and each token must be renewed exactly once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import (
    Consumer,
    ParameterAbsent,
    Request,
    Token,
    TokenExpired,
    TokenKind,
    TokenRejected,
    parse,
    sign,
)
from oauthcore.client import TokenResponseError
from oauthcore.credentials import MemoryCredentialStore
from oauthcore.nonces import MemoryNonceStore
from oauthcore.provider import (
    Session,
    check_fresh,
    refresh_session,
    session_response,
    start_session,
)
from oauthcore.sessions import session_fields
from transports import AsyncClient, AsyncHttpxTransport, Client, Response, Urllib3Transport
from transports.flow import Signer, drive
from transports.provider.endpoints import TokenEndpoints
from transports.provider.protected import ProtectedResource
from transports.provider.replies import Reply
from transports.resilience import TokenSession, call_flow, is_token_expired
from transports.resilience.session import RENEW, RETRY, WAIT

from ...servers import serve

CONSUMER = Consumer("session-consumer", "session-consumer-secret")
DEFAULT_SECONDS = 6
SLOW_SECONDS = 30


class Provider:
    """Token endpoints and a protected resource whose tokens live ``lifetime`` seconds."""

    def __init__(self, lifetime: float, *, clock: Callable[[], float] = time.time) -> None:
        self.credentials = MemoryCredentialStore()
        self.credentials.add_consumer(CONSUMER)
        nonces = MemoryNonceStore(300)
        self.endpoints = TokenEndpoints(
            self.credentials, nonces, token_lifetime=lifetime, clock=clock
        )
        self.resource = ProtectedResource(
            self._me, self.credentials, nonces, token_check=self.endpoints.check_token
        )
        self.lock = threading.Lock()
        self.renewal_attempts = 0

    def _me(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return Reply(200, [], b"")(start_response)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/oauth/access_token":
            if "oauth_session_handle" in environ.get("HTTP_AUTHORIZATION", ""):
                with self.lock:
                    self.renewal_attempts += 1
            return self.endpoints.access_token(environ, start_response)
        if environ["PATH_INFO"] == "/oauth/request_token":
            return self.endpoints.request_token(environ, start_response)
        return self.resource(environ, start_response)


@contextmanager
def running(lifetime: float) -> Iterator[tuple[Provider, str, TokenSession, list[Token]]]:
    provider = Provider(lifetime)
    session = provider.endpoints.start_session(CONSUMER.key, owner=[("user_id", "7")])
    stored: list[Token] = []
    with serve(provider) as base:
        token = Token(
            session.token.key,
            session.token.secret,
            extra=[("oauth_session_handle", session.handle)],
        )
        yield (
            provider,
            base,
            TokenSession(token, f"{base}/oauth/access_token", on_refresh=stored.append),
            stored,
        )


def check_renewals(provider: Provider, stored: list[Token], seconds: float) -> None:
    renewals = provider.endpoints.renewals
    assert provider.renewal_attempts == renewals  # no second renewal of any token
    assert len(stored) == renewals  # each new token handed over for storage, once
    assert len({token.key for token in stored}) == renewals
    assert seconds / 2 - 2 <= renewals <= seconds / 2 + 1


def threaded_workload(seconds: float, threads: int = 8) -> None:
    with running(2) as (provider, base, session, stored), Urllib3Transport() as wire:
        client = Client(CONSUMER, transport=wire, session=session)
        failures: list[object] = []
        calls = [0] * threads
        ends = time.monotonic() + seconds

        def work(index: int) -> None:
            while time.monotonic() < ends:
                try:
                    status = client.request("GET", f"{base}/api/me").status
                except Exception as exc:  # pragma: no cover - reported by the assert below
                    failures.append(exc)
                    continue
                calls[index] += 1
                if status != 200:  # pragma: no cover - reported by the assert below
                    failures.append(status)

        workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert failures == []
    assert sum(calls) > threads
    check_renewals(provider, stored, seconds)


def test_threads_on_expiring_tokens_never_fail_and_renew_once_per_expiry() -> None:
    threaded_workload(DEFAULT_SECONDS)


@pytest.mark.slow
def test_thirty_seconds_of_threads_on_two_second_tokens() -> None:
    threaded_workload(SLOW_SECONDS)


async def async_workload(seconds: float, tasks: int = 16) -> None:
    with running(2) as (provider, base, session, stored):
        async with AsyncHttpxTransport() as wire:
            client = AsyncClient(CONSUMER, transport=wire, session=session)
            ends = time.monotonic() + seconds

            async def work() -> list[int]:
                statuses = []
                while time.monotonic() < ends:
                    statuses.append((await client.request("GET", f"{base}/api/me")).status)
                return statuses

            results = await asyncio.gather(*(work() for _ in range(tasks)))
    statuses = [status for result in results for status in result]
    assert set(statuses) == {200}
    check_renewals(provider, stored, seconds)


@pytest.mark.anyio
async def test_tasks_on_expiring_tokens_never_fail_and_renew_once_per_expiry() -> None:
    await async_workload(DEFAULT_SECONDS)


@pytest.mark.slow
@pytest.mark.anyio
async def test_thirty_seconds_of_tasks_on_two_second_tokens() -> None:
    await async_workload(SLOW_SECONDS)


# The provider side, pure (oauthcore.sessions) and in WSGI (TokenEndpoints).

TOKEN = Token("tok", "tok-secret", extra=[("user_id", "7")])


def renewal(token: Token, handle: str | None = "handle", **given: Any) -> Request:
    return sign(
        Request("POST", "https://p.example/oauth/access_token"),
        CONSUMER,
        token,
        session_handle=handle,
        **given,
    )


def test_a_session_reply_carries_handle_and_lifetimes() -> None:
    session = start_session(
        CONSUMER.key, TOKEN, now=100, lifetime=2, authorization_lifetime=3600, handle="h"
    )
    assert "oauth_session_handle" not in repr(session)
    assert "handle=" not in repr(session)
    body = session_response(session, now=100.5)
    assert body == (
        b"oauth_token=tok&oauth_token_secret=tok-secret&user_id=7&oauth_session_handle=h"
        b"&oauth_expires_in=2&oauth_authorization_expires_in=3600"
    )
    forever = start_session(CONSUMER.key, TOKEN, now=0, lifetime=None)
    assert b"expires" not in session_response(forever, now=10**9)
    check_fresh(forever, now=10**9)
    check_fresh(session, now=101.9)
    with pytest.raises(TokenExpired) as refused:
        check_fresh(session, now=102)
    assert (refused.value.status, refused.value.problem) == (401, "token_expired")


def test_refresh_session_checks_handle_token_signature_and_authorization() -> None:
    session = start_session(
        CONSUMER.key, TOKEN, now=1000, lifetime=2, authorization_lifetime=10, handle="handle"
    )
    request = renewal(TOKEN, timestamp=1003)
    renewed = refresh_session(request, parse(request), CONSUMER, session, now=1003)
    assert renewed.token.key != TOKEN.key
    assert renewed.token.extra == TOKEN.extra
    assert (renewed.handle, renewed.expires_at) == ("handle", 1005)
    given = Token("new", "new-secret")
    request = renewal(TOKEN, timestamp=1003)
    assert (
        refresh_session(request, parse(request), CONSUMER, session, now=1003, token=given).token
        == given
    )
    for bad, now, error in [
        (renewal(TOKEN, handle=None, timestamp=1003), 1003, ParameterAbsent),
        (renewal(TOKEN, handle="other", timestamp=1003), 1003, TokenRejected),
        (renewal(Token("tok2", "tok-secret"), timestamp=1003), 1003, TokenRejected),
        (renewal(TOKEN, timestamp=1010), 1010, TokenRejected),  # the authorization ran out
    ]:
        with pytest.raises(error):
            refresh_session(bad, parse(bad), CONSUMER, session, now=now)
    unlimited = start_session(CONSUMER.key, TOKEN, now=0, lifetime=None, handle="handle")
    request = renewal(TOKEN, timestamp=5)
    assert refresh_session(request, parse(request), CONSUMER, unlimited, now=5).expires_at is None


def test_session_fields_read_a_credentials_reply() -> None:
    token = Token(
        "t",
        "s",
        extra=[
            ("oauth_session_handle", "h"),
            ("oauth_expires_in", "3600"),
            ("oauth_authorization_expires_in", "x"),
        ],
    )
    assert session_fields(token) == ("h", 3600, None)
    assert session_fields(Token("t", "s")) == (None, None, None)


def call(app: Any, request: Request) -> Response:
    from transports import WSGITransport

    return WSGITransport(app).send(request)


def test_token_endpoints_issue_sessions_through_the_three_legs() -> None:
    from transports import WSGITransport

    provider = Provider(60)
    transport = WSGITransport(provider)
    client = Client(CONSUMER, transport=transport)
    base = "http://p.example"
    temporary = client.fetch_request_token(f"{base}/oauth/request_token")
    provider.endpoints.authorize(temporary.key, [("user_id", "7")])
    verifier = str(provider.endpoints.pending(temporary.key).verifier)  # type: ignore[union-attr]
    access = client.fetch_access_token(f"{base}/oauth/access_token", temporary, verifier)
    handle, expires_in, authorization = session_fields(access)
    assert handle is not None
    assert expires_in == 60
    assert authorization is None
    session = TokenSession(access, f"{base}/oauth/access_token")
    assert (
        Client(CONSUMER, transport=transport, session=session).request("GET", f"{base}/x").status
        == 200
    )


def test_token_endpoints_refuse_a_stale_or_unknown_renewal() -> None:
    now = [1000.0]
    provider = Provider(2, clock=lambda: now[0])
    session = provider.endpoints.start_session(CONSUMER.key, Token("first", "first-secret"))
    first = session.token
    url = "http://p.example/oauth/access_token"

    def renew(token: Token, handle: str = session.handle) -> Response:
        request = sign(
            Request("POST", url), CONSUMER, token, session_handle=handle, timestamp=int(now[0])
        )
        return call(provider, request)

    assert renew(first, "unknown").status == 401
    assert renew(Token("first", "first-secret")).status == 200
    assert provider.endpoints.renewals == 1
    assert renew(first).status == 401  # that token was renewed already
    current = provider.endpoints._sessions[session.handle].token
    provider.endpoints.check_token("not-a-session-token")
    with pytest.raises(TokenExpired):
        provider.endpoints.check_token(first.key)  # replaced
    provider.endpoints.check_token(current.key)
    now[0] += 2
    with pytest.raises(TokenExpired):
        provider.endpoints.check_token(current.key)
    assert renew(current).status == 200  # the third token; the first is now forgotten
    assert provider.credentials.token(CONSUMER.key, first.key, TokenKind.ACCESS) is None
    provider.endpoints.check_token(first.key)


def test_a_renewal_raced_by_another_is_refused() -> None:
    url = "http://p.example/oauth/access_token"
    racing: list[Callable[[], None]] = []

    def clock() -> float:
        if racing:
            racing.pop()()
        return time.time()

    provider = Provider(2, clock=clock)
    session = provider.endpoints.start_session(CONSUMER.key)

    def renew() -> Response:
        return call(
            provider,
            sign(Request("POST", url), CONSUMER, session.token, session_handle=session.handle),
        )

    # The clock is read between looking the session up and storing the renewal: another
    # renewal of the same token completes right there.
    winner: list[Response] = []
    racing.append(lambda: winner.append(renew()))
    loser = renew()
    assert winner[0].status == 200
    assert loser.status == 401
    assert provider.endpoints.renewals == 1


# The client side: TokenSession and the flow.


def test_token_session_needs_a_handle() -> None:
    with pytest.raises(TypeError):
        TokenSession("tok", "https://p.example/at")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no session handle"):
        TokenSession(TOKEN, "https://p.example/at")
    session = TokenSession(TOKEN, "https://p.example/at", handle="h")
    assert "tok-secret" not in repr(session)
    assert session.handle == "h"
    with pytest.raises(TypeError, match="session must be a TokenSession"):
        Client(CONSUMER, session=3)  # type: ignore[arg-type]


def test_claim_gives_the_renewal_to_one_caller() -> None:
    stored: list[Token] = []
    session = TokenSession(TOKEN, "https://p.example/at", handle="h", on_refresh=stored.append)
    assert session.claim(TOKEN) == RENEW
    assert session.claim(TOKEN) == WAIT
    pause = session.pause()
    new = Token("new", "new-secret", extra=[("oauth_session_handle", "h2")])
    threading.Timer(0.05, session.release, args=(new,)).start()
    assert pause.sleep is not None
    pause.sleep(5)
    assert session.token is new
    assert session.handle == "h2"
    assert stored == [new]
    assert session.claim(TOKEN) == RETRY
    session.pause().sleep(0)  # type: ignore[misc]  # nothing under way: returns at once
    assert session.claim(new) == RENEW
    session.release(None)  # the renewal failed: the token stays
    assert session.token is new
    session.release(None)  # nothing under way: nothing to wake


@pytest.mark.anyio
async def test_tasks_wait_for_a_renewal_on_a_future() -> None:
    session = TokenSession(TOKEN, "https://p.example/at", handle="h")
    assert session.claim(TOKEN) == RENEW
    pause = session.pause()
    assert pause.asleep is not None
    new = Token("new", "new-secret")
    asyncio.get_running_loop().call_later(0.05, session.release, new)
    await pause.asleep(5)
    assert session.token is new
    await pause.asleep(5)  # no renewal under way: returns at once
    assert session.claim(new) == RENEW
    await session.pause().asleep(0.01)  # type: ignore[misc]  # times out
    session.release(None)


def expired_reply(url: str) -> Response:
    return Response(401, [], b"oauth_problem=token_expired", url)


def test_a_token_that_keeps_expiring_is_returned_after_three_renewals() -> None:
    session = TokenSession(TOKEN, "https://p.example/at", handle="h")
    sent: list[Request] = []

    def send(request: Request) -> Response:
        sent.append(request)
        if request.url.endswith("/at"):
            number = len(sent)
            return Response(200, body=f"oauth_token=t{number}&oauth_token_secret=s".encode())
        return expired_reply(request.url)

    flow = call_flow(Request("GET", "https://p.example/me"), Signer(CONSUMER), session=session)
    assert drive(flow, send).status == 401
    assert len(sent) == 7  # four calls, three renewals between them
    assert not is_token_expired(Response(401, [], b"oauth_problem=token_rejected"))


def test_a_refused_renewal_raises_and_frees_the_session() -> None:
    session = TokenSession(TOKEN, "https://p.example/at", handle="h")

    def send(request: Request) -> Response:
        if request.url.endswith("/at"):
            return Response(401, [], b"oauth_problem=token_rejected")
        return expired_reply(request.url)

    flow = call_flow(Request("GET", "https://p.example/me"), Signer(CONSUMER), session=session)
    with pytest.raises(TokenResponseError):
        drive(flow, send)
    assert session.claim(TOKEN) == RENEW


def test_session_reply_is_a_reply() -> None:
    assert isinstance(Session("h", "c", TOKEN, None, None), Session)
