"""Where oauthlib or authlib and oauthcore disagree, both behaviours pinned (RFC 5849 §3.4.1).

Each test shows what oauthcore does, what the peer does, and, where it matters, that the request
one signs is refused by the other. docs/interoperability.md gives the RFC text that decides each
case; if a peer changes its behaviour, the test that pins it fails and the document needs a look.
"""

from __future__ import annotations

import pytest
from attrs import frozen
from authlib.oauth1.rfc5849 import signature as authlib_signature
from oauthlib.common import urldecode
from oauthlib.oauth1 import Client as OauthlibClient
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

from oauthcore import (
    HMAC_SHA256,
    PLAINTEXT,
    Consumer,
    ParameterRejected,
    Placement,
    Request,
    SignatureInvalid,
    Token,
    VerifyPolicy,
    check,
    parse,
    sign,
)
from oauthcore.base_string import base_string_uri, collect_parameters, signature_base
from oauthcore.encoding import decode_form
from oauthcore.methods import HmacMethod
from oauthcore.signing import hash_body

CONSUMER = Consumer("consumer-key", "consumer secret")
TOKEN = Token("token-key", "token secret")


def signed_by_oauthlib(method: str, url: str, body: str, content_type: str) -> Request:
    """A POST signed by oauthlib's Client in the Authorization header."""
    client = OauthlibClient(
        CONSUMER.key,
        client_secret=CONSUMER.secret,
        resource_owner_key=TOKEN.key,
        resource_owner_secret=TOKEN.secret,
        signature_method=method,
    )
    uri, headers, sent = client.sign(url, "POST", body, {"Content-Type": content_type})
    return Request("POST", uri, list(headers.items()), (sent or "").encode("utf-8"))


def authlib_uri(url: str) -> str:
    """authlib's base string URI of ``url``."""
    uri: str = authlib_signature.normalize_base_string_uri(url)  # type: ignore[no-untyped-call]
    return uri


# --- base string URI ----------------------------------------------------------------------------


def test_ipv6_literal_is_kept_as_the_host_header_carries_it() -> None:
    url = "http://[2001:db8:0:0:0:0:0:1]:8080/r"
    assert base_string_uri(url) == "http://[2001:db8:0:0:0:0:0:1]:8080/r"
    # oauthlib rewrites the literal through ipaddress, which compresses it.
    assert oauthlib_signature.base_string_uri(url) == "http://[2001:db8::1]:8080/r"
    # Both agree on a literal written in its compressed form.
    assert base_string_uri("http://[2001:DB8::1]/") == oauthlib_signature.base_string_uri(
        "http://[2001:DB8::1]/"
    )


def test_empty_path_parameters_are_kept() -> None:
    url = "https://example.com/a;"
    assert base_string_uri(url) == "https://example.com/a;"
    # urlunparse drops an empty ";params" component, so both peers lose the ";".
    assert oauthlib_signature.base_string_uri(url) == "https://example.com/a"
    assert authlib_uri(url) == "https://example.com/a"
    # Non-empty path parameters survive everywhere.
    assert oauthlib_signature.base_string_uri("https://example.com/a;b") == base_string_uri(
        "https://example.com/a;b"
    )


def test_ipv6_default_port_is_dropped() -> None:
    url = "https://[::1]:443/x"
    assert base_string_uri(url) == "https://[::1]/x"
    assert oauthlib_signature.base_string_uri(url) == "https://[::1]/x"
    # authlib splits host and port at the first ":", which is inside the literal.
    assert authlib_uri(url) == "https://[::1]:443/x"


def test_userinfo_is_not_part_of_the_base_string_uri() -> None:
    url = "http://user:pw@Example.com/p"
    assert base_string_uri(url) == "http://example.com/p"
    assert oauthlib_signature.base_string_uri(url) == "http://example.com/p"
    assert authlib_uri(url) == "http://user:pw@example.com/p"


# --- decoding of protocol parameters ------------------------------------------------------------


def test_oauth_values_in_the_query_are_decoded_exactly_once() -> None:
    callback = "https://client.example/cb?next=%2Fhome"
    signed = sign(
        Request("POST", "https://provider.example/initiate"),
        CONSUMER,
        callback=callback,
        placement=Placement.QUERY,
        nonce="n",
        timestamp=1,
    )
    assert ("oauth_callback", callback) in collect_parameters(signed)
    # oauthlib and authlib unescape oauth_* values a second time, so "%2F" becomes "/".
    query = signed.url.partition("?")[2]
    peer = dict(oauthlib_signature.collect_parameters(uri_query=query))
    assert peer["oauth_callback"] == "https://client.example/cb?next=/home"
    base = authlib_signature.construct_base_string(
        "POST", signed.url, [("oauth_callback", callback)]
    )
    assert "next%253D%252Fhome" in base  # "next=/home", the "%2F" decoded away


