"""The three-legged calls learn the provider's clock and retry as the policy says (RFC 5849 §2).

A client whose clock is hours off gets its request token and its access token from the embedded
provider (a 300-second window) over loopback, one extra round trip for the whole dance; a 503 on
the request-token POST is tried again only when the policy names POST.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import Token
from oauthcore.client import TokenResponseError
from transports import AsyncClient, AsyncHttpxTransport, Client, Response, Urllib3Transport
from transports.demo import DEMO_CONSUMER, DemoProvider, RunningProvider
from transports.flow import Signer, drive
from transports.resilience import ClockSkew, RetryPolicy, access_token_call

from ...servers import serve
from .test_skew import AsyncCounting, Counting

HOURS_2 = 2 * 3600


@pytest.fixture
def provider() -> Iterator[RunningProvider]:
    app = DemoProvider()
    with app.serve() as running:
        yield running


@pytest.mark.parametrize("off", [HOURS_2, -HOURS_2])
def test_a_client_hours_off_gets_its_tokens_with_one_extra_round_trip(
    provider: RunningProvider, off: int
) -> None:
    skew = ClockSkew(clock=lambda: time.time() + off)
    endpoints = provider.endpoints
    with Urllib3Transport() as wire:
        counting = Counting(wire)
        client = Client(DEMO_CONSUMER, transport=counting, clock_skew=skew)
        temporary = client.fetch_request_token(endpoints.request_token)
        # The refusal was learnt and the POST signed once more, with a fresh nonce.
        assert len(counting.sent) == 2
        verifier = provider.provider.approve(temporary.key).verifier
        access = client.fetch_access_token(endpoints.access_token, temporary, str(verifier))
        # Same origin: the access-token call is signed on the learned clock at once.
        assert len(counting.sent) == 3
        me = client.with_token(access).request("GET", endpoints.resource)
        assert me.status == 200
        assert len(counting.sent) == 4


@pytest.mark.anyio
@pytest.mark.parametrize("off", [HOURS_2, -HOURS_2])
async def test_the_async_client_gets_its_tokens_the_same_way(
    provider: RunningProvider, off: int
) -> None:
    skew = ClockSkew(clock=lambda: time.time() + off)
    endpoints = provider.endpoints
    async with AsyncHttpxTransport() as wire:
        counting = AsyncCounting(wire)
        client = AsyncClient(DEMO_CONSUMER, transport=counting, clock_skew=skew)
        temporary = await client.fetch_request_token(endpoints.request_token)
        verifier = provider.provider.approve(temporary.key).verifier
        access = await client.fetch_access_token(endpoints.access_token, temporary, str(verifier))
    assert access.key
    assert len(counting.sent) == 3


def _failing_first(app: DemoProvider, path: str, failures: list[int]) -> Any:
    # The provider behind a proxy that answers the first requests for ``path`` with a 503.
    def wrapped(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == path and failures:
            failures.pop()
            start_response("503 Service Unavailable", [("Retry-After", "0")])
            return [b"later"]
        return app(environ, start_response)

    return wrapped


def _no_wait(_seconds: float) -> None:
    pass


def test_a_request_token_post_is_retried_only_when_the_policy_names_post() -> None:
    app = DemoProvider()
    failures = [503]
    with serve(_failing_first(app, "/oauth/request_token", failures)) as base:
        url = f"{base}/oauth/request_token"
        with (
            Client(DEMO_CONSUMER, retry=RetryPolicy(sleep=_no_wait)) as client,
            pytest.raises(TokenResponseError),
        ):
            client.fetch_request_token(url)
        failures.append(503)
        posting = RetryPolicy(methods={"GET", "POST"}, sleep=_no_wait)
        with Client(DEMO_CONSUMER, retry=posting) as client:
            assert client.fetch_request_token(url).callback_confirmed
        assert failures == []


def test_an_access_token_post_is_retried_when_told() -> None:
    app = DemoProvider()
    failures: list[int] = []
    posting = RetryPolicy(methods={"POST"}, sleep=_no_wait)
    with (
        serve(_failing_first(app, "/oauth/access_token", failures)) as base,
        Client(DEMO_CONSUMER, retry=posting) as client,
    ):
        temporary = client.fetch_request_token(f"{base}/oauth/request_token")
        verifier = str(app.approve(temporary.key).verifier)
        failures.append(503)
        access = client.fetch_access_token(f"{base}/oauth/access_token", temporary, verifier)
    assert access.key
    assert failures == []


def test_access_token_call_refuses_a_request_token_of_another_type() -> None:
    flow = access_token_call("https://p.example/access", Signer(DEMO_CONSUMER), "tok", "v")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="request_token must be a Token"):
        next(flow)


def test_the_calls_return_what_the_provider_issued() -> None:
    reply = Response(
        200, (), b"oauth_token=t&oauth_token_secret=s&user_id=7", "https://p.example/a"
    )
    flow = access_token_call(
        "https://p.example/a", Signer(DEMO_CONSUMER), Token("r", "rs"), "verifier"
    )
    assert drive(flow, lambda _request: reply).extra == (("user_id", "7"),)
