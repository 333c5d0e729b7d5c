"""Signature methods (RFC 5849 §3.4): HMAC-SHA1/256/512, PLAINTEXT, the protocol and lookup.

Expected HMAC values come from independent oracles computed in the test: the standard library's
``hmac`` with the RFC 5849 §3.4.2 key written out by hand, and oauthlib's signature functions.
"""

from __future__ import annotations

import base64
import hmac
from typing import Any
from urllib.parse import quote

import attrs
import pytest
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    HMAC_SHA512,
    METHODS,
    PLAINTEXT,
    RSA_SHA1,
    RSA_SHA256,
    RSA_SHA512,
    Consumer,
    Request,
    Token,
    sign,
)
from oauthcore.base_string import signature_base
from oauthcore.methods import (
    HmacMethod,
    PlaintextMethod,
    RsaMethod,
    SignatureMethod,
    signature_method,
    signing_key,
)
from tests.vectors import (
    A5_BASE_STRING,
    A5_SIGNATURE,
    PHOTOS_BASE_STRING,
    PHOTOS_CONSUMER_SECRET,
    PHOTOS_SIGNATURE,
    PHOTOS_TOKEN_SECRET,
    RFC_3411_BASE_STRING,
    RFC_3411_CONSUMER_SECRET,
    RFC_3411_TOKEN_SECRET,
    TWITTER_BASE_STRING,
    TWITTER_CONSUMER_SECRET,
    TWITTER_SIGNATURE,
    TWITTER_TOKEN_SECRET,
    WIKI_HMAC,
)

RFC_CONSUMER = Consumer("9djdj82h48djs9d2", RFC_3411_CONSUMER_SECRET)
RFC_TOKEN = Token("kkk9d7dh3k39sjv7", RFC_3411_TOKEN_SECRET)
RFC_KEY = f"{RFC_3411_CONSUMER_SECRET}&{RFC_3411_TOKEN_SECRET}".encode("ascii")


def _hmac_b64(key: bytes, message: str, digest: str) -> str:
    return base64.b64encode(hmac.digest(key, message.encode("utf-8"), digest)).decode("ascii")


class _OauthlibClient:
    """The attributes oauthlib's ``*_with_client`` signature functions read."""

    client_secret = RFC_3411_CONSUMER_SECRET
    resource_owner_secret = RFC_3411_TOKEN_SECRET


@pytest.mark.parametrize(
    ("method", "digest", "oracle"),
    [
        (HMAC_SHA1, "sha1", oauthlib_signature.sign_hmac_sha1_with_client),
        (HMAC_SHA256, "sha256", oauthlib_signature.sign_hmac_sha256_with_client),
        (HMAC_SHA512, "sha512", oauthlib_signature.sign_hmac_sha512_with_client),
    ],
)
def test_hmac_of_the_rfc_3411_base_string(method: HmacMethod, digest: str, oracle: Any) -> None:
    expected = _hmac_b64(RFC_KEY, RFC_3411_BASE_STRING, digest)
    assert oracle(RFC_3411_BASE_STRING, _OauthlibClient()) == expected
    assert method.sign(RFC_3411_BASE_STRING, RFC_CONSUMER, RFC_TOKEN) == expected
    assert method.verify(RFC_3411_BASE_STRING, expected, RFC_CONSUMER, RFC_TOKEN)


def test_hmac_sha1_of_the_rfc_3411_base_string_pinned() -> None:
    # Computed by oauthlib 4.0.1 and by hmac directly (see the test above).
    signature = HMAC_SHA1.sign(RFC_3411_BASE_STRING, RFC_CONSUMER, RFC_TOKEN)
    assert signature == "hJiW3ib/H6oWBhS6iCyReahf7B4="


@pytest.mark.parametrize(
    ("consumer_secret", "token_secret", "base_string", "signature"),
    [
        *WIKI_HMAC,
        (PHOTOS_CONSUMER_SECRET, PHOTOS_TOKEN_SECRET, PHOTOS_BASE_STRING, PHOTOS_SIGNATURE),
        (PHOTOS_CONSUMER_SECRET, PHOTOS_TOKEN_SECRET, A5_BASE_STRING, A5_SIGNATURE),
        (TWITTER_CONSUMER_SECRET, TWITTER_TOKEN_SECRET, TWITTER_BASE_STRING, TWITTER_SIGNATURE),
    ],
)
def test_published_hmac_sha1_vectors(
    consumer_secret: str, token_secret: str, base_string: str, signature: str
) -> None:
    consumer = Consumer("key", consumer_secret)
    token = Token("tok", token_secret) if token_secret else None
    assert HMAC_SHA1.sign(base_string, consumer, token) == signature
    assert HMAC_SHA1.verify(base_string, signature, consumer, token)


def test_signing_key_encodes_both_secrets() -> None:
    # RFC 5849 §3.4.2: each secret percent-encoded, joined by "&" even when the token is absent.
    assert signing_key(Consumer("k", "c&s"), Token("t", "t s")) == "c%26s&t%20s"
    assert signing_key(Consumer("k", "cs"), None) == "cs&"
    assert signing_key(Consumer("k"), None) == "&"


