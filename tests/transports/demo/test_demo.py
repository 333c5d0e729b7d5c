"""transports.demo: the embedded provider, its authorization page (CSRF), /api/me, serving."""

from __future__ import annotations

import json
import urllib.request
from typing import cast
from wsgiref.simple_server import WSGIServer

import pytest

from oauthcore import Consumer, Request, Token
from oauthcore.client import parse_authorization_response
from transports.base import Response
from transports.client import Client
from transports.demo import (
    DEMO_APP_NAME,
    DEMO_CONSUMER,
    DEMO_USER,
    Decision,
    DemoProvider,
    DemoUser,
    Endpoints,
    click,
    server_url,
)
from transports.wsgi import WSGITransport

BASE = "http://provider.test"
ENDPOINTS = Endpoints.at(BASE + "/")


@pytest.fixture
def provider() -> DemoProvider:
    return DemoProvider()


@pytest.fixture
def transport(provider: DemoProvider) -> WSGITransport:
    return WSGITransport(provider)


def request_token(transport: WSGITransport, callback: str = "http://app.test/cb") -> Token:
    client = Client(DEMO_CONSUMER, transport=transport)
    return client.fetch_request_token(ENDPOINTS.request_token, callback)


def authorize_url(token: Token) -> str:
    return f"{ENDPOINTS.authorize}?oauth_token={token.key}"


def test_endpoints() -> None:
    assert ENDPOINTS.base == BASE
    assert ENDPOINTS.request_token == BASE + "/oauth/request_token"
    assert ENDPOINTS.authorize == BASE + "/oauth/authorize"
    assert ENDPOINTS.access_token == BASE + "/oauth/access_token"
    assert ENDPOINTS.resource == BASE + "/api/me"


def test_the_whole_flow_in_process(transport: WSGITransport) -> None:
    client = Client(DEMO_CONSUMER, transport=transport)
    temporary = request_token(transport)
    decision = click(authorize_url(temporary), transport)
    assert decision.status == 303
    assert decision.pin is None
    assert decision.location is not None
    _key, verifier = parse_authorization_response(decision.location, temporary)
    assert decision.location.startswith("http://app.test/cb?oauth_token=")
    access = client.fetch_access_token(ENDPOINTS.access_token, temporary, verifier)
    assert access.get("user_id") == DEMO_USER.user_id
    assert access.get("screen_name") == DEMO_USER.screen_name
    me = client.with_token(access).request("GET", ENDPOINTS.resource)
    assert me.status == 200
    assert me.json() == {
        "app": DEMO_APP_NAME,
        "consumer_key": DEMO_CONSUMER.key,
        "screen_name": "demo-user",
        "signature_method": "HMAC-SHA1",
        "user_id": "1",
    }


def test_oob_shows_a_pin(transport: WSGITransport) -> None:
    temporary = request_token(transport, "oob")
    decision = click(authorize_url(temporary), transport)
    assert decision.status == 200
    assert decision.location is None
    assert decision.pin
    assert decision.pin not in repr(decision)
    client = Client(DEMO_CONSUMER, transport=transport)
    access = client.fetch_access_token(ENDPOINTS.access_token, temporary, decision.pin)
    assert access.get("screen_name") == "demo-user"


def test_deny_redirects_with_denied(provider: DemoProvider, transport: WSGITransport) -> None:
    temporary = request_token(transport)
    decision = click(authorize_url(temporary), transport, approve=False)
    assert decision == Decision(303, f"http://app.test/cb?denied={temporary.key}")
    assert provider.tokens.pending(temporary.key) is None


def test_deny_oob_says_so(transport: WSGITransport) -> None:
    temporary = request_token(transport, "oob")
    decision = click(authorize_url(temporary), transport, approve=False)
    assert decision == Decision(200, None)


def page(transport: WSGITransport, url: str, cookie: str | None = None) -> Response:
    headers = [("Cookie", cookie)] if cookie else []
    return transport.send(Request("GET", url, headers))


