"""Fuzzing the parsers a provider exposes to the network (RFC 5849 §3.4.1, §3.5, §3.6).

Arbitrary text and bytes, plus a seed corpus of inputs that break naive parsers, go into the
Authorization header parser, form/query decoding, URL normalisation and ``verify``. The contract:
only ``OAuthError`` escapes from what parses network input, and only ``TypeError``/``ValueError``
from constructors given bad arguments. Megabyte inputs are handled (their timing is reported by
the project's benchmarks, not asserted here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from oauthcore import (
    HMAC_SHA1,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    OAuthError,
    ParameterRejected,
    Placement,
    Request,
    Token,
    TokenKind,
    parse,
    sign,
    verify,
)
from oauthcore.base_string import base_string_uri
from oauthcore.encoding import decode_form, percent_decode
from oauthcore.header import parse_authorization, parse_authorization_encoded

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEGABYTE = 1 << 20

# Text that a hostile client can put on the wire, and bytes read as latin-1 (what WSGI gives).
# ``st.text()`` alone leaves out lone surrogates; ``st.characters()`` is the whole of Unicode.
ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.characters()),
    st.binary().map(lambda raw: raw.decode("latin-1")),
    st.text(alphabet=st.sampled_from(list('OAuth realm=",\\%&+ \t\x00\x7f\r\nab%zZ9é'))),
)

# --- the seed corpus ----------------------------------------------------------------------------

HEADER_SEEDS = [
    "",
    "OAuth",
    "OAuth ",
    'oauth a="b"',
    'OAuth\ta="b"',
    "OAuth a=b",
    'OAuth a="b",',
    "OAuth ,",
    'OAuth a="b" c="d"',
    'OAuth a="b",,c="d"',
    'OAuth a="',
    'OAuth a="\\',
    'OAuth a="\\"',
    'OAuth a="\x00"',
    'OAuth a="\r\n"',
    'OAuth realm="a", realm="b"',
    'OAuth realm="x\\"y", oauth_nonce="n"',
    'OAuth oauth_nonce="%"',
    'OAuth oauth_nonce="%zz"',
    'OAuth oauth_nonce="%C3"',
    'OAuth oauth_nonce="%ED%A0%80"',  # an encoded surrogate: not UTF-8
    'OAuth oauth_signature="\ud800"',  # a lone surrogate, as text
    'OAuth oauth_consumer_key="k", oauth_signature="\udfff"',
    'OAuth oauth_nonce="\u2615"',  # beyond Latin-1: no header octet is that
    'OAuth \ud800="x"',
    'OAuth %ff="x"',
    'OAuth oauth_nonce="a", oauth_nonce="b"',
    "Basic dXNlcjpwYXNz",
    "OAuth " + 'a="' * 10_000,
    "OAuth " + ", ".join(['a="b"'] * 10_000),
    'OAuth a="' + "\\" * 20_001 + '"',
    'OAuth a="' + '\\"' * 10_000,
    "OAuth " + " " * 100_000 + 'a="b"',
]
FORM_SEEDS = [
    "",
    "&",
    "=",
    "&&==&&",
    "a",
    "a=",
    "=b",
    "a=b=c",
    "+",
    "%2B",
    "%",
    "%2",
    "%zz",
    "%C3%28",
    "%ED%A0%80",
    "%F4%90%80%80",  # beyond U+10FFFF
    "%00=%00",
    "a=%E2%82%AC&a=%E2%82%AC",
    "&" * 100_000,
    "%" * 100_000,
    "a=" + "%41" * 100_000,
]
URL_SEEDS = [
    "",
    "http:",
    "http://",
    "http:///path",
    "https://[::1",
    "https://[v1.x]/",
    "https://[::1]:99999/",
    "http://host:-1/",
    "http://host:0x50/",
    "http://host:80:80/",
    "javascript:alert(1)",
    "ftp://example.com/",
    "//example.com/",
    "http://exa mple.com/",
    "http://xn--/",
    "http://a..b/",
    "http://\u3002/",
    "http://ex\u00e4mple.com/p\u00e4th?q=\u00e4#fr\u00e4g",
    "http://user:pw@example.com:8080/a;b?c=d#e",
    "http://example.com/" + "%" * 10_000,
    "http://" + "a" * 100_000 + ".com/",
    "http://example.com/\ud800",
]


def only(allowed: tuple[type[BaseException], ...], call: Callable[[], Any]) -> None:
    """Run ``call``; any exception it raises must be one of ``allowed``, and no codec's error.

    ``UnicodeError`` is a ``ValueError``, but one that escaped from deep inside a codec, never a
    refusal of ours with a message that says what is wrong.
    """
    try:
        call()
    except allowed as exc:
        if isinstance(exc, UnicodeError):
            raise


# --- Authorization header -----------------------------------------------------------------------


@FUZZ
@given(text=ANY_TEXT)
@example(text=HEADER_SEEDS[0])
def test_header_parser_raises_only_oauth_errors(text: str) -> None:
    only((OAuthError,), lambda: parse_authorization(text))
    only((OAuthError,), lambda: parse_authorization("OAuth " + text))
    only((OAuthError,), lambda: parse_authorization(f'OAuth a="{text}"'))


@pytest.mark.parametrize("text", HEADER_SEEDS)
def test_header_seed_corpus(text: str) -> None:
    only((OAuthError,), lambda: parse_authorization(text))
    only((OAuthError,), lambda: parse_authorization_encoded(text))


@pytest.mark.parametrize("value", ["\ud800", "\u2615", "\U0001f600"])
def test_a_header_character_beyond_latin1_is_refused_by_the_grammar(value: str) -> None:
    # HTTP/1.1 carries header values as octets (RFC 9110 §5.5): no such character was sent.
    for header in (f'OAuth oauth_signature="{value}"', f'OAuth a="b", {value}="x"'):
        with pytest.raises(ParameterRejected, match="malformed OAuth Authorization header"):
            parse_authorization(header)
        with pytest.raises(ParameterRejected, match="malformed OAuth Authorization header"):
            parse_authorization_encoded(header)


@FUZZ
@given(
    pairs=st.lists(st.tuples(st.text(), st.text()), max_size=5),
    realm=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)),  # printable ASCII
)
def test_header_parser_reads_back_any_escaped_values(
    pairs: list[tuple[str, str]], realm: str
) -> None:
    # Values quoted as the RFC says (§3.5.1: percent-encoded, then quoted) always parse back.
    from oauthcore.encoding import percent_encode
    from oauthcore.header import render_authorization

    assume(all(ord(c) < 0xD800 or ord(c) > 0xDFFF for n, v in pairs for c in n + v))
    assume(all(name != "realm" for name, _ in pairs))
    encoded = [(percent_encode(n), percent_encode(v)) for n, v in pairs if n]
    header = render_authorization(encoded, realm)
    got_realm, got = parse_authorization(header)
    assert got_realm == realm
    assert got == [(n, v) for n, v in pairs if n]


def test_header_parser_handles_a_megabyte() -> None:
    huge_value = 'OAuth oauth_nonce="' + "a" * MEGABYTE + '"'
    assert parse_authorization(huge_value)[1] == [("oauth_nonce", "a" * MEGABYTE)]
    for hostile in (
        "OAuth " + 'a="' * (MEGABYTE // 3),
        "OAuth " + ", ".join(['a="b"'] * (MEGABYTE // 7)) + ",",
        'OAuth a="' + "\\" * MEGABYTE,
    ):
        with pytest.raises(OAuthError):
            parse_authorization(hostile)


def test_header_parser_refuses_bytes_with_type_error() -> None:
    with pytest.raises(TypeError):
        parse_authorization(b'OAuth a="b"')  # type: ignore[arg-type]


# --- form and query decoding --------------------------------------------------------------------


@FUZZ
@given(text=ANY_TEXT)
def test_form_decoding_raises_only_oauth_errors(text: str) -> None:
    only((OAuthError,), lambda: decode_form(text))
    only((OAuthError,), lambda: percent_decode(text))


@pytest.mark.parametrize("text", FORM_SEEDS)
def test_form_seed_corpus(text: str) -> None:
    only((OAuthError,), lambda: decode_form(text))
    only((OAuthError,), lambda: percent_decode(text))


@FUZZ
@given(pairs=st.lists(st.tuples(st.text(), st.text()), max_size=6))
def test_form_decoding_inverts_form_encoding(pairs: list[tuple[str, str]]) -> None:
    from urllib.parse import quote_plus, urlencode

    assume(all(ord(c) < 0xD800 or ord(c) > 0xDFFF for n, v in pairs for c in n + v))
    kept = [(n, v) for n, v in pairs if n or v]
    assert decode_form(urlencode(kept, quote_via=quote_plus)) == kept


def test_form_decoding_handles_a_megabyte() -> None:
    assert decode_form("a=" + "%41" * (MEGABYTE // 3)) == [("a", "A" * (MEGABYTE // 3))]
    assert decode_form("&" * MEGABYTE) == []
    assert len(decode_form("a=b&" * (MEGABYTE // 4))) == MEGABYTE // 4
    with pytest.raises(OAuthError):
        decode_form("a=" + "%FF" * (MEGABYTE // 3))


# --- URL normalisation --------------------------------------------------------------------------


@FUZZ
@given(text=ANY_TEXT)
def test_url_normalisation_raises_only_value_errors(text: str) -> None:
    only((ValueError,), lambda: base_string_uri(text))
    only((ValueError,), lambda: Request("GET", text))
    only((ValueError,), lambda: Request("GET", "https://example.com/" + text))
    only((ValueError,), lambda: Request("GET", "https://" + text))
    only((ValueError,), lambda: Request("GET", "https://example.com/", [("Authorization", text)]))


@pytest.mark.parametrize("url", URL_SEEDS)
def test_url_seed_corpus(url: str) -> None:
    only((ValueError,), lambda: base_string_uri(url))
    only((ValueError,), lambda: Request("GET", url))


@FUZZ
@given(text=ANY_TEXT)
def test_a_request_that_was_built_has_a_stable_base_string_uri(text: str) -> None:
    try:
        request = Request("GET", "https://Example.com:443/" + text)
    except ValueError:
        return
    uri = request.base_string_uri
    assert uri.startswith("https://example.com/")
    assert "?" not in uri
    assert "#" not in uri
    # Normalising the normalised URI changes nothing.
    assert base_string_uri(uri) == uri


def test_url_normalisation_handles_a_megabyte() -> None:
    path = "é" * (MEGABYTE // 2)
    request = Request("GET", "https://example.com/" + path + "?q=" + "%" * MEGABYTE)
    assert request.base_string_uri.startswith("https://example.com/%C3%A9")
    assert len(request.query) == MEGABYTE + 2
    # A host name has at most 253 characters (RFC 1035 §2.3.4): a megabyte of non-ASCII host is
    # refused before IDNA (which costs tens of microseconds a character) ever sees it.
    with pytest.raises(ValueError, match="at most 253"):
        Request("GET", "http://" + "ä" * MEGABYTE + "/")
    with pytest.raises(ValueError, match="not a valid domain name"):
        Request("GET", "http://" + "ä" * 253 + "/")


def test_request_refuses_non_text_with_type_error() -> None:
    with pytest.raises(TypeError):
        Request("GET", b"https://example.com/")
    with pytest.raises(TypeError):
        Request(b"GET", "https://example.com/")
    with pytest.raises(TypeError):
        Request("POST", "https://example.com/", body="text")


# --- verify -------------------------------------------------------------------------------------

CONSUMER = Consumer("fuzz-key", "fuzz-secret")
TOKEN = Token("fuzz-token", "fuzz-token-secret")
NOW = 1_700_000_000


def store() -> MemoryCredentialStore:
    """A store that knows the fuzzing consumer and its access token."""
    credentials = MemoryCredentialStore([CONSUMER])
    credentials.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
    return credentials


def build(method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> Request | None:
    """The request, or None when the constructor refuses it (a ValueError, as documented).

    A codec's ``UnicodeError`` is a ``ValueError`` too, but not a documented refusal: it escapes.
    """
    try:
        return Request(method, url, headers, body)
    except UnicodeError:
        raise
    except ValueError:
        return None


def verify_only_oauth_errors(request: Request) -> None:
    """``parse`` and ``verify`` of a received request raise nothing but ``OAuthError``."""
    only((OAuthError,), lambda: parse(request))
    only((OAuthError,), lambda: verify(request, store(), MemoryNonceStore(), now=NOW))
    only(
        (OAuthError,),
        lambda: verify(request, store(), MemoryNonceStore(), token_kind=None, now=NOW),
    )


@FUZZ
@given(
    query=ANY_TEXT,
    authorization=ANY_TEXT,
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/json",
            "",
            "APPLICATION/X-WWW-FORM-URLENCODED; charset=latin-1",
        ]
    ),
    body=st.one_of(st.binary(), ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))),
)
def test_verify_raises_only_oauth_errors(
    query: str, authorization: str, content_type: str, body: bytes
) -> None:
    headers = [("Authorization", authorization)] if authorization else []
    if content_type:
        headers.append(("Content-Type", content_type))
    request = build("POST", "https://provider.example/r?" + query, headers, body)
    assume(request is not None)
    assert request is not None
    verify_only_oauth_errors(request)


@FUZZ
@given(
    placement=st.sampled_from(list(Placement)),
    where=st.sampled_from(["url", "header", "body"]),
    position=st.integers(min_value=0),
    replacement=st.one_of(
        st.sampled_from(['"', ",", "%", "=", "&", "\\", "+", "é", "", "oauth_", "%00"]),
        st.characters(),  # the whole of Unicode: surrogates and controls too
    ),
)
def test_verify_survives_any_single_edit_of_a_signed_request(
    placement: Placement, where: str, position: int, replacement: str
) -> None:
    signed = sign(
        Request.build("POST", "https://provider.example/r?x=1", data=[("a", "b c")]),
        CONSUMER,
        TOKEN,
        HMAC_SHA1,
        placement=placement,
        timestamp=NOW,
    )
    url, headers, body = signed.url, list(signed.headers), signed.body
    if where == "url":
        at = position % len(url)
        url = url[:at] + replacement + url[at + 1 :]
    elif where == "header" and signed.header("Authorization") is not None:
        value = signed.header("Authorization") or ""
        at = position % len(value)
        headers = [(n, v) for n, v in headers if n != "Authorization"]
        headers.append(("Authorization", value[:at] + replacement + value[at + 1 :]))
    else:
        at = position % len(body)
        body = body[:at] + replacement.encode("utf-8", "surrogatepass") + body[at + 1 :]
    request = build(signed.method, url, headers, body)
    assume(request is not None)
    assert request is not None
    verify_only_oauth_errors(request)


def test_verify_handles_megabyte_requests() -> None:
    huge = "a" * MEGABYTE
    cases = [
        build("GET", "https://provider.example/r?" + "a=b&" * (MEGABYTE // 4), [], b""),
        build(
            "GET",
            "https://provider.example/r",
            [("Authorization", f'OAuth oauth_nonce="{huge}"')],
            b"",
        ),
        build(
            "POST",
            "https://provider.example/r",
            [("Content-Type", "application/x-www-form-urlencoded")],
            b"oauth_consumer_key=" + huge.encode() + b"&oauth_timestamp=" + b"9" * MEGABYTE,
        ),
    ]
    for request in cases:
        assert request is not None
        with pytest.raises(OAuthError):
            verify(request, store(), MemoryNonceStore(), now=NOW)
    # A megabyte form that is properly signed still verifies.
    signed = sign(
        Request.build("POST", "https://provider.example/r", data=[("blob", huge)]),
        CONSUMER,
        TOKEN,
        timestamp=NOW,
    )
    assert verify(signed, store(), MemoryNonceStore(), now=NOW).token == TOKEN
