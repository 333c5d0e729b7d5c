"""Consumer, Token and Request: validation, conveniences and secret-free reprs (RFC 5849 §1.1)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import PLAINTEXT, Consumer, Placement, Request, Token, sign, urls
from oauthcore.records import to_pairs
from oauthcore.urls import parse_target
from tests.vectors import RFC_3412_URIS

FORM = ("Content-Type", "application/x-www-form-urlencoded")

# --- Consumer and Token -------------------------------------------------------------------------


def test_consumer_holds_key_and_secret() -> None:
    consumer = Consumer("key", "secret")
    assert (consumer.key, consumer.secret, consumer.rsa_key) == ("key", "secret", None)
    assert Consumer("key").secret == ""


def test_records_are_frozen_and_evolve() -> None:
    consumer = Consumer("key", "secret")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        consumer.key = "other"  # type: ignore[misc]
    assert attrs.evolve(consumer, secret="new").secret == "new"
    assert consumer.secret == "secret"


@pytest.mark.parametrize("cls", [Consumer, Token])
def test_key_must_be_a_non_empty_str(cls: Any) -> None:
    with pytest.raises(TypeError, match=r"key must be a str, not bytes"):
        cls(b"key", "secret")
    with pytest.raises(TypeError, match=r"key must be a str, not int"):
        cls(1, "secret")
    with pytest.raises(ValueError, match=r"key must not be empty"):
        cls("", "secret")


@pytest.mark.parametrize("cls", [Consumer, Token])
def test_secret_must_be_a_str(cls: Any) -> None:
    with pytest.raises(TypeError, match=r"secret must be a str, not bytes"):
        cls("key", b"secret")
    with pytest.raises(TypeError, match=r"secret must be a str, not NoneType"):
        cls("key", None)


def test_consumer_and_token_never_show_their_secrets() -> None:
    consumer = Consumer("ck", "consumer-SECRET")
    token = Token("tk", "token-SECRET", extra={"user_id": "7"})
    for text in (repr(consumer), str(consumer), repr(token), str(token)):
        assert "SECRET" not in text
    assert str(consumer) == "Consumer(key='ck')"
    assert str(token) == "Token(key='tk')"
    assert "ck" in repr(consumer)
    assert "tk" in repr(token)


def test_token_extra_fields_keep_order_and_repeats() -> None:
    token = Token("t", "s", callback_confirmed=True, extra=[("a", "1"), ("b", "2"), ("a", "3")])
    assert token.callback_confirmed is True
    assert token.extra == (("a", "1"), ("b", "2"), ("a", "3"))
    assert token.get("a") == "1"
    assert token.get("missing") is None
    assert token.get("missing", "dflt") == "dflt"
    assert Token("t", extra={"x": "y"}).extra == (("x", "y"),)
    assert Token("t").extra == ()


def test_token_extra_is_validated() -> None:
    with pytest.raises(TypeError, match="extra must hold"):
        Token("t", extra=[("a", 1)])  # type: ignore[list-item]


# --- pairs --------------------------------------------------------------------------------------


def test_to_pairs_accepts_mappings_and_iterables() -> None:
    assert to_pairs(None) == ()
    assert to_pairs({"a": "1", "b": "2"}) == (("a", "1"), ("b", "2"))
    assert to_pairs(iter([("a", "1"), ("a", "2")])) == (("a", "1"), ("a", "2"))


@pytest.mark.parametrize(
    "bad",
    ["a=b", b"a=b", [("a",)], [("a", "b", "c")], [["a", "b"]], [(b"a", "b")], [("a", None)]],
)
def test_to_pairs_rejects_anything_else(bad: Any) -> None:
    with pytest.raises(TypeError, match="what must"):
        to_pairs(bad, "what")


def test_pair_errors_show_types_never_values() -> None:
    with pytest.raises(
        TypeError, match=r"headers must hold \(str, str\) pairs, got \(str, bytes\)$"
    ):
        Request("GET", "https://e.example/", [("Authorization", b"OAuth oauth_signature=SECRET")])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"extra must hold \(str, str\) pairs, got list$"):
        Token("t", extra=[["oauth_token_secret", "SECRET"]])  # type: ignore[list-item]


# --- Request ------------------------------------------------------------------------------------


def test_request_normalises_method_and_body() -> None:
    request = Request("post", "https://example.com/", body=bytearray(b"x"))
    assert request.method == "POST"
    assert request.body == b"x"
    assert type(request.body) is bytes
    assert Request("GET", "https://example.com/").body == b""

    class Payload(bytes):
        pass

    assert Request("PUT", "https://example.com/", body=Payload(b"raw")).body == b"raw"


@pytest.mark.parametrize(
    ("method", "error", "message"),
    [
        (b"GET", TypeError, "method must be a str, not bytes"),
        (None, TypeError, "method must be a str, not NoneType"),
        ("", ValueError, "method must be an HTTP method"),
        ("GE T", ValueError, "method must be an HTTP method"),
        ("GET\r\n", ValueError, "method must be an HTTP method"),
    ],
)
def test_request_rejects_bad_methods(method: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Request(method, "https://example.com/")


@pytest.mark.parametrize(
    ("url", "error", "message"),
    [
        (b"https://example.com/", TypeError, "url must be a str, not bytes"),
        (None, TypeError, "url must be a str, not NoneType"),
        ("example.com/path", ValueError, "absolute http:// or https:// URL"),
        ("/relative/path", ValueError, "absolute http:// or https:// URL"),
        ("ftp://example.com/file", ValueError, "absolute http:// or https:// URL"),
        ("http:///no-host", ValueError, "url has no host"),
        ("https://example.com:99999/", ValueError, "url has an invalid port"),
        ("https://example.com:http/", ValueError, "url has an invalid port"),
        ("http://" + "\u00fc" * 70 + ".example/", ValueError, "not a valid domain name"),
        ("http://exa mple.com/", ValueError, "space or non-ASCII text in its userinfo, host or"),
        ("http://j\u00f6@example.com/", ValueError, "space or non-ASCII text in its userinfo"),
        ("http://example.com/a\tb", ValueError, "url must not contain control characters"),
        ("http://exam\r\nple.com/", ValueError, "url must not contain control characters"),
        ("http://example.com/a\x00", ValueError, "url must not contain control characters"),
        ("http://[::1/p", ValueError, "url has an invalid IPv6 host"),
        ("http://[::1]x/p", ValueError, "url has an invalid IPv6 host"),
        ("http://Z]/p", ValueError, "url has an invalid host"),
        ("http://a[b:8080/p", ValueError, "url has an invalid host"),
        ("http://[]/p", ValueError, "url has no host"),
        ("http://:80/p", ValueError, "url has no host"),
        ("http://user@/p", ValueError, "url has no host"),
        ("https://example.com:-1/", ValueError, "url has an invalid port"),
        ("https://example.com:65536/", ValueError, "url has an invalid port"),
        ("https://example.com:1:2/", ValueError, "url has an invalid port"),
        ("https://example.com/\ud800", ValueError, "lone surrogate"),
        ("https://example.com/?oauth_signature=\udcff", ValueError, "lone surrogate"),
        ("https://\ud800.example/", ValueError, "lone surrogate"),
    ],
)
def test_request_rejects_bad_urls(url: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        Request("GET", url)
    # A clear message of our own, never a codec's error from deep inside the standard library.
    assert not isinstance(caught.value, UnicodeError)


def test_bad_url_message_is_bounded() -> None:
    with pytest.raises(ValueError, match=r"\.\.\.'$"):
        Request("GET", "ftp://example.com/" + "a" * 200)


def test_bad_url_message_hides_credentials() -> None:
    with pytest.raises(ValueError, match="invalid port") as caught:
        Request("GET", "https://user:PASSWORD@e.example:99999/p?oauth_signature=cs%26ts")
    assert str(caught.value) == (
        "url has an invalid port: 'https://***@e.example:99999/p?oauth_signature=***'"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [("text", "body must be bytes, not str"), (None, "body must be bytes, not NoneType")],
)
def test_request_rejects_non_bytes_bodies(body: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Request("POST", "https://example.com/", body=body)


@pytest.mark.parametrize(
    ("headers", "error", "message"),
    [
        ([("Bad Name", "v")], ValueError, "not a valid header name"),
        ([("X-A", "a\r\nInjected: yes")], ValueError, "control character"),
        ([("X-A", "nul\x00")], ValueError, "control character"),
        # HTTP/1.1 carries a header value as octets (RFC 9110 §5.5): Latin-1 text at the most.
        ([("Authorization", 'OAuth oauth_signature="\ud800"')], ValueError, "not Latin-1"),
        ([("X-Title", "caf\u00e9 \u2615")], ValueError, "not Latin-1"),
        ([("X-A", "\U0001f600")], ValueError, "not Latin-1"),
        ([("X-A", b"v")], TypeError, r"headers must hold \(str, str\) pairs"),
        ("X-A: v", TypeError, "headers must be a mapping"),
    ],
)
def test_request_rejects_bad_headers(headers: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        Request("GET", "https://example.com/", headers)
    assert not isinstance(caught.value, UnicodeError)


def test_request_takes_latin1_header_values_as_wsgi_hands_them() -> None:
    # PEP 3333 gives header bytes decoded as Latin-1: every such value must stay acceptable.
    every_octet = bytes(range(0x20, 0x100)).replace(b"\x7f", b"").decode("latin-1")
    request = Request("GET", "https://example.com/", [("X-Raw", every_octet)])
    assert request.header("X-Raw") == every_octet


def test_headers_lookup_is_case_insensitive_and_keeps_repeats() -> None:
    request = Request(
        "GET",
        "https://example.com/",
        [("Accept", "a"), ("X-Tab", "a\tb"), ("accept", "b"), ("ACCEPT", "c")],
    )
    assert request.header("ACCEPT") == "a"
    assert request.header_values("Accept") == ["a", "b", "c"]
    assert request.header("x-tab") == "a\tb"
    assert request.header("Missing") is None
    assert request.header_values("Missing") == []
    assert Request("GET", "https://example.com/", {"A": "1"}).headers == (("A", "1"),)


@pytest.mark.parametrize(
    ("content_type", "media_type", "is_form"),
    [
        (None, None, False),
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded", True),
        (
            "Application/X-WWW-Form-URLEncoded; charset=utf-8",
            "application/x-www-form-urlencoded",
            True,
        ),
        ("application/json", "application/json", False),
        ("multipart/form-data; boundary=xyz", "multipart/form-data", False),
    ],
)
def test_content_type_and_is_form(
    content_type: str | None, media_type: str | None, is_form: bool
) -> None:
    headers = [] if content_type is None else [("content-TYPE", content_type)]
    request = Request("POST", "https://example.com/", headers, b"a=b")
    assert request.content_type == media_type
    assert request.is_form is is_form


@pytest.mark.parametrize(("url", "uri"), RFC_3412_URIS)
def test_rfc_3412_base_string_uri_examples(url: str, uri: str) -> None:
    assert Request("GET", url).base_string_uri == uri


@pytest.mark.parametrize(
    ("url", "uri", "query"),
    [
        ("http://example.com", "http://example.com/", ""),
        ("https://example.com:443/a", "https://example.com/a", ""),
        ("https://example.com:80/a", "https://example.com:80/a", ""),
        ("http://example.com:443/a", "http://example.com:443/a", ""),
        ("http://example.com:8080", "http://example.com:8080/", ""),
        ("HtTpS://Ex.COM/Case/Kept?Q=V#frag", "https://ex.com/Case/Kept", "Q=V"),
        ("https://user:pass@example.com/p", "https://example.com/p", ""),
        ("http://[::1]/p", "http://[::1]/p", ""),
        ("http://[::1]:80/p", "http://[::1]/p", ""),
        ("https://[2001:DB8::1]:8443/p?x", "https://[2001:db8::1]:8443/p", "x"),
        ("http://127.0.0.1:8000/p", "http://127.0.0.1:8000/p", ""),
        ("http://example.com/?", "http://example.com/", ""),
        ("http://example.com:/p", "http://example.com/p", ""),
        ("http://example.com:0080/p", "http://example.com/p", ""),
        ("http://example.com:65535", "http://example.com:65535/", ""),
        ("http://example.com?q=1", "http://example.com/", "q=1"),
        ("http://example.com#f", "http://example.com/", ""),
        ("https://u:p@[::1]:443/", "https://[::1]/", ""),
    ],
)
def test_base_string_uri_rules(url: str, uri: str, query: str) -> None:
    request = Request("GET", url)
    assert request.base_string_uri == uri
    assert request.query == query
    assert parse_target(url).uri == uri


def _urlsplit_target(url: str) -> tuple[str, str] | None:
    """Independent oracle: the base string URI (§3.4.1.2) and query by way of ``urlsplit``."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    if parts.netloc.count("@") > 1:
        return None  # urlsplit takes the last "@", urllib3 another: refused (RFC 3986 §3.2)
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    return f"{scheme}://{host}{parts.path or '/'}", parts.query


