"""Clock skew: a client whose clock is hours off learns each origin's clock once (RFC 5849 §3.3).

The live tests run the embedded provider (a 300-second window) on loopback sockets and inject
the client's clock; the unit tests read problem reports and dates as providers send them.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterable, Iterator
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import Consumer, Request, Token
from oauthcore.credentials import TokenKind
from oauthcore.header import parse_authorization
from oauthcore.parsing import parse
from oauthcore.problems import MAX_PROBLEM_REPORT as _MAX_REPORT
from transports import AsyncClient, AsyncHttpxTransport, Client, Response, Urllib3Transport
from transports.demo import DEMO_CONSUMER, DemoProvider, RunningProvider
from transports.flow import Signer, drive
from transports.resilience import (
    ClockSkew,
    SkewedSigner,
    call_flow,
    problem_report,
    server_time,
)

from ...servers import serve

TOKEN = Token("skew-token", "skew-token-secret")
HOURS_2 = 2 * 3600


def refused(
    url: str = "https://api.example.com/me",
    *,
    body: bytes = b"oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1000-1600",
    headers: tuple[tuple[str, str], ...] = (),
    status: int = 401,
) -> Response:
    return Response(status, headers, body, url)


class Counting:
    """A real transport that also counts the requests it puts on the wire."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[Request] = []

    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        self.sent.append(request)
        response: Response = self.inner.send(request, timeout=timeout)
        return response


class AsyncCounting(Counting):
    async def send(self, request: Request, *, timeout: float | None = None) -> Response:  # type: ignore[override]
        self.sent.append(request)
        response: Response = await self.inner.send(request, timeout=timeout)
        return response


@pytest.fixture
def providers() -> Iterator[tuple[RunningProvider, RunningProvider]]:
    made = []
    for _ in range(2):
        provider = DemoProvider()
        provider.credentials.add_token(DEMO_CONSUMER.key, TOKEN, TokenKind.ACCESS)
        made.append(provider)
    with made[0].serve() as first, made[1].serve() as second:
        yield first, second


def timestamp_of(request: Request) -> int:
    return int(
        dict(parse_authorization(str(request.header("Authorization")))[1])["oauth_timestamp"]
    )


@pytest.mark.parametrize("off", [HOURS_2, -HOURS_2])
def test_a_client_hours_off_succeeds_every_call_with_one_extra_round_trip_per_origin(
    providers: tuple[RunningProvider, RunningProvider], off: int
) -> None:
    first, second = providers
    skew = ClockSkew(clock=lambda: time.time() + off)
    with Urllib3Transport() as wire:
        counting = Counting(wire)
        client = Client(DEMO_CONSUMER, TOKEN, transport=counting, clock_skew=skew)
        statuses = [client.request("GET", first.endpoints.resource).status for _ in range(20)]
        assert statuses == [200] * 20
        assert len(counting.sent) == 21
        # The first origin's offset is not the second's: it is learned there on its own.
        statuses = [client.request("GET", second.endpoints.resource).status for _ in range(20)]
        assert statuses == [200] * 20
        assert len(counting.sent) == 42
    # Both refusals were re-signed with a fresh nonce; later calls use the learned clock.
    assert timestamp_of(counting.sent[0]) - timestamp_of(counting.sent[1]) in range(
        off - 5, off + 6
    )
    assert abs(timestamp_of(counting.sent[-1]) - time.time()) < 10


def test_the_offset_never_crosses_origins(
    providers: tuple[RunningProvider, RunningProvider],
) -> None:
    first, second = providers
    skew = ClockSkew(clock=lambda: time.time() + HOURS_2)
    with Client(DEMO_CONSUMER, TOKEN, clock_skew=skew) as client:
        assert client.request("GET", first.endpoints.resource).status == 200
    assert abs(skew.offset(first.endpoints.resource) + HOURS_2) < 10
    assert skew.offset(second.endpoints.resource) == 0
    assert skew.timestamp(second.endpoints.resource) == pytest.approx(time.time() + HOURS_2, abs=5)


