"""The shortcuts agree with the plain RFC 5849 definitions they stand in for.

The signer's: ``encode_form_component`` skips the decode/encode round for canonical input,
``percent_encode`` replaces ``quote`` for URI-like strings, and ``parse_target`` splits URLs with
RFC 3986's own expression instead of ``urlsplit``. Each is checked here against the
straightforward reference.

The parser's: parse()'s path for the usual request reads it exactly as the full path does
(§3.5). ``_parse_plain`` splits a plain Authorization header with string methods instead of the
grammar; whatever it accepts, ``_parse_any`` (the full reading) must accept with the same result,
and whatever is not in its shape it must hand on. Hypothesis builds headers from the pieces that
could confuse a split: commas, quotes, blanks, escapes, ``realm``, repeats and unknown names.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import (
    Consumer,
    OAuthError,
    ParameterRejected,
    Placement,
    Request,
    Token,
    parse,
    sign,
)
from oauthcore.encoding import encode_form_component, percent_encode
from oauthcore.header import parse_authorization, parse_authorization_encoded, read_plain
from oauthcore.parsing import _KNOWN, _parse_any, _parse_plain
from oauthcore.urls import parse_target


def reference_component(raw: str) -> str | None:
    """Decode once (``+`` is a space, §3.4.1.3.1), encode once (§3.6); None for invalid UTF-8."""
    try:
        decoded = unquote(raw.replace("+", " "), errors="strict")
    except UnicodeDecodeError:
        return None
    return quote(decoded, safe="")


def fast_component(raw: str) -> str | None:
    try:
        return encode_form_component(raw)
    except ParameterRejected:
        return None


ESCAPES = [f"%{byte:02X}" for byte in range(256)] + [f"%{byte:02x}" for byte in range(256)]


@pytest.mark.parametrize("escape", ESCAPES)
def test_every_single_escape_matches_the_reference(escape: str) -> None:
    assert fast_component(escape) == reference_component(escape)


def test_every_two_byte_sequence_matches_the_reference() -> None:
    # All 128 x 128 high-byte pairs: valid UTF-8 leads, overlongs and stray continuations.
    high = [f"%{byte:02X}" for byte in range(0x80, 0x100)]
    for first in high:
        for second in high:
            raw = first + second
            assert fast_component(raw) == reference_component(raw), raw


PIECES = st.sampled_from(
    [
        *["a", "Z", "0", "-", ".", "_", "~", "+", " ", "ü", "€", "😀", "%", "%2", "&", "="],
        *["*", ",", "/", "%20", "%2B", "%2b", "%7E", "%41", "%C3%BC", "%c3%bc", "%E2%82%AC"],
        *["%F0%9F%98%80", "%ED%A0%80", "%EF%BF%BD", "%F4%8F%BF%BF", "%F4%90%80%80", "%E0%80%80"],
        *["%C0%AF", "%FF"],
    ]
)


@settings(max_examples=400)
@given(st.lists(PIECES, max_size=8).map("".join))
def test_mixed_components_match_the_reference(raw: str) -> None:
    assert fast_component(raw) == reference_component(raw)


@settings(max_examples=300)
@given(st.text())
def test_any_text_quoted_any_usual_way_encodes_canonically(text: str) -> None:
    expected = quote(text, safe="")
    assert encode_form_component(expected) == expected
    lower_hex = re.sub(r"%[0-9A-F]{2}", lambda escape: escape.group().lower(), expected)
    assert encode_form_component(lower_hex) == expected
    assert encode_form_component(quote_plus(text, safe="")) == expected
    assert encode_form_component(quote(text, safe="~!*'()")) == expected


@settings(max_examples=300)
@given(st.text())
def test_percent_encode_equals_quote(text: str) -> None:
    assert percent_encode(text) == quote(text, safe="")


@pytest.mark.parametrize(
    "value",
    ["https://api.example.com/1.1/x.json", "a+b/c==", "%41:x", "ab~", "http://[::1]:8080/"],
)
def test_uri_like_strings_take_the_replacement_path_exactly(value: str) -> None:
    assert percent_encode(value) == quote(value, safe="")


HOSTS = st.sampled_from(["example.com", "EXAMPLE.com", "a.b.c", "127.0.0.1", "[::1]", "[FE80::1]"])
PORTS = st.sampled_from(["", ":80", ":443", ":8080", ":0", ":00080"])
PATHS = st.sampled_from(["", "/", "/a", "/A/b%20c", "/p;x=1", "/~u/", "//double"])
QUERIES = st.sampled_from(["", "?", "?a=1", "?a=1&b=%20", "?x=/y?z"])
FRAGMENTS = st.sampled_from(["", "#", "#f", "#f?x=1"])


@settings(max_examples=400)
@given(
    st.sampled_from(["http", "HTTP", "https", "HtTpS"]),
    st.sampled_from(["", "user@", "u:p@"]),
    HOSTS,
    PORTS,
    PATHS,
    QUERIES,
    FRAGMENTS,
)
def test_parse_target_agrees_with_urlsplit(
    scheme: str, userinfo: str, host: str, port: str, path: str, query: str, fragment: str
) -> None:
    url = f"{scheme}://{userinfo}{host}{port}{path}{query}{fragment}"
    parts = urlsplit(url)
    lowered = scheme.lower()
    default = {"http": 80, "https": 443}[lowered]
    hostname = parts.hostname or ""
    shown = f"[{hostname}]" if ":" in hostname else hostname
    if parts.port is not None and parts.port != default:
        shown += f":{parts.port}"
    target = parse_target(url)
    assert target.uri == f"{lowered}://{shown}{parts.path or '/'}"
    assert target.query == parts.query
    assert target.encoded_uri == quote(target.uri, safe="")


# --- parse()'s path for the usual request (§3.5) --------------------------------------------------

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