_URL_TEXT = st.text(st.sampled_from("htpsHTPS:/[]@?#.aZ09-_~!$&'()*+,;=8"), max_size=30)


@settings(max_examples=500)
@given(st.one_of(_URL_TEXT.map(lambda text: "http://" + text), _URL_TEXT))
def test_parse_target_agrees_with_urlsplit(url: str) -> None:
    expected = _urlsplit_target(url)
    if expected is None:
        return  # urlsplit refuses it; parse_target may refuse it too, or read it per RFC 3986
    target = parse_target(url)
    assert (target.uri, target.query) == expected


@settings(max_examples=300)
@given(_URL_TEXT.map(lambda text: "http://" + text))
def test_remembered_endpoints_give_what_a_first_reading_gives(url: str) -> None:
    # The second reading of an endpoint comes from the cache: same result, same error.
    urls._remembered_endpoint.cache_clear()
    try:
        first: object = parse_target(url)
    except ValueError as error:
        first = str(error)
    try:
        again: object = parse_target(url)
    except ValueError as error:
        again = str(error)
    assert again == first


def test_endpoints_of_one_api_are_read_once_whatever_their_queries() -> None:
    urls._remembered_endpoint.cache_clear()
    addresses = [f"https://API.example/1.1/items.json?page={page}#top" for page in range(20)]
    targets = [parse_target(url) for url in addresses]
    assert {target.uri for target in targets} == {"https://api.example/1.1/items.json"}
    assert [target.query for target in targets] == [f"page={page}" for page in range(20)]
    assert urls._remembered_endpoint.cache_info().misses == 1


