"""Signature methods (RFC 5849 §3.4): HMAC-SHA1/256/512, RSA-SHA1/256/512 and PLAINTEXT.

A signature method is a value with a ``name``, the hash its body hash uses, and ``sign``/``verify``
over a base string. Any object with that shape (the ``SignatureMethod`` protocol) works wherever
the built-in ones do, so a provider-specific method needs no change here.
"""

from __future__ import annotations

from binascii import Error as BinasciiError
from binascii import a2b_base64, b2a_base64
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Protocol, runtime_checkable

from attrs import frozen

from .records import Consumer, Token

__all__ = [
    "HMAC_SHA1",
    "HMAC_SHA256",
    "HMAC_SHA512",
    "METHODS",
    "PLAINTEXT",
    "RSA_SHA1",
    "RSA_SHA256",
    "RSA_SHA512",
    "HmacMethod",
    "PlaintextMethod",
    "RsaMethod",
    "SignatureMethod",
    "signature_method",
    "signing_key",
]


@runtime_checkable
class SignatureMethod(Protocol):
    """What ``sign`` and ``verify`` need from a signature method (RFC 5849 §3.4)."""

    @property
    def name(self) -> str:
        """The ``oauth_signature_method`` value, e.g. ``"HMAC-SHA1"``."""

    @property
    def body_hash_algorithm(self) -> str | None:
        """The hashlib name used for ``oauth_body_hash``, or ``None`` where it brings nothing."""

    def sign(self, base_string: str, consumer: Consumer, token: Token | None) -> str:
        """The ``oauth_signature`` value for ``base_string`` (unencoded)."""

    def verify(
        self, base_string: str, signature: str, consumer: Consumer, token: Token | None
    ) -> bool:
        """True when ``signature`` is right for ``base_string``; constant-time where secret."""


def signing_key(consumer: Consumer, token: Token | None) -> str:
    """The HMAC key and PLAINTEXT signature: encoded secrets joined by ``&`` (§3.4.2, §3.4.4)."""
    if token is None:
        return f"{consumer._encoded_secret}&"
    return f"{consumer._encoded_secret}&{token._encoded_secret}"


def _b64(digest: bytes) -> str:
    return b2a_base64(digest, newline=False).decode("ascii")


# ``hmac`` once imported. Importing it loads OpenSSL, which ``import oauthcore`` defers to the
# first signature; an import statement in every call would cost more than a comparison.
_hmac: ModuleType | None = None


def _load_hmac() -> ModuleType:
    global _hmac  # set once, on first use
    import hmac

    _hmac = hmac
    return hmac


def _same(a: str, b: str) -> bool:
    """Constant-time equality of a received value ``a`` with the expected ASCII value ``b``."""
    compare: Callable[[str | bytes, str | bytes], bool] = (_hmac or _load_hmac()).compare_digest
    if a.isascii():
        return compare(a, b)
    # compare_digest on str insists on ASCII; a hostile signature may not be, so compare bytes.
    return compare(a.encode("utf-8", "surrogatepass"), b.encode("utf-8"))


@frozen
class HmacMethod:
    """HMAC over the base string keyed with the client's secrets (RFC 5849 §3.4.2)."""

    name: str
    digest: str

    @property
    def body_hash_algorithm(self) -> str:
        """The body hash follows the HMAC's hash (OAuth Request Body Hash §3.2)."""
        return self.digest

    def sign(self, base_string: str, consumer: Consumer, token: Token | None) -> str:
        """Base64 of HMAC(signing key, base string) (§3.4.2)."""
        key = signing_key(consumer, token).encode("utf-8")
        digest: Callable[[bytes, bytes, str], bytes] = (_hmac or _load_hmac()).digest
        return _b64(digest(key, base_string.encode("utf-8"), self.digest))

    def verify(
        self, base_string: str, signature: str, consumer: Consumer, token: Token | None
    ) -> bool:
        """Recompute and compare in constant time (§3.4.2)."""
        return _same(signature, self.sign(base_string, consumer, token))


