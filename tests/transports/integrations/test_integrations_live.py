"""Every integration against the embedded provider on 127.0.0.1, over real sockets.

The provider (``transports.demo`` behind ``ProtectedResource``, nonce store included) checks
each request: a hop sent with a used nonce, a wrong body hash or a signature over another URL
comes back 401. So a 200 at the end of a redirect chain means every hop was signed afresh.
"""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import aiohttp
import httpx
import pytest
import requests
import trustme

from oauthcore import HMAC_SHA256, PLAINTEXT, Consumer, Placement, Token
from oauthcore.credentials import TokenKind
from oauthcore.provider import callback_url
from tests.live.test_client_live import ACCESS, provider_app
from tests.servers import echo_app, serve, slow_app
from tests.transports.integrations.stacks import OPTION_STACKS, STACKS, Seen, call
from transports.demo import DEMO_CONSUMER, DEMO_USER, DemoProvider, Endpoints
from transports.flow import RedirectError
from transports.integrations import AiohttpMiddleware, HttpxAuth, OAuth1Session, RequestsAuth


@pytest.fixture(scope="module")
def provider() -> DemoProvider:
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


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def https_base(provider: DemoProvider, ca: trustme.CA) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serve(provider_app(provider), ssl_context=context) as url:
        yield url


def echo(seen: Seen) -> dict[str, Any]:
    assert seen.status == 200, seen.body
    data: dict[str, Any] = seen.json()
    data["body"] = base64.b64decode(data["body"])
    return data


def send(stack: str, method: str, url: str, /, **options: Any) -> Seen:
    return call(stack, method, url, DEMO_CONSUMER, ACCESS, **options)


@pytest.mark.parametrize("stack", STACKS)
def test_get_with_a_query(stack: str, base: str) -> None:
    data = echo(send(stack, "GET", f"{base}/test/echo?q=a%20b&q=%C3%BC"))
    assert (data["method"], data["token"], data["query"]) == ("GET", ACCESS.key, "q=a%20b&q=%C3%BC")


@pytest.mark.parametrize("stack", STACKS)
def test_form_post_signs_its_parameters(stack: str, base: str) -> None:
    data = echo(send(stack, "POST", f"{base}/test/echo", data={"status": "Hello + Tür"}))
    assert data["content_type"] == "application/x-www-form-urlencoded"
    assert not data["body_hash"]


@pytest.mark.parametrize("stack", STACKS)
def test_json_post_is_covered_by_the_body_hash(stack: str, base: str) -> None:
    data = echo(send(stack, "POST", f"{base}/test/echo", json={"title": "Tür", "n": [1, 2]}))
    assert json.loads(data["body"]) == {"title": "Tür", "n": [1, 2]}
    assert data["content_type"] == "application/json"
    assert data["body_hash"]


@pytest.mark.parametrize("stack", STACKS)
def test_put_and_delete_raw_bodies(stack: str, base: str) -> None:
    body = bytes(range(256))
    put = echo(send(stack, "PUT", f"{base}/test/echo/1", content=body))
    assert (put["method"], put["body"], put["body_hash"]) == ("PUT", body, True)
    gone = echo(send(stack, "DELETE", f"{base}/test/echo/1"))
    assert (gone["method"], gone["body"]) == ("DELETE", b"")


@pytest.mark.parametrize("stack", OPTION_STACKS)
@pytest.mark.parametrize("placement", list(Placement))
def test_each_placement(stack: str, base: str, placement: Placement) -> None:
    data = echo(send(stack, "POST", f"{base}/test/echo", data={"a": "1"}, placement=placement))
    assert data["placement"] == placement.value


@pytest.mark.parametrize("stack", OPTION_STACKS)
def test_other_methods_and_a_realm(stack: str, base: str) -> None:
    data = echo(send(stack, "GET", f"{base}/test/echo", method=HMAC_SHA256, realm="Photos"))
    assert data["signature_method"] == "HMAC-SHA256"


