"""The AsyncClient through each async transport against the embedded provider on 127.0.0.1.

As in test_client_live.py, every request is checked by the real provider code, nonce store
included: a hop re-sent with an old nonce, a body hash that does not match or a nonce reused by
two concurrent calls would come back 401.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
import trustme

from oauthcore import HMAC_SHA256, PLAINTEXT, Consumer, Placement
from oauthcore.client import TokenResponseError, parse_authorization_response
from oauthcore.provider import callback_url
from tests.live.test_client_live import ACCESS, echo, provider_app
from tests.servers import closed_port, echo_app, serve, slow_app
from tests.streaming import stream_server
from tests.transports.test_redirect_authority import Recorder, redirector
from transports import (
    AiohttpTransport,
    AsyncClient,
    AsyncHttpxTransport,
    ConnectionFailed,
    DeadlineExceeded,
    RedirectError,
    TLSError,
    TransportTimeout,
)
from transports.demo import DEMO_CONSUMER, DEMO_USER, DemoProvider, Endpoints
from transports.wsgi import ProtectedResource, verified

pytestmark = pytest.mark.anyio

KINDS = ["httpx", "aiohttp"]
AnyAsync = AsyncHttpxTransport | AiohttpTransport


def make(kind: str, **options: Any) -> AnyAsync:
    if kind == "httpx":
        return AsyncHttpxTransport(**options)
    return AiohttpTransport(**options)


@pytest.fixture(scope="module")
def provider() -> DemoProvider:
    from oauthcore.credentials import TokenKind

    made = DemoProvider()
    made.credentials.add_token(DEMO_CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return made


@pytest.fixture(scope="module")
def base(provider: DemoProvider) -> Iterator[str]:
    with serve(provider_app(provider)) as url:
        yield url


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[str]:
    with serve(echo_app) as url:
        yield url


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
async def transport(kind: str) -> AsyncIterator[AnyAsync]:
    async with make(kind, timeout=5) as made:
        yield made


def client(transport: AnyAsync, **options: Any) -> AsyncClient:
    return AsyncClient(DEMO_CONSUMER, ACCESS, transport=transport, **options)


async def test_signed_get_with_params(transport: AnyAsync, base: str) -> None:
    response = await client(transport).request(
        "GET", f"{base}/test/echo", params=[("q", "a b&c"), ("q", "ü")]
    )
    data = echo(response)
    assert (data["method"], data["token"]) == ("GET", ACCESS.key)
    assert data["query"] == "q=a%20b%26c&q=%C3%BC"


async def test_signed_post_form(transport: AnyAsync, base: str) -> None:
    data = echo(
        await client(transport).request(
            "POST", f"{base}/test/echo", data=[("status", "Hello Ladies + Gentlemen")]
        )
    )
    assert data["body"] == b"status=Hello%20Ladies%20%2B%20Gentlemen"
    assert (data["content_type"], data["body_hash"]) == ("application/x-www-form-urlencoded", False)


async def test_signed_json_post_and_put_with_body_hash(transport: AnyAsync, base: str) -> None:
    signer = client(transport, method=HMAC_SHA256)
    for method in ("POST", "PUT"):
        data = echo(await signer.request(method, f"{base}/test/echo", json={"t": "Tür", "n": [1]}))
        assert json.loads(data["body"]) == {"t": "Tür", "n": [1]}
        assert (data["method"], data["content_type"], data["body_hash"]) == (
            method,
            "application/json",
            True,
        )
        assert data["signature_method"] == "HMAC-SHA256"


async def test_signed_delete_with_body_hash(transport: AnyAsync, base: str) -> None:
    body = bytes(range(256))
    data = echo(await client(transport).request("DELETE", f"{base}/test/echo/1", body=body))
    assert (data["method"], data["body"], data["body_hash"]) == ("DELETE", body, True)


@pytest.mark.parametrize("placement", list(Placement))
async def test_each_placement(transport: AnyAsync, base: str, placement: Placement) -> None:
    signer = client(transport, placement=placement)
    data = echo(await signer.request("POST", f"{base}/test/echo", data={"a": "1"}))
    assert data["placement"] == placement.value


async def test_a_wrong_secret_is_refused(transport: AnyAsync, base: str) -> None:
    wrong = AsyncClient(Consumer(DEMO_CONSUMER.key, "wrong"), ACCESS, transport=transport)
    response = await wrong.request("GET", f"{base}/test/echo")
    assert response.status == 401
    assert "signature_invalid" in response.text


@pytest.mark.parametrize(
    ("status", "method", "then"),
    [
        (301, "POST", "GET"),
        (302, "POST", "GET"),
        (303, "PUT", "GET"),
        (302, "GET", "GET"),
        (307, "POST", "POST"),
        (308, "PUT", "PUT"),
    ],
)
async def test_redirects_are_re_signed(
    transport: AnyAsync, base: str, status: int, method: str, then: str
) -> None:
    hop = f"{base}/test/hop/{status}?to=/test/echo%3Fafter%3D1"
    data = echo(await client(transport).request(method, hop, data={"kept": "yes"}))
    assert (data["method"], data["query"]) == (then, "after=1")
    assert data["body"] == (b"kept=yes" if then == method else b"")


async def test_a_chain_of_redirects_and_its_limit(transport: AnyAsync, base: str) -> None:
    inner = "/test/hop/307%3Fto%3D/test/echo"
    data = echo(await client(transport).request("GET", f"{base}/test/hop/302?to={inner}"))
    assert data["method"] == "GET"
    with pytest.raises(RedirectError, match="stopped after 1 redirects"):
        await client(transport, max_redirects=1).request("GET", f"{base}/test/hop/302?to={inner}")


async def test_cross_origin_redirects_go_unsigned(
    transport: AnyAsync, base: str, elsewhere: str
) -> None:
    hop = f"{base}/test/hop/307?to={elsewhere}/landed"
    seen = (await client(transport).request("POST", hop, body=b"payload")).json()
    assert seen["method"] == "POST"
    assert "authorization" not in [name.lower() for name, _ in seen["headers"]]
    # Back home after leaving: still unsigned, so the provider finds no credentials.
    back = (
        f"{base}/test/hop/302?to={elsewhere}/x%3Fstatus%3D302%26set%3DLocation%3A{base}/test/echo"
    )
    refused = await client(transport).request("GET", back)
    assert (refused.url, refused.status) == (f"{base}/test/echo", 400)
    assert "oauth_problem=parameter_absent" in refused.text
    opted = await client(transport, cross_origin_credentials=True).request("GET", hop)
    assert "authorization" in [name.lower() for name, _ in opted.json()["headers"]]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_base(provider: DemoProvider, ca: trustme.CA) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serve(provider_app(provider), ssl_context=context) as url:
        yield url


async def test_a_self_signed_certificate_is_refused_then_trusted_with_its_ca(
    kind: str, https_base: str, elsewhere: str, ca: trustme.CA, tmp_path: Path
) -> None:
    async with make(kind, timeout=5) as default:
        with pytest.raises(TLSError, match="TLS failure"):
            await client(default).request("GET", f"{https_base}/test/echo")
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    async with make(kind, timeout=5, ca_certs=str(ca_file)) as trusting:
        secure = client(trusting)
        assert echo(await secure.request("GET", f"{https_base}/test/echo"))["method"] == "GET"
        hop = f"{https_base}/test/hop/302?to={elsewhere}/clear"
        with pytest.raises(RedirectError, match="from https to http"):
            await secure.request("GET", hop)
        seen = (await client(trusting, allow_downgrade=True).request("GET", hop)).json()
    assert seen["path"] == "/clear"
    assert "authorization" not in [name.lower() for name, _ in seen["headers"]]


@pytest.mark.parametrize("callback", ["https://client.example/ready", "oob"])
async def test_three_legged_flow(
    transport: AnyAsync, base: str, provider: DemoProvider, callback: str
) -> None:
    endpoints = Endpoints.at(base)
    app = AsyncClient(DEMO_CONSUMER, transport=transport)
    request_token = await app.fetch_request_token(endpoints.request_token, callback)
    assert request_token.callback_confirmed
    authorized = provider.approve(request_token.key)
    back = callback_url(authorized)
    if back is None:
        verifier = str(authorized.verifier)
    else:
        _, verifier = parse_authorization_response(back, request_token)
    access = await app.fetch_access_token(endpoints.access_token, request_token, verifier)
    assert access.get("screen_name") == DEMO_USER.screen_name
    me = (await app.with_token(access).request("GET", endpoints.resource)).json()
    assert me["screen_name"] == DEMO_USER.screen_name
    with pytest.raises(TokenResponseError) as caught:
        await app.fetch_access_token(endpoints.access_token, request_token, verifier)
    assert caught.value.status == 401


async def test_timeouts_and_the_client_deadline(kind: str) -> None:
    release = threading.Event()
    with serve(slow_app(release)) as slow, stream_server() as streaming:
        try:
            async with make(kind, timeout=0.2) as transport:
                with pytest.raises(TransportTimeout, match="timed out"):
                    await client(transport).request("GET", f"{slow}/x")
            async with make(kind, timeout=5) as transport:
                chain = f"{streaming}/redirect?after=0.2&to=/redirect%3Fafter%3D0.2%26to%3D/x"
                started = time.monotonic()
                with pytest.raises(DeadlineExceeded, match=r"Client's 0\.3-second deadline"):
                    await client(transport, deadline=0.3).request("GET", chain)
                assert time.monotonic() - started < 0.8
        finally:
            release.set()


async def test_a_refused_connection(transport: AnyAsync) -> None:
    with pytest.raises(ConnectionFailed, match="connection refused"):
        await client(transport).request("GET", f"http://127.0.0.1:{closed_port()}/x")


class NonceRecorder:
    """A protected app that notes each verified request's nonce."""

    def __init__(self) -> None:
        self.nonces: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with self.lock:
            self.nonces.append(str(verified(environ).params.nonce))
        start_response("204 No Content", [])
        return [b""]


