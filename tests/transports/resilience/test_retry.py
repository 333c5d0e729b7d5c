"""Retries that re-sign: every try a new signature, no credentials off the origin (§3.3, §3.5).

The live test sends thousands of calls to a loopback server that answers 5xx, 429, 302 and 307
at random, redirecting now and then to a second loopback server, "another origin"; both record
everything they receive. The unit tests drive the flow by hand.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import Consumer, Request, Token
from oauthcore.header import parse_authorization
from transports import (
    AsyncClient,
    AsyncHttpxTransport,
    Client,
    ConnectionFailed,
    DeadlineExceeded,
    Response,
    Urllib3Transport,
)
from transports.flow import Signer, drive, drive_async
from transports.pause import Pause
from transports.resilience import IDEMPOTENT_METHODS, RetryPolicy, call_flow, retry_after

from ...servers import closed_port, serve

CONSUMER = Consumer("retry-consumer", "retry-consumer-secret")
TOKEN = Token("retry-token", "retry-token-secret")
NOW = 1_700_000_000.0


class Chaos:
    """The home origin: records each signature, then answers 200, 5xx, 429, 302 or 307."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.pairs: list[tuple[str, str]] = []
        self.unsigned = 0
        self.other = ""

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self.lock:
            header = environ.get("HTTP_AUTHORIZATION")
            if header is None:
                self.unsigned += 1
            else:
                params = dict(parse_authorization(header)[1])
                self.pairs.append((params["oauth_nonce"], params["oauth_timestamp"]))
            roll = self.random.random()
            elsewhere = self.random.random() < 0.5
            retry_in = self.random.choice(["0", email.utils.formatdate(0, usegmt=True)])
        if roll < 0.3 and environ["PATH_INFO"] == "/":
            status = "302 Found" if roll < 0.15 else "307 Temporary Redirect"
            target = f"{self.other}/landing?from=chaos" if elsewhere else "/after"
            start_response(status, [("Location", target), ("Content-Length", "0")])
        elif roll < 0.45:
            start_response(self.random.choice(["500 Oops", "502 Bad Gateway", "503 Busy"]), [])
        elif roll < 0.55:
            start_response("429 Too Many Requests", [("Retry-After", retry_in)])
        else:
            # No body: a body would be a second write, which Nagle holds for a delayed ACK.
            start_response("200 OK", [])
        return []