@pytest.mark.parametrize("stack", STACKS)
def test_a_wrong_secret_is_refused(stack: str, base: str) -> None:
    wrong = Consumer(DEMO_CONSUMER.key, "wrong")
    seen = call(stack, "GET", f"{base}/test/echo", wrong, ACCESS)
    assert seen.status == 401
    assert b"signature_invalid" in seen.body


REDIRECTS = [
    (301, "POST", "GET"),
    (302, "POST", "GET"),
    (303, "PUT", "GET"),
    (302, "GET", "GET"),
    (307, "POST", "POST"),
    (308, "PUT", "PUT"),
]


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize(("status", "method", "then"), REDIRECTS)
def test_redirects_are_re_signed(
    stack: str, base: str, status: int, method: str, then: str
) -> None:
    # The hop and the landing are both protected: the provider checks both signatures and
    # refuses a nonce it has seen, so a 200 means each hop carried a fresh one.
    hop = f"{base}/test/hop/{status}?to=/test/echo%3Fafter%3D1"
    seen = send(stack, method, hop, data={"kept": "yes"})
    data = echo(seen)
    assert seen.redirects == 1
    assert data["method"] == then
    assert data["query"] == "after=1"
    assert data["body"] == (b"kept=yes" if then == method else b"")


@pytest.mark.parametrize("stack", STACKS)
def test_a_chain_of_redirects_and_its_limit(stack: str, base: str) -> None:
    inner = "/test/hop/307%3Fto%3D/test/echo"
    seen = send(stack, "GET", f"{base}/test/hop/302?to={inner}")
    assert (echo(seen)["method"], seen.redirects) == ("GET", 2)
    if stack != "session":
        with pytest.raises(RedirectError, match="stopped after 1 redirects"):
            send(stack, "GET", f"{base}/test/hop/302?to={inner}", max_redirects=1)


def landed_headers(seen: Seen) -> list[str]:
    assert seen.status == 200, seen.body
    return [name.lower() for name, _ in seen.json()["headers"]]


@pytest.mark.parametrize("stack", STACKS)
def test_a_hop_to_another_origin_goes_unsigned(stack: str, base: str, elsewhere: str) -> None:
    hop = f"{base}/test/hop/307?to={elsewhere}/landed%3Fq%3D1"
    seen = send(stack, "POST", hop, content=b"payload")
    landed = seen.json()
    assert base64.b64decode(landed["body"]) == b"payload"
    assert "authorization" not in landed_headers(seen)
    assert "oauth_" not in landed["query"]
    # And once the chain has left the origin, coming back is not signed either.
    back = f"{elsewhere}/landed%3Fstatus%3D302%26set%3DLocation:{base}/test/echo"
    unsigned = send(stack, "GET", f"{base}/test/hop/302?to={back}")
    assert (unsigned.status, unsigned.redirects) == (400, 2)
    assert b"oauth_problem=parameter_absent" in unsigned.body


@pytest.mark.parametrize("stack", OPTION_STACKS)
def test_cross_origin_credentials_when_asked(stack: str, base: str, elsewhere: str) -> None:
    hop = f"{base}/test/hop/302?to={elsewhere}/landed"
    seen = send(stack, "GET", hop, cross_origin_credentials=True)
    assert "authorization" in landed_headers(seen)


@pytest.mark.parametrize("stack", OPTION_STACKS)
def test_query_placement_on_another_origin(stack: str, base: str, elsewhere: str) -> None:
    seen = send(stack, "GET", f"{base}/test/hop/302?to={elsewhere}/x", placement=Placement.QUERY)
    assert "oauth_" not in seen.json()["query"]


