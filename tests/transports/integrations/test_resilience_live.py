"""Clock skew, retries that re-sign and session renewal through every plug-in, over loopback.

The embedded provider (a 300-second window, a nonce store) checks every request; a client whose
clock is two hours off must get 200s through each stack with one extra round trip per origin.
A proxy in front of it injects 503s, 429s and redirects (same origin, and to another origin
that records what reaches it): with a ``RetryPolicy`` every call succeeds, the provider never
sees one (nonce, timestamp) pair twice, and no credential reaches the other origin.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import aiohttp
import httpx
import pytest
import requests

from oauthcore import Token
from oauthcore.credentials import TokenKind
from oauthcore.header import parse_authorization
from tests.live.test_client_live import ACCESS, provider_app
from tests.servers import closed_port, echo_app, serve
from tests.transports.integrations.stacks import STACKS, Seen, call
from tests.transports.resilience.test_session import CONSUMER, check_renewals, running
from transports.demo import DEMO_CONSUMER, DemoProvider
from transports.integrations import AiohttpMiddleware, HttpxAuth, OAuth1Session, RequestsAuth
from transports.resilience import ClockSkew, RetryPolicy, TokenSession

HOURS_2 = 2 * 3600


def _no_wait(_seconds: float) -> None:
    pass


def send(stack: str, method: str, url: str, /, **options: Any) -> Seen:
    """One call through ``stack`` signed with the access token; the session takes options too."""
    if stack != "session":
        return call(stack, method, url, DEMO_CONSUMER, ACCESS, **options)
    with OAuth1Session(
        DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret, **options
    ) as oauth:
        reply = oauth.request(method, url, timeout=5)
        return Seen(reply.status_code, reply.content, len(reply.history))


class Recorder:
    """A WSGI app in front of another that records each request's OAuth header fields."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.pairs: list[tuple[str, str]] = []
        self.credentials = 0
        self.requests = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        header = str(environ.get("HTTP_AUTHORIZATION", ""))
        with self.lock:
            self.requests += 1
            if header or "oauth_" in str(environ.get("QUERY_STRING", "")):
                self.credentials += 1
            if header.startswith("OAuth "):
                fields = dict(parse_authorization(header)[1])
                self.pairs.append((fields["oauth_nonce"], fields["oauth_timestamp"]))
        return self.fault(environ, start_response) or self.app(environ, start_response)

    def fault(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        return None


class Flaky(Recorder):
    """The provider behind a proxy that answers /test/flaky with faults at random (seeded)."""

    def __init__(self, app: WSGIApplication, elsewhere: str) -> None:
        super().__init__(app)
        self.elsewhere = elsewhere
        self.random = random.Random(16)

    def fault(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        if environ["PATH_INFO"] != "/test/flaky":
            return None
        with self.lock:
            draw = self.random.random()
        if draw < 0.15:
            start_response("503 Service Unavailable", [("Retry-After", "0")])
            return [b"later"]
        if draw < 0.3:
            start_response("429 Too Many Requests", [("Retry-After", "0")])
            return [b"slow down"]
        if draw < 0.4:
            start_response("302 Found", [("Location", "/test/echo?hop=same")])
            return [b""]
        if draw < 0.5:
            start_response("307 Temporary Redirect", [("Location", f"{self.elsewhere}/landed")])
            return [b""]
        return None


@pytest.fixture(scope="module")
def provider() -> DemoProvider:
    made = DemoProvider()
    made.credentials.add_token(DEMO_CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return made


@pytest.fixture
def origins(provider: DemoProvider) -> Iterator[tuple[Recorder, str, Recorder, str]]:
    first, second = Recorder(provider_app(provider)), Recorder(provider_app(provider))
    with serve(first) as one, serve(second) as two:
        yield first, one, second, two


@pytest.mark.parametrize("off", [HOURS_2, -HOURS_2])
@pytest.mark.parametrize("stack", STACKS)
def test_a_client_hours_off_succeeds_with_one_extra_round_trip_per_origin(
    stack: str, origins: tuple[Recorder, str, Recorder, str], off: int
) -> None:
    first, one, second, two = origins
    skew = ClockSkew(clock=lambda: time.time() + off)
    for recorder, base in ((first, one), (second, two)):
        statuses = [send(stack, "GET", f"{base}/test/echo", clock_skew=skew) for _ in range(5)]
        assert [seen.status for seen in statuses] == [200] * 5
        # One refusal, learnt: the other four calls went out on the provider's clock.
        assert recorder.requests == 6
    assert abs(skew.offset(one) + off) < 10
    assert abs(skew.offset(two) + off) < 10


@pytest.mark.parametrize("stack", STACKS)
def test_opting_out_of_the_clock_correction(
    stack: str, origins: tuple[Recorder, str, Recorder, str]
) -> None:
    first, one, _, _ = origins
    # With clock_skew=None nothing is learnt: a refusal for a stale nonce comes back as is.
    assert send(stack, "GET", f"{one}/test/echo", clock_skew=None).status == 200
    assert first.requests == 1


@pytest.mark.parametrize("calls", [40, pytest.param(2000, marks=pytest.mark.slow)])
@pytest.mark.parametrize("stack", STACKS)
def test_faults_are_retried_signed_afresh_and_credentials_stay_home(
    stack: str, provider: DemoProvider, calls: int
) -> None:
    # 2,000 calls on each of the five stacks: the 10,000 (marked slow).
    elsewhere = Recorder(echo_app)
    with serve(elsewhere) as other:
        flaky = Flaky(provider_app(provider), other)
        with serve(flaky) as base:
            retry = RetryPolicy(attempts=12, backoff=0, sleep=_no_wait)
            seen = [send(stack, "GET", f"{base}/test/flaky", retry=retry) for _ in range(calls)]
    assert {answer.status for answer in seen} == {200}
    # Some calls were retried, redirected or sent elsewhere: more requests than calls.
    assert flaky.requests > calls
    assert elsewhere.requests > 0
    assert len(set(flaky.pairs)) == len(flaky.pairs) == flaky.requests
    assert elsewhere.credentials == 0


def test_a_failed_redirect_hop_is_retried_through_requests(provider: DemoProvider) -> None:
    refused = f"http://127.0.0.1:{closed_port()}/gone"
    failures = [1]

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if failures:
            failures.pop()
            start_response("307 Temporary Redirect", [("Location", refused)])
            return [b""]
        return provider_app(provider)(environ, start_response)

    with serve(app) as base:
        retry = RetryPolicy(attempts=2, backoff=0, sleep=_no_wait)
        assert send("requests", "GET", f"{base}/test/x", retry=retry).status == 200
        # Without a policy, requests' own error is raised, as it would be without the auth.
        failures.append(1)
        with pytest.raises(requests.ConnectionError):
            send("requests", "GET", f"{base}/test/x")


def test_a_refused_connection_is_retried_by_the_aiohttp_middleware() -> None:
    refused = f"http://127.0.0.1:{closed_port()}/gone"
    pauses: list[float] = []
    retry = RetryPolicy(attempts=3, backoff=0, sleep=pauses.append)
    with pytest.raises(aiohttp.ClientConnectionError):
        send("aiohttp", "GET", refused, retry=retry)
    assert len(pauses) == 2


def test_a_session_refresh_through_httpx_tasks_happens_once_per_expiry() -> None:
    seconds = 6

    async def workload(base: str, auth: HttpxAuth) -> list[int]:
        ends = time.monotonic() + seconds
        async with httpx.AsyncClient(auth=auth) as client:

            async def work() -> list[int]:
                statuses = []
                while time.monotonic() < ends:
                    statuses.append((await client.get(f"{base}/api/me")).status_code)
                return statuses

            results = await asyncio.gather(*(work() for _ in range(16)))
        return [status for result in results for status in result]

    with running(2) as (provider, base, session, stored):
        statuses = asyncio.run(workload(base, HttpxAuth(CONSUMER, session=session)))
    assert set(statuses) == {200}
    check_renewals(provider, stored, seconds)


@pytest.mark.parametrize("stack", ["requests", "httpx"])
def test_a_session_refresh_through_threads_happens_once_per_expiry(stack: str) -> None:
    seconds = 6
    with running(2) as (provider, base, session, stored):
        ends = time.monotonic() + seconds
        statuses: list[int] = []

        def work() -> None:
            if stack == "requests":
                with requests.Session() as client:
                    client.auth = RequestsAuth(CONSUMER, session=session)
                    while time.monotonic() < ends:
                        statuses.append(client.get(f"{base}/api/me", timeout=5).status_code)
            else:
                with httpx.Client(auth=HttpxAuth(CONSUMER, session=session)) as client:
                    while time.monotonic() < ends:
                        statuses.append(client.get(f"{base}/api/me").status_code)

        workers = [threading.Thread(target=work) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert set(statuses) == {200}
    check_renewals(provider, stored, seconds)


def test_the_aiohttp_middleware_refuses_a_session() -> None:
    with (
        running(2) as (_, _, session, _),
        pytest.raises(ValueError, match="cannot renew a session token"),
    ):
        AiohttpMiddleware(CONSUMER, session=session)


def test_the_options_are_checked() -> None:
    with pytest.raises(TypeError, match="retry must be a RetryPolicy or None"):
        HttpxAuth(CONSUMER, retry=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="clock_skew must be a ClockSkew or None"):
        RequestsAuth(CONSUMER, clock_skew="off")  # type: ignore[arg-type]
    assert HttpxAuth(CONSUMER, Token("t", "s")).chain.clock_skew is not None
    assert RequestsAuth(CONSUMER, clock_skew=None).chain.clock_skew is None


@pytest.mark.parametrize("stack", ["requests", "httpx"])
def test_a_renewal_url_written_otherwise_is_still_read_as_the_renewal(stack: str) -> None:
    # Host names are case-insensitive: the renewal's reply must be read however it is written.
    with running(1) as (provider, base, session, _stored):
        shouted = TokenSession(
            session.token, base.replace("127.0.0.1", "LOCALHOST") + "/oauth/access_token"
        )
        time.sleep(1.5)  # the access token has expired
        if stack == "requests":
            auth: Any = RequestsAuth(CONSUMER, session=shouted)
            status = requests.get(f"{base}/api/me", auth=auth, timeout=5).status_code
        else:
            status = httpx.get(
                f"{base}/api/me", auth=HttpxAuth(CONSUMER, session=shouted)
            ).status_code
    assert status == 200
    assert provider.endpoints.renewals == 1
