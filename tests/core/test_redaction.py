"""No secret in a repr or a log line: ``Request`` and ``Response`` headers, ``RedirectError``, the
demo's ``Decision`` and ``oauthcore serve``'s request log, all masked by ``oauthcore.redaction``
(RFC 5849 §2.3 verifiers and token secrets, §3.4.4 PLAINTEXT signatures).
"""

from __future__ import annotations

import _thread
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from oauthcore import PLAINTEXT, Consumer, Placement, Request, Token, sign
from oauthcore.redaction import SECRET_NAMES, mask, mask_form, mask_header, mask_url, preview
from transports import Response, redact_url
from transports.cli import main
from transports.client import Client, RedirectError
from transports.demo import DEMO_CONSUMER, Decision, DemoProvider, Endpoints, click
from transports.wsgi import WSGITransport

VERIFIER = "Verifier-hJk3"
TOKEN_SECRET = "TokenSecret-9qZ"
PLAINTEXT_SIGNATURE = "ConsumerSecret-7%26TokenSecret-9qZ"
COOKIE = "SessionCookie-4xY"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"/cb?oauth_token=t&oauth_verifier={VERIFIER}#top",
            "/cb?oauth_token=t&oauth_verifier=***#top",
        ),
        (f"a=1&oauth_token_secret={TOKEN_SECRET}", "a=1&oauth_token_secret=***"),
        (f"/cb?oauth%5Fverifier={VERIFIER}&x=1", "/cb?oauth%5Fverifier=***&x=1"),
        (f"/cb?oauth_token%5fsecret={TOKEN_SECRET}", "/cb?oauth_token%5fsecret=***"),
        (
            f'OAuth oauth_token="t", oauth_signature="{PLAINTEXT_SIGNATURE}"',
            'OAuth oauth_token="t", oauth_signature="***"',
        ),
        # A quoted value is masked to its closing quote, whatever it holds.
        ('OAuth oauth_signature="cs#1 &ts", realm="r"', 'OAuth oauth_signature="***", realm="r"'),
        # A callback URL carried, encoded, inside another URL's query.
        (
            f"/login?next=%2Fcb%3Foauth_verifier%3D{VERIFIER}",
            "/login?next=%2Fcb%3Foauth_verifier%3D***",
        ),
        ("/p?oauth_token=public&oauth_nonce=n", "/p?oauth_token=public&oauth_nonce=n"),
    ],
)
def test_one_masker_for_every_spelling(text: str, masked: str) -> None:
    assert mask(text) == masked
    assert redact_url(text) == masked


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        (
            ("Location", f"https://app.example/cb?oauth_token=t&oauth_verifier={VERIFIER}"),
            "https://app.example/cb?oauth_token=t&oauth_verifier=***",
        ),
        (
            ("Location", f"https://app.example/cb?oauth_token=t&oauth_token_secret={TOKEN_SECRET}"),
            "https://app.example/cb?oauth_token=t&oauth_token_secret=***",
        ),
        (
            ("Location", f"https://app.example/cb?oauth%5Fverifier={VERIFIER}&state=s1"),
            "https://app.example/cb?oauth%5Fverifier=***&state=s1",
        ),
        (
            ("Authorization", f'OAuth oauth_token="t", oauth_signature="{PLAINTEXT_SIGNATURE}"'),
            "'Authorization', 'OAuth ***'",
        ),
        (("Proxy-Authorization", f"Basic {COOKIE}"), "'Proxy-Authorization', 'Basic ***'"),
        (
            ("Set-Cookie", f"sid={COOKIE}; Path=/; HttpOnly"),
            "'Set-Cookie', 'sid=***; Path=/; HttpOnly'",
        ),
        (("Cookie", f"sid={COOKIE}; theme={COOKIE}"), "'Cookie', 'sid=***; theme=***'"),
        (
            ("WWW-Authenticate", f'OAuth realm="r", oauth_verifier="{VERIFIER}"'),
            """'OAuth realm="r", oauth_verifier="***"'""",
        ),
    ],
)
def test_response_repr_masks_secrets_in_headers(header: tuple[str, str], shown: str) -> None:
    response = Response(303, [("Content-Type", "text/plain"), header], b"", "https://p.example/")
    text = repr(response)
    for secret in (VERIFIER, TOKEN_SECRET, PLAINTEXT_SIGNATURE, "ConsumerSecret", COOKIE):
        assert secret not in text
    assert shown in text
    assert "('Content-Type', 'text/plain')" in text
    # The response itself keeps what was received.
    assert response.header(header[0]) == header[1]


