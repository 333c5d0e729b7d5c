"""Every key a provider hands out (RFC 5849 §3.4.3): each format x RSA-SHA1/256/512 signs and
verifies, an external signer signs as the key would, and every mistake is a clear error.

The keys, certificates and PKCS#12 files are made here with `cryptography`, from one generated
key and from the published test keys of tests/keys (their sources: tests/keys/README.md).
RSASSA-PKCS1-v1_5 is deterministic, so every form of one key must give the same signature bytes.
"""

from __future__ import annotations

import base64
import datetime
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from oauthcore import RSA_SHA1, RSA_SHA256, RSA_SHA512, Consumer, Request, Token, check, parse, sign
from oauthcore.methods import RsaMethod
from oauthcore.rsa import PassphraseRequired, RsaKey
from tests.conftest import KEYS, key_text
from tests.interop.test_profiles import MASTERCARD_SIGNATURE_OF_TEXT

METHODS = [RSA_SHA1, RSA_SHA256, RSA_SHA512]
HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha512": hashes.SHA512,
}
PASSPHRASE = "correct horse battery"
NOW = 1_700_000_000
TOKEN = Token("tok", "")

PEM, DER = serialization.Encoding.PEM, serialization.Encoding.DER
PKCS1, PKCS8 = serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8
SPKI, PKCS1_PUBLIC = (
    serialization.PublicFormat.SubjectPublicKeyInfo,
    serialization.PublicFormat.PKCS1,
)
PLAIN = serialization.NoEncryption()
LOCKED = serialization.BestAvailableEncryption(PASSPHRASE.encode())


def certificate_of(key: Any, signer: Any = None) -> x509.Certificate:
    """A self-signed certificate holding ``key``'s public half (signed by ``signer``)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "oauthcore test")])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .sign(signer or key, hashes.SHA256())
    )


def private_forms(key: rsa.RSAPrivateKey) -> dict[str, tuple[Any, str | bytes | None]]:
    """Every form a private key is handed out in, with the passphrase it needs."""
    cert = certificate_of(key)
    pkcs8_pem = key.private_bytes(PEM, PKCS8, PLAIN)
    return {
        "PKCS#1 PEM": (key.private_bytes(PEM, PKCS1, PLAIN), None),
        "PKCS#1 PEM text": (key.private_bytes(PEM, PKCS1, PLAIN).decode(), None),
        "PKCS#8 PEM": (pkcs8_pem, None),
        "PKCS#8 PEM, encrypted": (key.private_bytes(PEM, PKCS8, LOCKED), PASSPHRASE),
        "PKCS#1 PEM, encrypted (Proc-Type)": (key.private_bytes(PEM, PKCS1, LOCKED), PASSPHRASE),
        "PKCS#1 DER": (key.private_bytes(DER, PKCS1, PLAIN), None),
        "PKCS#8 DER": (bytearray(key.private_bytes(DER, PKCS8, PLAIN)), None),
        "PKCS#8 DER, encrypted": (key.private_bytes(DER, PKCS8, LOCKED), PASSPHRASE.encode()),
        "PKCS#12 with a password": (
            pkcs12.serialize_key_and_certificates(b"oauth", key, cert, None, LOCKED),
            PASSPHRASE,
        ),
        "PKCS#12 without a password": (
            memoryview(pkcs12.serialize_key_and_certificates(b"oauth", key, cert, None, PLAIN)),
            None,
        ),
        "certificate then key, PEM": (cert.public_bytes(PEM) + pkcs8_pem, None),
        "cryptography key object": (key, None),
    }


def public_forms(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    """Every form a provider may hold a consumer's public key in."""
    public, cert = key.public_key(), certificate_of(key)
    return {
        "SPKI PEM": public.public_bytes(PEM, SPKI),
        "PKCS#1 public PEM": public.public_bytes(PEM, PKCS1_PUBLIC).decode(),
        "SPKI DER": public.public_bytes(DER, SPKI),
        "PKCS#1 public DER": public.public_bytes(DER, PKCS1_PUBLIC),
        "certificate PEM": cert.public_bytes(PEM),
        "certificate DER": cert.public_bytes(DER),
        "PKCS#12 holding only the certificate": pkcs12.serialize_key_and_certificates(
            b"oauth", None, cert, None, PLAIN
        ),
        "certificate object": cert,
        "public key object": public,
    }


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def oracle(key: rsa.RSAPrivateKey, message: bytes, digest: str) -> bytes:
    return key.sign(message, padding.PKCS1v15(), HASHES[digest]())


