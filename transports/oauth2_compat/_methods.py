"""python-oauth2's signature methods, computed by oauthcore's HMAC-SHA1 and PLAINTEXT (§3.4).

``SignatureMethod`` stays a base class to subclass, as before; its ``check`` now compares in
constant time. The two built-in methods hand the base string (built by oauthcore) and the
credentials to ``oauthcore.HMAC_SHA1`` / ``oauthcore.PLAINTEXT``, and return str signatures.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any, ClassVar

import oauthcore
from oauthcore.methods import signing_key

from ._values import text

if TYPE_CHECKING:
    from oauthcore import Consumer as CoreConsumer
    from oauthcore import Token as CoreToken

    from ._credentials import Consumer, Token
    from ._request import Request

__all__ = ["SignatureMethod", "SignatureMethod_HMAC_SHA1", "SignatureMethod_PLAINTEXT"]


class SignatureMethod:
    """A way of signing requests (RFC 5849 §3.4): subclass it and define ``name``,
    ``signing_base`` and ``sign``.

    ``body_hash_algorithm`` names the hash for ``oauth_body_hash`` (``None``: send none).
    """

    name: ClassVar[str] = ""
    body_hash_algorithm: ClassVar[str | None] = "sha1"

    def signing_base(self, request: Request, consumer: Consumer, token: Token | None) -> Any:
        """The (key, message) pair the signature is computed from (RFC 5849 §3.4)."""
        raise NotImplementedError

    def sign(self, request: Request, consumer: Consumer, token: Token | None) -> str:
        """The ``oauth_signature`` value for ``request`` (RFC 5849 §3.4)."""
        raise NotImplementedError

    def check(
        self, request: Request, consumer: Consumer, token: Token | None, signature: str | bytes
    ) -> bool:
        """True when ``signature`` is right for ``request``, compared in constant time (§3.2)."""
        built = text(self.sign(request, consumer, token)).encode("utf-8")
        return hmac.compare_digest(built, text(signature).encode("utf-8"))


def _core(consumer: Consumer, token: Token | None) -> tuple[CoreConsumer, CoreToken | None]:
    return consumer.core(), None if token is None else token.core()


class SignatureMethod_HMAC_SHA1(SignatureMethod):
    """HMAC-SHA1 over oauthcore's signature base string (RFC 5849 §3.4.2)."""

    name: ClassVar[str] = "HMAC-SHA1"
    body_hash_algorithm: ClassVar[str | None] = "sha1"

    def signing_base(
        self, request: Request, consumer: Consumer, token: Token | None
    ) -> tuple[bytes, bytes]:
        """The HMAC key and the base string, both ASCII bytes (RFC 5849 §3.4.1, §3.4.2)."""
        base = request.signature_base().base_string
        key = signing_key(*_core(consumer, token))
        return key.encode("ascii"), base.encode("ascii")

    def sign(self, request: Request, consumer: Consumer, token: Token | None) -> str:
        """Base64 of HMAC-SHA1(key, base string), computed by oauthcore (RFC 5849 §3.4.2)."""
        base = request.signature_base().base_string
        return oauthcore.HMAC_SHA1.sign(base, *_core(consumer, token))

    def check(
        self, request: Request, consumer: Consumer, token: Token | None, signature: str | bytes
    ) -> bool:
        """oauthcore's constant-time HMAC-SHA1 verification (RFC 5849 §3.4.2)."""
        base = request.signature_base().base_string
        return oauthcore.HMAC_SHA1.verify(base, text(signature), *_core(consumer, token))


class SignatureMethod_PLAINTEXT(SignatureMethod):
    """The encoded secrets joined by ``&`` as the signature; use it over TLS only (§3.4.4)."""

    name: ClassVar[str] = "PLAINTEXT"
    body_hash_algorithm: ClassVar[str | None] = None

    def signing_base(
        self, request: Request, consumer: Consumer, token: Token | None
    ) -> tuple[str, str]:
        """The signing key twice: PLAINTEXT signs no base string (RFC 5849 §3.4.4)."""
        key = signing_key(*_core(consumer, token))
        return key, key

    def sign(self, request: Request, consumer: Consumer, token: Token | None) -> str:
        """The encoded consumer secret ``&`` the encoded token secret (RFC 5849 §3.4.4)."""
        return oauthcore.PLAINTEXT.sign("", *_core(consumer, token))

    def check(
        self, request: Request, consumer: Consumer, token: Token | None, signature: str | bytes
    ) -> bool:
        """oauthcore's constant-time PLAINTEXT comparison (RFC 5849 §3.4.4)."""
        return oauthcore.PLAINTEXT.verify("", text(signature), *_core(consumer, token))