def test_remembered_endpoints_are_bounded_in_number_and_length() -> None:
    urls._remembered_endpoint.cache_clear()
    for serial in range(2000):
        parse_target(f"https://api.example/{serial}?q=1")
    assert urls._remembered_endpoint.cache_info().currsize == 512
    urls._remembered_endpoint.cache_clear()
    long_url = "https://api.example/" + "a" * 600
    assert parse_target(long_url).uri == long_url
    assert parse_target(long_url).uri == long_url
    assert urls._remembered_endpoint.cache_info().currsize == 0


def test_urls_with_userinfo_are_never_remembered() -> None:
    # A password in the URL must not outlive the request in a module-level cache.
    urls._remembered_endpoint.cache_clear()
    target = parse_target("https://user:PASSWORD@api.example/p?q=1")
    assert (target.uri, target.query) == ("https://api.example/p", "q=1")
    assert urls._remembered_endpoint.cache_info().currsize == 0


def test_non_ascii_url_is_encoded_once_as_utf8() -> None:
    request = Request("GET", "https://\u00dcBER.example/p\u00e4th/r v?q=\u00e4 b&x=%41#fr\u00e4")
    assert request.url == (
        "https://xn--ber-goa.example/p%C3%A4th/r%20v?q=%C3%A4%20b&x=%41#fr%C3%A4"
    )
    assert request.base_string_uri == "https://xn--ber-goa.example/p%C3%A4th/r%20v"
    assert request.query == "q=%C3%A4%20b&x=%41"


