"""The integrations' own rules, without a provider: the imports each loads, the session's
compatibility with requests-oauthlib, and the mistakes each refuses.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from requests_oauthlib import OAuth1Session as TheirSession

from oauthcore import Consumer, Token
from oauthcore.client import AuthorizationResponseError, TokenResponseError
from oauthcore.header import parse_authorization
from tests.servers import echo_app, serve
from transports import RedirectError, integrations
from transports.integrations import HttpxAuth, OAuth1Session, RequestsAuth

ROOT = Path(__file__).resolve().parents[3]
CONSUMER = Consumer("consumer-key", "consumer-secret")
TOKEN = Token("token-key", "token-secret")
STACK_LIBRARIES = ["requests", "httpx", "aiohttp"]

_PROBE = """
import json, sys
import oauthcore, transports, transports.integrations
before = set(sys.modules)
name = sys.argv[1]
if name:
    getattr(transports.integrations, name)
print(json.dumps({"before": sorted(before), "after": sorted(sys.modules)}))
"""


def _modules(name: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-I", "-c", _PROBE, name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, list[str]] = json.loads(result.stdout)
    return loaded


def _stacks(names: list[str]) -> set[str]:
    return {stack for stack in STACK_LIBRARIES if any(n.partition(".")[0] == stack for n in names)}


@pytest.mark.parametrize(
    ("name", "stack"),
    [
        ("", None),
        ("RequestsAuth", "requests"),
        ("OAuth1Session", "requests"),
        ("HttpxAuth", "httpx"),
        ("AiohttpMiddleware", "aiohttp"),
    ],
)
def test_each_integration_loads_only_its_own_stack(name: str, stack: str | None) -> None:
    loaded = _modules(name)
    assert _stacks(loaded["before"]) == set()
    assert _stacks(loaded["after"]) == ({stack} if stack else set())


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        integrations.Nope  # noqa: B018


# --- OAuth1Session and requests-oauthlib's OAuth1Session --------------------------------------

COMPATIBLE = [
    "__init__",
    "authorization_url",
    "fetch_request_token",
    "fetch_access_token",
    "parse_authorization_response",
]


@pytest.mark.parametrize("name", COMPATIBLE)
def test_the_session_takes_requests_oauthlibs_arguments(name: str) -> None:
    def names(kind: type) -> list[str]:
        parameters = inspect.signature(getattr(kind, name)).parameters.values()
        return [
            p.name for p in parameters if p.kind is not p.VAR_KEYWORD and p.kind != p.KEYWORD_ONLY
        ]

    assert names(OAuth1Session) == names(TheirSession)


@pytest.fixture
def fixed_nonce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("oauthcore.signing.make_nonce", lambda: "fixednonce1234")
    monkeypatch.setattr("oauthcore.signing.make_timestamp", lambda: "1700000000")


def their_session(**options: Any) -> TheirSession:
    return TheirSession(
        "consumer-key",
        "consumer-secret",
        "token-key",
        "token-secret",
        nonce="fixednonce1234",
        timestamp="1700000000",
        **options,
    )


def oauth_signature(prepared: requests.PreparedRequest) -> str:
    header: str | bytes = prepared.headers["Authorization"]
    if isinstance(header, bytes):  # requests-oauthlib leaves the header as bytes
        header = header.decode("ascii")
    return dict(parse_authorization(header)[1])["oauth_signature"]


@pytest.mark.usefixtures("fixed_nonce")
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("GET", "https://api.example.com/photos?size=original&file=vacation.jpg", None),
        ("POST", "https://api.example.com/statuses", {"status": "Hello Ladies + Gentlemen, ü"}),
        ("DELETE", "http://api.example.com:8080/things/1?q=%20x", None),
    ],
)
@pytest.mark.parametrize("signature_method", ["HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT"])
def test_the_session_signs_as_requests_oauthlib_does(
    method: str, url: str, data: Any, signature_method: str
) -> None:
    with (
        their_session(signature_method=signature_method) as theirs,
        OAuth1Session(
            "consumer-key",
            "consumer-secret",
            "token-key",
            "token-secret",
            signature_method=signature_method,
        ) as ours,
    ):
        wanted = theirs.prepare_request(requests.Request(method, url, data=data))
        got = ours.prepare_request(requests.Request(method, url, data=data))
    assert oauth_signature(got) == oauth_signature(wanted)
    assert got.body == wanted.body


@pytest.mark.usefixtures("fixed_nonce")
def test_rsa_and_the_query_placement_as_requests_oauthlib(rsa_private_pem: str) -> None:
    url = "https://api.example.com/photos?size=original"
    with (
        their_session(signature_method="RSA-SHA1", rsa_key=rsa_private_pem) as theirs,
        OAuth1Session(
            "consumer-key",
            None,
            "token-key",
            None,
            signature_method="rsa-sha1",
            rsa_key=rsa_private_pem,
        ) as ours,
        their_session(signature_type="query") as theirs_query,
        OAuth1Session(
            "consumer-key", "consumer-secret", "token-key", "token-secret", signature_type="query"
        ) as ours_query,
    ):
        assert oauth_signature(ours.prepare_request(requests.Request("GET", url))) == (
            oauth_signature(theirs.prepare_request(requests.Request("GET", url)))
        )
        assert ours.authorized
        wanted = theirs_query.prepare_request(requests.Request("GET", url)).url
        got = ours_query.prepare_request(requests.Request("GET", url)).url
    assert dict(p.split("=") for p in str(got).split("?")[1].split("&")) == dict(
        p.split("=") for p in str(wanted).split("?")[1].split("&")
    )


def authorized(session: OAuth1Session) -> bool:
    # Read afresh each time (a bare property would be narrowed by the type checker).
    return session.authorized


def test_the_session_token_property() -> None:
    with OAuth1Session("key", "secret") as session:
        assert session.token == {}
        assert not authorized(session)
        session.token = {"oauth_token": "t", "oauth_token_secret": "s", "oauth_verifier": "v"}
        assert session.token == {
            "oauth_token": "t",
            "oauth_token_secret": "s",
            "oauth_verifier": "v",
        }
        assert authorized(session)
        assert session.authorization_url("https://p.example/auth", extra="1") == (
            "https://p.example/auth?oauth_token=t&extra=1"
        )
        assert session.authorization_url("https://p.example/auth", "other") == (
            "https://p.example/auth?oauth_token=other"
        )
        with pytest.raises(ValueError, match="no oauth_token"):
            session.token = {"oauth_token_secret": "s"}


def test_the_session_refuses_what_it_cannot_honour() -> None:
    with pytest.raises(TypeError, match="client_class and force_include_body"):
        OAuth1Session("key", "secret", force_include_body=True)
    with pytest.raises(ValueError, match="signature_method must be one of"):
        OAuth1Session("key", "secret", signature_method="HMAC-MD5")
    with pytest.raises(ValueError, match="signature_type must be one of"):
        OAuth1Session("key", "secret", signature_type="COOKIE")
    with OAuth1Session("key", "secret") as session:
        with pytest.raises(ValueError, match="No client verifier"):
            session.fetch_access_token("https://p.example/access")
        with pytest.raises(ValueError, match="No request token"):
            session.fetch_access_token("https://p.example/access", verifier="v")


def test_the_session_checks_the_callback() -> None:
    with OAuth1Session("key", "secret", "request-token", "s") as session:
        with pytest.raises(AuthorizationResponseError):
            session.parse_authorization_response(
                "https://c.example/cb?oauth_token=other&oauth_verifier=v"
            )
        with pytest.raises(AuthorizationResponseError, match="denied"):
            session.parse_authorization_response("https://c.example/cb?denied=request-token")
        found = session.parse_authorization_response(
            "https://c.example/cb?oauth_token=request-token&oauth_verifier=v&state=1#top"
        )
        assert found == {"oauth_token": "request-token", "oauth_verifier": "v", "state": "1"}


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    with serve(echo_app) as url:
        yield url


def test_a_realm_and_request_kwargs_reach_the_wire(echo: str) -> None:
    # The echo server answers with the request it got, not a token: the error carries it.
    with (
        OAuth1Session("key", "secret", callback_uri="https://c.example/cb") as session,
        pytest.raises(TokenResponseError) as caught,
    ):
        session.fetch_request_token(
            f"{echo}/request_token", realm=["photos", "videos"], headers={"X-Trace": "1"}
        )
    seen = caught.value.body
    assert '["X-Trace", "1"]' in seen
    assert 'OAuth realm=\\"photos videos\\", oauth_callback=' in seen


# --- the plug-ins' own refusals ---------------------------------------------------------------


def test_requests_auth_refuses_a_streamed_body(echo: str) -> None:
    with requests.Session() as session, pytest.raises(TypeError, match="bytes or str"):
        session.post(echo, data=iter([b"chunk"]), auth=RequestsAuth(CONSUMER, TOKEN))


def test_requests_auth_signs_a_str_body_as_sent(echo: str) -> None:
    with requests.Session() as session:
        reply = session.put(
            echo,
            data="caf\xe9",
            headers={"Content-Type": "text/plain"},
            auth=RequestsAuth(CONSUMER, TOKEN),
            timeout=5,
        )
    assert reply.json()["body"] == "Y2Fm6Q=="


def test_httpx_auth_refuses_a_client_that_follows_redirects(echo: str) -> None:
    hop = f"{echo}/?status=302&set=Location:/landed"
    with (
        httpx.Client(follow_redirects=True) as client,
        pytest.raises(ValueError, match="follow_redirects=False"),
    ):
        client.get(hop, auth=HttpxAuth(CONSUMER, TOKEN))

    async def run() -> None:
        async with httpx.AsyncClient(follow_redirects=True) as client:
            await client.get(hop, auth=HttpxAuth(CONSUMER, TOKEN))

    with pytest.raises(ValueError, match="follow_redirects=False"):
        asyncio.run(run())


def test_requests_auth_carries_a_redirects_cookie(echo: str) -> None:
    hop = f"{echo}/?status=302&set=Location:/landed&set=Set-Cookie:seen%3Dyes%3B%20Path%3D/"
    with requests.Session() as session:
        reply = session.get(hop, auth=RequestsAuth(CONSUMER, TOKEN), timeout=5)
        assert session.cookies.get("seen") == "yes"
    assert reply.json()["path"] == "/landed"
    assert dict(reply.json()["headers"])["Cookie"] == "seen=yes"
    assert [step.status_code for step in reply.history] == [302]


def test_requests_auth_limits_as_documented(echo: str) -> None:
    # docs/integrations.md: an auth never sees allow_redirects=False, so it follows anyway;
    # max_redirects=0 refuses the redirect, the response in the error.
    hop = f"{echo}/?status=302&set=Location:/landed"
    with requests.Session() as session:
        reply = session.get(hop, auth=RequestsAuth(CONSUMER, TOKEN), allow_redirects=False)
        assert (reply.status_code, reply.json()["path"]) == (200, "/landed")
        with pytest.raises(RedirectError, match="stopped after 0 redirects") as caught:
            session.get(hop, auth=RequestsAuth(CONSUMER, TOKEN, max_redirects=0))
    assert caught.value.response.status == 302