@pytest.mark.parametrize("stack", STACKS)
def test_a_self_signed_certificate_is_refused_then_trusted(
    stack: str, https_base: str, ca_file: str
) -> None:
    url = f"{https_base}/test/echo"
    errors = (requests.exceptions.SSLError, httpx.ConnectError, aiohttp.ClientConnectorError)
    with pytest.raises(errors):
        send(stack, "GET", url)
    assert echo(send(stack, "GET", url, ca_file=ca_file))["method"] == "GET"


@pytest.mark.parametrize("stack", STACKS)
def test_https_to_http_is_refused(
    stack: str, https_base: str, elsewhere: str, ca_file: str
) -> None:
    hop = f"{https_base}/test/hop/302?to={elsewhere}/clear"
    with pytest.raises(RedirectError, match="from https to http"):
        send(stack, "GET", hop, ca_file=ca_file)
    if stack != "session":
        seen = send(stack, "GET", hop, ca_file=ca_file, allow_downgrade=True)
        assert seen.json()["path"] == "/clear"
        assert "authorization" not in landed_headers(seen)


@pytest.mark.parametrize("stack", STACKS)
def test_timeouts(stack: str) -> None:
    release = threading.Event()
    errors = (requests.exceptions.Timeout, httpx.TimeoutException, asyncio.TimeoutError)
    with serve(slow_app(release)) as url:
        try:
            with pytest.raises(errors):
                send(stack, "GET", f"{url}/slow", timeout=0.2)
        finally:
            release.set()


@pytest.mark.parametrize("stack", OPTION_STACKS)
@pytest.mark.parametrize("callback", ["https://client.example/ready", "oob"])
def test_three_legged_flow(stack: str, base: str, provider: DemoProvider, callback: str) -> None:
    endpoints = Endpoints.at(base)
    seen = call(stack, "POST", endpoints.request_token, DEMO_CONSUMER, None, callback=callback)
    assert seen.status == 200, seen.body
    pairs = dict(pair.split("=") for pair in seen.body.decode().split("&"))
    assert pairs["oauth_callback_confirmed"] == "true"
    request_token = Token(pairs["oauth_token"], pairs["oauth_token_secret"])
    authorized = provider.approve(request_token.key)
    back = callback_url(authorized)
    assert (back is None) == (callback == "oob")
    seen = call(
        stack,
        "POST",
        endpoints.access_token,
        DEMO_CONSUMER,
        request_token,
        verifier=str(authorized.verifier),
    )
    assert seen.status == 200, seen.body
    access = dict(pair.split("=") for pair in seen.body.decode().split("&"))
    token = Token(access["oauth_token"], access["oauth_token_secret"])
    me = call(stack, "GET", endpoints.resource, DEMO_CONSUMER, token).json()
    assert me["screen_name"] == DEMO_USER.screen_name


def authorized(session: OAuth1Session) -> bool:
    # Read afresh each time (a bare property would be narrowed by the type checker).
    return session.authorized


def test_the_session_runs_the_three_legged_flow(base: str, provider: DemoProvider) -> None:
    endpoints = Endpoints.at(base)
    with OAuth1Session(
        DEMO_CONSUMER.key, DEMO_CONSUMER.secret, callback_uri="https://client.example/ready"
    ) as session:
        assert not authorized(session)
        request_token = session.fetch_request_token(endpoints.request_token)
        assert request_token["oauth_callback_confirmed"] == "true"
        assert session.token == {
            "oauth_token": request_token["oauth_token"],
            "oauth_token_secret": request_token["oauth_token_secret"],
        }
        url = session.authorization_url(endpoints.authorize)
        assert url == f"{endpoints.authorize}?oauth_token={request_token['oauth_token']}"
        back = callback_url(provider.approve(request_token["oauth_token"]))
        assert back is not None
        found = session.parse_authorization_response(back)
        assert found["oauth_token"] == request_token["oauth_token"]
        assert session.token["oauth_verifier"] == found["oauth_verifier"]
        access = session.fetch_access_token(endpoints.access_token, timeout=5)
        assert access["screen_name"] == DEMO_USER.screen_name
        assert "oauth_verifier" not in session.token
        assert authorized(session)
        assert session.get(endpoints.resource).json()["user_id"] == DEMO_USER.user_id


