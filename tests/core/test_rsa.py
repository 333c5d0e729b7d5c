"""RSA-SHA1/256/512 (RFC 5849 §3.4.3) and RSA key loading through the optional `cryptography`.

Expected signatures come from `cryptography` called directly in the test (RSASSA-PKCS1-v1_5 is
deterministic) and from the OAuth wiki's published RSA-SHA1 vector.
"""

from __future__ import annotations

import base64
import datetime
import sys
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from oauthcore import RSA_SHA1, RSA_SHA256, RSA_SHA512, Consumer, Request, Token, sign
from oauthcore.base_string import signature_base
from oauthcore.methods import RsaMethod
from oauthcore.rsa import RsaKey, load_rsa_key
from tests.vectors import (
    RFC_3411_BASE_STRING,
    WIKI_RSA_BASE_STRING,
    WIKI_RSA_CONSUMER_KEY,
    WIKI_RSA_NONCE,
    WIKI_RSA_SIGNATURE,
    WIKI_RSA_TIMESTAMP,
    WIKI_RSA_URL,
)

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha512": hashes.SHA512,
}


def _private(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _oracle(pem: str, message: str, digest: str) -> str:
    signature = _private(pem).sign(message.encode("utf-8"), padding.PKCS1v15(), HASHES[digest]())
    return base64.b64encode(signature).decode("ascii")


def _certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "oauthcore test")])
    now = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


# --- vectors ------------------------------------------------------------------------------------


def test_wiki_rsa_sha1_vector(wiki_private_pem: str) -> None:
    consumer = Consumer(WIKI_RSA_CONSUMER_KEY, rsa_key=wiki_private_pem)
    signed = sign(
        Request("GET", WIKI_RSA_URL),
        consumer,
        method=RSA_SHA1,
        nonce=WIKI_RSA_NONCE,
        timestamp=WIKI_RSA_TIMESTAMP,
    )
    assert signature_base(signed).base_string == WIKI_RSA_BASE_STRING
    assert RSA_SHA1.sign(WIKI_RSA_BASE_STRING, consumer, None) == WIKI_RSA_SIGNATURE
    header = signed.header("Authorization")
    assert header is not None
    assert header.endswith(
        'oauth_signature="'
        + WIKI_RSA_SIGNATURE.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
        + '"'
    )
    assert RSA_SHA1.verify(WIKI_RSA_BASE_STRING, WIKI_RSA_SIGNATURE, consumer, None)


@pytest.mark.parametrize("method", [RSA_SHA1, RSA_SHA256, RSA_SHA512])
def test_rsa_of_the_rfc_3411_base_string(method: RsaMethod, rsa_private_pem: str) -> None:
    expected = _oracle(rsa_private_pem, RFC_3411_BASE_STRING, method.digest)
    consumer = Consumer("9djdj82h48djs9d2", rsa_key=rsa_private_pem)
    token = Token("kkk9d7dh3k39sjv7", "ignored by RSA")
    assert method.sign(RFC_3411_BASE_STRING, consumer, token) == expected
    assert method.sign(RFC_3411_BASE_STRING, consumer, None) == expected
    assert method.verify(RFC_3411_BASE_STRING, expected, consumer, token)


def test_rsa_sha1_of_the_rfc_3411_base_string_pinned(rsa_private_pem: str) -> None:
    # Computed by oauthlib 4.0.1 (sign_rsa_sha1_with_client) and by `cryptography` directly.
    consumer = Consumer("9djdj82h48djs9d2", rsa_key=rsa_private_pem)
    assert RSA_SHA1.sign(RFC_3411_BASE_STRING, consumer, None) == (
        "mFY2KOEnlYWsTvUA+5kxuBIcvBYXu+ljw9ttVJQxKduMueGSVPCB1tK1PlqVLK738HK0t19ecBJfb6rMxUwrriw+"
        "MlBO+jpojkZIWccw1J4cAb4qu4M81DbpUAq4j/1w/QyTR4TWCODlEfN7Zfgy8+pf+TjiXfIwRC1jEWbuL1E="
    )


@pytest.mark.parametrize("method", [RSA_SHA1, RSA_SHA256, RSA_SHA512])
def test_rsa_verify_with_public_key_refuses_tampering(
    method: RsaMethod, rsa_private_pem: str, rsa_public_pem: str
) -> None:
    good = _oracle(rsa_private_pem, "base", method.digest)
    verifier = Consumer("ck", rsa_key=rsa_public_pem)
    assert method.verify("base", good, verifier, None)
    assert not method.verify("base!", good, verifier, None)
    tampered = base64.b64decode(good)
    tampered = bytes([tampered[0] ^ 1]) + tampered[1:]
    assert not method.verify("base", base64.b64encode(tampered).decode(), verifier, None)
    # Not base64, or not even ASCII: simply invalid.
    assert not method.verify("base", "not base64!", verifier, None)
    assert not method.verify("base", "\u00e9", verifier, None)
    assert not method.verify("base", good[:-4], verifier, None)


def test_other_hash_does_not_verify(rsa_private_pem: str) -> None:
    consumer = Consumer("ck", rsa_key=rsa_private_pem)
    signature = RSA_SHA1.sign("base", consumer, None)
    assert not RSA_SHA256.verify("base", signature, consumer, None)