async def test_two_hundred_concurrent_requests_share_no_nonce(
    kind: str, provider: DemoProvider
) -> None:
    recorder = NonceRecorder()
    app = ProtectedResource(recorder, provider.credentials, provider.nonces)
    with serve(app) as url:
        async with AsyncClient(DEMO_CONSUMER, ACCESS, transport=make(kind, timeout=30)) as one:
            calls = [one.request("GET", f"{url}/r", params={"n": str(n)}) for n in range(200)]
            replies = await asyncio.gather(*calls)
            await one.transport.aclose()  # type: ignore[attr-defined]
    # A nonce two calls shared would have been refused (401) by the provider's nonce store.
    assert [reply.status for reply in replies] == [204] * 200
    assert len(set(recorder.nonces)) == 200


@pytest.mark.parametrize("separator", ["\\", "\\\\", "%5C\\", "@evil@"])
async def test_a_location_libraries_could_read_differently_is_refused(
    transport: AnyAsync, separator: str
) -> None:
    # The API redirects to a Location naming itself after the last "@", where a naive reading
    # finds the host: a fresh PLAINTEXT signature (the secrets) must not reach the attacker.
    attacker = Recorder()
    with serve(attacker) as evil, serve(redirector(evil.partition("://")[2], separator)) as api:
        signer = client(transport, method=PLAINTEXT)
        with pytest.raises(RedirectError, match="refusing a redirect") as caught:
            await signer.request("GET", f"{api}/api/me")
    assert attacker.seen == [], "the attacker's server received a request"
    for secret in (DEMO_CONSUMER.secret, ACCESS.secret):
        assert secret not in str(caught.value)


async def test_the_default_transport_goes_through_the_flow(base: str) -> None:
    async with AsyncClient(DEMO_CONSUMER, ACCESS) as made:
        data = echo(await made.request("PUT", f"{base}/test/echo", body=b"x"))
    assert (data["body"], data["body_hash"]) == (b"x", True)


async def test_a_request_token_must_be_a_token(transport: AnyAsync) -> None:
    app = AsyncClient(DEMO_CONSUMER, transport=transport)
    with pytest.raises(TypeError, match="request_token must be a Token"):
        await app.fetch_access_token("http://127.0.0.1:9/", "t", "v")  # type: ignore[arg-type]
