"""Provider side: check a parsed request, or parse, look up and check in one call (RFC 5849 §3.2).

Theory of operation: ``parse`` (in ``oauthcore.parsing``) reads the request once. ``check`` and
``verify`` then run the same private checks in the same order: first what needs no secret (token
presence, version, signature method, PLAINTEXT only over https, body hash shape, timestamp), then
the signature in constant time, the body hash and the verifier, and the nonce last, so a refused
request never uses up a nonce. ``verify`` looks the secrets up through a ``CredentialStore`` in
between; an unknown consumer or token is checked against stand-in secrets, so the work done, and
by default the answer given, do not tell which consumer keys exist.
"""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from attrs import frozen

from .base_string import assemble_encoded
from .credentials import CredentialStore, TokenKind
from .errors import (
    ConsumerKeyUnknown,
    NonceUsed,
    ParameterAbsent,
    ParameterRejected,
    SignatureInvalid,
    SignatureMethodRejected,
    TimestampRefused,
    TokenRejected,
    VerifierInvalid,
    VersionRejected,
)
from .methods import HmacMethod, PlaintextMethod, RsaMethod, SignatureMethod
from .nonces import NonceStore
from .parsing import OAuthParams, parse, signed_parameters
from .policy import DEFAULT_METHODS, DEFAULT_POLICY, Methods, VerifyPolicy
from .records import Consumer, Request, Token
from .redaction import preview as _preview
from .signing import hash_body

if TYPE_CHECKING:  # pragma: no cover - typing only; a streamed body's digest loads its module
    from .bodies import BodyDigest

__all__ = [
    "DEFAULT_METHODS",
    "DEFAULT_POLICY",
    "Methods",
    "OAuthParams",
    "Verified",
    "VerifyPolicy",
    "check",
    "parse",
    "verify",
]