class Elsewhere:
    """Another origin: records every Authorization header and oauth_ parameter it is sent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.credentials: list[str] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self.lock:
            self.requests += 1
            if "HTTP_AUTHORIZATION" in environ:
                self.credentials.append(environ["HTTP_AUTHORIZATION"])
            for name, value in parse_qsl(environ.get("QUERY_STRING", "")):
                if name.startswith("oauth_"):
                    self.credentials.append(f"{name}={value}")
            if b"oauth_" in body:
                self.credentials.append(body.decode("latin-1"))
        start_response("200 OK", [])
        return []


def chaos_run(calls: int) -> None:
    chaos, elsewhere = Chaos(seed=calls), Elsewhere()
    delays: list[float] = []
    policy = RetryPolicy(
        attempts=12,
        methods=IDEMPOTENT_METHODS | {"POST"},
        sleep=delays.append,
    )
    methods = ["GET", "PUT", "DELETE", "POST"]
    with serve(chaos) as home, serve(elsewhere) as other, Urllib3Transport() as wire:
        chaos.other = other
        client = Client(CONSUMER, TOKEN, transport=wire, retry=policy)
        for number in range(calls):
            method = methods[number % 4]
            body = None if method in ("GET", "DELETE") else b'{"n": %d}' % number
            response = client.request(method, f"{home}/", body=body)
            assert response.status == 200
    assert len(chaos.pairs) > calls  # retries did happen
    assert len(set(chaos.pairs)) == len(chaos.pairs)  # 0 duplicate (nonce, timestamp) pairs
    assert chaos.unsigned == 0
    assert elsewhere.requests > 0
    assert elsewhere.credentials == []  # 0 credentials on another origin
    assert delays
    assert max(delays) <= policy.max_backoff


def test_retries_under_random_5xx_429_302_307_never_repeat_a_signature() -> None:
    chaos_run(1000)


@pytest.mark.slow
def test_ten_thousand_retried_calls_never_repeat_a_signature() -> None:
    chaos_run(10_000)


@pytest.mark.anyio
async def test_the_async_client_retries_the_same_way() -> None:
    chaos, elsewhere = Chaos(seed=7), Elsewhere()
    policy = RetryPolicy(attempts=12, backoff=0.001)
    with serve(chaos) as home, serve(elsewhere) as other:
        chaos.other = other
        async with AsyncHttpxTransport() as wire:
            client = AsyncClient(CONSUMER, TOKEN, transport=wire, retry=policy)
            for _ in range(100):
                assert (await client.request("GET", f"{home}/")).status == 200
    assert len(set(chaos.pairs)) == len(chaos.pairs) > 100
    assert elsewhere.credentials == []


def test_a_refused_connection_is_tried_attempts_times_then_raised() -> None:
    delays: list[float] = []
    policy = RetryPolicy(attempts=3, sleep=delays.append, random=lambda: 0.5)
    with Urllib3Transport() as wire:
        client = Client(CONSUMER, TOKEN, transport=wire, retry=policy)
        with pytest.raises(ConnectionFailed):
            client.request("GET", f"http://127.0.0.1:{closed_port()}/")
    assert delays == [0.25, 0.5]


def scripted(*answers: Response | Exception) -> tuple[list[Request], Any]:
    sent: list[Request] = []
    queue = list(answers)

    def send(request: Request) -> Response:
        sent.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return sent, send


def flow_of(method: str, policy: RetryPolicy | None) -> Any:
    request = Request(method, "https://api.example.com/x")
    return call_flow(request, Signer(CONSUMER, TOKEN), retry=policy, clock_skew=None)


def test_a_failure_then_a_503_then_200_is_three_fresh_signatures() -> None:
    sent, send = scripted(ConnectionFailed("refused"), Response(503), Response(200, body=b"done"))
    delays: list[float] = []
    policy = RetryPolicy(sleep=delays.append, random=lambda: 1.0, backoff=1.0)
    assert drive(flow_of("GET", policy), send).body == b"done"
    assert len({request.header("Authorization") for request in sent}) == 3
    assert delays == [1.0, 2.0]


def test_what_the_policy_does_not_name_is_not_tried_again() -> None:
    policy = RetryPolicy(sleep=lambda _: None)
    _, send = scripted(DeadlineExceeded("late", deadline=1.0))
    with pytest.raises(DeadlineExceeded):
        drive(flow_of("GET", policy), send)
    _, send = scripted(Response(503))
    assert drive(flow_of("POST", policy), send).status == 503  # not idempotent: once
    _, send = scripted(Response(404))
    assert drive(flow_of("GET", policy), send).status == 404
    _, send = scripted(Response(503), Response(503))
    assert drive(flow_of("GET", RetryPolicy(attempts=2, sleep=lambda _: None)), send).status == 503
    _, send = scripted(ConnectionFailed("a"), ConnectionFailed("b"))
    with pytest.raises(ConnectionFailed, match="b"):
        drive(flow_of("GET", RetryPolicy(attempts=2, sleep=lambda _: None)), send)
    _, send = scripted(Response(503))
    assert drive(flow_of("GET", None), send).status == 503


def test_a_retry_after_too_long_returns_the_reply() -> None:
    policy = RetryPolicy(max_retry_after=10, sleep=lambda _: None)
    sent, send = scripted(Response(429, [("Retry-After", "11")]))
    assert drive(flow_of("GET", policy), send).status == 429
    assert len(sent) == 1


def test_retry_after_in_seconds_and_as_a_date_is_waited_for() -> None:
    policy = RetryPolicy(clock=lambda: NOW)
    date = email.utils.formatdate(NOW + 7, usegmt=True)
    assert policy.response_delay(Response(503, [("Retry-After", date)]), 0) == 7
    assert policy.response_delay(Response(429, [("Retry-After", " 3 ")]), 0) == 3
    assert policy.response_delay(Response(200), 0) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("5", 5.0),
        ("12345678901", None),
        ("٣", None),
        ("soon", None),
        ("x" * 65, None),
        (email.utils.formatdate(NOW - 60, usegmt=True), 0.0),
        ("Thu, 01 Jan 99999999 00:16:40 GMT", None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(
    value: str | None, expected: float | None
) -> None:
    assert retry_after(value, now=NOW) == expected


def test_backoff_doubles_up_to_its_cap_with_full_jitter() -> None:
    policy = RetryPolicy(backoff=1, max_backoff=5, random=lambda: 0.5)
    assert [policy.backoff_delay(n) for n in (0, 1, 2, 3, 1000)] == [0.5, 1.0, 2.0, 2.5, 2.5]
    assert policy.failure_delay(ConnectionFailed("x"), 0) == 0.5
    assert policy.failure_delay(DeadlineExceeded("x", deadline=1.0), 0) is None
    assert RetryPolicy(methods=["get"]).methods == frozenset({"GET"})


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"attempts": 0}, ValueError),
        ({"attempts": True}, ValueError),
        ({"backoff": -1}, ValueError),
        ({"max_backoff": float("nan")}, ValueError),
        ({"max_retry_after": "1"}, ValueError),
        ({"methods": "GET"}, TypeError),
        ({"statuses": {"503"}}, ValueError),
        ({"statuses": {True}}, ValueError),
        ({"statuses": {99}}, ValueError),
        ({"statuses": {600}}, ValueError),
    ],
)
def test_retry_policy_refuses_bad_arguments(
    arguments: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        RetryPolicy(**arguments)


def test_a_client_refuses_a_retry_of_another_type() -> None:
    with pytest.raises(TypeError, match="retry must be a RetryPolicy or None"):
        Client(CONSUMER, retry=3)  # type: ignore[arg-type]


def paused() -> Any:
    yield Pause(0.0)
    return "after a pause"


def test_drive_sleeps_a_pause() -> None:
    assert drive(paused(), lambda request: Response(200)) == "after a pause"


@pytest.mark.anyio
async def test_drive_async_awaits_a_pause_with_any_sleep() -> None:
    assert await drive_async(paused(), asyncio.sleep) == "after a pause"  # type: ignore[arg-type]
    slept: list[float] = []

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    def with_sleeps() -> Any:
        yield Pause(1.5, asleep)
        yield Pause(2.5, slept.append)
        return "slept"

    assert await drive_async(with_sleeps(), asyncio.sleep) == "slept"  # type: ignore[arg-type]
    assert slept == [1.5, 2.5]


@pytest.mark.anyio
async def test_drive_async_throws_a_failure_into_the_flow_that_retries() -> None:
    answers: list[Response | Exception] = [ConnectionFailed("refused"), Response(200)]

    async def send(request: Request) -> Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    policy = RetryPolicy(sleep=lambda _: None)
    assert (await drive_async(flow_of("GET", policy), send)).status == 200
    answers[:] = [ConnectionFailed("refused")]
    with pytest.raises(ConnectionFailed):
        await drive_async(flow_of("GET", None), send)