# --- key loading --------------------------------------------------------------------------------


def test_load_every_supported_form(rsa_private_pem: str, rsa_public_pem: str) -> None:
    private = _private(rsa_private_pem)
    public = private.public_key()
    pkcs8_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    spki_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    spki_der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    certificate = _certificate(private)
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    numbers = public.public_numbers()
    signers: list[Any] = [rsa_private_pem, rsa_private_pem.encode(), pkcs8_pem, der, private]
    verifiers: list[Any] = [
        rsa_public_pem,
        spki_pem,
        spki_der,
        cert_pem,
        cert_pem.decode(),
        public,
        certificate,
    ]
    for data in signers:
        key = RsaKey.load(data)
        assert key.can_sign
        assert key.key_size == 1024
        assert key.public is not None
        assert key.public.public_numbers() == numbers
    for data in verifiers:
        key = RsaKey.load(data)
        assert not key.can_sign
        assert key.public is not None
        assert key.public.public_numbers() == numbers


def test_encrypted_private_key_needs_its_password(rsa_private_pem: str) -> None:
    encrypted = _private(rsa_private_pem).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    assert RsaKey.load(encrypted, password=b"pw").can_sign
    with pytest.raises(ValueError, match="rsa_key: the private key is encrypted: give its pass"):
        RsaKey.load(encrypted)


def test_consumer_loads_its_key_once(rsa_private_pem: str) -> None:
    consumer = Consumer("ck", rsa_key=rsa_private_pem)
    assert isinstance(consumer.rsa_key, RsaKey)
    key = consumer.rsa_key
    assert Consumer("ck", rsa_key=key).rsa_key is key
    assert load_rsa_key(None) is None
    assert load_rsa_key(key) is key


def test_key_material_never_shows(rsa_private_pem: str) -> None:
    consumer = Consumer("ck", "SECRET", rsa_key=rsa_private_pem)
    assert consumer.rsa_key is not None
    assert repr(consumer.rsa_key) == "RsaKey()"
    assert str(consumer.rsa_key) == "RsaKey()"
    body = rsa_private_pem.splitlines()[1]
    for text in (repr(consumer), str(consumer)):
        assert "SECRET" not in text
        assert "RsaKey" not in text
        assert body not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "cannot read this private key",
        ),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "cannot read this PEM"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "cannot read this PEM"),
        (b"\x30\x03\x02\x01\x00", "not a key or certificate"),
        ("", "not a key or certificate"),
    ],
)
def test_unloadable_keys_say_so(data: str | bytes, message: str) -> None:
    with pytest.raises(ValueError, match=f"rsa_key: {message}"):
        Consumer("ck", rsa_key=data)


def test_non_rsa_keys_are_refused() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pem = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="expected an RSA key or certificate, got"):
        RsaKey.load(pem)
    with pytest.raises(ValueError, match="expected an RSA key or certificate, got"):
        RsaKey.load(ec_key)  # type: ignore[arg-type]


def test_non_ascii_pem_text_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="rsa_key: PEM text must be ASCII"):
        Consumer("ck", rsa_key="-----BEGIN PRIVATE KEY-----\n\u00e9\n")


def test_wrong_key_type_names_the_argument() -> None:
    with pytest.raises(TypeError, match="rsa_key: expected an RSA key or certificate, got int"):
        Consumer("ck", rsa_key=1024)  # type: ignore[arg-type]


def test_a_key_of_another_algorithm_is_a_value_error() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    with pytest.raises(ValueError, match="expected an RSA key or certificate, got EC"):
        Consumer("ck", rsa_key=ec.generate_private_key(ec.SECP256R1()))  # type: ignore[arg-type]


def test_rsa_method_without_a_key() -> None:
    consumer = Consumer("ck", "cs")
    with pytest.raises(ValueError, match=r"RSA-SHA256 needs an RSA private key: .*rsa_key="):
        RSA_SHA256.sign("base", consumer, None)
    with pytest.raises(ValueError, match="RSA-SHA1 needs the consumer's RSA public key"):
        RSA_SHA1.verify("base", "c2ln", consumer, None)
    with pytest.raises(ValueError, match="RSA-SHA1 needs an RSA private key"):
        sign(Request("GET", "https://example.com/"), consumer, method=RSA_SHA1)


def test_public_key_cannot_sign(rsa_public_pem: str) -> None:
    consumer = Consumer("ck", rsa_key=rsa_public_pem)
    with pytest.raises(ValueError, match="rsa_key: a public key or certificate can verify but not"):
        sign(Request("GET", "https://example.com/"), consumer, method=RSA_SHA256)


@pytest.mark.parametrize(
    "module",
    [
        "cryptography.hazmat.primitives.serialization",
        "cryptography.hazmat.primitives.asymmetric.rsa",
    ],
)
def test_missing_cryptography_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, rsa_private_pem: str, module: str
) -> None:
    # A None entry in sys.modules makes the import fail, as when the package is not installed.
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'oauthcore\[rsa\]'") as caught:
        Consumer("ck", rsa_key=rsa_private_pem)
    assert caught.value.name == "cryptography"
    assert isinstance(caught.value.__cause__, ImportError)
