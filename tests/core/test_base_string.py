"""The signature base string (RFC 5849 §3.4.1) and the Authorization header (§3.5.1)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import ParameterRejected, Request
from oauthcore.base_string import (
    SignatureBase,
    assemble,
    base_string_uri,
    body_text,
    collect_parameters,
    encoded_form_items,
    normalize_items,
    normalize_parameters,
    signature_base,
)
from oauthcore.encoding import ITEM_SEPARATOR, decode_form, encode_form_component, percent_encode
from oauthcore.header import is_oauth_authorization, parse_authorization, render_authorization
from tests.vectors import (
    RFC_351_AUTHORIZATION,
    RFC_351_PARAMETERS,
    RFC_3411_AUTHORIZATION,
    RFC_3411_BASE_STRING,
    RFC_3411_BODY,
    RFC_3411_COLLECTED,
    RFC_3411_NORMALIZED,
    RFC_3411_URL,
    RFC_3412_URIS,
    WIKI_NORMALIZE,
)

FORM = ("Content-Type", "application/x-www-form-urlencoded")


def encode_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The definition: percent-encode every name and value (§3.6)."""
    return [(percent_encode(name), percent_encode(value)) for name, value in pairs]


def encoded_form_pairs(data: str) -> list[tuple[str, str]]:
    """The library's encoded items of ``data``, split back into (name, value) pairs."""
    return [(name, value) for name, _, value in map(_split_item, encoded_form_items(data))]


def _split_item(item: str) -> tuple[str, str, str]:
    return item.partition(ITEM_SEPARATOR)


def rfc_3411_request() -> Request:
    """The request of RFC 5849 §3.4.1.1, exactly as printed there."""
    return Request(
        "POST",
        RFC_3411_URL,
        [("Host", "example.com"), FORM, ("Authorization", RFC_3411_AUTHORIZATION)],
        RFC_3411_BODY,
    )


# --- RFC 5849 vectors ---------------------------------------------------------------------------


def test_rfc_3413_1_collected_parameters() -> None:
    assert collect_parameters(rfc_3411_request()) == RFC_3411_COLLECTED


def test_rfc_3413_2_normalized_parameters() -> None:
    assert normalize_parameters(RFC_3411_COLLECTED) == RFC_3411_NORMALIZED


def test_rfc_3411_signature_base_string() -> None:
    base = signature_base(rfc_3411_request())
    assert base == SignatureBase("POST", "http://example.com/request", RFC_3411_NORMALIZED)
    assert base.base_string == RFC_3411_BASE_STRING
    assert str(base) == RFC_3411_BASE_STRING


def test_collect_parameters_with_signature() -> None:
    params = collect_parameters(rfc_3411_request(), with_signature=True)
    assert ("oauth_signature", "bYT5CMsGcbgUdFHObYMEfcx6bsw=") in params
    assert len(params) == len(RFC_3411_COLLECTED) + 1
    assert all(name != "realm" for name, _ in params)


@pytest.mark.parametrize(("url", "uri"), RFC_3412_URIS)
def test_rfc_3412_base_string_uri(url: str, uri: str) -> None:
    assert base_string_uri(url) == uri


@pytest.mark.parametrize(("form", "normalized"), WIKI_NORMALIZE)
def test_wiki_normalize_table(form: str, normalized: str) -> None:
    assert normalize_parameters(decode_form(form)) == normalized
    assert normalize_items(encoded_form_items(form)) == normalized


