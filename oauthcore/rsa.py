"""RSA keys for RSA-SHA1/256/512 (RFC 5849 §3.4.3), loaded once through the optional `cryptography`.

``cryptography`` is imported on first use only, so ``import oauthcore`` stays light and the RSA
extra stays optional. A key is parsed once, when the ``RsaKey`` is made, and reused for every
signature.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from attrs import field, frozen

if TYPE_CHECKING:  # pragma: no cover - typing only; cryptography loads lazily at run time
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
    from cryptography.hazmat.primitives.hashes import HashAlgorithm
    from cryptography.x509 import Certificate

    KeyObject = RSAPrivateKey | RSAPublicKey | Certificate

__all__ = ["RsaKey", "load_rsa_key"]

_EXTRA_HINT = "RSA signature methods need the 'cryptography' package: pip install 'oauthcore[rsa]'"


@contextlib.contextmanager
def _cryptography() -> Iterator[None]:
    """Around the imports of `cryptography` a function needs: a missing one names the extra."""
    try:
        yield
    except ImportError as exc:
        raise ModuleNotFoundError(_EXTRA_HINT, name="cryptography") from exc


@frozen
class RsaKey:
    """A parsed RSA key (RFC 5849 §3.4.3): a private key signs and verifies, a public one verifies.

    Build one with ``RsaKey.load(pem)`` (a key or a certificate); its repr never shows key material.
    """

    public: RSAPublicKey = field(repr=False)
    private: RSAPrivateKey | None = field(default=None, repr=False)

    @property
    def can_sign(self) -> bool:
        """True when this key holds the private half and so can sign."""
        return self.private is not None

    @property
    def key_size(self) -> int:
        """The modulus size in bits."""
        return self.public.key_size

    @classmethod
    def load(cls, data: str | bytes | KeyObject, *, password: bytes | None = None) -> RsaKey:
        """Parse a PEM (or DER) private key, public key or X.509 certificate, or wrap a loaded one.

        Accepts PKCS#1 and PKCS#8 private keys, SubjectPublicKeyInfo and PKCS#1 public keys, and
        certificates (RFC 5849 §3.4.3 leaves key distribution to the provider).
        """
        if isinstance(data, str):
            try:
                data = data.encode("ascii")
            except UnicodeEncodeError:
                raise ValueError("rsa_key: PEM text must be ASCII") from None
        if not isinstance(data, bytes):
            return cls._wrap(data)
        with _cryptography():
            import cryptography.hazmat.primitives.serialization as serialization
            import cryptography.x509 as x509
        pem = b"-----BEGIN" in data
        if b"PRIVATE KEY" in data or not pem:
            try:
                private = (
                    serialization.load_pem_private_key(data, password=password)
                    if pem
                    else serialization.load_der_private_key(data, password=password)
                )
                return cls._wrap(private)
            except (ValueError, TypeError) as exc:
                if pem:
                    raise ValueError(f"rsa_key: cannot load the private key: {exc}") from None
        if b"CERTIFICATE" in data:
            try:
                return cls._wrap(x509.load_pem_x509_certificate(data))
            except ValueError as exc:
                raise ValueError(f"rsa_key: cannot load the certificate: {exc}") from None
        try:
            public = (
                serialization.load_pem_public_key(data)
                if pem
                else serialization.load_der_public_key(data)
            )
            return cls._wrap(public)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"rsa_key: not an RSA key or certificate ({exc})") from None

    @classmethod
    def _wrap(cls, obj: object) -> RsaKey:
        with _cryptography():
            import cryptography.hazmat.primitives.asymmetric.rsa as rsa
            import cryptography.x509 as x509
        if isinstance(obj, x509.Certificate):
            obj = obj.public_key()
        if isinstance(obj, rsa.RSAPrivateKey):
            return cls(public=obj.public_key(), private=obj)
        if isinstance(obj, rsa.RSAPublicKey):
            return cls(public=obj)
        message = f"rsa_key: expected an RSA key or certificate, got {type(obj).__name__}"
        if type(obj).__module__.startswith("cryptography."):
            raise ValueError(message)  # a key, but not an RSA one (EC, Ed25519, ...)
        raise TypeError(message)

    def sign(self, message: bytes, hash_name: str) -> bytes:
        """RSASSA-PKCS1-v1_5 signature of ``message`` with ``hash_name`` (RFC 5849 §3.4.3)."""
        if self.private is None:
            raise ValueError("rsa_key: a public key or certificate can verify but not sign")
        padding, hashes = _padding_and_hash(hash_name)
        return self.private.sign(message, padding, hashes)

    def verify(self, signature: bytes, message: bytes, hash_name: str) -> bool:
        """True when ``signature`` is a valid PKCS1-v1_5 signature of ``message`` (§3.4.3.2)."""
        padding, hashes = _padding_and_hash(hash_name)
        with _cryptography():
            import cryptography.exceptions as exceptions
        try:
            self.public.verify(signature, message, padding, hashes)
        except exceptions.InvalidSignature:
            return False
        return True


@functools.cache
def _padding_and_hash(hash_name: str) -> tuple[PKCS1v15, HashAlgorithm]:
    # Built once per hash: these objects are immutable, and signing must cost no more than RSA.
    with _cryptography():
        import cryptography.hazmat.primitives.asymmetric.padding as padding
        import cryptography.hazmat.primitives.hashes as hashes
    algorithms: dict[str, Callable[[], HashAlgorithm]] = {
        "sha1": hashes.SHA1,
        "sha256": hashes.SHA256,
        "sha512": hashes.SHA512,
    }
    return padding.PKCS1v15(), algorithms[hash_name]()


def load_rsa_key(data: RsaKey | str | bytes | KeyObject | None) -> RsaKey | None:
    """Converter for ``Consumer.rsa_key`` (§3.4.3): ``None`` stays ``None``, the rest loads once."""
    if data is None or isinstance(data, RsaKey):
        return data
    return RsaKey.load(data)