def signed_request(consumer: Consumer, method: RsaMethod) -> Request:
    request = Request(
        "POST", "https://api.example.com/photos?size=original", [("Content-Type", "text/plain")]
    )
    request = Request(request.method, request.url, request.headers, b"caf\xc3\xa9")
    return sign(request, consumer, TOKEN, method, nonce="n0nce", timestamp=NOW)


def signature_of(signed: Request) -> bytes:
    return base64.b64decode(parse(signed).signature)


def accepted(signed: Request, verifier: Any) -> bool:
    from oauthcore import SignatureInvalid

    try:
        check(signed, parse(signed), Consumer("ck", rsa_key=verifier), TOKEN, now=NOW)
    except SignatureInvalid:
        return False
    return True


# --- every format x RSA-SHA1/256/512 ------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS, ids=lambda method: method.name)
def test_every_private_form_signs_what_every_public_form_verifies(
    key: rsa.RSAPrivateKey, method: RsaMethod
) -> None:
    verifiers = [RsaKey.load(form) for form in public_forms(key).values()]
    expected: bytes | None = None
    for name, (data, password) in private_forms(key).items():
        loaded = RsaKey.load_private(data, password=password)
        assert loaded.key_size == 2048, name
        signed = signed_request(Consumer("ck", rsa_key=loaded), method)
        signature = signature_of(signed)
        expected = expected or oracle(key, _base(signed), method.digest)
        assert signature == expected, name
        for verifier in verifiers:
            assert accepted(signed, verifier), name
    # And a signature by another key is refused by each of them.
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = signed_request(Consumer("ck", rsa_key=other), method)
    for form in public_forms(key).values():
        assert not accepted(forged, form)


def _base(signed: Request) -> bytes:
    from oauthcore.base_string import signature_base

    return signature_base(signed).base_string.encode()


