"""parse()'s path for the usual request reads it exactly as the full path does (RFC 5849 §3.5).

``_parse_plain`` splits a plain Authorization header with string methods instead of the grammar;
whatever it accepts, ``_parse_any`` (the full reading) must accept with the same result, and
whatever is not in its shape it must hand on. Hypothesis builds headers from the pieces that
could confuse a split: commas, quotes, blanks, escapes, ``realm``, repeats and unknown names.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import Consumer, OAuthError, Placement, Request, Token, parse, sign
from oauthcore.header import parse_authorization, parse_authorization_encoded, read_plain
from oauthcore.parsing import _KNOWN, _parse_any, _parse_plain

URL = "https://api.example.com/photos?size=large&tag=a%2Bb"
BASE = {
    "oauth_consumer_key": "ck",
    "oauth_signature_method": "HMAC-SHA1",
    "oauth_signature": "c2ln%2B%2F%3D",
    "oauth_timestamp": "1700000000",
    "oauth_nonce": "n0nce",
    "oauth_token": "tok",
    "oauth_version": "1.0",
}

NAMES = st.sampled_from([*sorted(_KNOWN), "realm", "extra", "oauth_other", "oauth_nonce "])
VALUES = st.lists(
    st.sampled_from(
        ["a", "Z", "9", "-", "~", "%2B", "%2b", "%41", "%C3%A9", "%FF", ",", " ", '\\"']
    ),
    max_size=6,
).map("".join)
SEPARATORS = st.sampled_from([", ", ",", " , ", ",\t", ",  ", ""])


def outcome(reader: object, request: Request) -> object:
    try:
        params = reader(request)  # type: ignore[operator]
    except OAuthError as exc:
        return type(exc)
    return params if params is None else (params, params._parameters)


@settings(max_examples=400)
@given(
    st.dictionaries(NAMES, VALUES, max_size=4),
    st.lists(SEPARATORS, min_size=12, max_size=12),
    st.booleans(),
)
def test_plain_path_agrees_with_the_full_reading(
    changes: dict[str, str], separators: list[str], form: bool
) -> None:
    params = {**BASE, **changes}
    parts = [f'{name}="{value}"' for name, value in params.items()]
    header = "OAuth " + "".join(
        part + sep for part, sep in zip(parts, separators, strict=False)
    ).rstrip(", ")
    headers = [("Authorization", header)]
    body = b""
    if form:
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        body = b"status=caf%C3%A9+au+lait&n=1"
    request = Request("POST", URL, headers, body)
    fast = outcome(_parse_plain, request)
    full = outcome(_parse_any, request)
    if fast is not None:
        assert fast == full
    assert outcome(parse, request) == full


@settings(max_examples=500)
@given(st.text(st.sampled_from(["o", "a", "=", '"', ",", " ", "%", "2", "B", "\\"]), max_size=40))
def test_read_plain_accepts_only_what_the_grammar_accepts(tail: str) -> None:
    for value in (f"OAuth {tail}", f'OAuth oauth_nonce="{tail}"', f'OAuth oauth_nonce={tail}"'):
        plain = read_plain(value)
        if plain is not None:
            items, found = plain
            pairs = [(name, encoded) for name, _, encoded in (i.partition("\x01") for i in items)]
            assert parse_authorization_encoded(value) == (None, pairs)
            assert found == dict(parse_authorization(value)[1])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('OAuth oauth_nonce="a", oauth_token="b"', ["oauth_nonce\x01a", "oauth_token\x01b"]),
        ('OAuth oauth_nonce="a",oauth_token="b%2B"', ["oauth_nonce\x01a", "oauth_token\x01b%2B"]),
        ('OAuth oauth_nonce="a,b", oauth_token="c"', None),  # a comma in a value
        ('OAuth oauth_nonce="a"  , oauth_token="b"', None),  # blanks: the full grammar reads it
        ('OAuth realm="x", oauth_nonce="a"', None),  # realm is never plain
        ('OAuth oauth_nonce="a", oauth_nonce="b"', ["oauth_nonce\x01a", "oauth_nonce\x01b"]),
        ('OAuth oauth_nonce=, oauth_token="a"', None),
        ('OAuth oauth_nonce="a" ', None),
        ('OAuth oauth_nonce="""', None),
        ('OAuth oauth_nonce="%e9"', None),  # lower-case escape: not canonical
        ('OAuth oauth_callback="http%3A%2F%2Fx"', None),  # canonical, but not base64's escapes
        ('oauth oauth_nonce="a"', None),
        ("OAuth ", None),
    ],
)
def test_read_plain_shapes(header: str, expected: list[str] | None) -> None:
    plain = read_plain(header)
    assert (None if plain is None else plain[0]) == expected
    if plain is not None:
        assert plain[1] == dict(parse_authorization(header)[1])


def test_signed_requests_take_the_plain_path_and_verify() -> None:
    consumer, token = Consumer("ck", "cs"), Token("tk", "ts")
    for placement in Placement:
        request = sign(Request("GET", URL), consumer, token, placement=placement)
        fast = _parse_plain(request)
        assert (fast is not None) == (placement is Placement.HEADER)
        assert parse(request) == _parse_any(request)
        assert parse(request)._parameters == _parse_any(request)._parameters
