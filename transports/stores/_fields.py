"""What the shared stores write: hashed keys and records as flat text fields (RFC 5849 §2, §3.3).

Every store keys its entries by a SHA-256 of the values a client chose (consumer key, token,
timestamp, nonce), so a hostile value can neither collide with another nor make a key longer
than 64 hex digits. Records are flat ``str`` mappings, the same for Redis hashes and SQL rows;
an RSA consumer keeps only its public key, the half a provider verifies with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from oauthcore import Consumer, Token
from oauthcore.provider import TemporaryCredentials
from oauthcore.records import Pairs

__all__ = [
    "DEFAULT_PENDING_TTL",
    "check_ttl",
    "consumer_fields",
    "consumer_from",
    "digest",
    "expiry",
    "owner_from",
    "pairs_text",
    "storable",
    "temporary_fields",
    "temporary_from",
    "text",
    "token_fields",
    "token_from",
]


def digest(*parts: str | int | None) -> str:
    """SHA-256 (hex) of the parts, unambiguously joined: JSON keeps ``None`` and each boundary.

    JSON escapes lone surrogates, so any ``str`` a hostile request decodes to can be hashed.
    """
    return hashlib.sha256(json.dumps(parts).encode("ascii")).hexdigest()


#: Seconds a request token stays pending before it expires (RFC 5849 §2.1 leaves it open).
DEFAULT_PENDING_TTL = 900


def _seconds(name: str, value: int, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int of seconds, not {type(value).__name__}")
    if value < least:
        if least == 0:
            raise ValueError(f"{name} must not be negative, got {value}")
        raise ValueError(f"{name} must be at least {least} second, got {value}")
    return value


def check_ttl(name: str, value: int) -> int:
    """A positive whole number of seconds, or a ``TypeError``/``ValueError``."""
    return _seconds(name, value, 1)


def expiry(window: int, clock_skew: int) -> int:
    """Seconds a nonce must be kept: a request passes the timestamp check during ``2 * window``
    seconds of the verifying hosts' clocks, which may differ by ``clock_skew`` (§3.3).
    """
    return 2 * _seconds("window", window, 0) + _seconds("clock_skew", clock_skew, 0) + 1


def storable(*values: str) -> bool:
    """Whether a store can hold these strings: UTF-8 without NUL (PostgreSQL refuses NUL).

    A value that is not cannot have been stored, so a look-up for it finds nothing.
    """
    for value in values:
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def text(value: str | bytes) -> str:
    """A value as Redis or a driver returned it (``bytes`` unless decoded), as ``str``."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def pairs_text(pairs: Pairs) -> str:
    """Ordered pairs (a token's ``extra``, the resource owner) as JSON text."""
    return json.dumps([list(pair) for pair in pairs])


def owner_from(value: str | None) -> Pairs:
    """Pairs written by ``pairs_text`` (or none)."""
    if not value:
        return ()
    return tuple((str(name), str(item)) for name, item in json.loads(value))


def _public_pem(consumer: Consumer) -> str:
    if consumer.rsa_key is None:
        return ""
    if consumer.rsa_key.public is None:
        # An external signer given no public_key (RsaKey.external): a store keeps what a provider
        # verifies with, and there is nothing to verify with here.
        raise ValueError(
            f"consumer {consumer.key!r} has an RSA signer without a public key: a store keeps the"
            " public key the provider verifies with (RFC 5849 §3.4.3); give RsaKey.external its"
            " public_key"
        )
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pem = consumer.rsa_key.public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


def consumer_fields(consumer: Consumer) -> dict[str, str]:
    """A consumer's key, shared secret and RSA public key (PEM, or empty) (RFC 5849 §1.1)."""
    if not isinstance(consumer, Consumer):
        raise TypeError(f"consumer must be an oauthcore.Consumer, not {type(consumer).__name__}")
    return {"key": consumer.key, "secret": consumer.secret, "rsa_key": _public_pem(consumer)}


def consumer_from(fields: Mapping[str, str]) -> Consumer:
    """The ``Consumer`` that ``consumer_fields`` wrote."""
    return Consumer(fields["key"], fields["secret"], rsa_key=fields["rsa_key"] or None)


def token_fields(consumer_key: str, token: Token) -> dict[str, str]:
    """A token and the consumer it was issued to, as text fields (RFC 5849 §2.1, §2.3)."""
    if not isinstance(token, Token):
        raise TypeError(f"token must be an oauthcore.Token, not {type(token).__name__}")
    return {
        "consumer": consumer_key,
        "key": token.key,
        "secret": token.secret,
        "confirmed": "1" if token.callback_confirmed else "",
        "extra": pairs_text(token.extra),
    }


def token_from(fields: Mapping[str, str]) -> Token:
    """The ``Token`` that ``token_fields`` wrote."""
    return Token(
        fields["key"],
        fields["secret"],
        callback_confirmed=bool(fields["confirmed"]),
        extra=owner_from(fields["extra"]),
    )


def temporary_fields(temporary: TemporaryCredentials) -> dict[str, str]:
    """Pending temporary credentials: the request token, its consumer and callback (§2.1)."""
    fields = token_fields(temporary.consumer_key, temporary.token)
    fields["callback"] = temporary.callback
    return fields


def temporary_from(fields: Mapping[str, str]) -> tuple[TemporaryCredentials, Pairs]:
    """The pending record and the resource owner's pairs (empty until authorized, §2.2)."""
    record = TemporaryCredentials(
        fields["consumer"], token_from(fields), fields["callback"], fields.get("verifier") or None
    )
    return record, owner_from(fields.get("owner"))