def test_response_repr_masks_an_authorization_without_a_scheme() -> None:
    text = repr(Response(200, [("Authorization", COOKIE)]))
    assert COOKIE not in text
    assert "('Authorization', '***')" in text


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        (("Authorization", f"Basic {COOKIE}"), "('Authorization', 'Basic ***')"),
        (("Authorization", f"Bearer {COOKIE}"), "('Authorization', 'Bearer ***')"),
        (("Authorization", COOKIE), "('Authorization', '***')"),
        (("Proxy-Authorization", f"Basic {COOKIE}"), "('Proxy-Authorization', 'Basic ***')"),
        (("Cookie", f"sid={COOKIE}; theme={COOKIE}"), "('Cookie', 'sid=***; theme=***')"),
        (("Set-Cookie", f"sid={COOKIE}; Path=/"), "('Set-Cookie', 'sid=***; Path=/')"),
        (
            ("X-Callback", f"https://app.example/cb?oauth_verifier={VERIFIER}"),
            "('X-Callback', 'https://app.example/cb?oauth_verifier=***')",
        ),
    ],
)
def test_request_repr_masks_credentials_headers(header: tuple[str, str], shown: str) -> None:
    request = Request("GET", "https://api.example/p", [("Accept", "text/plain"), header])
    text = repr(request)
    assert COOKIE not in text
    assert VERIFIER not in text
    assert shown in text
    assert "('Accept', 'text/plain')" in text
    assert request.header(header[0]) == header[1]  # the request itself keeps what it carries


def test_request_repr_keeps_an_oauth_header_readable_but_its_secrets() -> None:
    signed = sign(
        Request("GET", "https://api.example/p"),
        Consumer("ck", "ConsumerSecret-7"),
        Token("tok", TOKEN_SECRET),
        PLAINTEXT,
        nonce="n0nce",
        timestamp=1,
    )
    text = repr(signed)
    assert "ConsumerSecret" not in text
    assert TOKEN_SECRET not in text
    assert 'oauth_consumer_key="ck"' in text
    assert 'oauth_nonce="n0nce"' in text
    assert 'oauth_signature="***"' in text


def test_request_repr_and_errors_mask_userinfo() -> None:
    request = Request("GET", "https://user:Passw0rd@api.example/p?oauth_verifier=v1")
    assert "Passw0rd" not in repr(request)
    assert "https://***@api.example/p?oauth_verifier=***" in repr(request)
    assert redact_url("https://user:Passw0rd@api.example/") == "https://***@api.example/"
    assert mask_url("no userinfo here") == "no userinfo here"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # In a form body only "&" ends a value: a "#" or a quote is part of it.
        ("a=1&oauth_token_secret=ab#cd&b=2", "a=1&oauth_token_secret=***&b=2"),
        ('oauth_signature=x"y', "oauth_signature=***"),
        ("oauth%5Fverifier=v v", "oauth%5Fverifier=*** v"),
        (
            '{"oauth_verifier": "v\\"w", "oauth_token": "t"}',
            '{"oauth_verifier": "***", "oauth_token": "t"}',
        ),
    ],
)
def test_form_and_json_bodies_are_masked(text: str, masked: str) -> None:
    assert mask_form(text) == masked


def test_json_members_are_masked_in_any_text() -> None:
    for name in SECRET_NAMES:
        assert mask(f'{{"{name}" : "s\\"x", "a": "b"}}') == f'{{"{name}" : "***", "a": "b"}}'


def test_compat_request_repr_masks_every_secret_name() -> None:
    import transports.oauth2_compat as oauth

    request = oauth.Request("GET", "https://api.example/", dict.fromkeys(SECRET_NAMES, COOKIE))
    text = repr(request)
    assert COOKIE not in text
    for name in SECRET_NAMES:
        assert f"'{name}': '***'" in text


