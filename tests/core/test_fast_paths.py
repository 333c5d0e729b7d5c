"""The signer's shortcuts agree with the plain RFC 5849 definitions they stand in for.

``encode_form_component`` skips the decode/encode round for canonical input, ``percent_encode``
replaces ``quote`` for URI-like strings, and ``parse_target`` splits URLs with RFC 3986's own
expression instead of ``urlsplit``. Each is checked here against the straightforward reference.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import ParameterRejected
from oauthcore.encoding import encode_form_component, percent_encode
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