def test_opting_out_leaves_the_refusal_to_the_caller(
    providers: tuple[RunningProvider, RunningProvider],
) -> None:
    first, _ = providers
    # Without a clock_skew the Client signs with the machine's clock as it is.
    with Client(DEMO_CONSUMER, Token("unknown", "x"), clock_skew=None) as client:
        assert client.clock_skew is None
        assert client.request("GET", first.endpoints.resource).status == 401


def _without_acceptable(app: DemoProvider) -> Any:
    # The provider's reply, its problem report cut to oauth_problem: only Date tells the time.
    def stripped(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started: list[Any] = []
        body = b"".join(app(environ, lambda *args: started.append(args)))  # type: ignore[arg-type]
        body = b"&".join(part for part in body.split(b"&") if b"acceptable" not in part)
        status, headers = started[0][:2]
        kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, [*kept, ("Content-Length", str(len(body)))])
        return [body]

    return stripped


def _bare_refusals(app: DemoProvider) -> Any:
    # A provider without problem reporting: every 401 is a JSON error (Twitter's "Timestamp out
    # of bounds" shape) with no oauth_problem and no challenge. Only Date tells the time.
    def bare(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started: list[Any] = []
        body = b"".join(app(environ, lambda *args: started.append(args)))  # type: ignore[arg-type]
        status, headers = started[0][:2]
        if status.startswith("401"):
            body = b'{"errors": [{"code": 135, "message": "Timestamp out of bounds."}]}'
            headers = [("Content-Type", "application/json")]
        kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, [*kept, ("Content-Length", str(len(body)))])
        return [body]

    return bare


@pytest.mark.parametrize("off", [HOURS_2, -HOURS_2])
def test_a_bare_401_teaches_the_clock_by_its_date_one_extra_round_trip_per_origin(
    off: int,
) -> None:
    provider = DemoProvider()
    provider.credentials.add_token(DEMO_CONSUMER.key, TOKEN, TokenKind.ACCESS)
    skew = ClockSkew(clock=lambda: time.time() + off)
    with (
        serve(_bare_refusals(provider)) as first,
        serve(_bare_refusals(provider)) as second,
        Urllib3Transport() as wire,
    ):
        counting = Counting(wire)
        client = Client(DEMO_CONSUMER, TOKEN, transport=counting, clock_skew=skew)
        for base in (first, second):
            statuses = [client.request("GET", f"{base}/api/me").status for _ in range(20)]
            assert statuses == [200] * 20
        assert len(counting.sent) == 42
    assert abs(skew.offset(first) + off) < 10
    assert abs(skew.offset(second) + off) < 10


def test_a_bare_401_from_a_provider_whose_clock_agrees_is_not_sent_again() -> None:
    provider = DemoProvider()
    with serve(_bare_refusals(provider)) as base, Urllib3Transport() as wire:
        counting = Counting(wire)
        client = Client(DEMO_CONSUMER, Token("unknown", "x"), transport=counting)
        assert client.request("GET", f"{base}/api/me").status == 401
        assert len(counting.sent) == 1


def _dated(seconds: float, body: bytes = b"") -> Response:
    date = email.utils.formatdate(seconds, usegmt=True)
    return Response(401, [("Date", date)], body, "https://api.example.com/me")


def test_a_bare_401_is_learnt_from_its_date_only_beyond_the_tolerance() -> None:
    skew = ClockSkew(clock=lambda: 100_000.0)
    assert not skew.learn(_dated(100_030))  # 30 s: within the default 60
    assert skew.learn(_dated(107_200))
    assert skew.offset("https://api.example.com/") == 7200
    # The clock as corrected agrees with the next bare 401: a refusal for another reason.
    assert not skew.learn(_dated(107_201))
    assert not ClockSkew(clock=lambda: 100_000.0, date_tolerance=None).learn(_dated(107_200))
    assert ClockSkew(clock=lambda: 100_000.0, date_tolerance=0).learn(_dated(100_001))