@pytest.mark.parametrize(
    ("method", "oracle"),
    [
        (HMAC_SHA1, oauthlib_signature.sign_hmac_sha1_with_client),
        (HMAC_SHA256, oauthlib_signature.sign_hmac_sha256_with_client),
        (HMAC_SHA512, oauthlib_signature.sign_hmac_sha512_with_client),
    ],
)
def test_unicode_secrets_match_oauthlib(method: HmacMethod, oracle: Any) -> None:
    consumer = Consumer("k", "c\u00e9 s%")
    token = Token("t", "t&s\u2615")
    client = _OauthlibClient()
    client.client_secret, client.resource_owner_secret = consumer.secret, token.secret
    expected = oracle("b\u00e4se", client)
    assert method.sign("b\u00e4se", consumer, token) == expected
    # The key written out by hand, as RFC 5849 §3.4.2 and §3.6 define it.
    assert expected == _hmac_b64(b"c%C3%A9%20s%25&t%26s%E2%98%95", "b\u00e4se", method.digest)


@pytest.mark.parametrize("method", [HMAC_SHA1, HMAC_SHA256, HMAC_SHA512])
def test_hmac_verify_refuses_tampering(method: HmacMethod) -> None:
    good = method.sign("base", RFC_CONSUMER, RFC_TOKEN)
    assert method.verify("base", good, RFC_CONSUMER, RFC_TOKEN)
    assert not method.verify("base2", good, RFC_CONSUMER, RFC_TOKEN)
    assert not method.verify("base", good, RFC_CONSUMER, None)
    assert not method.verify("base", good, Consumer(RFC_CONSUMER.key, "other"), RFC_TOKEN)
    assert not method.verify("base", good[:-2] + "A=", RFC_CONSUMER, RFC_TOKEN)
    assert not method.verify("base", "", RFC_CONSUMER, RFC_TOKEN)
    # A hostile, non-ASCII (even unpaired-surrogate) signature is just wrong, never a crash.
    assert not method.verify("base", "\u00e9\ud800", RFC_CONSUMER, RFC_TOKEN)


def test_plaintext_is_the_signing_key() -> None:
    # RFC 5849 §3.4.4 example: "j49sk3j29djd&dh893hdasih9" (consumer & token secret).
    consumer = Consumer("k", "j49sk3j29djd")
    token = Token("t", "dh893hdasih9")
    assert PLAINTEXT.sign("ignored", consumer, token) == "j49sk3j29djd&dh893hdasih9"
    assert PLAINTEXT.sign("ignored", Consumer("k", "c s"), None) == "c%20s&"
    assert PLAINTEXT.verify("anything", "j49sk3j29djd&dh893hdasih9", consumer, token)
    assert not PLAINTEXT.verify("anything", "j49sk3j29djd&", consumer, token)
    assert not PLAINTEXT.verify("anything", "\ud800", consumer, token)
    assert oauthlib_signature.sign_plaintext("j49sk3j29djd", "dh893hdasih9") == PLAINTEXT.sign(
        "", consumer, token
    )


def test_method_names_and_body_hash_algorithms() -> None:
    assert [(m.name, m.body_hash_algorithm) for m in METHODS.values()] == [
        ("HMAC-SHA1", "sha1"),
        ("HMAC-SHA256", "sha256"),
        ("HMAC-SHA512", "sha512"),
        ("RSA-SHA1", "sha1"),
        ("RSA-SHA256", "sha256"),
        ("RSA-SHA512", "sha512"),
        ("PLAINTEXT", None),
    ]
    assert PlaintextMethod() == PLAINTEXT
    assert RsaMethod("RSA-SHA256", "sha256") == RSA_SHA256
    for method in METHODS.values():
        assert isinstance(method, SignatureMethod)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("HMAC-SHA1", HMAC_SHA1),
        ("hmac-sha256", HMAC_SHA256),
        ("Hmac-Sha512", HMAC_SHA512),
        ("RSA-SHA1", RSA_SHA1),
        ("rsa-sha512", RSA_SHA512),
        ("plaintext", PLAINTEXT),
    ],
)
def test_signature_method_lookup(name: str, method: SignatureMethod) -> None:
    assert signature_method(name) is method


def test_signature_method_unknown_name() -> None:
    with pytest.raises(ValueError, match=r"unknown signature method 'HMAC-MD5'; known: HMAC-SHA1"):
        signature_method("HMAC-MD5")


@pytest.mark.parametrize("name", [None, b"HMAC-SHA1", HMAC_SHA1])
def test_signature_method_name_must_be_a_str(name: Any) -> None:
    with pytest.raises(TypeError, match="signature method name must be a str"):
        signature_method(name)


@attrs.frozen
class _ReversedHmac:
    """A provider-specific method: anything with the protocol's shape plugs in."""

    name: str = "X-REVERSED"
    body_hash_algorithm: str | None = None

    def sign(self, base_string: str, consumer: Consumer, token: Token | None) -> str:
        return HMAC_SHA1.sign(base_string[::-1], consumer, token)

    def verify(
        self, base_string: str, signature: str, consumer: Consumer, token: Token | None
    ) -> bool:
        return signature == self.sign(base_string, consumer, token)


def test_a_custom_method_plugs_into_sign() -> None:
    method = _ReversedHmac()
    assert isinstance(method, SignatureMethod)
    consumer = Consumer("ck", "cs")
    signed = sign(
        Request("GET", "https://example.com/?a=1"), consumer, method=method, nonce="n", timestamp=1
    )
    header = signed.header("Authorization")
    assert header is not None
    assert 'oauth_signature_method="X-REVERSED"' in header
    base = signature_base(signed).base_string
    assert "oauth_signature_method%3DX-REVERSED" in base
    expected = _hmac_b64(b"cs&", base[::-1], "sha1")
    assert f'oauth_signature="{quote(expected, safe="")}"' in header