@pytest.mark.parametrize("placement", [Placement.QUERY, Placement.BODY])
def test_plaintext_signature_of_secrets_that_need_encoding(placement: Placement) -> None:
    signed = sign(
        Request.build("POST", "https://provider.example/r", data=[("a", "1")]),
        CONSUMER,
        TOKEN,
        PLAINTEXT,
        placement=placement,
        nonce="n",
        timestamp=1,
    )
    params = parse(signed)
    check(signed, params, CONSUMER, TOKEN, now=1)
    assert params.signature == "consumer%20secret&token%20secret"
    # oauthlib decodes the query and form value a second time, so it compares the wrong text.
    collected = oauthlib_signature.collect_parameters(
        uri_query=signed.url.partition("?")[2],
        body=signed.body.decode("ascii"),
        exclude_oauth_signature=False,
    )
    assert dict(collected)["oauth_signature"] == "consumer secret&token secret"


def test_header_values_are_decoded_once_by_everyone() -> None:
    signed = sign(Request("GET", "https://provider.example/r"), CONSUMER, TOKEN, PLAINTEXT)
    header = {"Authorization": signed.header("Authorization") or ""}
    collected = oauthlib_signature.collect_parameters(headers=header, exclude_oauth_signature=False)
    assert dict(collected)["oauth_signature"] == parse(signed).signature


# --- body hash ----------------------------------------------------------------------------------


@frozen
class Sha1BodyHash:
    """A signature method that keeps ``inner``'s signature but hashes bodies with SHA-1."""

    inner: HmacMethod

    @property
    def name(self) -> str:
        """The wrapped method's name."""
        return self.inner.name

    @property
    def body_hash_algorithm(self) -> str:
        """SHA-1, as oauthlib and authlib always use."""
        return "sha1"

    def sign(self, base_string: str, consumer: Consumer, token: Token | None) -> str:
        """The wrapped method's signature."""
        return self.inner.sign(base_string, consumer, token)

    def verify(
        self, base_string: str, signature: str, consumer: Consumer, token: Token | None
    ) -> bool:
        """The wrapped method's check."""
        return self.inner.verify(base_string, signature, consumer, token)


def test_body_hash_follows_the_signature_method() -> None:
    body = '{"amount": 10}'
    ours = sign(
        Request(
            "POST", "https://api.example/pay", [("Content-Type", "application/json")], body.encode()
        ),
        CONSUMER,
        TOKEN,
        HMAC_SHA256,
    )
    assert parse(ours).body_hash == hash_body(body.encode(), "sha256")

    theirs = signed_by_oauthlib("HMAC-SHA256", "https://api.example/pay", body, "application/json")
    params = parse(theirs)
    assert params.body_hash == hash_body(body.encode(), "sha1")
    with pytest.raises(SignatureInvalid, match="oauth_body_hash"):
        check(theirs, params, CONSUMER, TOKEN, now=params.timestamp)
    # A provider that must accept such clients declares SHA-1 bodies for that method.
    check(
        theirs,
        params,
        CONSUMER,
        TOKEN,
        now=params.timestamp,
        policy=VerifyPolicy([Sha1BodyHash(HMAC_SHA256)]),
    )


def test_plaintext_with_a_body_hash_is_refused() -> None:
    theirs = signed_by_oauthlib("PLAINTEXT", "https://api.example/pay", "{}", "application/json")
    params = parse(theirs)
    assert params.body_hash == hash_body(b"{}", "sha1")
    with pytest.raises(ParameterRejected, match="oauth_body_hash"):
        check(theirs, params, CONSUMER, TOKEN, now=params.timestamp)


# --- what each side accepts ---------------------------------------------------------------------


def test_query_characters_outside_oauthlibs_set() -> None:
    query = 'q="quoted"&r=[1]'
    assert decode_form(query) == [("q", '"quoted"'), ("r", "[1]")]
    with pytest.raises(ValueError, match="non urlencoded"):
        urldecode(query)


def test_empty_form_body() -> None:
    form = Request.build("POST", "https://api.example/r", data=[])
    signed = sign(form, CONSUMER, TOKEN, placement=Placement.BODY, nonce="n", timestamp=1)
    check(signed, parse(signed), CONSUMER, TOKEN, now=1)
    client = OauthlibClient(CONSUMER.key, client_secret=CONSUMER.secret)
    with pytest.raises(ValueError, match="formencoded body"):
        client.sign(
            "https://api.example/r",
            "POST",
            None,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )


def test_form_content_type_with_parameters() -> None:
    content_type = "application/x-www-form-urlencoded; charset=UTF-8"
    form = Request("POST", "https://api.example/r", [("Content-Type", content_type)], b"a=1")
    assert form.is_form
    signed = sign(form, CONSUMER, TOKEN, nonce="n", timestamp=1)
    assert "a%3D1" in signature_base(signed).base_string
    check(signed, parse(signed), CONSUMER, TOKEN, now=1)
    # oauthlib compares the whole header with the bare media type and refuses to sign.
    client = OauthlibClient(CONSUMER.key, client_secret=CONSUMER.secret)
    with pytest.raises(ValueError, match="Content-Type header was"):
        client.sign("https://api.example/r", "POST", "a=1", {"Content-Type": content_type})