def test_authorization_page(transport: WSGITransport) -> None:
    temporary = request_token(transport)
    shown = page(transport, authorize_url(temporary))
    assert shown.status == 200
    text = shown.text
    assert f"<title>Authorize {DEMO_APP_NAME}?</title>" in text
    assert '<span id="app">oauthcore demo app</span>' in text
    assert 'id="approve">Approve</button>' in text
    assert 'id="deny">Deny</button>' in text
    assert f'name="oauth_token" value="{temporary.key}"' in text
    assert shown.header("X-Frame-Options") == "DENY"
    assert "frame-ancestors 'none'" in str(shown.header("Content-Security-Policy"))
    assert shown.header("Cache-Control") == "no-store"
    cookie = str(shown.header("Set-Cookie"))
    assert cookie.startswith("oauthcore_demo_csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    # A browser that has the cookie keeps it: no new one.
    again = page(transport, authorize_url(temporary), cookie.partition(";")[0])
    assert again.header("Set-Cookie") is None


def test_app_names_are_escaped(provider: DemoProvider, transport: WSGITransport) -> None:
    provider.add_consumer(Consumer("evil", "s"), "<script>x</script>")
    client = Client(Consumer("evil", "s"), transport=transport)
    temporary = client.fetch_request_token(ENDPOINTS.request_token, "oob")
    text = page(transport, authorize_url(temporary)).text
    assert "<script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text
    assert provider.app_name("nobody") == "nobody"


@pytest.mark.parametrize("query", ["", "?oauth_token=", "?oauth_token=unknown", "?oauth_token=%ff"])
def test_authorization_page_for_unknown_tokens(transport: WSGITransport, query: str) -> None:
    shown = page(transport, ENDPOINTS.authorize + query)
    assert shown.status == 400
    assert "<h1>" in shown.text


def test_authorization_page_for_an_authorized_token(
    provider: DemoProvider, transport: WSGITransport
) -> None:
    temporary = request_token(transport)
    provider.approve(temporary.key)
    assert page(transport, authorize_url(temporary)).status == 400


def form_post(
    transport: WSGITransport,
    fields: list[tuple[str, str]],
    cookie: str | None,
    origin: str | None = BASE,
) -> Response:
    headers = []
    if cookie is not None:
        headers.append(("Cookie", cookie))
    if origin is not None:
        headers.append(("Origin", origin))
    return transport.send(Request.build("POST", ENDPOINTS.authorize, data=fields, headers=headers))


def page_fields(transport: WSGITransport, token: Token) -> tuple[str, str]:
    shown = page(transport, authorize_url(token))
    csrf = shown.text.split('name="csrf" value="')[1].split('"')[0]
    return str(shown.header("Set-Cookie")).partition(";")[0], csrf


def test_csrf_defences(provider: DemoProvider, transport: WSGITransport) -> None:
    temporary = request_token(transport)
    cookie, csrf = page_fields(transport, temporary)
    good = [("oauth_token", temporary.key), ("csrf", csrf), ("decision", "approve")]
    refused = [
        form_post(transport, good, None),  # no cookie: a cross-site post
        form_post(transport, good, "oauthcore_demo_csrf=another-browser"),
        form_post(transport, [*good[:1], ("csrf", "0" * 64), good[2]], cookie),
        form_post(transport, good, cookie, origin="http://evil.test"),
        form_post(transport, good, cookie, origin="null"),
    ]
    for answer in refused:
        assert answer.status == 403
        assert "CSRF" in answer.text
    assert provider.tokens.pending(temporary.key) is not None
    assert not provider.tokens.pending(temporary.key).authorized  # type: ignore[union-attr]
    # Without Origin (older browsers) the cookie and the HMAC still decide.
    accepted = form_post(transport, good, cookie, origin=None)
    assert accepted.status == 303


def test_form_errors(provider: DemoProvider, transport: WSGITransport) -> None:
    temporary = request_token(transport)
    cookie, csrf = page_fields(transport, temporary)
    fields = [("oauth_token", temporary.key), ("csrf", csrf)]
    no_decision = form_post(transport, fields, cookie)
    assert no_decision.status == 400
    assert "approve or deny" in no_decision.text
    provider.approve(temporary.key)
    late = form_post(transport, [*fields, ("decision", "approve")], cookie)
    assert late.status == 400
    assert "not pending" in late.text
    bad_bytes = transport.send(
        Request(
            "POST",
            ENDPOINTS.authorize,
            [("Content-Type", "application/x-www-form-urlencoded")],
            b"\xff",
        )
    )
    assert bad_bytes.status == 400
    assert "form body is not valid UTF-8" in bad_bytes.text
    put = transport.send(Request("PUT", ENDPOINTS.authorize))
    assert put.status == 405
    assert put.header("Allow") == "GET, POST"


def test_index_callback_and_not_found(transport: WSGITransport) -> None:
    index = transport.send(Request("GET", BASE))
    assert index.status == 200
    assert f"consumer key:    {DEMO_CONSUMER.key}" in index.text
    assert f"request token:   POST {ENDPOINTS.request_token}" in index.text
    callback = transport.send(Request("GET", BASE + "/callback?oauth_token=a&oauth_verifier=b"))
    assert callback.status == 200
    assert "oauth_verifier" in callback.text
    assert ">b<" not in callback.text
    missing = transport.send(Request("GET", BASE + "/nowhere"))
    assert missing.status == 404
    assert missing.text == "no such page: /nowhere\n"


def test_resource_needs_an_access_token(transport: WSGITransport) -> None:
    unsigned = transport.send(Request("GET", ENDPOINTS.resource))
    assert unsigned.status == 400
    assert unsigned.body.startswith(b"oauth_problem=parameter_absent")
    temporary = request_token(transport)
    with_request_token = Client(DEMO_CONSUMER, temporary, transport=transport)
    refused = with_request_token.request("GET", ENDPOINTS.resource)
    assert refused.status == 401
    assert refused.header("WWW-Authenticate") == 'OAuth realm="oauthcore demo"'


def test_other_users_and_consumers() -> None:
    consumer = Consumer("mine", "my-secret")
    provider = DemoProvider(consumers=[(consumer, "My App")], user=DemoUser("42", "ann"))
    transport = WSGITransport(provider)
    client = Client(consumer, transport=transport)
    temporary = client.fetch_request_token(ENDPOINTS.request_token, "oob")
    assert "My App" in page(transport, authorize_url(temporary)).text
    authorized = provider.approve(temporary.key)
    assert authorized.verifier is not None
    access = client.fetch_access_token(ENDPOINTS.access_token, temporary, authorized.verifier)
    assert access.extra == (("user_id", "42"), ("screen_name", "ann"))
    # The demo consumer is not known to this provider.
    stranger = Client(DEMO_CONSUMER, transport=transport)
    assert stranger.request("POST", ENDPOINTS.request_token).status == 401
    index = transport.send(Request("GET", BASE)).text
    assert DEMO_CONSUMER.secret not in index
    assert "my-secret" not in index
    assert f"request token:   POST {ENDPOINTS.request_token}" in index


def test_unreadable_requests_get_a_plain_answer(transport: WSGITransport) -> None:
    environ_bad_length = Request("GET", BASE, [("Content-Length", "x")])
    reply = transport.send(environ_bad_length)
    assert reply.status == 400
    assert reply.text == "Content-Length must be a whole number of bytes\n"


def test_click_refuses_a_page_that_is_not_the_form(transport: WSGITransport) -> None:
    with pytest.raises(ValueError, match=r"not a demo authorization page \(status 400\)"):
        click(ENDPOINTS.authorize + "?oauth_token=nope", transport)


def test_served_on_loopback_with_a_real_client() -> None:
    lines: list[str] = []
    with DemoProvider().serve(log=lines.append) as running:
        assert running.url.startswith("http://127.0.0.1:")
        assert running.endpoints == Endpoints.at(running.url)
        # Any HTTP client will do: here the standard library, unsigned, for the index page.
        with urllib.request.urlopen(running.url + "/", timeout=5) as reply:
            assert b"oauthcore demo provider" in reply.read()
        unsigned = urllib.request.Request(running.endpoints.resource)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unsigned, timeout=5)
        assert refused.value.code == 400
        refused.value.close()
    assert any('"GET / HTTP/1.1" 200' in line for line in lines)
    assert any('"GET /api/me HTTP/1.1" 400' in line for line in lines)


def test_quiet_server_logs_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with (
        DemoProvider().serve() as running,
        urllib.request.urlopen(running.url + "/", timeout=5) as reply,
    ):
        reply.read()
    assert capsys.readouterr() == ("", "")


class _Bound:
    def __init__(self, address: tuple[str, int]) -> None:
        self.server_address = address


def test_server_url_brackets_ipv6() -> None:
    assert server_url(cast(WSGIServer, _Bound(("::1", 8080)))) == "http://[::1]:8080"
    assert server_url(cast(WSGIServer, _Bound(("127.0.0.1", 80)))) == "http://127.0.0.1:80"


def test_json_reply_is_valid(transport: WSGITransport) -> None:
    temporary = request_token(transport, "oob")
    decision = click(authorize_url(temporary), transport)
    client = Client(DEMO_CONSUMER, transport=transport)
    access = client.fetch_access_token(ENDPOINTS.access_token, temporary, str(decision.pin))
    body = client.with_token(access).request("GET", ENDPOINTS.resource).body
    assert json.loads(body)["screen_name"] == "demo-user"
