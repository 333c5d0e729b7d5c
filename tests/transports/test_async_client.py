"""AsyncClient over a scripted async transport (no sockets), and the transport a client makes.

The rules are transports.flow's, shared with the Client (test_client.py); these tests check
that the AsyncClient drives them: signing (verified by the provider side), redirects, the
deadline, the three-legged steps, its fields, and closing what it made.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import pytest

from oauthcore import Consumer, Request, Token
from oauthcore.client import TokenResponseError
from oauthcore.credentials import MemoryCredentialStore, TokenKind
from oauthcore.nonces import MemoryNonceStore
from oauthcore.verification import verify
from transports import (
    AiohttpTransport,
    AsyncClient,
    AsyncHttpxTransport,
    Client,
    DeadlineExceeded,
    HttpxTransport,
    RedirectError,
    Response,
    Urllib3Transport,
    UrllibTransport,
    best_async_transport,
    best_transport,
)

pytestmark = pytest.mark.anyio

CONSUMER = Consumer("async-consumer", "async-consumer-secret")
TOKEN = Token("async-token", "async-token-secret")
HOME = "https://api.example.org"


class Scripted:
    """An async transport that records what it is sent and answers from a script."""

    def __init__(self, *replies: Response, pause: float = 0.0) -> None:
        self.replies = list(replies)
        self.pause = pause
        self.sent: list[Request] = []
        self.calls: list[dict[str, Any]] = []

    async def send(self, request: Request, *, timeout: float | None = None) -> Response:
        self.sent.append(request)
        self.calls.append({"timeout": timeout})
        await asyncio.sleep(self.pause)
        return self.replies.pop(0)


class WithDeadline(Scripted):
    async def send(
        self, request: Request, *, timeout: float | None = None, deadline: float | None = None
    ) -> Response:
        self.sent.append(request)
        self.calls.append({"timeout": timeout, "deadline": deadline})
        await asyncio.sleep(self.pause)
        if deadline is not None and self.pause >= deadline:
            raise DeadlineExceeded("late", deadline=deadline)
        return self.replies.pop(0)


def moved(status: int, location: str) -> Response:
    return Response(status, [("Location", location)])


@pytest.fixture
def store() -> MemoryCredentialStore:
    credentials = MemoryCredentialStore([CONSUMER])
    credentials.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
    return credentials


async def test_requests_and_redirects_are_signed_afresh(store: MemoryCredentialStore) -> None:
    transport = Scripted(moved(303, "/b"), moved(302, "https://cdn.example.org/c"), Response(200))
    client = AsyncClient(CONSUMER, TOKEN, transport=transport)
    response = await client.request(
        "POST", f"{HOME}/a", json={"n": 1}, params={"q": "1"}, timeout=4
    )
    assert (response.status, response.url) == (200, "https://cdn.example.org/c")
    first, second, elsewhere = transport.sent
    nonces = MemoryNonceStore()
    assert verify(first, store, nonces).params.body_hash is not None
    assert (second.method, second.body) == ("GET", b"")
    verify(second, store, nonces)
    assert elsewhere.header("Authorization") is None
    assert transport.calls == [{"timeout": 4}] * 3


async def test_redirect_refusals_are_the_client_s() -> None:
    transport = Scripted(moved(301, "http://api.example.org/a"))
    with pytest.raises(RedirectError, match="from https to http"):
        await AsyncClient(CONSUMER, TOKEN, transport=transport).request("GET", f"{HOME}/a")
    chain = Scripted(moved(302, "/b"), moved(302, "/c"))
    with pytest.raises(RedirectError, match="stopped after 1 redirects"):
        await AsyncClient(CONSUMER, transport=chain, max_redirects=1).request("GET", f"{HOME}/a")


async def test_the_three_legged_steps(store: MemoryCredentialStore) -> None:
    request_token = Token("rt", "rs", callback_confirmed=True)
    store.add_token(CONSUMER.key, request_token, TokenKind.REQUEST)
    transport = Scripted(
        Response(200, body=b"oauth_token=rt&oauth_token_secret=rs&oauth_callback_confirmed=true"),
        Response(200, body=b"oauth_token=at&oauth_token_secret=as&screen_name=ann"),
        Response(401, body=b"oauth_problem=token_used"),
    )
    app = AsyncClient(CONSUMER, transport=transport)
    assert await app.fetch_request_token(f"{HOME}/initiate", "https://c.example/cb") == (
        request_token
    )
    assert app.authorization_url(f"{HOME}/authorize", request_token) == (
        f"{HOME}/authorize?oauth_token=rt"
    )
    access = await app.fetch_access_token(f"{HOME}/token", request_token, "vv", timeout=2)
    assert access.get("screen_name") == "ann"
    nonces = MemoryNonceStore()
    assert verify(transport.sent[0], store, nonces, token_kind=None).params.callback == (
        "https://c.example/cb"
    )
    verify(transport.sent[1], store, nonces, token_kind=TokenKind.REQUEST, verifier="vv")
    with pytest.raises(TokenResponseError) as caught:
        await app.fetch_access_token(f"{HOME}/token", request_token, "vv")
    assert caught.value.problem == "token_used"
    user = app.with_token(access)
    assert (user.token, user.transport, user.owns_transport) == (access, transport, False)


async def test_the_deadline_is_handed_to_a_transport_that_takes_one() -> None:
    aware = WithDeadline(moved(302, "/b"), Response(200), pause=0.05)
    client = AsyncClient(CONSUMER, transport=aware, deadline=2)
    await client.request("GET", f"{HOME}/a", timeout=3)
    first, second = (call["deadline"] for call in aware.calls)
    assert 1.9 < first <= 2
    assert second < first - 0.04
    late = WithDeadline(Response(200), pause=0.3)
    with pytest.raises(DeadlineExceeded, match=r"Client's 0\.2-second deadline") as caught:
        await AsyncClient(CONSUMER, transport=late).request("GET", f"{HOME}/a", deadline=0.2)
    assert isinstance(caught.value.__cause__, DeadlineExceeded)


async def test_the_deadline_cancels_a_transport_that_takes_none() -> None:
    slow = Scripted(moved(302, "/b"), Response(200), pause=0.4)
    client = AsyncClient(CONSUMER, transport=slow, deadline=0.5)
    started = time.monotonic()
    # Left alone, the second hop would end at 0.8 s with a 200: cancelled at 0.5 s instead.
    with pytest.raises(DeadlineExceeded, match="redirect chain") as caught:
        await client.request("GET", f"{HOME}/a")
    assert time.monotonic() - started < 0.75
    assert len(slow.sent) == 2
    assert caught.value.deadline == 0.5
    fast = Scripted(Response(200))
    assert (await AsyncClient(CONSUMER, transport=fast, deadline=1).request("GET", HOME)).ok


async def test_no_hop_starts_once_the_deadline_has_run_out() -> None:
    class Hurried(Scripted):
        async def send(self, request: Request, *, timeout: float | None = None) -> Response:
            # Blocks the loop and never yields to it: no timeout can cancel this hop, which
            # ends after the deadline; the next hop must then not start at all.
            time.sleep(0.12)
            self.sent.append(request)
            return self.replies.pop(0)

    transport = Hurried(moved(302, "/b"), Response(200))
    with pytest.raises(DeadlineExceeded, match="redirect chain") as caught:
        await AsyncClient(CONSUMER, transport=transport, deadline=0.1).request("GET", HOME)
    assert caught.value.url == f"{HOME}/b"
    assert len(transport.sent) == 1


async def test_a_transport_s_own_timeout_error_is_not_the_deadline() -> None:
    class Failing(Scripted):
        async def send(self, request: Request, *, timeout: float | None = None) -> Response:
            raise TimeoutError("the transport's own")

    with pytest.raises(TimeoutError, match="the transport's own") as caught:
        await AsyncClient(CONSUMER, transport=Failing(), deadline=5).request("GET", HOME)
    assert not isinstance(caught.value, DeadlineExceeded)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"consumer": "key"}, TypeError, "consumer must be a Consumer"),
        ({"transport": object()}, TypeError, "transport must have async send"),
        ({"transport": UrllibTransport()}, TypeError, "an AsyncTransport"),
        ({"max_redirects": -1}, ValueError, "max_redirects must be 0 or more"),
        ({"deadline": 0}, ValueError, "deadline must be more than 0"),
    ],
)
def test_the_async_client_checks_its_fields(
    options: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {"consumer": CONSUMER, "transport": Scripted()}
    arguments.update(options)
    with pytest.raises(error, match=message):
        AsyncClient(**arguments)  # type: ignore[arg-type]


def test_a_sync_client_refuses_an_async_transport() -> None:
    with pytest.raises(TypeError, match=r"Scripted\.send is async: give it to an AsyncClient"):
        Client(CONSUMER, transport=Scripted())  # type: ignore[arg-type]


def test_repr_hides_the_secrets() -> None:
    text = repr(AsyncClient(CONSUMER, TOKEN, transport=Scripted()))
    assert CONSUMER.secret not in text
    assert TOKEN.secret not in text


# The transport a client makes when given none.


async def test_an_async_client_makes_its_transport_and_closes_it() -> None:
    async with AsyncClient(CONSUMER, TOKEN) as client:
        assert client.owns_transport
        made = client.transport
        assert isinstance(made, AsyncHttpxTransport)
        copy = client.with_token(None)
        assert (copy.transport, copy.owns_transport) == (made, False)
        await copy.aclose()
        assert not made.client.is_closed
    assert made.client.is_closed


async def test_an_async_client_closes_no_transport_it_was_given() -> None:
    transport = AsyncHttpxTransport()
    async with AsyncClient(CONSUMER, transport=transport) as client:
        assert not client.owns_transport
    assert not transport.client.is_closed
    await transport.aclose()


async def test_the_best_async_transport_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    made = best_async_transport()
    assert isinstance(made, AsyncHttpxTransport)
    await made.aclose()
    monkeypatch.setitem(sys.modules, "httpx", None)
    fallback = best_async_transport()
    assert isinstance(fallback, AiohttpTransport)
    await fallback.aclose()
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[httpx\]'"):
        AsyncClient(CONSUMER)


def test_a_client_makes_its_transport_and_closes_it() -> None:
    with Client(CONSUMER, TOKEN) as client:
        assert client.owns_transport
        assert isinstance(client.transport, Urllib3Transport)
        assert client.with_token(None).transport is client.transport
    given = UrllibTransport()
    with Client(CONSUMER, transport=given) as mine:
        assert not mine.owns_transport

    class SendOnly:
        def send(self, request: Request, *, timeout: float | None = None) -> Response:
            return Response(204)  # pragma: no cover - never sent

    # A transport made elsewhere with no close at all is simply left alone.
    Client(CONSUMER, transport=SendOnly()).close()


def test_the_best_transport_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    with best_transport() as made:
        assert isinstance(made, Urllib3Transport)
    monkeypatch.setitem(sys.modules, "urllib3", None)
    with best_transport() as second:
        assert isinstance(second, HttpxTransport)
    monkeypatch.setitem(sys.modules, "httpx", None)
    with Client(CONSUMER) as client:
        assert isinstance(client.transport, UrllibTransport)