def test_non_ascii_host_keeps_userinfo_and_port() -> None:
    request = Request("GET", "https://User:PassWord@\u00fcber.example:8443/\u00e4")
    assert request.url == "https://User:PassWord@xn--ber-goa.example:8443/%C3%A4"
    assert request.base_string_uri == "https://xn--ber-goa.example:8443/%C3%A4"


def test_spaces_in_an_ascii_url_are_encoded() -> None:
    assert Request("GET", "https://example.com/a b?c d").url == "https://example.com/a%20b?c%20d"
    with pytest.raises(ValueError, match="absolute http"):
        Request("GET", "example.com/a b")


def test_ascii_url_is_kept_as_written() -> None:
    url = "https://Example.com/a%2Fb/~c?x=%7E&y=+#f"
    assert Request("GET", url).url == url


# --- Request.build ------------------------------------------------------------------------------


def test_build_with_params_keeps_order_and_repeats() -> None:
    request = Request.build(
        "GET",
        "https://example.com/p#frag",
        params=[("b", "2"), ("a", "x y"), ("b", "1"), ("c", "\u00e4+")],
    )
    assert request.url == "https://example.com/p?b=2&a=x%20y&b=1&c=%C3%A4%2B#frag"
    assert Request.build("GET", "https://example.com/p?z=0", params={"a": "1"}).url == (
        "https://example.com/p?z=0&a=1"
    )
    assert Request.build("GET", "https://example.com/p", params=[]).url == "https://example.com/p"