def test_mask_header_shows_an_oauth_header_only_when_asked() -> None:
    value = f'OAuth oauth_token="t", oauth_signature="{PLAINTEXT_SIGNATURE}"'
    assert mask_header("Authorization", value) == "OAuth ***"
    assert mask_header("authorization", value, oauth_params=True) == (
        'OAuth oauth_token="t", oauth_signature="***"'
    )
    assert mask_header("Authorization", f"Basic {COOKIE}", oauth_params=True) == "Basic ***"


def test_preview_bounds_and_quotes() -> None:
    assert preview("short") == "'short'"
    assert preview("x" * 41) == repr("x" * 40 + "...")
    assert preview("abcdef", 3) == "'abc...'"


class _Redirecting:
    """A transport whose every answer is a 303 to an http callback carrying the verifier."""

    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        location = f"http://app.example/cb?oauth_token=t&oauth_verifier={VERIFIER}"
        return Response(
            303, [("Location", location), ("Set-Cookie", f"sid={COOKIE}")], b"", request.url
        )


@pytest.mark.parametrize("max_redirects", [0, 5])
def test_redirect_error_masks_the_response_it_carries(max_redirects: int) -> None:
    client = Client(
        Consumer("ck", "ConsumerSecret-7"),
        Token("t", TOKEN_SECRET),
        transport=_Redirecting(),
        max_redirects=max_redirects,
    )
    with pytest.raises(RedirectError) as caught:
        client.request("GET", "https://api.example/authorize")
    error = caught.value
    for text in (str(error), repr(error), repr(error.response)):
        assert VERIFIER not in text
        assert COOKIE not in text
        assert TOKEN_SECRET not in text
    assert "https://api.example/authorize" in str(error)
    assert "oauth_token=t&oauth_verifier=***" in repr(error.response)
    assert error.response.header("Location") is not None


def test_demo_decision_repr_masks_the_verifier() -> None:
    provider = DemoProvider()
    transport = WSGITransport(provider)
    endpoints = Endpoints.at("http://provider.test/")
    temporary = Client(DEMO_CONSUMER, transport=transport).fetch_request_token(
        endpoints.request_token, "http://app.test/cb"
    )
    decision = click(f"{endpoints.authorize}?oauth_token={temporary.key}", transport)
    assert decision.location is not None
    verifier = decision.location.rpartition("oauth_verifier=")[2]
    assert len(verifier) >= 22
    assert verifier not in repr(decision)
    assert f"http://app.test/cb?oauth_token={temporary.key}&oauth_verifier=***" in repr(decision)
    assert repr(Decision(200, None, "1234")) == "Decision(status=200, location=None)"


# ---- oauthcore serve --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _get(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            reply.read()
    except urllib.error.HTTPError as refused:
        refused.close()


def _until_up(url: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            _get(url)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_serve_log_masks_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # PLAINTEXT placed in the query: the signature is the two secrets (§3.4.4).
    token = Token("tok", "Token/Secret+9qZ")
    signed = sign(
        Request("GET", f"{base}/api/me?fields=name"),
        DEMO_CONSUMER,
        token,
        PLAINTEXT,
        placement=Placement.QUERY,
    )
    urls = [
        signed.url,
        f"{base}/callback?oauth_token=tok&oauth_verifier={VERIFIER}",
        f"{base}/callback?oauth%5Fverifier={VERIFIER}&oauth_token_secret={TOKEN_SECRET}",
    ]

    def browse_then_interrupt() -> None:
        try:
            _until_up(f"{base}/")
            for url in urls:
                _get(url)
        finally:
            _thread.interrupt_main()  # what Ctrl-C does

    helper = threading.Thread(target=browse_then_interrupt)
    helper.start()
    assert main(["serve", "--port", str(port)]) == 0
    helper.join()
    err = capsys.readouterr().err
    secrets = [
        VERIFIER,
        TOKEN_SECRET,
        token.secret,
        "Token%2FSecret",
        "Token%252FSecret",
        DEMO_CONSUMER.secret,
    ]
    for secret in secrets:
        assert secret not in err
    assert '"GET /api/me?fields=name&oauth_consumer_key=demo-consumer-key&' in err
    assert "&oauth_signature=*** HTTP/1.1" in err
    assert '"GET /callback?oauth_token=tok&oauth_verifier=*** HTTP/1.1" 200' in err
    assert "/callback?oauth%5Fverifier=***&oauth_token_secret=*** HTTP/1.1" in err
