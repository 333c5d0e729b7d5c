"""Percent-encoding (RFC 5849 §3.6) and form/query decoding (§3.4.1.3.1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import ParameterRejected
from oauthcore.encoding import (
    decode_form,
    encode_encoded,
    encode_form_component,
    is_unreserved,
    percent_decode,
    percent_encode,
)
from tests.vectors import WIKI_ENCODING

_ENCODED = re.compile(r"(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*")


@pytest.mark.parametrize(("text", "encoded"), WIKI_ENCODING)
def test_percent_encode_wiki_table(text: str, encoded: str) -> None:
    assert percent_encode(text) == encoded
    assert percent_decode(encoded) == text


def test_percent_encode_reserved_and_unicode() -> None:
    assert percent_encode("r b/c?d#e@f") == "r%20b%2Fc%3Fd%23e%40f"
    assert percent_encode("café ☕") == "caf%C3%A9%20%E2%98%95"
    assert percent_encode("\U0001f600") == "%F0%9F%98%80"
    assert percent_encode("") == ""


def test_percent_decode_keeps_plus_and_decodes_once() -> None:
    assert percent_decode("a+b") == "a+b"
    assert percent_decode("%2525") == "%25"
    assert percent_decode("plain") == "plain"
    assert percent_decode("%E2%98%95") == "☕"


def test_percent_decode_rejects_invalid_utf8() -> None:
    with pytest.raises(ParameterRejected, match="not valid UTF-8"):
        percent_decode("%FF")


@pytest.mark.parametrize("decode", [percent_decode, decode_form, encode_form_component])
def test_a_value_that_is_not_utf8_is_refused_without_quoting_it(
    decode: Callable[[str], object],
) -> None:
    # The value may be a secret sent wrongly encoded (a PLAINTEXT signature): never quoted.
    secret = "consumer-secret%FF&token-secret" + "a" * 1000
    with pytest.raises(ParameterRejected, match="not valid UTF-8") as caught:
        decode(secret)
    assert "secret" not in str(caught.value)
    assert len(str(caught.value)) < 100


def test_decode_form_pairs_repeats_empty_and_plus() -> None:
    assert decode_form("a=1&b=&c&a=2&d=x+y&e=x%2By&f=%2525") == [
        ("a", "1"),
        ("b", ""),
        ("c", ""),
        ("a", "2"),
        ("d", "x y"),
        ("e", "x+y"),
        ("f", "%25"),
    ]


def test_decode_form_skips_empty_items_and_keeps_extra_equals() -> None:
    assert decode_form("") == []
    assert decode_form("&&a=b&&") == [("a", "b")]
    assert decode_form("a=b=c") == [("a", "b=c")]
    assert decode_form("=v") == [("", "v")]
    assert decode_form("n%C3%A4me=v%C3%A4lue") == [("näme", "välue")]


def test_decode_form_rejects_invalid_utf8() -> None:
    with pytest.raises(ParameterRejected, match="not valid UTF-8"):
        decode_form("a=%C3")


def test_encode_encoded_escapes_only_the_three_specials() -> None:
    assert encode_encoded("a=b%20c&d=") == "a%3Db%2520c%26d%3D"
    assert encode_encoded("abc-._~") == "abc-._~"


def test_is_unreserved() -> None:
    assert is_unreserved("AZaz09-._~")
    assert is_unreserved("")
    assert not is_unreserved("a b")
    assert not is_unreserved("%41")


@settings(max_examples=300)
@given(st.text())
def test_percent_encode_round_trip(text: str) -> None:
    encoded = percent_encode(text)
    assert _ENCODED.fullmatch(encoded)
    assert percent_decode(encoded) == text


@settings(max_examples=300)
@given(st.text())
def test_percent_encode_is_utf8_of_every_non_unreserved_byte(text: str) -> None:
    # Independent oracle: RFC 5849 §3.6 byte by byte.
    expected = "".join(
        chr(byte) if chr(byte) in _UNRESERVED_CHARS else f"%{byte:02X}"
        for byte in text.encode("utf-8")
    )
    assert percent_encode(text) == expected


@settings(max_examples=300)
@given(st.text(st.sampled_from("aZ09-._~%:/+=&? \u00e9"), max_size=30))
def test_percent_encode_of_uri_and_base64_alphabets(text: str) -> None:
    # The characters URIs and base64 values are made of take a shortcut: same result required.
    assert percent_encode(text) == quote(text, safe="")
    assert percent_decode(percent_encode(text)) == text


_UNRESERVED_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


@settings(max_examples=300)
@given(st.lists(st.tuples(st.text(), st.text())))
def test_decode_form_round_trips_urlencode(pairs: list[tuple[str, str]]) -> None:
    # urlencode writes spaces as '+', so this also proves '+' decodes to a space.
    data = urlencode(pairs)
    assert decode_form(data) == pairs