def test_build_with_data_makes_a_form() -> None:
    request = Request.build("POST", "https://example.com/", data=[("s", "a b&c"), ("s", "")])
    assert request.body == b"s=a%20b%26c&s="
    assert request.headers == (("Content-Type", "application/x-www-form-urlencoded"),)
    assert request.is_form


def test_build_keeps_a_given_content_type() -> None:
    request = Request.build(
        "POST",
        "https://example.com/",
        data={"a": "1"},
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert request.headers == (
        ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
    )


def test_build_with_raw_body() -> None:
    request = Request.build(
        "PUT", "https://example.com/", body=b"{}", headers=[("Content-Type", "application/json")]
    )
    assert (request.body, request.content_type) == (b"{}", "application/json")
    assert Request.build("GET", "https://example.com/").body == b""


def test_build_refuses_data_and_body_together() -> None:
    with pytest.raises(ValueError, match=r"either data= .* or body="):
        Request.build("POST", "https://example.com/", data={"a": "1"}, body=b"x")


def test_build_validates_params_and_data() -> None:
    with pytest.raises(TypeError, match="params must"):
        Request.build("GET", "https://example.com/", params="a=1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must"):
        Request.build("POST", "https://example.com/", data=[("a", 1)])  # type: ignore[list-item]


# --- repr ---------------------------------------------------------------------------------------


def test_repr_masks_signatures_in_header_query_and_form_body() -> None:
    consumer = Consumer("ck", "CONSUMERSECRET")
    token = Token("tk", "TOKENSECRET")
    get = Request("GET", "https://example.com/p?a=1")
    post = Request.build("POST", "https://example.com/p", data={"a": "1"})
    signed = [
        sign(get, consumer, token, PLAINTEXT),
        sign(get, consumer, token, PLAINTEXT, placement=Placement.QUERY),
        sign(post, consumer, token, PLAINTEXT, placement=Placement.BODY),
    ]
    for request in signed:
        text = repr(request)
        assert "SECRET" not in text
        assert "SECRET" not in str(request)
        assert "oauth_signature" in text
        assert "***" in text
    assert 'oauth_signature="***"' in repr(signed[0])
    assert "oauth_signature=***" in repr(signed[1])
    assert "oauth_signature=***" in repr(signed[2])
    # Everything else stays readable.
    assert "oauth_consumer_key" in repr(signed[2])
    assert "a=1" in repr(signed[1])


@pytest.mark.parametrize(
    ("url", "header", "body"),
    [
        ("https://e.example/?oauth_signature=cs%26ts", 'OAuth oauth_signature="cs%26ts"', ""),
        ("https://e.example/?oauth%5Fsignature=cs%26ts", 'OAuth oauth_signature = "cs%26ts"', ""),
        ("https://e.example/?%6fauth%5fsignatur%65=cs", 'OAuth oauth%5Fsignature="cs%26ts"', ""),
        ("https://e.example/", 'OAuth oauth_signature=\t"cs%26ts"', "%6Fauth_signature=cs%26ts"),
    ],
)
def test_repr_masks_every_spelling_parsers_accept(url: str, header: str, body: str) -> None:
    # A PLAINTEXT signature is the secrets: however a peer spelled it, repr must not show it.
    request = Request("POST", url, [("Authorization", header), FORM], body.encode())
    text = repr(request)
    assert "cs%26ts" not in text
    assert "=cs" not in text
    assert text.count("***") == 2


def test_repr_of_a_plain_request() -> None:
    request = Request("POST", "https://example.com/", [("X-A", "1")], b"\x00raw")
    assert repr(request) == (
        "Request(method='POST', url='https://example.com/', headers=(('X-A', '1'),),"
        " body=b'\\x00raw')"
    )


def test_requests_compare_by_value() -> None:
    assert Request("get", "https://example.com/") == Request("GET", "https://example.com/")
    assert Request("GET", "https://example.com/") != Request("GET", "https://example.com/x")


# --- _derive: the signer's trusted copy ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, ("GET", "https://h.example/p?a=1#f", (("Accept", "*/*"),), b"")),
        (
            {"headers": (("Accept", "*/*"), ("Content-Type", "application/x-www-form-urlencoded"))},
            (
                "GET",
                "https://h.example/p?a=1#f",
                (("Accept", "*/*"), ("Content-Type", "application/x-www-form-urlencoded")),
                b"",
            ),
        ),
        ({"body": b"b=2"}, ("GET", "https://h.example/p?a=1#f", (("Accept", "*/*"),), b"b=2")),
        (
            {"query_suffix": "oauth_nonce=n"},
            ("GET", "https://h.example/p?a=1&oauth_nonce=n", (("Accept", "*/*"),), b""),
        ),
    ],
)
def test_derive_sets_every_field_as_construction_does(
    change: dict[str, Any], expected: tuple[str, str, tuple[tuple[str, str], ...], bytes]
) -> None:
    original = Request("GET", "https://h.example/p?a=1#f", [("Accept", "*/*")])
    derived = original._derive(**change)
    built = Request(*expected)
    # Every attrs field, those with init=False and eq=False included: a field added to Request
    # later that _derive forgot would be missing here, or hold the original's stale value.
    names = [field.name for field in attrs.fields(Request)]
    assert sorted(vars(derived)) == sorted(vars(built)) == sorted(names)
    for name in names:
        assert getattr(derived, name) == getattr(built, name), name
    assert derived == built
    assert vars(original) == vars(Request("GET", "https://h.example/p?a=1#f", [("Accept", "*/*")]))