@pytest.mark.parametrize(
    "name", ["authlib_2048.pem", "mastercard_test_key.pem", "oauthlib_1024.pem"]
)
@pytest.mark.parametrize("method", METHODS, ids=lambda method: method.name)
def test_published_keys_in_every_form(name: str, method: RsaMethod) -> None:
    private = serialization.load_pem_private_key(key_text(name).encode(), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    pem_signed = signed_request(Consumer("ck", rsa_key=key_text(name)), method)
    for data, password in private_forms(private).values():
        signed = signed_request(
            Consumer("ck", rsa_key=RsaKey.load(data, password=password)), method
        )
        assert signature_of(signed) == signature_of(pem_signed)
    for form in public_forms(private).values():
        assert accepted(pem_signed, form)


def test_a_loaded_key_is_taken_as_it_is(key: rsa.RSAPrivateKey) -> None:
    loaded = RsaKey.load(key)
    assert RsaKey.load(loaded) is loaded
    assert RsaKey.load_private(loaded) is loaded


def test_published_public_key_verifies_only() -> None:
    # oauthlib's endpoint-test public key: a provider's copy of a consumer key, nothing more.
    pem = key_text("oauthlib_endpoint_public.pub.pem")
    loaded = RsaKey.load(pem)
    assert (loaded.key_size, loaded.can_sign) == (1024, False)
    with pytest.raises(ValueError, match="verifies signatures but cannot make them"):
        RsaKey.load_private(pem)


def test_mastercard_style_p12_with_a_password_gives_the_published_signature() -> None:
    # Mastercard ships its key as a .p12 with a password; this one holds its published test key.
    private = serialization.load_pem_private_key(key_text("mastercard_test_key.pem").encode(), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    p12 = pkcs12.serialize_key_and_certificates(
        b"keyalias",
        private,
        certificate_of(private),
        None,
        serialization.BestAvailableEncryption(b"Password1"),
    )
    consumer = Consumer("dummy", rsa_key=RsaKey.load(p12, password="Password1"))
    assert RSA_SHA256.sign("baseString", consumer, None) == MASTERCARD_SIGNATURE_OF_TEXT


# --- an external signer (KMS, HSM) --------------------------------------------------------------


def in_process_signer(key: rsa.RSAPrivateKey, digest: str) -> Callable[[bytes], bytes]:
    return lambda message: oracle(key, message, digest)


@pytest.mark.parametrize("method", METHODS, ids=lambda method: method.name)
def test_external_signer_signs_as_the_key_does(key: rsa.RSAPrivateKey, method: RsaMethod) -> None:
    cert_pem = certificate_of(key).public_bytes(PEM)
    external = RsaKey.external(
        in_process_signer(key, method.digest), hash=method.digest, public_key=cert_pem
    )
    assert (external.can_sign, external.key_size, external.private) == (True, 2048, None)
    signed = signed_request(Consumer("ck", rsa_key=external), method)
    in_process = signed_request(Consumer("ck", rsa_key=key), method)
    assert signature_of(signed) == signature_of(in_process)
    assert accepted(signed, cert_pem)
    # Without a public key the signature is passed on unchecked, and is the same.
    blind = RsaKey.external(in_process_signer(key, method.digest), hash=method.digest)
    assert blind.key_size is None
    assert signature_of(signed_request(Consumer("ck", rsa_key=blind), method)) == (
        signature_of(in_process)
    )


def test_external_signer_in_another_process(key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    # A real signer outside this process: the openssl command with the key in its own file, as
    # an HSM or KMS client would be; this process holds only the public key.
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command is needed for this test"
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.private_bytes(PEM, PKCS8, PLAIN))

    def openssl_sign(message: bytes) -> bytes:
        command = [openssl, "dgst", "-sha256", "-sign", str(key_file)]
        return subprocess.run(command, input=message, capture_output=True, check=True).stdout

    public_pem = key.public_key().public_bytes(PEM, SPKI)
    external = RsaKey.external(openssl_sign, hash="sha256", public_key=RsaKey.load(public_pem))
    signed = signed_request(Consumer("ck", rsa_key=external), RSA_SHA256)
    assert accepted(signed, public_pem)
    assert signature_of(signed) == signature_of(
        signed_request(Consumer("ck", rsa_key=key), RSA_SHA256)
    )


def test_external_signer_mistakes_are_clear(key: rsa.RSAPrivateKey) -> None:
    public_pem = key.public_key().public_bytes(PEM, SPKI)
    sha256 = in_process_signer(key, "sha256")
    with pytest.raises(TypeError, match="sign must be a callable bytes -> bytes, not bytes"):
        RsaKey.external(b"not callable", hash="sha256")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hash must be one of sha1, sha256, sha512, got 'md5'"):
        RsaKey.external(sha256, hash="md5")
    external = RsaKey.external(sha256, hash="sha256", public_key=public_pem)
    with pytest.raises(ValueError, match="signs with sha256, not sha1; use RSA-SHA256 or"):
        RSA_SHA1.sign("base", Consumer("ck", rsa_key=external), None)
    as_text = RsaKey.external(lambda message: "c2ln", hash="sha256")  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="must return the signature as bytes, not str"):
        RSA_SHA256.sign("base", Consumer("ck", rsa_key=as_text), None)
    as_bytearray = RsaKey.external(
        lambda message: bytearray(sha256(message)),  # type: ignore[arg-type,return-value]
        hash="sha256",
    )
    assert RSA_SHA256.sign("base", Consumer("ck", rsa_key=as_bytearray), None)

    def pss(message: bytes) -> bytes:  # a KMS key set up for the wrong padding
        mgf = padding.MGF1(hashes.SHA256())
        return key.sign(message, padding.PSS(mgf, padding.PSS.MAX_LENGTH), hashes.SHA256())

    wrong = RsaKey.external(pss, hash="sha256", public_key=public_pem)
    with pytest.raises(ValueError, match="does not verify with the public key given"):
        RSA_SHA256.sign("base", Consumer("ck", rsa_key=wrong), None)
    blind = RsaKey.external(sha256, hash="sha256")
    with pytest.raises(ValueError, match="no public key to verify with"):
        RSA_SHA256.verify("base", "c2ln", Consumer("ck", rsa_key=blind), None)

    def unavailable(message: bytes) -> bytes:
        raise ConnectionError("KMS unreachable")

    # The signer's own failure reaches the caller as it is, to be retried or reported.
    with pytest.raises(ConnectionError, match="KMS unreachable"):
        RSA_SHA256.sign(
            "base", Consumer("ck", rsa_key=RsaKey.external(unavailable, hash="sha256")), None
        )


# --- mistakes end in clear errors, with no secret in them ---------------------------------------


def _refusals(key: rsa.RSAPrivateKey) -> list[tuple[Any, Any, str]]:
    cert = certificate_of(key)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    locked_pem = key.private_bytes(PEM, PKCS8, LOCKED)
    locked_pkcs1 = key.private_bytes(PEM, PKCS1, LOCKED)
    locked_der = key.private_bytes(DER, PKCS8, LOCKED)
    p12 = pkcs12.serialize_key_and_certificates(b"oauth", key, cert, None, LOCKED)
    wrong = "not-the-passphrase-42"
    return [
        (locked_pem, None, "the private key is encrypted: give its passphrase"),
        (locked_der, None, "the private key is encrypted: give its passphrase"),
        (locked_pem, wrong, "wrong passphrase for the encrypted private key"),
        (locked_pkcs1, wrong, "wrong passphrase for the encrypted private key"),
        (locked_der, wrong, "wrong passphrase for the encrypted private key"),
        (
            key.private_bytes(PEM, PKCS8, PLAIN),
            wrong,
            "passphrase was given but the private key is not",
        ),
        (p12, None, "PKCS#12 file did not open without a passphrase"),
        (p12, wrong, "PKCS#12 file did not open with the passphrase given"),
        (
            pkcs12.serialize_key_and_certificates(b"o", None, None, [cert, cert], PLAIN),
            None,
            "holds no private key and 2 certificates, not one",
        ),
        (
            pkcs12.serialize_key_and_certificates(b"o", ec_key, None, None, PLAIN),
            None,
            "this is an EC key; RSA-SHA",
        ),
        (ec_key.private_bytes(PEM, PKCS8, PLAIN), None, "this is an EC key; RSA-SHA"),
        (ec_key.private_bytes(PEM, PKCS1, PLAIN), None, "this is an EC key; RSA-SHA"),
        (certificate_of(ec_key).public_bytes(PEM), None, "this is an EC key; RSA-SHA"),
        (
            # Only its type matters here, not its strength.
            dsa.generate_private_key(1024).private_bytes(PEM, PKCS8, PLAIN),  # noqa: S505
            None,
            "this is a DSA key; RSA-SHA",
        ),
        (ed25519.Ed25519PrivateKey.generate(), None, "this is an Ed25519 key; RSA-SHA"),
        (
            key.private_bytes(PEM, serialization.PrivateFormat.OpenSSH, PLAIN),
            None,
            "cannot read this private key; expected PEM .*ssh-keygen -p -m PEM",
        ),
        (
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            wrong,
            "cannot read this private key",
        ),
        ("keys/consumer.pem", None, "not a key or certificate; .*not its file name"),
        (b"\x30\x82\xff\xff\x02\x01\x03\x30", None, "PKCS#12 file did not open without"),
        (b"\x30\x82\x01", None, "not a key or certificate; expected PEM"),
        (b"\xff" * 40, None, r"not a key or certificate; expected PEM.*\(PEM or DER\)$"),
        (cert.public_bytes(PEM), None, "verifies signatures but cannot make them"),
        (cert.public_bytes(DER), None, "verifies signatures but cannot make them"),
        (key.public_key().public_bytes(PEM, SPKI), None, "verifies signatures but cannot"),
    ]


def test_every_mistake_is_a_clear_value_error(key: rsa.RSAPrivateKey) -> None:
    secret_chunks = [
        line
        for line in key.private_bytes(PEM, PKCS8, PLAIN).decode().splitlines()
        if not line.startswith("-----")
    ]
    for data, password, message in _refusals(key):
        with pytest.raises(ValueError, match=message) as caught:
            RsaKey.load_private(data, password=password)
        shown = f"{caught.value!s} {caught.value!r}"
        assert PASSPHRASE not in shown
        assert "not-the-passphrase-42" not in shown
        assert not any(chunk in shown for chunk in secret_chunks)
        # Nothing of cryptography's message or data is chained to it for a log to print.
        assert caught.value.__cause__ is None
        assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_a_missing_passphrase_is_its_own_value_error(key: rsa.RSAPrivateKey) -> None:
    # A program that can ask for a passphrase catches this one, asks, and loads again.
    p12 = pkcs12.serialize_key_and_certificates(b"oauth", key, None, None, LOCKED)
    for locked in (
        key.private_bytes(PEM, PKCS8, LOCKED),
        key.private_bytes(DER, PKCS8, LOCKED),
        p12,
    ):
        with pytest.raises(PassphraseRequired):
            RsaKey.load(locked)
        assert RsaKey.load(locked, password=PASSPHRASE).can_sign
    with pytest.raises(ValueError, match="wrong passphrase") as caught:
        RsaKey.load(key.private_bytes(PEM, PKCS8, LOCKED), password="not it")
    assert not isinstance(caught.value, PassphraseRequired)


def test_argument_mistakes_are_type_errors(key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(TypeError, match="password must be bytes or str, not int"):
        RsaKey.load(key.private_bytes(PEM, PKCS8, LOCKED), password=1234)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected an RSA key or certificate, got list"):
        RsaKey.load([b"pem"])  # type: ignore[arg-type]


def test_no_key_material_in_any_repr(key: rsa.RSAPrivateKey) -> None:
    for data, password in private_forms(key).values():
        loaded = RsaKey.load(data, password=password)
        consumer = Consumer("ck", "SECRET", rsa_key=loaded)
        assert repr(loaded) == "RsaKey()"
        assert "SECRET" not in repr(consumer)
        assert "RsaKey" not in repr(consumer)
    external = RsaKey.external(in_process_signer(key, "sha1"), hash="sha1")
    assert repr(external) == "RsaKey()"


@given(st.one_of(st.binary(max_size=300), st.text(st.characters(), max_size=300)))
def test_any_input_is_a_key_or_a_value_error(data: bytes | str) -> None:
    try:
        RsaKey.load(data)
    except ValueError as exc:
        message = str(exc)
    else:  # pragma: no cover - a random key is vanishingly unlikely
        message = "rsa_key: loaded"
    assert message.startswith("rsa_key: ")


def test_keys_directory_sources_name_each_key() -> None:
    readme = (KEYS / "README.md").read_text("utf-8")
    for path in KEYS.glob("*.pem"):
        assert f"`{path.name}`" in readme