def test_a_401_naming_another_problem_is_not_about_the_clock() -> None:
    skew = ClockSkew(clock=lambda: 100_000.0)
    assert not skew.learn(_dated(107_200, b"oauth_problem=signature_invalid"))
    assert not skew.learn(Response(401, [], b"", "https://api.example.com/me"))  # no Date


def test_the_date_header_sets_the_clock_when_the_report_has_no_range() -> None:
    provider = DemoProvider()
    provider.credentials.add_token(DEMO_CONSUMER.key, TOKEN, TokenKind.ACCESS)
    skew = ClockSkew(clock=lambda: time.time() - HOURS_2)
    with serve(_without_acceptable(provider)) as base, Urllib3Transport() as wire:
        counting = Counting(wire)
        client = Client(DEMO_CONSUMER, TOKEN, transport=counting, clock_skew=skew)
        for _ in range(5):
            assert client.request("GET", f"{base}/api/me").status == 200
        assert len(counting.sent) == 6


@pytest.mark.anyio
@pytest.mark.parametrize("off", [HOURS_2, -HOURS_2])
async def test_the_async_client_learns_the_clock_the_same_way(
    providers: tuple[RunningProvider, RunningProvider], off: int
) -> None:
    first, second = providers
    skew = ClockSkew(clock=lambda: time.time() + off)
    async with AsyncHttpxTransport() as wire:
        counting = AsyncCounting(wire)
        client = AsyncClient(DEMO_CONSUMER, TOKEN, transport=counting, clock_skew=skew)
        for url in (first.endpoints.resource, second.endpoints.resource):
            for _ in range(10):
                assert (await client.request("GET", url)).status == 200
    assert len(counting.sent) == 22


def test_a_refusal_from_an_origin_that_got_no_signature_is_not_learned() -> None:
    # The chain left the first origin; the hop there went unsigned, so its 401 is not ours.
    skew = ClockSkew(clock=lambda: 5000.0)
    flow = call_flow(
        Request("GET", "https://a.example/"), Signer(Consumer("k", "s")), clock_skew=skew
    )
    first = next(flow)
    assert isinstance(first, Request)
    hop = flow.send(Response(302, [("Location", "https://b.example/x")], b"", first.url))
    assert isinstance(hop, Request)
    assert hop.header("Authorization") is None
    with pytest.raises(StopIteration) as done:
        flow.send(refused(hop.url))
    assert done.value.value.status == 401
    assert skew.offset("https://b.example/") == 0


def test_a_learned_refusal_is_signed_again_once_only() -> None:
    skew = ClockSkew(clock=lambda: 100_000.0)
    sent: list[Request] = []

    def send(request: Request) -> Response:
        sent.append(request)
        return refused(
            request.url,
            body=f"oauth_problem=timestamp_refused&oauth_acceptable_timestamps={len(sent)}000-{len(sent)}100".encode(),
        )

    flow = call_flow(
        Request("GET", "https://a.example/"), Signer(Consumer("k", "s")), clock_skew=skew
    )
    assert drive(flow, send).status == 401
    assert len(sent) == 2
    nonces = {parse(request).nonce for request in sent}
    assert len(nonces) == 2
    assert [timestamp_of(request) for request in sent] == [100_000, 1050]


def test_problem_report_reads_the_body_then_the_challenge() -> None:
    assert problem_report(refused())["oauth_acceptable_timestamps"] == "1000-1600"
    challenge = 'OAuth realm="x", oauth_problem="timestamp_refused"'
    from_header = refused(body=b"<html>", headers=(("WWW-Authenticate", challenge),))
    assert problem_report(from_header) == {"oauth_problem": "timestamp_refused"}
    assert problem_report(refused(body="é".encode())) == {}
    assert problem_report(refused(body=b"a=%ff")) == {}
    assert problem_report(refused(body=b"oauth_problem=x" + b"&a=b" * _MAX_REPORT)) == {}
    broken = refused(body=b"", headers=(("WWW-Authenticate", "OAuth a=unquoted"),))
    assert problem_report(broken) == {}
    long = refused(body=b"", headers=(("WWW-Authenticate", "OAuth " + "a" * _MAX_REPORT),))
    assert problem_report(long) == {}