_BAD_SIGNATURE = (
    "oauth_signature does not match the request: compare the client's signature base string"
    " with oauthcore.base_string.signature_base(request) (RFC 5849 §3.4)"
)
# Stand-in secrets for an unknown consumer or token: the signature is computed all the same, so
# the time taken does not tell a missing key from a wrong signature. Nothing is ever accepted
# with them: an unknown consumer or token is refused whatever the signature says.
_DUMMY_SECRET = "oauthcore-unknown-credentials-stand-in-0000"  # noqa: S105 - authenticates nothing
# A 2048-bit RSA public key whose private half was discarded: RSA signatures from unknown
# consumers (or consumers without a registered key) are checked against it for equal work.
_DUMMY_RSA_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0KDMq7ekHUbc9Gu/xPfF
sQrhMgQ16wGCj2eN3oT8ZTwqpAUjOP+yBm3/SuLxto8iVQ39TAG9XXvEhUdkgvTQ
/driATAKhYe8cDumlDCL7eF/YkiRNDvQ0dSjFryZolweuWKNKvyJD27ulwwPbZDw
+R3GXP8m2pEv72WtBXJMTs0NqoQ83LzP6nXakVea3shN7OEvBl8lXPbe5PuhBf4x
qAiCScVEgb0covn8RIm8xp3ZRUazysH699Mk3PBMQljXyxFjO9qEYAbEzlU5bUuC
EwmAGTvHFGAQ4c0gT8SVcGKtBavD92YyoFja5kLVRbfIguay5y26UAZRVU4t1HX1
aQIDAQAB
-----END PUBLIC KEY-----
"""


@frozen
class Verified:
    """A request that passed ``verify``: who signed it, with which token, and its parameters (§3.2).

    ``token`` is ``None`` for a request made without a token (two-legged, or a temporary
    credentials request, §2.1).
    """

    consumer: Consumer
    token: Token | None
    params: OAuthParams


def _accepted_method(
    params: OAuthParams, methods: Mapping[str, SignatureMethod]
) -> SignatureMethod:
    method = methods.get(params.signature_method)
    if method is None:
        raise SignatureMethodRejected(
            f"signature method {_preview(params.signature_method)} is not accepted here; use one"
            f" of: {', '.join(methods)} (RFC 5849 §3.4)",
            parameter="oauth_signature_method",
        )
    return method


def _check_token_presence(params: OAuthParams, expected: bool, optional: bool) -> None:
    """A token where the endpoint takes one, none where it takes none (§2.1, §3.1)."""
    if not expected:
        if params.token is not None:
            raise ParameterRejected(
                "this endpoint takes no oauth_token, so the request must not carry an oauth_token"
                " (RFC 5849 §2.1, §3.1)",
                parameter="oauth_token",
            )
    elif params.token is None and not optional:
        raise ParameterAbsent(
            "oauth_token is missing; this request needs token credentials (RFC 5849 §3.1)",
            parameter="oauth_token",
        )


def _check_structure(
    request: Request, params: OAuthParams, policy: VerifyPolicy
) -> SignatureMethod:
    """The checks that need no secret and no clock: version, method, body hash shape (§3.2)."""
    if params.version is not None and params.version != "1.0":
        raise VersionRejected(
            f"oauth_version must be 1.0 when present, got {_preview(params.version)}"
            " (RFC 5849 §3.1)",
            parameter="oauth_version",
        )
    method = _accepted_method(params, policy.methods)
    if (
        method.name == "PLAINTEXT"
        and not policy.allow_plaintext_over_http
        and request.base_string_uri.startswith("http://")
    ):
        raise SignatureMethodRejected(
            "PLAINTEXT sends the secrets themselves and is refused over plain http; use https"
            " or another signature method (RFC 5849 §3.4.4)",
            parameter="oauth_signature_method",
        )
    if params.body_hash is not None:
        if request.is_form:
            raise ParameterRejected(
                "oauth_body_hash must not be sent with a form-encoded body (Body Hash §4.1.1)",
                parameter="oauth_body_hash",
            )
        if method.body_hash_algorithm is None:
            raise ParameterRejected(
                f"oauth_body_hash cannot be used with {method.name} (Body Hash §3.1)",
                parameter="oauth_body_hash",
            )
    return method


def _check_timestamp(params: OAuthParams, window: int, now: float) -> None:
    """Refuse a timestamp more than ``window`` seconds from ``now``, either way (§3.3)."""
    skew = params.timestamp - now
    if skew > window or -skew > window:
        where = "in the future" if skew > 0 else "in the past"
        current = int(now)
        raise TimestampRefused(
            f"oauth_timestamp is {int(abs(skew))} seconds {where}; this provider accepts"
            f" {window} seconds either way: check the client's clock (RFC 5849 §3.3)",
            acceptable=(current - window, current + window),
        )


# Made once: building a record per request made an unknown key measurably slower to refuse.
@functools.cache
def _stand_in_consumer() -> Consumer:
    return Consumer("oauthcore-unknown-consumer", _DUMMY_SECRET)


@functools.cache
def _stand_in_token() -> Token:
    return Token("oauthcore-unknown-token", _DUMMY_SECRET)


@functools.cache
def _dummy_rsa_consumer() -> Consumer:
    return Consumer("oauthcore-dummy", rsa_key=_DUMMY_RSA_PUBLIC_KEY)


def _signature_matches(
    request: Request,
    params: OAuthParams,
    method: SignatureMethod,
    consumer: Consumer,
    token: Token | None,
) -> bool:
    """Recompute the base string and let the method compare in constant time (§3.2, §3.4)."""
    parameters = signed_parameters(request, params)
    base = assemble_encoded(request.method, request.encoded_base_string_uri, parameters)
    if isinstance(method, RsaMethod):
        if consumer.rsa_key is None:
            # No public key to check against: the same work against the dummy key, then refuse.
            method.verify(base, params.signature, _dummy_rsa_consumer(), None)
            return False
    elif isinstance(method, (HmacMethod, PlaintextMethod)) and not consumer.secret:
        # No shared secret (an RSA-only consumer): anyone knowing the consumer key could sign
        # with the empty secret, so such a signature proves nothing. Same work, then refuse.
        method.verify(base, params.signature, Consumer(consumer.key, _DUMMY_SECRET), token)
        return False
    return method.verify(base, params.signature, consumer, token)


def _finish(
    request: Request,
    params: OAuthParams,
    method: SignatureMethod,
    verifier: str | None,
    nonces: NonceStore | None,
    body_digest: BodyDigest | None = None,
) -> None:
    """After a good signature: body hash, verifier, and only then the nonce (§3.2, §3.3)."""
    if params.body_hash is not None:
        algorithm = method.body_hash_algorithm
        assert algorithm is not None  # _check_structure refused the None case
        expected = (
            hash_body(request.body, algorithm)
            if body_digest is None
            else body_digest.value(algorithm)
        )
        if not hmac.compare_digest(
            params.body_hash.encode("utf-8", "surrogatepass"), expected.encode("ascii")
        ):
            raise SignatureInvalid(
                "oauth_body_hash does not match the request body (Body Hash §3.2)",
                parameter="oauth_body_hash",
            )
    if verifier is not None:
        if params.verifier is None:
            raise ParameterAbsent(
                "oauth_verifier is missing; it is required to exchange temporary credentials"
                " (RFC 5849 §2.3)",
                parameter="oauth_verifier",
            )
        if not hmac.compare_digest(
            params.verifier.encode("utf-8", "surrogatepass"), verifier.encode("utf-8")
        ):
            raise VerifierInvalid(
                "oauth_verifier does not match the one issued with these temporary credentials"
                " (RFC 5849 §2.3)",
                parameter="oauth_verifier",
            )
    if nonces is not None and not nonces.use(
        params.consumer_key, params.token, params.timestamp, params.nonce
    ):
        raise NonceUsed(
            "oauth_nonce was already used with this timestamp and these credentials: a replayed"
            " request is refused; send a fresh nonce (RFC 5849 §3.3)",
            parameter="oauth_nonce",
        )


def _unknown_consumer(params: OAuthParams) -> ConsumerKeyUnknown:
    return ConsumerKeyUnknown(
        f"unknown consumer key {_preview(params.consumer_key)} (RFC 5849 §3.2)",
        parameter="oauth_consumer_key",
    )


def _precheck(
    request: Request,
    params: OAuthParams,
    policy: VerifyPolicy,
    now: float | None,
    *,
    token_expected: bool,
    token_optional: bool = False,
) -> SignatureMethod:
    """What needs no secret, in order: token presence, structure, timestamp (§3.2, §3.3).

    Runs before any secret is looked up, so a malformed request costs no look-up.
    """
    if not isinstance(policy, VerifyPolicy):
        raise TypeError(f"policy must be a VerifyPolicy, not {type(policy).__name__}")
    _check_token_presence(params, token_expected, token_optional)
    method = _check_structure(request, params, policy)
    _check_timestamp(params, policy.window, time.time() if now is None else now)
    return method


def _authenticate(
    request: Request,
    params: OAuthParams,
    method: SignatureMethod,
    consumer: Consumer,
    token: Token | None,
    *,
    policy: VerifyPolicy,
    nonces: NonceStore | None,
    verifier: str | None,
    consumer_known: bool = True,
    token_known: bool = True,
    body_digest: BodyDigest | None = None,
) -> None:
    """The signature, then body hash, verifier and nonce (§3.2); unknown keys refused alike.

    An unknown consumer or token arrives here with stand-in secrets: the signature is computed
    all the same, and only then is the request refused, so the time taken tells nothing.
    """
    matches = _signature_matches(request, params, method, consumer, token)
    if not consumer_known and policy.reveal_unknown_consumer:
        raise _unknown_consumer(params)
    if not token_known:
        # Before the consumer's fate: a made-up consumer key answers as a real one would.
        raise TokenRejected(
            "the token in oauth_token is unknown, expired, already used or not of the kind"
            " this endpoint takes (RFC 5849 §3.2)",
            parameter="oauth_token",
        )
    if not (consumer_known and matches):
        # The reason is made whichever it is: an unknown consumer's refusal must cost what a bad
        # signature's costs, or its time would tell which consumer keys exist (RFC 5849 §4.4).
        unknown = _unknown_consumer(params)
        refusal = SignatureInvalid(_BAD_SIGNATURE, parameter="oauth_signature")
        if not consumer_known:
            raise refusal from unknown
        raise refusal
    _finish(request, params, method, verifier, nonces, body_digest)


def check(
    request: Request,
    params: OAuthParams,
    consumer: Consumer,
    token: Token | None = None,
    *,
    nonces: NonceStore | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
    now: float | None = None,
    verifier: str | None = None,
    body_digest: BodyDigest | None = None,
) -> None:
    """Check ``params`` (from ``parse(request)``) against the secrets you looked up (RFC 5849 §3.2).

    In order: token presence (``token`` given: required; ``None``: refused), version, accepted
    method, PLAINTEXT only over https, timestamp within ``policy.window`` seconds of ``now``
    (default: the clock), the signature in constant time, ``oauth_body_hash``, ``verifier`` (the
    one issued with a request token, §2.3), and last the nonce through ``nonces``. Returns
    ``None`` or raises the ``OAuthError`` to answer with. ``body_digest`` is the hash of a body
    read as a stream (``oauthcore.bodies``), for a ``request`` made without its body.
    """
    if body_digest is not None:
        _check_body_digest(request, body_digest)
    if consumer.key != params.consumer_key:
        raise ConsumerKeyUnknown(
            "the consumer given is not the one named by oauth_consumer_key (RFC 5849 §3.2)",
            parameter="oauth_consumer_key",
        )
    if token is not None and params.token is not None and token.key != params.token:
        raise TokenRejected(
            "the token given is not the one named by oauth_token (RFC 5849 §3.2)",
            parameter="oauth_token",
        )
    method = _precheck(request, params, policy, now, token_expected=token is not None)
    _authenticate(
        request,
        params,
        method,
        consumer,
        token,
        policy=policy,
        nonces=nonces,
        verifier=verifier,
        body_digest=body_digest,
    )


def verify(
    request: Request,
    credentials: CredentialStore,
    nonces: NonceStore | None,
    *,
    token_kind: TokenKind | None = TokenKind.ACCESS,
    token_optional: bool = False,
    policy: VerifyPolicy = DEFAULT_POLICY,
    now: float | None = None,
    verifier: str | None = None,
    body_digest: BodyDigest | None = None,
) -> Verified:
    """Parse, look up the secrets in ``credentials`` and check, in one call (RFC 5849 §3.2).

    ``token_kind`` is the kind of token the request must carry (``TokenKind.ACCESS`` for
    protected resources, ``TokenKind.REQUEST`` to exchange temporary credentials, ``None`` for
    none, as in a temporary-credentials request or a two-legged call); ``token_optional`` also
    lets requests without one through. ``nonces=None`` turns replay protection off, and must be
    said outright. An unknown consumer is refused as a bad signature (``SignatureInvalid``
    caused by ``ConsumerKeyUnknown``) unless ``policy.reveal_unknown_consumer``.
    ``body_digest`` is the hash of a body read as a stream, as for ``check``.

    >>> verified = verify(request, store, MemoryNonceStore())  # doctest: +SKIP
    >>> verified.consumer.key, verified.token.key  # doctest: +SKIP
    ('key', 'tok')
    """
    if token_kind is not None and not isinstance(token_kind, TokenKind):
        raise TypeError(f"token_kind must be a TokenKind or None, not {token_kind!r}")
    if body_digest is not None:  # tested here: the common call pays no function call for it
        _check_body_digest(request, body_digest)
    params = parse(request)
    method = _precheck(
        request,
        params,
        policy,
        now,
        token_expected=token_kind is not None,
        token_optional=token_optional,
    )
    consumer = credentials.consumer(params.consumer_key)
    consumer_known = consumer is not None
    if consumer is None:
        consumer = _stand_in_consumer()
    found: Token | None = None
    token_known = True
    if params.token is not None and token_kind is not None:
        found = credentials.token(params.consumer_key, params.token, token_kind)
        if found is None:
            token_known = False
            found = _stand_in_token()
    _authenticate(
        request,
        params,
        method,
        consumer,
        found,
        policy=policy,
        nonces=nonces,
        verifier=verifier,
        consumer_known=consumer_known,
        token_known=token_known,
        body_digest=body_digest,
    )
    return Verified(consumer, found, params)


def _check_body_digest(request: Request, body_digest: object) -> None:
    """A streamed body's digest goes with a request made without its body (Body Hash §3.2)."""
    from .bodies import _streamed_digest

    _streamed_digest(
        request.body,
        body_digest,
        "body_digest",
        accepted="an oauthcore.bodies.BodyDigest or None",
        carried="body_digest is the hash of a body read as a stream, but this request carries its"
        " body: give one or the other",
    )