@frozen
class PlaintextMethod:
    """The signing key itself as the signature; only safe over TLS (RFC 5849 §3.4.4)."""

    name: str = "PLAINTEXT"

    @property
    def body_hash_algorithm(self) -> None:
        """PLAINTEXT signs no content, so a body hash adds nothing (Body Hash §3.2)."""
        return None

    def sign(self, base_string: str, consumer: Consumer, token: Token | None) -> str:
        """The encoded consumer secret ``&`` the encoded token secret (§3.4.4)."""
        return signing_key(consumer, token)

    def verify(
        self, base_string: str, signature: str, consumer: Consumer, token: Token | None
    ) -> bool:
        """Compare with the signing key in constant time (§3.4.4)."""
        return _same(signature, signing_key(consumer, token))


@frozen
class RsaMethod:
    """RSASSA-PKCS1-v1_5 over the base string with the consumer's RSA key (RFC 5849 §3.4.3)."""

    name: str
    digest: str

    @property
    def body_hash_algorithm(self) -> str:
        """The body hash follows the RSA signature's hash (Body Hash §3.2)."""
        return self.digest

    def sign(self, base_string: str, consumer: Consumer, token: Token | None) -> str:
        """Base64 of the PKCS1-v1_5 signature with ``consumer.rsa_key`` (§3.4.3.1)."""
        if consumer.rsa_key is None:
            raise ValueError(f"{self.name} needs an RSA private key: Consumer(..., rsa_key=pem)")
        return _b64(consumer.rsa_key.sign(base_string.encode("utf-8"), self.digest))

    def verify(
        self, base_string: str, signature: str, consumer: Consumer, token: Token | None
    ) -> bool:
        """Check the signature with the consumer's public key or certificate (§3.4.3.2)."""
        if consumer.rsa_key is None:
            raise ValueError(f"{self.name} needs the consumer's RSA public key to verify")
        try:
            raw = a2b_base64(signature.encode("ascii"), strict_mode=True)
        except (BinasciiError, UnicodeEncodeError):
            return False
        return consumer.rsa_key.verify(raw, base_string.encode("utf-8"), self.digest)


HMAC_SHA1 = HmacMethod("HMAC-SHA1", "sha1")
"""HMAC-SHA1 with the consumer and token secrets as the key (RFC 5849 §3.4.2); the default."""
HMAC_SHA256 = HmacMethod("HMAC-SHA256", "sha256")
"""§3.4.2 with SHA-256 (as NetSuite, WooCommerce and Magento sign); body hash SHA-256."""
HMAC_SHA512 = HmacMethod("HMAC-SHA512", "sha512")
"""§3.4.2 with SHA-512; body hash SHA-512."""
RSA_SHA1 = RsaMethod("RSA-SHA1", "sha1")
"""RSA PKCS#1 v1.5 over SHA-1 with the consumer's RSA key (RFC 5849 §3.4.3), as Jira signs."""
RSA_SHA256 = RsaMethod("RSA-SHA256", "sha256")
"""§3.4.3 over SHA-256 (as Mastercard signs); body hash SHA-256."""
RSA_SHA512 = RsaMethod("RSA-SHA512", "sha512")
"""§3.4.3 over SHA-512; body hash SHA-512."""
PLAINTEXT = PlaintextMethod()
"""The secrets themselves as the signature (RFC 5849 §3.4.4): only over https."""

METHODS: Mapping[str, SignatureMethod] = {
    method.name: method
    for method in (
        HMAC_SHA1,
        HMAC_SHA256,
        HMAC_SHA512,
        RSA_SHA1,
        RSA_SHA256,
        RSA_SHA512,
        PLAINTEXT,
    )
}
"""Every built-in method by its ``oauth_signature_method`` name (§3.4, §3.1)."""


def signature_method(name: str) -> SignatureMethod:
    """The built-in method called ``name`` (``"HMAC-SHA256"``); ``ValueError`` if none (§3.4)."""
    if not isinstance(name, str):
        raise TypeError(f"signature method name must be a str, not {type(name).__name__}")
    try:
        return METHODS[name.upper()]
    except KeyError:
        known = ", ".join(METHODS)
        raise ValueError(f"unknown signature method {name!r}; known: {known}") from None
