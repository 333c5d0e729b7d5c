"""The pure client side of the three-legged flow (RFC 5849 §2): replies, URLs, callbacks."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import Token
from oauthcore.client import (
    AuthorizationResponseError,
    TokenResponseError,
    authorization_url,
    mask_token_secret,
    parse_authorization_response,
    parse_token_response,
)


def test_request_token_reply() -> None:
    # The temporary credentials reply of RFC 5849 §2.1's example (photos.example.net).
    body = (
        b"oauth_token=hh5s93j4hdidpola&oauth_token_secret=hdhd0244k9j7ao03"
        b"&oauth_callback_confirmed=true"
    )
    token = parse_token_response(body, require_callback_confirmed=True)
    assert token.key == "hh5s93j4hdidpola"
    assert token.secret == "hdhd0244k9j7ao03"
    assert token.callback_confirmed
    assert token.extra == ()


def test_access_token_reply_keeps_extra_fields() -> None:
    body = (
        "oauth_token=nnch734d00sl2jdk&oauth_token_secret=pfkkdhi9sl3r4s00"
        "&user_id=6253282&screen_name=twitterapi&screen_name=again\n"
    )
    token = parse_token_response(body)
    assert (token.key, token.secret) == ("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
    assert not token.callback_confirmed
    assert token.get("user_id") == "6253282"
    assert token.extra == (
        ("user_id", "6253282"),
        ("screen_name", "twitterapi"),
        ("screen_name", "again"),
    )


def test_encoded_values_are_decoded_once() -> None:
    token = parse_token_response("oauth_token=a%2Bb&oauth_token_secret=c%26d+e&name=J%C3%BCrgen")
    assert token.key == "a+b"
    assert token.secret == "c&d e"
    assert token.get("name") == "Jürgen"


def test_an_empty_secret_is_allowed() -> None:
    assert parse_token_response("oauth_token=t&oauth_token_secret=").secret == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("oauth_token_secret=s", "no oauth_token"),
        ("oauth_token=&oauth_token_secret=s", "no oauth_token"),
        ("oauth_token=t", "no oauth_token_secret"),
        ("oauth_token=t&oauth_token=u&oauth_token_secret=s", "repeats oauth_token"),
        ("<html>Sign in</html>", "no oauth_token"),
        ("oauth_token=%FF&oauth_token_secret=s", "not a valid form"),
    ],
)
def test_unusable_replies(body: str, message: str) -> None:
    with pytest.raises(TokenResponseError, match=message) as caught:
        parse_token_response(body)
    assert caught.value.status == 200
    assert "oauth_token_secret=s" not in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        "oauth_token=t&oauth_token_secret=s",
        "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=false",
        "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=TRUE",
    ],
)
def test_request_token_needs_callback_confirmed(body: str) -> None:
    with pytest.raises(TokenResponseError, match="oauth_callback_confirmed=true") as caught:
        parse_token_response(body, require_callback_confirmed=True)
    assert "=s" not in caught.value.body
    assert "oauth_token_secret=***" in caught.value.body


def test_refused_reply_carries_status_problem_and_masked_body() -> None:
    body = b"oauth_problem=token_rejected&oauth_token_secret=leaked&advice=start+again"
    with pytest.raises(TokenResponseError, match="refused") as caught:
        parse_token_response(body, status=401)
    error = caught.value
    assert error.status == 401
    assert error.problem == "token_rejected"
    assert error.body == "oauth_problem=token_rejected&oauth_token_secret=***&advice=start+again"
    assert "leaked" not in str(error)
    assert "oauth_problem=token_rejected" in str(error)
    assert "status 401" in str(error)


def test_refused_reply_without_a_problem_code() -> None:
    with pytest.raises(TokenResponseError) as caught:
        parse_token_response("x" * 500 + "%FF", status=500)
    assert caught.value.problem is None
    assert str(caught.value).endswith("...'")
    assert len(caught.value.body) == 503


def test_mask_token_secret_in_form_and_json() -> None:
    assert mask_token_secret("a=1&oauth_token_secret=abc def") == "a=1&oauth_token_secret=*** def"
    assert (
        mask_token_secret('{"oauth_token_secret": "x\\"y", "oauth_token": "t"}')
        == '{"oauth_token_secret": "***", "oauth_token": "t"}'
    )
    assert mask_token_secret("nothing here") == "nothing here"


@settings(max_examples=200)
@given(st.text(min_size=1), st.text())
def test_token_reply_round_trip_and_mask(key: str, secret: str) -> None:
    body = urlencode([("oauth_token", key), ("oauth_token_secret", secret)], quote_via=quote)
    token = parse_token_response(body)
    assert (token.key, token.secret) == (key, secret)
    assert mask_token_secret(body).endswith("&oauth_token_secret=***")


def test_authorization_url() -> None:
    token = Token("hh5s93j4hdidpola", "secret")
    assert (
        authorization_url("https://photos.example.net/authorize", token)
        == "https://photos.example.net/authorize?oauth_token=hh5s93j4hdidpola"
    )
    assert (
        authorization_url(
            "https://p.example/auth?lang=en", "a b/c", force_login="true", name="Jürgen"
        )
        == "https://p.example/auth?lang=en&oauth_token=a%20b%2Fc&force_login=true"
        "&name=J%C3%BCrgen"
    )
    assert "secret" not in authorization_url("https://p.example/a", token)


@pytest.mark.parametrize(
    ("url", "token", "extra", "error"),
    [
        ("https://p.example/a", "", {}, TypeError),
        ("https://p.example/a", 5, {}, TypeError),
        ("/relative", "t", {}, ValueError),
        ("ftp://p.example/a", "t", {}, ValueError),
        ("https://p.example/a", "t", {"x": 1}, TypeError),
    ],
)
def test_authorization_url_checks_its_input(
    url: str, token: object, extra: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        authorization_url(url, token, **extra)  # type: ignore[arg-type]


def test_parse_authorization_response() -> None:
    url = "https://client.example/cb?oauth_token=hh5s93j4hdidpola&oauth_verifier=hfdp7dh39dks9884"
    assert parse_authorization_response(url) == ("hh5s93j4hdidpola", "hfdp7dh39dks9884")
    request_token = Token("hh5s93j4hdidpola", "s")
    assert parse_authorization_response(url, request_token)[1] == "hfdp7dh39dks9884"
    assert parse_authorization_response(url, "hh5s93j4hdidpola")[0] == "hh5s93j4hdidpola"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://c.example/cb?denied=abc", "denied"),
        ("https://c.example/cb?oauth_token=t", "missing oauth_verifier"),
        ("https://c.example/cb?oauth_verifier=v", "missing oauth_token"),
        ("https://c.example/cb?oauth_token=t&oauth_verifier=", "missing oauth_verifier"),
        ("https://c.example/cb?oauth_token=t&oauth_token=u&oauth_verifier=v", "repeated"),
        ("https://c.example/cb?oauth_token=%FF&oauth_verifier=v", "not valid UTF-8"),
    ],
)
def test_bad_callbacks(url: str, message: str) -> None:
    with pytest.raises(AuthorizationResponseError, match=message):
        parse_authorization_response(url)


def test_callback_for_another_token_is_refused() -> None:
    url = "https://c.example/cb?oauth_token=other&oauth_verifier=secret-verifier"
    with pytest.raises(AuthorizationResponseError, match="not the request token") as caught:
        parse_authorization_response(url, Token("mine", "s"))
    assert "secret-verifier" not in str(caught.value)