def test_wiki_concatenate_examples() -> None:
    # OAuth wiki TestCases, "Concatenate Request Elements (section 9.1.2)".
    assert (
        signature_base(Request("GET", "http://example.com/?n=v")).base_string
        == "GET&http%3A%2F%2Fexample.com%2F&n%3Dv"
    )
    request = Request("POST", "https://photos.example.net/request_token")
    oauth = [
        ("oauth_version", "1.0"),
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
        ("oauth_timestamp", "1191242090"),
        ("oauth_nonce", "hsu94j3884jdopsl"),
        ("oauth_signature_method", "PLAINTEXT"),
        ("oauth_signature", "ignored"),
    ]
    assert signature_base(request, oauth).base_string == (
        "POST&https%3A%2F%2Fphotos.example.net%2Frequest_token&oauth_consumer_key%3D"
        "dpf43f3p2l4k3l03%26oauth_nonce%3Dhsu94j3884jdopsl%26oauth_signature_method%3D"
        "PLAINTEXT%26oauth_timestamp%3D1191242090%26oauth_version%3D1.0"
    )


# --- collection rules ---------------------------------------------------------------------------


def test_sorting_is_by_encoded_name_then_encoded_value() -> None:
    # Byte order of the *encoded* strings: "%" (0x25) sorts before digits and letters.
    params = [("b", "2"), ("a", "z"), ("a", "\u00e4"), ("a", " "), ("A", "1"), ("a", "10")]
    assert normalize_parameters(params) == "A=1&a=%20&a=%C3%A4&a=10&a=z&b=2"


def test_repeated_and_empty_parameters_are_all_kept() -> None:
    request = Request("GET", "https://example.com/?a=1&a=1&a=&b&a=0")
    assert collect_parameters(request) == [("a", "1"), ("a", "1"), ("a", ""), ("b", ""), ("a", "0")]
    assert signature_base(request).normalized_parameters == "a=&a=0&a=1&a=1&b="


def test_plus_is_a_space_and_percent_2b_a_plus() -> None:
    request = Request("GET", "https://example.com/?a=x+y&b=x%2By&c=x%20y")
    assert collect_parameters(request) == [("a", "x y"), ("b", "x+y"), ("c", "x y")]
    assert signature_base(request).normalized_parameters == "a=x%20y&b=x%2By&c=x%20y"


def test_values_are_decoded_exactly_once() -> None:
    request = Request("GET", "https://example.com/?v=%2525&w=%25")
    assert collect_parameters(request) == [("v", "%25"), ("w", "%")]
    assert signature_base(request).normalized_parameters == "v=%2525&w=%25"


def test_unicode_in_query_and_body() -> None:
    request = Request.build(
        "POST",
        "https://example.com/p\u00e4th?q=\u00e9t\u00e9",
        data={"status": "caf\u00e9 \u2615"},
    )
    assert collect_parameters(request) == [("q", "\u00e9t\u00e9"), ("status", "caf\u00e9 \u2615")]
    base = signature_base(request)
    assert base.uri == "https://example.com/p%C3%A4th"
    assert base.normalized_parameters == "q=%C3%A9t%C3%A9&status=caf%C3%A9%20%E2%98%95"
    assert base.base_string == (
        "POST&https%3A%2F%2Fexample.com%2Fp%25C3%25A4th&q%3D%25C3%25A9t%25C3%25A9%26status%3D"
        "caf%25C3%25A9%2520%25E2%2598%2595"
    )


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "APPLICATION/X-WWW-FORM-URLENCODED",
        "application/x-www-form-urlencoded; charset=utf-8",
        "Application/x-www-form-urlencoded ;charset=UTF-8",
    ],
)
def test_form_body_collected_whatever_the_content_type_spelling(content_type: str) -> None:
    request = Request("POST", "https://example.com/", [("content-type", content_type)], b"a=1")
    assert collect_parameters(request) == [("a", "1")]


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [("Content-Type", "application/json")],
        [("Content-Type", "multipart/form-data; boundary=x")],
        [("Content-Type", "text/plain")],
    ],
)
def test_non_form_bodies_are_not_collected(headers: list[tuple[str, str]]) -> None:
    request = Request("POST", "https://example.com/?q=1", headers, b"a=1")
    assert collect_parameters(request) == [("q", "1")]


