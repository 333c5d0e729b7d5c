"""RSA keys for RSA-SHA1/256/512 (RFC 5849 §3.4.3), loaded once through the optional `cryptography`.

Theory of operation: ``cryptography`` is imported on first use only, so ``import oauthcore`` stays
light and the RSA extra stays optional. A key is parsed once, when the ``RsaKey`` is made, and
reused for every signature. ``RsaKey.load`` takes every form a provider hands out: PEM (PKCS#1,
PKCS#8, encrypted with a passphrase), DER, PKCS#12 (``.p12``/``.pfx``, usually with a password)
and X.509 certificates (PEM or DER) whose public key verifies. The format is told from the data,
so one call loads any of them. ``RsaKey.external`` wraps a callable that signs elsewhere (a KMS,
an HSM): no private key is ever in the process. Every refusal is a ``ValueError`` (the data) or a
``TypeError`` (the argument) that names the format and never quotes the key or the passphrase.
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

__all__ = [
    "HASH_NAMES",
    "ExternalSign",
    "Passphrase",
    "PassphraseRequired",
    "RsaKey",
    "load_rsa_key",
]

_EXTRA_HINT = "RSA signature methods need the 'cryptography' package: pip install 'oauthcore[rsa]'"

HASH_NAMES = ("sha1", "sha256", "sha512")
"""The hashes of RSA-SHA1, RSA-SHA256 and RSA-SHA512 (§3.4.3), as ``RsaMethod.digest`` names
them."""

ExternalSign = Callable[[bytes], bytes]
"""A signer outside the process: the message (the base string's bytes) in, the RSASSA-PKCS1-v1_5
signature out (RFC 8017 §8.2), as a KMS or an HSM computes it."""
Passphrase = bytes | str
"""A passphrase for an encrypted key (§3.4.3): bytes, or text (encoded as UTF-8)."""

_ACCEPTED = (
    "PEM (PKCS#1, PKCS#8, encrypted PKCS#8), DER, PKCS#12 or an X.509 certificate (PEM or DER)"
)
# The algorithm of a key that is not RSA, by the class name `cryptography` gives it.
_OTHER_ALGORITHMS = {"EC": "an EC", "DSA": "a DSA", "Ed25519": "an Ed25519", "Ed448": "an Ed448"}


class PassphraseRequired(ValueError):
    """The key is encrypted (a PEM, DER or PKCS#12 file) and no passphrase was given (§3.4.3).

    A ``ValueError``, so one ``except ValueError`` catches every key mistake; a program that can
    ask for a passphrase catches this one, asks, and loads again with ``password=``.
    """


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

    Build one with ``RsaKey.load(data, password=...)`` (a key, a certificate or a PKCS#12 file),
    or ``RsaKey.external(sign, hash=...)`` for a key kept in a KMS or an HSM. Its repr shows no
    key material.
    """

    public: RSAPublicKey | None = field(repr=False)
    private: RSAPrivateKey | None = field(default=None, repr=False)
    #: The outside signer of an ``external`` key, and the one hash it signs with.
    signer: ExternalSign | None = field(default=None, repr=False, kw_only=True)
    signer_hash: str | None = field(default=None, repr=False, kw_only=True)

    @property
    def can_sign(self) -> bool:
        """True when this key holds the private half, or an external signer, and so can sign."""
        return self.private is not None or self.signer is not None

    @property
    def key_size(self) -> int | None:
        """The modulus size in bits; ``None`` for an external signer given no public key."""
        return None if self.public is None else self.public.key_size

    @classmethod
    def load(
        cls,
        data: RsaKey | str | bytes | bytearray | memoryview | KeyObject,
        *,
        password: Passphrase | None = None,
    ) -> RsaKey:
        """Parse a private key, public key, certificate or PKCS#12 file, or wrap a loaded key.

        PEM (PKCS#1, PKCS#8, encrypted with ``password``), DER, PKCS#12 (``.p12``, its key, else
        its certificate) and X.509 certificates (PEM or DER): the format is told from the data.
        An ``RsaKey`` is returned as it is. RFC 5849 §3.4.3 leaves key distribution to the provider.
        """
        if isinstance(data, RsaKey):
            return data
        raw = _as_bytes(data)
        if raw is None:
            return cls._wrap(data)
        secret = _passphrase(password)
        if b"-----BEGIN" in raw:
            return cls._wrap(_load_pem(raw, secret))
        return cls._wrap(_load_der(raw, secret))

    @classmethod
    def load_private(
        cls,
        data: RsaKey | str | bytes | bytearray | memoryview | KeyObject,
        *,
        password: Passphrase | None = None,
    ) -> RsaKey:
        """``load``, refusing what cannot sign (a public key, a certificate) (RFC 5849 §3.4.3.1).

        For a client: a certificate given by mistake is refused here, not at the first signature.
        """
        key = cls.load(data, password=password)
        if not key.can_sign:
            raise ValueError(
                "rsa_key: this is a public key or certificate: it verifies signatures but cannot"
                " make them; give the private key (PEM, DER or PKCS#12)"
            )
        return key

    @classmethod
    def external(
        cls,
        sign: ExternalSign,
        *,
        hash: str,
        public_key: str | bytes | KeyObject | RsaKey | None = None,
    ) -> RsaKey:
        """A key whose private half stays in a KMS or HSM: ``sign(message) -> signature`` (§3.4.3).

        ``sign`` gets the base string's bytes and returns the RSASSA-PKCS1-v1_5 signature with
        ``hash`` (``"sha1"``, ``"sha256"`` or ``"sha512"``, for RSA-SHA1/256/512). With
        ``public_key`` (a key or certificate) every signature returned is checked against it.
        """
        if not callable(sign):
            raise TypeError(f"sign must be a callable bytes -> bytes, not {type(sign).__name__}")
        if hash not in HASH_NAMES:
            raise ValueError(f"hash must be one of {', '.join(HASH_NAMES)}, got {hash!r}")
        public = None
        if public_key is not None:
            loaded = public_key if isinstance(public_key, RsaKey) else cls.load(public_key)
            public = loaded.public
        return cls(public, None, signer=sign, signer_hash=hash)

    @classmethod
    def _wrap(cls, obj: object) -> RsaKey:
        with _cryptography():
            import cryptography.hazmat.primitives.asymmetric.rsa as rsa
            import cryptography.x509 as x509
        if isinstance(obj, x509.Certificate):
            obj = obj.public_key()
        if isinstance(obj, rsa.RSAPrivateKey):
            return cls(obj.public_key(), obj)
        if isinstance(obj, rsa.RSAPublicKey):
            return cls(obj)
        kind = type(obj).__name__
        message = f"rsa_key: expected an RSA key or certificate, got {kind}"
        if type(obj).__module__.startswith("cryptography."):
            # A key, but not an RSA one: name its algorithm, which is what the caller must fix.
            algorithm = next(
                (name for prefix, name in _OTHER_ALGORITHMS.items() if kind.startswith(prefix)),
                "another algorithm's",
            )
            raise ValueError(f"{message}: this is {algorithm} key; RSA-SHA* need an RSA key")
        raise TypeError(message)

    def sign(self, message: bytes, hash_name: str) -> bytes:
        """RSASSA-PKCS1-v1_5 signature of ``message`` with ``hash_name`` (RFC 5849 §3.4.3)."""
        private = self.private
        if private is not None:  # the common case first: a loaded key, nothing else to decide
            padding, hashes = _padding_and_hash(hash_name)
            return private.sign(message, padding, hashes)
        if self.signer is None:
            raise ValueError("rsa_key: a public key or certificate can verify but not sign")
        return self._sign_outside(message, hash_name)

    def _sign_outside(self, message: bytes, hash_name: str) -> bytes:
        """Ask the external signer, then check what it returned (RFC 5849 §3.4.3.1)."""
        assert self.signer is not None  # checked by sign()
        if hash_name != self.signer_hash:
            raise ValueError(
                f"rsa_key: this external signer signs with {self.signer_hash}, not {hash_name};"
                f" use RSA-{str(self.signer_hash).upper()} or an external key made with"
                f" hash={hash_name!r}"
            )
        signature: object = self.signer(message)  # checked: a callable may return anything
        if isinstance(signature, (bytearray, memoryview)):
            signature = bytes(signature)
        if not isinstance(signature, bytes):
            raise TypeError(
                f"the external signer must return the signature as bytes, not"
                f" {type(signature).__name__}"
            )
        # A KMS key set up for PSS, another hash or another key gives a signature no provider
        # accepts: say so here, where it can be fixed, rather than as a provider's 401.
        if self.public is not None and not self.verify(signature, message, hash_name):
            raise ValueError(
                "rsa_key: the external signer's signature does not verify with the public key"
                " given: check that it is that key's signer and signs RSASSA-PKCS1-v1_5 with"
                f" {hash_name}"
            )
        return signature

    def verify(self, signature: bytes, message: bytes, hash_name: str) -> bool:
        """True when ``signature`` is a valid PKCS1-v1_5 signature of ``message`` (§3.4.3.2)."""
        if self.public is None:
            raise ValueError(
                "rsa_key: this external signer has no public key to verify with; give"
                " public_key= to RsaKey.external"
            )
        padding, hashes = _padding_and_hash(hash_name)
        with _cryptography():
            import cryptography.exceptions as exceptions
        try:
            self.public.verify(signature, message, padding, hashes)
        except exceptions.InvalidSignature:
            return False
        return True


def _as_bytes(data: object) -> bytes | None:
    """The bytes to parse, or ``None`` for an object to wrap as it is."""
    if isinstance(data, str):
        try:
            return data.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("rsa_key: PEM text must be ASCII") from None
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    return data if isinstance(data, bytes) else None


def _passphrase(password: object) -> bytes | None:
    if password is None or isinstance(password, bytes):
        return password
    if isinstance(password, str):
        return password.encode("utf-8")
    raise TypeError(f"password must be bytes or str, not {type(password).__name__}")


def _load_pem(data: bytes, password: bytes | None) -> object:
    """The key or certificate in PEM ``data``; a private key wins over others in a bundle."""
    with _cryptography():
        import cryptography.hazmat.primitives.serialization as serialization
        import cryptography.x509 as x509
    if b"PRIVATE KEY-----" in data:
        return _private_key(serialization.load_pem_private_key, data, password, "PEM")
    try:
        if b"CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return serialization.load_pem_public_key(data)
    except ValueError:
        raise ValueError(f"rsa_key: cannot read this PEM; expected {_ACCEPTED}") from None


def _load_der(data: bytes, password: bytes | None) -> object:
    """The key, certificate or PKCS#12 contents in DER ``data``, told apart by their structure."""
    with _cryptography():
        import cryptography.hazmat.primitives.serialization as serialization
        import cryptography.x509 as x509
    if _der_version(data) == 3:  # PFX (RFC 7292 §4): a SEQUENCE opening with version 3
        return _pkcs12(data, password)
    with contextlib.suppress(_NotAKey):
        return _private_key(serialization.load_der_private_key, data, password, "DER")
    with contextlib.suppress(ValueError):
        return x509.load_der_x509_certificate(data)
    try:
        return serialization.load_der_public_key(data)
    except ValueError:
        hint = " (give the key's contents, not its file name)" if data.isascii() else ""
        raise ValueError(f"rsa_key: not a key or certificate; expected {_ACCEPTED}{hint}") from None


class _NotAKey(ValueError):
    """The bytes are not a private key at all: the caller may try another format."""


def _private_key(
    load: Callable[..., object], data: bytes, password: bytes | None, form: str
) -> object:
    """``load(data, password)``, its failures told apart: missing, wrong or needless passphrase."""
    try:
        return load(data, password=password)
    except TypeError:
        # `cryptography` raises TypeError for exactly two things: no passphrase for an
        # encrypted key, and one for a key that is not encrypted.
        if password is None:
            raise PassphraseRequired(
                "rsa_key: the private key is encrypted: give its passphrase (password=...)"
            ) from None
        raise ValueError(
            "rsa_key: a passphrase was given but the private key is not encrypted"
        ) from None
    except ValueError:
        if password is not None and _is_encrypted(load, data):
            raise ValueError("rsa_key: wrong passphrase for the encrypted private key") from None
        if form == "DER":
            raise _NotAKey from None
        raise ValueError(
            f"rsa_key: cannot read this private key; expected {_ACCEPTED}"
            " (an OpenSSH key converts with: ssh-keygen -p -m PEM -f FILE)"
        ) from None


def _is_encrypted(load: Callable[..., object], data: bytes) -> bool:
    """True when ``data`` is an encrypted private key: loading it without a passphrase says so."""
    try:
        load(data, password=None)
    except TypeError:
        return True
    except ValueError:
        return False
    return False  # pragma: no cover - loads without a passphrase only if not encrypted, seen above


def _der_version(data: bytes) -> int | None:
    """The small INTEGER opening a DER SEQUENCE (a PFX's version), or ``None`` (X.690 §8.1)."""
    if len(data) < 5 or data[0] != 0x30:
        return None
    length_octets = data[1] & 0x7F if data[1] & 0x80 else 0
    start = 2 + length_octets
    if data[start : start + 2] != b"\x02\x01" or len(data) <= start + 2:
        return None
    return data[start + 2]


def _pkcs12(data: bytes, password: bytes | None) -> object:
    """The private key of a PKCS#12 file, else its one certificate (RFC 7292 §4)."""
    with _cryptography():
        from cryptography.hazmat.primitives.serialization import pkcs12
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        if password is None:
            raise PassphraseRequired(
                "rsa_key: the PKCS#12 file did not open without a passphrase: give its"
                " password (password=...); or it is damaged"
            ) from None
        raise ValueError(
            "rsa_key: the PKCS#12 file did not open with the passphrase given: wrong passphrase,"
            " or the file is damaged"
        ) from None
    if key is not None:
        return key
    # A certificate-only file (a trust store) may list its certificate among the "other" ones.
    certificates = [certificate] if certificate is not None else others
    if len(certificates) != 1:
        raise ValueError(
            f"rsa_key: the PKCS#12 file holds no private key and {len(certificates)}"
            " certificates, not one: export the consumer's certificate alone"
        )
    return certificates[0]


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