@pytest.mark.parametrize(
    ("report", "date", "expected"),
    [
        ({"oauth_acceptable_timestamps": "1000-1600"}, None, 1300),
        ({"oauth_acceptable_timestamps": "1600-1000"}, None, None),
        ({"oauth_acceptable_timestamps": "1" * 13 + "-2"}, None, None),
        ({}, "Thu, 01 Jan 1970 00:16:40 GMT", 1000),
        ({"oauth_acceptable_timestamps": "junk"}, "Thu, 01 Jan 1970 00:16:40 +0100", -2600),
        ({}, "not a date", None),
        ({}, "Thu, 01 Jan 1970 00:16:40 GMT" + " " * 64, None),
        ({}, "Thu, 01 Jan 99999999 00:16:40 GMT", None),
        ({}, None, None),
    ],
)
def test_server_time_reads_the_range_else_the_date(
    report: dict[str, str], date: str | None, expected: int | None
) -> None:
    headers = () if date is None else (("Date", date),)
    assert server_time(refused(headers=headers), report) == expected


def test_learn_keeps_an_offset_per_origin_and_only_for_a_timestamp_refusal() -> None:
    skew = ClockSkew(clock=lambda: 1000.0, max_origins=2)
    assert skew.timestamp("https://a.example/") == 1000
    assert not skew.learn(refused(status=200))
    assert not skew.learn(refused(body=b"oauth_problem=nonce_used"))
    assert not skew.learn(refused(body=b"oauth_problem=timestamp_refused"))
    assert skew.learn(refused("https://a.example/x"))
    assert skew.offset("https://a.example:443/y") == 300
    # The same word twice changes nothing, so nothing is sent again.
    assert not skew.learn(refused("https://a.example/x"))
    assert skew.learn(refused("https://b.example/"))
    assert skew.learn(refused("https://c.example/"))
    assert skew.offset("https://a.example/") == 0  # the oldest of three, forgotten
    assert repr(skew) == "ClockSkew(origins=2)"
    skew.forget()
    assert skew.offset("https://b.example/") == 0


def test_the_default_clock_is_the_machine_clock() -> None:
    skew = ClockSkew()
    assert skew.timestamp("https://a.example/") is None
    assert skew.learn(
        refused(
            "https://a.example/",
            body=b"oauth_problem=timestamp_refused&oauth_acceptable_timestamps=0-0",
        )
    )
    assert skew.timestamp("https://a.example/") in (0, 1)
    assert skew.timestamp("https://b.example/") == pytest.approx(time.time(), abs=2)
    signed = SkewedSigner(Signer(Consumer("k", "s")), skew)(Request("GET", "https://a.example/"))
    assert timestamp_of(signed) in (0, 1)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"clock": 5}, TypeError),
        ({"max_origins": 0}, ValueError),
        ({"max_origins": True}, ValueError),
        ({"date_tolerance": -1}, ValueError),
        ({"date_tolerance": True}, ValueError),
        ({"date_tolerance": float("nan")}, ValueError),
        ({"date_tolerance": "60"}, ValueError),
    ],
)
def test_clock_skew_refuses_bad_arguments(
    arguments: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        ClockSkew(**arguments)


def test_a_client_refuses_a_clock_skew_of_another_type() -> None:
    with pytest.raises(TypeError, match="clock_skew must be a ClockSkew or None"):
        Client(DEMO_CONSUMER, clock_skew=3)  # type: ignore[arg-type]