def test_non_oauth_authorization_headers_are_ignored() -> None:
    request = Request(
        "GET",
        "https://example.com/",
        [("Authorization", "Basic dXNlcjpwYXNz"), ("Authorization", 'OAuth oauth_nonce="n"')],
    )
    assert collect_parameters(request) == [("oauth_nonce", "n")]


def test_form_body_that_is_not_utf8_is_rejected() -> None:
    request = Request("POST", "https://example.com/", [FORM], b"a=\xff")
    with pytest.raises(ParameterRejected, match="form body is not valid UTF-8"):
        collect_parameters(request)
    with pytest.raises(ParameterRejected):
        body_text(request)


def test_signature_base_leaves_out_signature_and_realm() -> None:
    request = Request("GET", "https://example.com:443/?a=1")
    base = signature_base(request, [("oauth_signature", "x"), ("realm", "r"), ("oauth_nonce", "n")])
    assert base.normalized_parameters == "a=1&oauth_nonce=n"
    assert base.uri == "https://example.com/"
    assert base.method == "GET"


def test_ipv6_and_port_in_base_string() -> None:
    base = signature_base(Request("GET", "http://[2001:db8::7]:8080/c?a=b"))
    assert base.base_string == "GET&http%3A%2F%2F%5B2001%3Adb8%3A%3A7%5D%3A8080%2Fc&a%3Db"


def test_encoded_form_pairs_fast_and_slow_paths_agree() -> None:
    data = "a=b&&c&d=e=f&g=h+i&j=%41&k=%7e&l-._~=m-._~&=v"
    expected = encode_pairs(decode_form(data))
    assert encoded_form_pairs(data) == expected
    assert expected == [
        ("a", "b"),
        ("c", ""),
        ("d", "e%3Df"),
        ("g", "h%20i"),
        ("j", "A"),
        ("k", "~"),
        ("l-._~", "m-._~"),
        ("", "v"),
    ]
    assert encoded_form_pairs("") == []


# Characters that make percent-escapes of every kind: valid and invalid UTF-8, lower and upper case,
# escaped unreserved characters, raw reserved characters, '+' and the separators themselves.
_HOSTILE = st.text(st.sampled_from("aZ09-._~%+=&;/: 2345789ABCDEFabcdef\u00e9\u2615"), max_size=40)


def _reference_pairs(data: str) -> list[tuple[str, str]] | None:
    try:
        return encode_pairs(decode_form(data))
    except ParameterRejected:
        return None


@settings(max_examples=500)
@given(_HOSTILE)
def test_fast_encoded_pairs_equal_decode_then_encode(data: str) -> None:
    # The signer's shortcut must equal the definition: decode once (§3.4.1.3.1), encode once (§3.6).
    expected = _reference_pairs(data)
    if expected is None:
        with pytest.raises(ParameterRejected, match="not valid UTF-8"):
            encoded_form_pairs(data)
    else:
        assert encoded_form_pairs(data) == expected


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("abc", "abc"),
        ("a+b", "a%20b"),
        ("%2B", "%2B"),
        ("%2b", "%2B"),
        ("%41", "A"),
        ("%7e", "~"),
        ("%C3%A9", "%C3%A9"),
        ("%c3%a9", "%C3%A9"),
        ("\u00e9", "%C3%A9"),
        ("a b/c", "a%20b%2Fc"),
        ("%", "%25"),
        ("%zz", "%25zz"),
        ("%2525", "%2525"),
    ],
)
def test_encode_form_component(raw: str, encoded: str) -> None:
    assert encode_form_component(raw) == encoded


@pytest.mark.parametrize("raw", ["%FF", "%C3", "%ED%A0%80", "%F4%90%80%80", "%C0%80"])
def test_encode_form_component_rejects_invalid_utf8(raw: str) -> None:
    with pytest.raises(ParameterRejected, match="not valid UTF-8"):
        encode_form_component(raw)


def test_assemble() -> None:
    assert assemble("GET", "http://a.example/", "a=b%20c&d=") == (
        "GET&http%3A%2F%2Fa.example%2F&a%3Db%2520c%26d%3D"
    )


