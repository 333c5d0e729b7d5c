"""``sign()`` (RFC 5849 §3.1-§3.5): vectors, placements, body hash, bad input, properties."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oauthlib import oauth1

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    HMAC_SHA512,
    PLAINTEXT,
    RSA_SHA1,
    RSA_SHA256,
    RSA_SHA512,
    Consumer,
    ParameterRejected,
    Placement,
    Request,
    Token,
    sign,
)
from oauthcore.base_string import collect_parameters, signature_base
from oauthcore.methods import SignatureMethod
from oauthcore.signing import hash_body, make_nonce, make_timestamp
from tests.vectors import (
    A5_BASE_STRING,
    A5_NONCE,
    A5_SIGNATURE,
    A5_TIMESTAMP,
    BODY_HASH_BODY,
    BODY_HASH_SHA1,
    INITIATE_AUTHORIZATION,
    INITIATE_CALLBACK,
    INITIATE_NONCE,
    INITIATE_TIMESTAMP,
    INITIATE_URL,
    PHOTOS_AUTHORIZATION,
    PHOTOS_BASE_STRING,
    PHOTOS_CONSUMER_KEY,
    PHOTOS_CONSUMER_SECRET,
    PHOTOS_NONCE,
    PHOTOS_TIMESTAMP,
    PHOTOS_TOKEN,
    PHOTOS_TOKEN_SECRET,
    PHOTOS_URL,
    RFC_3411_BASE_STRING,
    RFC_3411_BODY,
    RFC_3411_CONSUMER_SECRET,
    RFC_3411_TOKEN_SECRET,
    RFC_3411_URL,
    TEMPORARY_TOKEN,
    TEMPORARY_TOKEN_SECRET,
    TOKEN_AUTHORIZATION,
    TOKEN_NONCE,
    TOKEN_TIMESTAMP,
    TOKEN_URL,
    TOKEN_VERIFIER,
    TWITTER_BASE_STRING,
    TWITTER_BODY,
    TWITTER_CONSUMER_KEY,
    TWITTER_CONSUMER_SECRET,
    TWITTER_NONCE,
    TWITTER_SIGNATURE,
    TWITTER_TIMESTAMP,
    TWITTER_TOKEN,
    TWITTER_TOKEN_SECRET,
    TWITTER_URL,
)

FORM = ("Content-Type", "application/x-www-form-urlencoded")
CONSUMER = Consumer("ck", "cs")
TOKEN = Token("tk", "ts")
PHOTOS_CONSUMER = Consumer(PHOTOS_CONSUMER_KEY, PHOTOS_CONSUMER_SECRET)
PHOTOS_TOKEN_CREDENTIALS = Token(PHOTOS_TOKEN, PHOTOS_TOKEN_SECRET)
FIXED: dict[str, Any] = {"nonce": "n0nce", "timestamp": 1700000000}


def _signature(request: Request) -> str:
    """The (decoded) oauth_signature a signed request carries, wherever it is."""
    [value] = [
        v for n, v in collect_parameters(request, with_signature=True) if n == "oauth_signature"
    ]
    return value


def _oauth(request: Request) -> dict[str, str]:
    return {
        n: v for n, v in collect_parameters(request, with_signature=True) if n.startswith("oauth_")
    }


def _verifies(
    signed: Request, method: SignatureMethod, consumer: Consumer, token: Token | None
) -> bool:
    return method.verify(signature_base(signed).base_string, _signature(signed), consumer, token)


def _reparsed(request: Request) -> Request:
    return Request(request.method, request.url, request.headers, request.body)


# --- published vectors --------------------------------------------------------------------------


def test_twitter_creating_a_signature_example() -> None:
    request = Request("POST", TWITTER_URL, [FORM], TWITTER_BODY)
    signed = sign(
        request,
        Consumer(TWITTER_CONSUMER_KEY, TWITTER_CONSUMER_SECRET),
        Token(TWITTER_TOKEN, TWITTER_TOKEN_SECRET),
        nonce=TWITTER_NONCE,
        timestamp=TWITTER_TIMESTAMP,
    )
    assert signature_base(signed).base_string == TWITTER_BASE_STRING
    assert signed.header("Authorization") == (
        'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog",'
        ' oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",'
        ' oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958",'
        ' oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",'
        ' oauth_version="1.0", oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"'
    )
    assert _signature(signed) == TWITTER_SIGNATURE
    # The body, URL and other headers go out exactly as given.
    assert (signed.url, signed.body, signed.headers[0]) == (TWITTER_URL, TWITTER_BODY, FORM)


def test_rfc_12_photos_example() -> None:
    signed = sign(
        Request("GET", PHOTOS_URL),
        PHOTOS_CONSUMER,
        PHOTOS_TOKEN_CREDENTIALS,
        nonce=PHOTOS_NONCE,
        timestamp=PHOTOS_TIMESTAMP,
        realm="Photos",
        version=False,
    )
    assert signature_base(signed).base_string == PHOTOS_BASE_STRING
    assert signed.header("Authorization") == PHOTOS_AUTHORIZATION


def test_rfc_12_photos_signature_agrees_with_oauthlib() -> None:
    # oauthlib's Client always sends oauth_version; its signature functions, fed the RFC's base
    # string, are the version-less oracle.
    from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

    class Client:
        client_secret = PHOTOS_CONSUMER_SECRET
        resource_owner_secret = PHOTOS_TOKEN_SECRET

    expected = oauthlib_signature.sign_hmac_sha1_with_client(PHOTOS_BASE_STRING, Client())
    assert f'oauth_signature="{quote(expected, safe="")}"' in PHOTOS_AUTHORIZATION


def test_rfc_12_temporary_credentials_request() -> None:
    signed = sign(
        Request("POST", INITIATE_URL),
        PHOTOS_CONSUMER,
        nonce=INITIATE_NONCE,
        timestamp=INITIATE_TIMESTAMP,
        callback=INITIATE_CALLBACK,
        realm="Photos",
        version=False,
    )
    assert signed.header("Authorization") == INITIATE_AUTHORIZATION
    assert signed.body == b""


def test_rfc_12_token_request() -> None:
    signed = sign(
        Request("POST", TOKEN_URL),
        PHOTOS_CONSUMER,
        Token(TEMPORARY_TOKEN, TEMPORARY_TOKEN_SECRET),
        nonce=TOKEN_NONCE,
        timestamp=TOKEN_TIMESTAMP,
        verifier=TOKEN_VERIFIER,
        realm="Photos",
        version=False,
    )
    assert signed.header("Authorization") == TOKEN_AUTHORIZATION


def test_oauth_core_10_appendix_a5() -> None:
    signed = sign(
        Request("GET", PHOTOS_URL),
        PHOTOS_CONSUMER,
        PHOTOS_TOKEN_CREDENTIALS,
        nonce=A5_NONCE,
        timestamp=A5_TIMESTAMP,
    )
    assert signature_base(signed).base_string == A5_BASE_STRING
    assert _signature(signed) == A5_SIGNATURE
    assert 'oauth_version="1.0"' in (signed.header("Authorization") or "")


def test_rfc_3411_request_signed_from_scratch() -> None:
    # The §3.4.1.1 request without its Authorization header: sign() must rebuild its base string.
    request = Request("POST", RFC_3411_URL, [("Host", "example.com"), FORM], RFC_3411_BODY)
    signed = sign(
        request,
        Consumer("9djdj82h48djs9d2", RFC_3411_CONSUMER_SECRET),
        Token("kkk9d7dh3k39sjv7", RFC_3411_TOKEN_SECRET),
        nonce="7d8f3e4a",
        timestamp="137131201",
        realm="Example",
        version=False,
    )
    assert signature_base(signed).base_string == RFC_3411_BASE_STRING
    key = f"{RFC_3411_CONSUMER_SECRET}&{RFC_3411_TOKEN_SECRET}".encode("ascii")
    oracle = hmac.digest(key, RFC_3411_BASE_STRING.encode("ascii"), "sha1")
    assert _signature(signed) == base64.b64encode(oracle).decode("ascii")
    assert (signed.url, signed.body) == (RFC_3411_URL, RFC_3411_BODY)


# --- placements ---------------------------------------------------------------------------------


def test_header_placement() -> None:
    request = Request("GET", "https://example.com/p?a=1", [("Accept", "*/*")])
    signed = sign(request, CONSUMER, TOKEN, **FIXED)
    assert signed.url == request.url
    assert signed.body == b""
    assert signed.headers[0] == ("Accept", "*/*")
    assert signed.headers[1][0] == "Authorization"
    assert signed.header("Authorization") == (
        'OAuth oauth_consumer_key="ck", oauth_nonce="n0nce", oauth_signature_method="HMAC-SHA1",'
        ' oauth_timestamp="1700000000", oauth_token="tk", oauth_version="1.0",'
        f' oauth_signature="{quote(_signature(signed), safe="")}"'
    )
    assert _verifies(signed, HMAC_SHA1, CONSUMER, TOKEN)


@pytest.mark.parametrize(
    ("url", "expected_prefix"),
    [
        ("https://example.com/p", "https://example.com/p?oauth_consumer_key=ck"),
        ("https://example.com/p?", "https://example.com/p?oauth_consumer_key=ck"),
        ("https://example.com/p?a=1", "https://example.com/p?a=1&oauth_consumer_key=ck"),
        ("https://example.com/p?a=1#frag", "https://example.com/p?a=1&oauth_consumer_key=ck"),
        ("https://example.com/p#f?x", "https://example.com/p?oauth_consumer_key=ck"),
    ],
)
def test_query_placement(url: str, expected_prefix: str) -> None:
    signed = sign(Request("GET", url), CONSUMER, TOKEN, placement=Placement.QUERY, **FIXED)
    assert signed.url.startswith(expected_prefix)
    assert signed.url.endswith(f"&oauth_signature={quote(_signature(signed), safe='')}")
    assert "#" not in signed.url
    assert signed.header("Authorization") is None
    assert signed.headers == ()
    assert _verifies(signed, HMAC_SHA1, CONSUMER, TOKEN)
    assert signed == _reparsed(signed)
    assert signed.query == _reparsed(signed).query


def test_query_placement_full_url() -> None:
    signed = sign(
        Request("GET", "https://example.com/p?a=1"),
        CONSUMER,
        placement=Placement.QUERY,
        version=False,
        **FIXED,
    )
    assert signed.url == (
        "https://example.com/p?a=1&oauth_consumer_key=ck&oauth_nonce=n0nce"
        "&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000"
        f"&oauth_signature={quote(_signature(signed), safe='')}"
    )


def test_body_placement_appends_to_a_form() -> None:
    request = Request.build("POST", "https://example.com/p?q=1", data={"a": "x y"})
    signed = sign(request, CONSUMER, TOKEN, placement=Placement.BODY, **FIXED)
    assert signed.url == request.url
    assert signed.headers == request.headers
    assert signed.body.startswith(b"a=x%20y&oauth_consumer_key=ck&oauth_nonce=n0nce&")
    assert signed.body.endswith(f"&oauth_signature={quote(_signature(signed), safe='')}".encode())
    assert _verifies(signed, HMAC_SHA1, CONSUMER, TOKEN)
    assert signed == _reparsed(signed)


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_body_placement_on_an_empty_request_makes_it_a_form(method: str) -> None:
    signed = sign(
        Request(method, "https://example.com/"), CONSUMER, placement=Placement.BODY, **FIXED
    )
    assert signed.headers == (FORM,)
    assert signed.body.startswith(b"oauth_consumer_key=ck&")
    assert _verifies(signed, HMAC_SHA1, CONSUMER, None)


@pytest.mark.parametrize(
    ("headers", "body", "shown"),
    [
        ([("Content-Type", "application/json")], b"{}", "application/json"),
        ([("Content-Type", "application/json")], b"", "application/json"),
        ([("Content-Type", "multipart/form-data; boundary=b")], b"--b--", "multipart/form-data"),
        ([], b"a=1", "raw bytes without a Content-Type"),
    ],
)
def test_body_placement_needs_a_form_request(
    headers: list[tuple[str, str]], body: bytes, shown: str
) -> None:
    request = Request("POST", "https://example.com/", headers, body)
    with pytest.raises(
        ValueError, match=r"placement=Placement\.BODY needs an application/x-www"
    ) as e:
        sign(request, CONSUMER, placement=Placement.BODY)
    assert shown in str(e.value)


@pytest.mark.parametrize("placement", list(Placement))
@pytest.mark.parametrize("method", [HMAC_SHA1, HMAC_SHA256, HMAC_SHA512, PLAINTEXT])
def test_every_placement_and_method_verifies(placement: Placement, method: SignatureMethod) -> None:
    request = Request.build(
        "POST", "https://example.com/p?q=1&q=2", data=[("b", "\u00e4"), ("b", "")]
    )
    signed = sign(request, CONSUMER, TOKEN, method, placement=placement)
    assert _verifies(signed, method, CONSUMER, TOKEN)
    assert not _verifies(signed, method, Consumer("ck", "other"), TOKEN)


@pytest.mark.parametrize("method", [RSA_SHA1, RSA_SHA256, RSA_SHA512])
def test_rsa_methods_sign_requests(
    method: SignatureMethod, rsa_private_pem: str, rsa_public_pem: str
) -> None:
    signer = Consumer("ck", rsa_key=rsa_private_pem)
    verifier = Consumer("ck", rsa_key=rsa_public_pem)
    signed = sign(Request("GET", "https://example.com/?a=1"), signer, TOKEN, method)
    assert _verifies(signed, method, verifier, TOKEN)
    assert f'oauth_signature_method="{method.name}"' in (signed.header("Authorization") or "")


# --- realm, version, callback, verifier ---------------------------------------------------------


def test_realm_is_escaped_and_never_signed() -> None:
    request = Request("GET", "https://example.com/")
    plain = sign(request, CONSUMER, **FIXED)
    with_realm = sign(request, CONSUMER, realm='Pho"tos\\', **FIXED)
    header = with_realm.header("Authorization") or ""
    assert header.startswith('OAuth realm="Pho\\"tos\\\\", oauth_consumer_key="ck", ')
    assert _signature(with_realm) == _signature(plain)
    assert signature_base(with_realm) == signature_base(plain)
    assert (
        sign(request, CONSUMER, realm="", **FIXED)
        .header(
            "Authorization",
        )
        .startswith(  # type: ignore[union-attr]
            'OAuth realm="", '
        )
    )


@pytest.mark.parametrize("realm", ["a\r\nX-Evil: 1", "a\nb", "a\rb", "Réalm", "領域"])
def test_realm_with_cr_lf_or_non_ascii_is_refused(realm: str) -> None:
    with pytest.raises(ValueError, match="realm must be printable ASCII: no control characters"):
        sign(Request("GET", "https://example.com/"), CONSUMER, realm=realm)


@pytest.mark.parametrize("placement", [Placement.QUERY, Placement.BODY])
def test_realm_needs_the_header_placement(placement: Placement) -> None:
    request = Request.build("POST", "https://example.com/", data={"a": "1"})
    with pytest.raises(ValueError, match=r"realm is only sent in the Authorization header"):
        sign(request, CONSUMER, placement=placement, realm="Photos")


def test_version_is_omittable() -> None:
    request = Request("GET", "https://example.com/")
    assert _oauth(sign(request, CONSUMER, **FIXED))["oauth_version"] == "1.0"
    assert "oauth_version" not in _oauth(sign(request, CONSUMER, version=False, **FIXED))
    assert _verifies(sign(request, CONSUMER, version=False), HMAC_SHA1, CONSUMER, None)


def test_callback_and_verifier_are_encoded_and_signed() -> None:
    signed = sign(
        Request("POST", "https://example.com/token"),
        CONSUMER,
        TOKEN,
        callback="https://client.example/cb?x=1&y=\u00e9",
        verifier="v 1",
        **FIXED,
    )
    header = signed.header("Authorization") or ""
    assert 'oauth_callback="https%3A%2F%2Fclient.example%2Fcb%3Fx%3D1%26y%3D%C3%A9"' in header
    assert 'oauth_verifier="v%201"' in header
    assert _oauth(signed)["oauth_callback"] == "https://client.example/cb?x=1&y=\u00e9"
    assert _verifies(signed, HMAC_SHA1, CONSUMER, TOKEN)


def test_callback_oob() -> None:
    signed = sign(Request("POST", "https://example.com/i"), CONSUMER, callback="oob", **FIXED)
    assert 'oauth_callback="oob"' in (signed.header("Authorization") or "")


# --- body hash (OAuth Request Body Hash extension) ----------------------------------------------


def _b64_hash(body: bytes, name: str) -> str:
    return base64.b64encode(hashlib.new(name, body).digest()).decode("ascii")


def test_body_hash_published_example() -> None:
    assert hash_body(BODY_HASH_BODY) == BODY_HASH_SHA1
    request = Request(
        "PUT", "http://www.example.com/resource", [("Content-Type", "text/plain")], BODY_HASH_BODY
    )
    signed = sign(request, CONSUMER, TOKEN, **FIXED)
    assert _oauth(signed)["oauth_body_hash"] == BODY_HASH_SHA1
    assert 'oauth_body_hash="Lve95gjOVATpfV8EL5X4nxwjKHE%3D"' in (
        signed.header("Authorization") or ""
    )
    assert (
        "oauth_body_hash%3DLve95gjOVATpfV8EL5X4nxwjKHE%253D" in signature_base(signed).base_string
    )


@pytest.mark.parametrize(
    ("method", "digest"),
    [
        (HMAC_SHA1, "sha1"),
        (HMAC_SHA256, "sha256"),
        (HMAC_SHA512, "sha512"),
        (RSA_SHA1, "sha1"),
        (RSA_SHA256, "sha256"),
        (RSA_SHA512, "sha512"),
    ],
)
def test_body_hash_follows_the_method(
    method: SignatureMethod, digest: str, rsa_private_pem: str
) -> None:
    consumer = Consumer("ck", "cs", rsa_key=rsa_private_pem)
    body = b'{"status": "\xc3\xa9"}'
    request = Request("POST", "https://example.com/", [("Content-Type", "application/json")], body)
    signed = sign(request, consumer, TOKEN, method, **FIXED)
    assert _oauth(signed)["oauth_body_hash"] == _b64_hash(body, digest)
    assert hash_body(body, digest) == _b64_hash(body, digest)
    assert signed.body == body


@pytest.mark.parametrize(
    ("request_", "body_hash", "expected"),
    [
        # Default: only for a non-form request that has a body.
        (
            Request("POST", "https://e.example/", [("Content-Type", "application/json")], b"{}"),
            None,
            "{}",
        ),
        (Request("POST", "https://e.example/", [], b"raw"), None, "raw"),
        (
            Request(
                "POST",
                "https://e.example/",
                [("Content-Type", "multipart/form-data; boundary=b")],
                b"--b--",
            ),
            None,
            "--b--",
        ),
        (Request("GET", "https://e.example/"), None, None),
        (Request("POST", "https://e.example/", [FORM], b"a=1"), None, None),
        # True forces it, the hash of the empty body when there is none.
        (Request("GET", "https://e.example/"), True, ""),
        (
            Request("POST", "https://e.example/", [("Content-Type", "application/json")], b"{}"),
            True,
            "{}",
        ),
        # False never.
        (
            Request("POST", "https://e.example/", [("Content-Type", "application/json")], b"{}"),
            False,
            None,
        ),
    ],
)
def test_body_hash_rules(request_: Request, body_hash: bool | None, expected: str | None) -> None:
    signed = sign(request_, CONSUMER, body_hash=body_hash, **FIXED)
    oauth = _oauth(signed)
    if expected is None:
        assert "oauth_body_hash" not in oauth
    else:
        assert oauth["oauth_body_hash"] == _b64_hash(expected.encode(), "sha1")
    assert _verifies(signed, HMAC_SHA1, CONSUMER, None)


def test_hash_of_the_empty_body() -> None:
    signed = sign(Request("GET", "https://e.example/"), CONSUMER, body_hash=True, **FIXED)
    assert _oauth(signed)["oauth_body_hash"] == "2jmj7l5rSw0yVb/vlWAYkK/YBwk="


def test_body_hash_refused_for_a_form() -> None:
    request = Request.build("POST", "https://e.example/", data={"a": "1"})
    with pytest.raises(ValueError, match="oauth_body_hash must not be sent with a form body"):
        sign(request, CONSUMER, body_hash=True)
    with pytest.raises(ValueError, match="oauth_body_hash must not be sent with a form body"):
        sign(
            Request("POST", "https://e.example/"),
            CONSUMER,
            body_hash=True,
            placement=Placement.BODY,
        )


def test_plaintext_has_no_body_hash() -> None:
    request = Request("POST", "https://e.example/", [("Content-Type", "application/json")], b"{}")
    assert "oauth_body_hash" not in _oauth(sign(request, CONSUMER, method=PLAINTEXT))
    with pytest.raises(ValueError, match="PLAINTEXT has no body hash"):
        sign(request, CONSUMER, method=PLAINTEXT, body_hash=True)


# --- parameter collection through sign() --------------------------------------------------------


def test_unicode_everywhere_agrees_with_oauthlib() -> None:
    consumer = Consumer("c\u00e9k", "s\u00e9cret \u2615")
    token = Token("t\u00f8k", "t\u00f8k&s\u00e9cret")
    url = "https://example.com/p\u00e4th/\u2615?q=\u00e9t\u00e9&q=%E2%82%AC"
    body = "status=caf%C3%A9+%E2%98%95&x=%2B"
    request = Request("POST", url, [FORM], body.encode("ascii"))
    signed = sign(request, consumer, token, nonce="n", timestamp=1)
    client = oauth1.Client(
        consumer.key,
        client_secret=consumer.secret,
        resource_owner_key=token.key,
        resource_owner_secret=token.secret,
        nonce="n",
        timestamp="1",
    )
    _, headers, _ = client.sign(
        request.url, http_method="POST", body=body, headers={"Content-Type": FORM[1]}
    )
    oracle = re.search(r'oauth_signature="([^"]+)"', headers["Authorization"])
    assert oracle is not None
    assert quote(_signature(signed), safe="") == oracle.group(1)
    assert signed.url == ("https://example.com/p%C3%A4th/%E2%98%95?q=%C3%A9t%C3%A9&q=%E2%82%AC")


def test_content_type_is_matched_case_insensitively_with_parameters() -> None:
    base = sign(Request.build("POST", "https://e.example/", data={"a": "1"}), CONSUMER, **FIXED)
    variant = sign(
        Request(
            "POST",
            "https://e.example/",
            [("content-type", "Application/X-WWW-Form-URLEncoded; charset=utf-8")],
            b"a=1",
        ),
        CONSUMER,
        **FIXED,
    )
    assert _signature(variant) == _signature(base)
    assert "a%3D1" in signature_base(variant).base_string


def test_multipart_body_is_not_collected() -> None:
    request = Request(
        "POST", "https://e.example/", [("Content-Type", "multipart/form-data; boundary=b")], b"a=1"
    )
    signed = sign(request, CONSUMER, body_hash=False, **FIXED)
    assert "a%3D1" not in signature_base(signed).base_string
    assert _signature(signed) == _signature(
        sign(Request("POST", "https://e.example/"), CONSUMER, **FIXED)
    )


def test_plus_and_percent_2b_differ_but_plus_is_a_space() -> None:
    def sig(query: str) -> str:
        return _signature(sign(Request("GET", f"https://e.example/?{query}"), CONSUMER, **FIXED))

    assert sig("a=b+c") == sig("a=b%20c")
    assert sig("a=b+c") != sig("a=b%2Bc")


def test_values_are_decoded_once_when_signing() -> None:
    signed = sign(Request("GET", "https://e.example/?v=%2525"), CONSUMER, **FIXED)
    assert "v%3D%252525" in signature_base(signed).base_string
    assert signed.url.startswith("https://e.example/?v=%2525")


def test_repeated_parameters_all_count() -> None:
    once = sign(Request("GET", "https://e.example/?a=1"), CONSUMER, **FIXED)
    twice = sign(Request("GET", "https://e.example/?a=1&a=1"), CONSUMER, **FIXED)
    assert _signature(once) != _signature(twice)
    assert "a%3D1%26a%3D1%26oauth" in signature_base(twice).base_string


def test_empty_values_count() -> None:
    signed = sign(Request("GET", "https://e.example/?a=&b"), CONSUMER, **FIXED)
    assert signature_base(signed).normalized_parameters.startswith("a=&b=&oauth_")
    assert _verifies(signed, HMAC_SHA1, CONSUMER, None)


@pytest.mark.parametrize(
    ("url", "uri"),
    [
        ("http://e.example:80/p", "http://e.example/p"),
        ("https://e.example:443/p", "https://e.example/p"),
        ("https://e.example:8443/p", "https://e.example:8443/p"),
        ("http://[::1]:8080/p", "http://[::1]:8080/p"),
        ("https://[FE80::1]/p", "https://[fe80::1]/p"),
    ],
)
def test_ports_and_ipv6_hosts(url: str, uri: str) -> None:
    signed = sign(Request("GET", url), CONSUMER, **FIXED)
    assert signature_base(signed).uri == uri
    assert signature_base(signed).base_string.startswith(f"GET&{quote(uri, safe='')}&")
    assert signed.url == url


# --- determinism, purity, defaults --------------------------------------------------------------


def test_deterministic_with_nonce_and_timestamp() -> None:
    request = Request.build("POST", "https://e.example/", data={"a": "1"})
    assert sign(request, CONSUMER, TOKEN, **FIXED) == sign(request, CONSUMER, TOKEN, **FIXED)
    assert sign(request, CONSUMER, nonce="n", timestamp="5") == sign(
        request, CONSUMER, nonce="n", timestamp=5
    )


@pytest.mark.parametrize("placement", list(Placement))
def test_input_request_is_never_mutated(placement: Placement) -> None:
    request = Request.build("POST", "https://e.example/?q=1", data={"a": "1"}, headers={"X": "y"})
    before = (request.method, request.url, request.headers, request.body, request.query)
    signed = sign(request, CONSUMER, TOKEN, placement=placement, **FIXED)
    assert signed is not request
    assert signed != request
    assert (request.method, request.url, request.headers, request.body, request.query) == before
    assert signed == _reparsed(signed)


def test_default_nonce_and_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: 1234567890.75)
    request = Request("GET", "https://e.example/")
    first = _oauth(sign(request, CONSUMER))
    second = _oauth(sign(request, CONSUMER))
    assert first["oauth_timestamp"] == second["oauth_timestamp"] == "1234567890"
    assert make_timestamp() == "1234567890"
    for nonce in (first["oauth_nonce"], second["oauth_nonce"], make_nonce()):
        assert re.fullmatch(r"[A-Za-z0-9_-]+", nonce)
        assert len(base64.urlsafe_b64decode(nonce + "==")) * 8 >= 128
    assert first["oauth_nonce"] != second["oauth_nonce"]


def test_non_ascii_and_reserved_nonce_is_encoded() -> None:
    signed = sign(Request("GET", "https://e.example/"), CONSUMER, nonce="a b/\u00e9", timestamp=0)
    assert 'oauth_nonce="a%20b%2F%C3%A9"' in (signed.header("Authorization") or "")
    assert 'oauth_timestamp="0"' in (signed.header("Authorization") or "")


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (
            ("GET https://e.example/", CONSUMER),
            {},
            TypeError,
            "request must be an oauthcore.Request",
        ),
        (
            (Request("GET", "https://e.example/"), "ck"),
            {},
            TypeError,
            "consumer must be an oauthcore.Consumer",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER, "tk"),
            {},
            TypeError,
            "token must be an oauthcore.Token or None",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER, None, "HMAC-SHA1"),
            {},
            TypeError,
            "method must be a SignatureMethod",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"placement": "header"},
            TypeError,
            "placement must be a Placement",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"nonce": b"n"},
            TypeError,
            "nonce must be a str, not bytes",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"nonce": ""},
            ValueError,
            "nonce must not be empty",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"timestamp": 1.5},
            TypeError,
            "timestamp must be an int or a str",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"timestamp": True},
            TypeError,
            "timestamp must be an int or a str",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"timestamp": -1},
            ValueError,
            "timestamp must be a non-negative",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"timestamp": "12a"},
            ValueError,
            "timestamp must be a non-negative",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"timestamp": "\u0661"},
            ValueError,
            "timestamp must be a non-negative",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"timestamp": ""},
            ValueError,
            "timestamp must be a non-negative",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"callback": b"oob"},
            TypeError,
            "callback must be a str",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"callback": ""},
            ValueError,
            "callback must not be empty",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"verifier": 1234},
            TypeError,
            "verifier must be a str, not int",
        ),
        (
            (Request("GET", "https://e.example/"), CONSUMER),
            {"verifier": ""},
            ValueError,
            "verifier must not be empty",
        ),
    ],
)
def test_bad_arguments_name_themselves(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        sign(*args, **kwargs)


@pytest.mark.parametrize(
    "request_",
    [
        Request("GET", "https://e.example/?oauth_nonce=x"),
        Request("GET", "https://e.example/?a=1&oauth_token=x"),
        Request("GET", "https://e.example/?oauth%5Fnonce=x"),
        Request.build("POST", "https://e.example/", data={"oauth_consumer_key": "x"}),
    ],
)
def test_request_already_carrying_oauth_parameters(request_: Request) -> None:
    with pytest.raises(ValueError, match="request already carries the protocol parameter oauth_"):
        sign(request_, CONSUMER)


def test_refusal_names_the_first_protocol_parameter_in_request_order() -> None:
    # Sorted with the others, oauth_a and oauth_b would come first: the request's order decides.
    query = Request("GET", "https://e.example/?oauth_z=1&oauth_a=2")
    with pytest.raises(ValueError, match="protocol parameter oauth_z;"):
        sign(query, CONSUMER)
    form = Request("POST", "https://e.example/?oauth_y=1", [FORM], b"oauth_b=2")
    with pytest.raises(ValueError, match="protocol parameter oauth_y;"):
        sign(form, CONSUMER)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("oauth", "oauth"),
        ("oauth%60", "oauth`"),  # the sort sentinel itself
        ("oauth%5E", "oauth^"),  # the code point before "_"
        ("oautha", "oautha"),
        ("oauth~", "oauth~"),
        ("oauth-nonce", "oauth-nonce"),
        ("OAUTH_nonce", "OAUTH_nonce"),
        ("oaut", "oaut"),
    ],
)
def test_names_sorting_beside_the_protocol_parameters_are_the_requests_own(
    raw: str, name: str
) -> None:
    """Only a name beginning ``oauth_`` is a protocol parameter; its neighbours are signed."""
    signed = sign(Request("GET", f"https://e.example/?{raw}=v&oauth=w"), CONSUMER, **FIXED)
    assert (name, "v") in collect_parameters(signed)
    assert _verifies(signed, HMAC_SHA1, CONSUMER, None)


def test_request_already_carrying_an_authorization_header() -> None:
    basic = Request("GET", "https://e.example/", [("authorization", "Basic dTpw")])
    with pytest.raises(ValueError, match="request already has an Authorization header"):
        sign(basic, CONSUMER)
    # Another scheme may stay when the OAuth parameters go elsewhere.
    signed = sign(basic, CONSUMER, placement=Placement.QUERY)
    assert signed.header("Authorization") == "Basic dTpw"
    assert _verifies(signed, HMAC_SHA1, CONSUMER, None)


@pytest.mark.parametrize("placement", [Placement.QUERY, Placement.BODY])
def test_oauth_header_plus_another_placement_is_refused(placement: Placement) -> None:
    signed = sign(Request.build("POST", "https://e.example/", data={"a": "1"}), CONSUMER)
    with pytest.raises(ValueError, match="already has an OAuth Authorization header"):
        sign(signed, CONSUMER, placement=placement)


def test_form_body_that_is_not_utf8() -> None:
    request = Request("POST", "https://e.example/", [FORM], b"a=\xff")
    with pytest.raises(ParameterRejected, match="form body is not valid UTF-8"):
        sign(request, CONSUMER)


def test_bad_url_never_reaches_sign() -> None:
    with pytest.raises(ValueError, match="absolute http:// or https:// URL"):
        sign(Request("GET", "ftp://e.example/"), CONSUMER)


# --- properties ---------------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=8)
_name = _text.filter(lambda name: not name.startswith("oauth_"))
_pairs = st.lists(st.tuples(_name, _text), max_size=6)
_secret = st.text(st.characters(codec="utf-8"), max_size=12)
_methods = st.sampled_from([HMAC_SHA1, HMAC_SHA256, HMAC_SHA512, PLAINTEXT])


@settings(max_examples=200, deadline=None)
@given(query=_pairs, form=_pairs, seed=st.randoms(use_true_random=False))
def test_order_independence(
    query: list[tuple[str, str]], form: list[tuple[str, str]], seed: Any
) -> None:
    def signed(q: list[tuple[str, str]], f: list[tuple[str, str]]) -> str:
        request = Request.build("POST", "https://e.example/p", params=q, data=f)
        return _signature(sign(request, CONSUMER, TOKEN, **FIXED))

    shuffled_query, shuffled_form = list(query), list(form)
    seed.shuffle(shuffled_query)
    seed.shuffle(shuffled_form)
    assert signed(query, form) == signed(shuffled_query, shuffled_form)


@settings(max_examples=300, deadline=None)
@given(
    query=_pairs,
    form=_pairs,
    consumer_secret=_secret,
    token_secret=_secret,
    method=_methods,
    placement=st.sampled_from(list(Placement)),
    with_token=st.booleans(),
    realm=st.none() | st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=6),
)
def test_sign_then_verify_round_trip(
    query: list[tuple[str, str]],
    form: list[tuple[str, str]],
    consumer_secret: str,
    token_secret: str,
    method: SignatureMethod,
    placement: Placement,
    with_token: bool,
    realm: str | None,
) -> None:
    consumer = Consumer("c k", consumer_secret)
    token = Token("t\u00f8k", token_secret) if with_token else None
    request = Request.build("POST", "https://e.example/p\u00e4th", params=query, data=form)
    if placement is not Placement.HEADER:
        realm = None
    signed = sign(request, consumer, token, method, placement=placement, realm=realm)
    assert _verifies(signed, method, consumer, token)
    assert signed == _reparsed(signed)
    # Tampering with any signed parameter breaks the signature.
    tampered = Request.build(
        "POST", "https://e.example/p\u00e4th", params=[*query, ("x", "1")], data=form
    )
    base = signature_base(tampered, list(_oauth(signed).items())).base_string
    if method is not PLAINTEXT:
        assert not method.verify(base, _signature(signed), consumer, token)


_RAW = st.text(st.sampled_from("aZ09-._~%+=&;/: 2345789ABCDEFabcdef\u00e9"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(query=_RAW, body=_RAW, placement=st.sampled_from(list(Placement)))
def test_raw_query_and_form_sign_then_verify(query: str, body: str, placement: Placement) -> None:
    # Whatever escapes a caller's URL or form holds, signer and verifier must agree on them.
    request = Request("POST", f"https://e.example/p?{query}", [FORM], body.encode("utf-8"))
    try:
        signed = sign(request, CONSUMER, TOKEN, placement=placement, **FIXED)
    except ParameterRejected:
        with pytest.raises(ParameterRejected):
            signature_base(request)
        return
    assert _verifies(signed, HMAC_SHA1, CONSUMER, TOKEN)
