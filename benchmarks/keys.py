"""RSA-SHA256 signing (RFC 5849 §3.4.3) with a key from each format, and through an external signer.

The same published 2048-bit key (tests/keys/authlib_2048.pem) is loaded from PKCS#1 PEM, from an
encrypted PKCS#8 PEM and from a password-protected PKCS#12 file, and wrapped as an external signer
(a callable around the same in-process key, with the public key given, so every signature is
also checked). Each signs a GET with a token. Side by side: `cryptography`'s own sign call of a
base string of the same length (the floor) and oauthlib's RSA-SHA256 client, which parses the PEM
key on every signature. A key is parsed once, so every format must cost what PEM costs.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

import oauthlib.oauth1
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from oauthcore import RSA_SHA256, Consumer, Request, Token, sign
from oauthcore.base_string import signature_base
from oauthcore.rsa import RsaKey

from .common import Contender, Settings, by_name, compare, fresh, print_table, verdict
from .sign import CONSUMER, TOKEN, load_rsa_pem

__all__ = ["main"]

PASSWORD = b"benchmark keystore password"
PEM_KEY = "oauthcore, PKCS#1 PEM key"
P12_KEY = "oauthcore, PKCS#12 key"
ENCRYPTED_KEY = "oauthcore, encrypted PKCS#8 key"
EXTERNAL = "oauthcore, external signer (checked)"
CRYPTOGRAPHY = "cryptography private_key.sign"
OAUTHLIB = "oauthlib Client.sign RSA-SHA256"


def _urls(count: int) -> list[str]:
    return [f"https://api.example.com/photos?id={fresh()}&size=original" for _ in range(count)]


def _keys(pem: bytes) -> dict[str, RsaKey]:
    private = serialization.load_pem_private_key(pem, None)
    assert isinstance(private, rsa.RSAPrivateKey)
    locked = serialization.BestAvailableEncryption(PASSWORD)
    p12 = pkcs12.serialize_key_and_certificates(b"bench", private, None, None, locked)
    encrypted = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, locked
    )
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
    return {
        PEM_KEY: RsaKey.load(pem),
        P12_KEY: RsaKey.load(p12, password=PASSWORD),
        ENCRYPTED_KEY: RsaKey.load(encrypted, password=PASSWORD),
        EXTERNAL: RsaKey.external(
            lambda message: private.sign(message, pkcs1, sha256),
            hash="sha256",
            public_key=private.public_key(),
        ),
    }


def main(settings: Settings) -> None:
    """Time RSA-SHA256 signing with each key form against cryptography and oauthlib."""
    pem = load_rsa_pem()
    token = Token(*TOKEN)
    consumers = {name: Consumer(CONSUMER[0], rsa_key=key) for name, key in _keys(pem).items()}
    private = consumers[PEM_KEY].rsa_key.private  # type: ignore[union-attr]
    assert private is not None
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    # Agreement first: PKCS#1 v1.5 is deterministic, so every form gives the same header.
    fixed = Request("GET", _urls(1)[0])
    headers = {
        sign(fixed, consumer, token, RSA_SHA256, nonce="n", timestamp=1).header("Authorization")
        for consumer in consumers.values()
    }
    if len(headers) != 1:
        raise AssertionError("the key forms disagree on an RSA-SHA256 signature")

    def run_oauthcore(consumer: Consumer) -> Any:
        def run(urls: list[str]) -> None:
            for url in urls:
                sign(Request("GET", url), consumer, token, RSA_SHA256)

        return run

    def make_bases(count: int) -> list[bytes]:
        # Messages as long as the base strings oauthcore signs, each unique.
        size = len(signature_base(sign(fixed, consumers[PEM_KEY], token, RSA_SHA256)).base_string)
        return [secrets.token_bytes(size) for _ in range(count)]

    def run_cryptography(bases: list[bytes]) -> None:
        for message in bases:
            private.sign(message, pkcs1, sha256)

    client = oauthlib.oauth1.Client(
        CONSUMER[0],
        resource_owner_key=TOKEN[0],
        signature_method=oauthlib.oauth1.SIGNATURE_RSA_SHA256,
        rsa_key=pem.decode("ascii"),
    )

    def run_oauthlib(urls: list[str]) -> None:
        for url in urls:
            client.sign(url, "GET")

    contenders = [Contender(name, run_oauthcore(consumers[name]), _urls) for name in consumers]
    contenders.append(Contender(CRYPTOGRAPHY, run_cryptography, make_bases))
    contenders.append(Contender(OAUTHLIB, run_oauthlib, _urls))
    # An RSA operation is slow, so a repeat holds few: three times the repeats to steady the best.
    timings = by_name(
        compare(contenders, dataclasses.replace(settings, repeat=settings.repeat * 3))
    )
    print_table(
        "RSA-SHA256 header signing by key format, (a) GET, 2048-bit key",
        list(timings.values()),
        CRYPTOGRAPHY,
    )
    bare = timings[CRYPTOGRAPHY].best
    ours = timings[PEM_KEY].best
    verdict(
        "keys: a loaded key signs within 1.1x of cryptography's sign",
        ours / bare <= 1.1,
        f"{ours / bare:.3f}x ({ours * 1e6:.0f} vs {bare * 1e6:.0f} µs)",
    )
    slowest = max(timings[name].best for name in (P12_KEY, ENCRYPTED_KEY))
    verdict(
        "keys: a PKCS#12 or encrypted key signs as fast as a PEM key (within 1.05x)",
        slowest / ours <= 1.05,
        f"{slowest / ours:.3f}x of the PEM key",
    )
    external = timings[EXTERNAL].best
    verdict(
        "keys: a checked external signer costs at most 1.2x a loaded key",
        external / ours <= 1.2,
        f"{external / ours:.3f}x (the check is one RSA verification)",
    )
    theirs = timings[OAUTHLIB].best
    verdict(
        "keys: faster than oauthlib's RSA-SHA256 client",
        ours < theirs,
        f"oauthlib / oauthcore = {theirs / ours:.2f}x ({theirs * 1e6:.0f} vs {ours * 1e6:.0f} µs)",
    )