def test_the_session_honours_allow_redirects(base: str) -> None:
    with OAuth1Session(DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret) as s:
        reply = s.get(f"{base}/test/hop/302?to=/test/echo", allow_redirects=False)
        assert (reply.status_code, reply.history) == (302, [])
        assert s.get(f"{base}/test/hop/302?to=/test/echo").status_code == 200


def test_two_hundred_concurrent_async_requests(base: str) -> None:
    # Every request is checked against the provider's nonce store: a collision would be a 401.
    async def run() -> list[int]:
        middleware = AiohttpMiddleware(DEMO_CONSUMER, ACCESS)
        auth = HttpxAuth(DEMO_CONSUMER, ACCESS)
        limits = httpx.Limits(max_connections=20)
        connector = aiohttp.TCPConnector(limit=20)
        async with (
            aiohttp.ClientSession(middlewares=(middleware,), connector=connector) as session,
            httpx.AsyncClient(auth=auth, limits=limits, timeout=30) as client,
        ):

            async def by_aiohttp(number: int) -> int:
                url = f"{base}/test/hop/307?to=/test/echo%3Fn%3D{number}"
                async with session.post(url, data=b"%d" % number) as reply:
                    return reply.status

            async def by_httpx(number: int) -> int:
                reply = await client.put(f"{base}/test/echo?n={number}", content=b"x")
                return reply.status_code

            jobs = [by_aiohttp(n) for n in range(100)] + [by_httpx(n) for n in range(100)]
            return list(await asyncio.gather(*jobs))

    assert asyncio.run(run()) == [200] * 200


def test_plaintext_over_https(https_base: str, ca_file: str) -> None:
    seen = call(
        "httpx",
        "GET",
        f"{https_base}/test/echo",
        DEMO_CONSUMER,
        ACCESS,
        ca_file=ca_file,
        method=PLAINTEXT,
    )
    assert echo(seen)["signature_method"] == "PLAINTEXT"


def test_reprs_hide_the_secrets() -> None:
    made = [
        RequestsAuth(DEMO_CONSUMER, ACCESS),
        HttpxAuth(DEMO_CONSUMER, ACCESS),
        AiohttpMiddleware(DEMO_CONSUMER, ACCESS),
    ]
    for auth in made:
        assert DEMO_CONSUMER.secret not in repr(auth)
        assert ACCESS.secret not in repr(auth)
        assert type(auth).__name__ in repr(auth)


@pytest.mark.parametrize("stack", OPTION_STACKS)
@pytest.mark.parametrize("placement", list(Placement))
@pytest.mark.parametrize("status", [302, 307])
def test_each_placement_through_a_redirect(
    stack: str, base: str, placement: Placement, status: int
) -> None:
    # A hop is signed from the request as it was before signing: no old parameter carried over.
    hop = f"{base}/test/hop/{status}?to=/test/echo"
    data = echo(send(stack, "POST", hop, data={"a": "1"}, placement=placement))
    assert data["placement"] == (
        Placement.QUERY.value if placement is Placement.BODY and status == 302 else placement.value
    )
    assert data["body"].startswith(b"a=1" if status == 307 else b"")


@pytest.mark.parametrize("stack", OPTION_STACKS)
@pytest.mark.parametrize("placement", list(Placement))
def test_no_parameter_of_a_signature_reaches_another_origin(
    stack: str, base: str, elsewhere: str, placement: Placement
) -> None:
    seen = send(
        stack, "POST", f"{base}/test/hop/307?to={elsewhere}/x", data={"a": "1"}, placement=placement
    )
    landed = seen.json()
    assert base64.b64decode(landed["body"]) == b"a=1"
    assert "oauth_" not in landed["query"]
    assert "authorization" not in landed_headers(seen)