# --- Authorization header (§3.5.1) --------------------------------------------------------------


def test_rfc_351_header_parses() -> None:
    assert parse_authorization(RFC_351_AUTHORIZATION) == ("Example", RFC_351_PARAMETERS)


def test_render_authorization_shape() -> None:
    header = render_authorization(
        [("oauth_consumer_key", "0685bd9184jfhq22"), ("oauth_signature", "wOJ%2FPY%3D")],
        realm="Example",
    )
    assert header == (
        'OAuth realm="Example", oauth_consumer_key="0685bd9184jfhq22",'
        ' oauth_signature="wOJ%2FPY%3D"'
    )
    assert render_authorization([("oauth_nonce", "n")]) == 'OAuth oauth_nonce="n"'
    assert render_authorization([]) == "OAuth "


def test_render_escapes_realm_and_parse_reads_it_back() -> None:
    header = render_authorization([("oauth_nonce", "n")], realm='say "hi" \\ o/')
    assert header == 'OAuth realm="say \\"hi\\" \\\\ o/", oauth_nonce="n"'
    assert parse_authorization(header) == ('say "hi" \\ o/', [("oauth_nonce", "n")])


@pytest.mark.parametrize("realm", ["a\r\nX-Injected: 1", "a\nb", "a\x00", "a\x7f"])
def test_render_refuses_control_characters_in_realm(realm: str) -> None:
    with pytest.raises(ValueError, match="realm must be printable ASCII"):
        render_authorization([], realm=realm)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("OAuth", True),
        ("OAuth ", True),
        ('oauth oauth_nonce="n"', True),
        ('  OAUTH\toauth_nonce="n"', True),
        ("OAuthx", False),
        ("Basic abc", False),
        ("Bearer OAuth", False),
        ("", False),
    ],
)
def test_is_oauth_authorization(value: str, expected: bool) -> None:
    assert is_oauth_authorization(value) is expected


@pytest.mark.parametrize(
    ("value", "realm", "pairs"),
    [
        ("OAuth", None, []),
        ("OAuth   ", None, []),
        ('OAuth a="1"', None, [("a", "1")]),
        ('OAuth a = "1" ,b="2",\tc="x%20y" ', None, [("a", "1"), ("b", "2"), ("c", "x y")]),
        ('OAuth a="with, comma and realm=\\"x\\""', None, [("a", 'with, comma and realm="x"')]),
        ('OAuth realm="", a=""', "", [("a", "")]),
        ('OAuth a%5Fb="1", a="1", a="2"', None, [("a_b", "1"), ("a", "1"), ("a", "2")]),
    ],
)
def test_parse_authorization_grammar(
    value: str, realm: str | None, pairs: list[tuple[str, str]]
) -> None:
    assert parse_authorization(value) == (realm, pairs)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Basic abc", "does not use the OAuth scheme"),
        ("OAuth a=1", 'expected name="value"'),
        ('OAuth a="1', 'expected name="value"'),
        ('OAuth a="1" b="2"', "expected a comma"),
        ('OAuth a="1",', "ends with a comma"),
        ('OAuth realm="x", realm="y"', "more than one realm"),
        ('OAuth a="\r\n"', 'expected name="value"'),
        ('OAuth a="%FF"', "not valid UTF-8"),
    ],
)
def test_parse_authorization_rejects_bad_grammar(value: str, message: str) -> None:
    with pytest.raises(ParameterRejected, match=message):
        parse_authorization(value)


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=8).filter(lambda n: n != "realm"), st.text(max_size=8)
        ),
        max_size=6,
    ),
    st.none() | st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=10),
)
def test_render_then_parse_round_trip(pairs: list[tuple[str, str]], realm: str | None) -> None:
    header = render_authorization(encode_pairs(pairs), realm)
    assert is_oauth_authorization(header)
    assert parse_authorization(header) == (realm, pairs)
