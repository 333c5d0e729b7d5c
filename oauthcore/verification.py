"""Provider side: parse a received request, check it, or do both in one call (RFC 5849 §3.2).

Theory of operation: ``parse`` reads the request once. It collects every signed parameter already
percent-encoded (the query, the OAuth Authorization header, a form body) and takes the ``oauth_*``
ones out, insisting that they come from exactly one place (§3.5) and appear once each. ``check``
then runs the cheap structural checks first (signature method, version, token, timestamp), then
the signature, in constant time, then the body hash and the verifier, and consumes the nonce
last: a refused request never uses up a nonce. ``verify`` adds the secret look-up through a
``CredentialStore``; an unknown consumer or token is checked against a dummy secret, so the work
done, and by default the answer given, do not tell which consumer keys exist.
"""

from __future__ import annotations

import functools
import hmac
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping

from attrs import field, frozen

from .base_string import assemble_encoded, body_text, encoded_form_items, encoded_parameters
from .credentials import CredentialStore, TokenKind
from .encoding import ITEM_SEPARATOR, OAUTH_ITEMS_END, percent_decode
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
from .header import is_oauth_authorization, parse_authorization_encoded, read_plain
from .methods import HmacMethod, PlaintextMethod, RsaMethod, SignatureMethod
from .nonces import NonceStore
from .policy import DEFAULT_METHODS, DEFAULT_POLICY, Methods, VerifyPolicy
from .records import Consumer, Request, Token
from .redaction import preview as _preview
from .signing import Placement, hash_body

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

_REQUIRED = (
    "oauth_consumer_key",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
)
_OPTIONAL = (
    "oauth_token",
    "oauth_version",
    "oauth_callback",
    "oauth_verifier",
    "oauth_body_hash",
)
_KNOWN = frozenset(_REQUIRED + _OPTIONAL)
_REQUIRED_SET = frozenset(_REQUIRED)
# How the oauth_signature item starts (§3.4.1.3.1: the signature never signs itself).
_SIGNATURE_ITEM = "oauth_signature" + ITEM_SEPARATOR
# Enum members looked up once: attribute access on an Enum class is slow before Python 3.12.
_QUERY, _HEADER, _BODY = Placement.QUERY, Placement.HEADER, Placement.BODY
# More digits than any time this century needs; it also keeps int() far from its slow sizes.
_MAX_TIMESTAMP_DIGITS = 12
_BAD_SIGNATURE = (
    "oauth_signature does not match the request: compare the client's signature base string"
    " with oauthcore.signature_base(request) (RFC 5849 §3.4)"
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
_PLACE_NAMES = {
    Placement.HEADER: "the Authorization header",
    Placement.QUERY: "the query string",
    Placement.BODY: "the form body",
}


# Not slotted: a frozen attrs class with a __dict__ gets an __init__ that fills the dict directly,
# several times cheaper than a slot assignment per field, and one is made per received request.
@frozen(slots=False)
class OAuthParams:
    """The protocol parameters of a received request, decoded, from one location (RFC 5849 §3.1).

    Made by ``parse``; ``signature`` and ``verifier`` never show in the repr (a PLAINTEXT
    signature is the secrets themselves).
    """

    consumer_key: str
    token: str | None
    signature_method: str
    signature: str = field(repr=False)
    timestamp: int
    nonce: str
    version: str | None
    callback: str | None
    verifier: str | None = field(repr=False)
    body_hash: str | None
    realm: str | None
    placement: Placement
    # What parse() saw, so check() need not read the request again: the request itself (to make
    # sure check() gets the same one) and its signed parameters, oauth_signature left out,
    # normalized and encoded as the base string holds them (§3.4.1.1, §3.4.1.3.2).
    _request: Request | None = field(default=None, init=False, repr=False, eq=False)
    _parameters: str = field(default="", init=False, repr=False, eq=False)


@frozen
class Verified:
    """A request that passed ``verify``: who signed it, with which token, and its parameters (§3.2).

    ``token`` is ``None`` for a request made without a token (two-legged, or a temporary
    credentials request, §2.1).
    """

    consumer: Consumer
    token: Token | None
    params: OAuthParams


def _take_oauth(
    items: list[str],
    placement: Placement,
    found: dict[str, str],
    signed: list[str],
) -> bool:
    """Put a location's encoded items in ``signed`` and its ``oauth_*`` ones, decoded, in ``found``.

    True when the location held any ``oauth_*`` parameter.
    """
    # One pass picks the protocol parameters out; the checks below then run on sets, in C.
    oauth = [item.partition(ITEM_SEPARATOR)[::2] for item in items if item[:6] == "oauth_"]
    if not oauth:
        signed.extend(items)
        return False
    if found:
        raise ParameterRejected(
            "OAuth protocol parameters must be sent in exactly one place, but they are in"
            f" {_PLACE_NAMES[placement]} and in another location too (RFC 5849 §3.5)"
        )
    names = {name for name, _ in oauth}
    if not names <= _KNOWN:
        name = next(name for name, _ in oauth if name not in _KNOWN)
        raise ParameterRejected(
            f"unknown protocol parameter {_preview(name)} (RFC 5849 §3.1)",
            parameter=name if len(name) <= 40 else None,
        )
    if len(names) != len(oauth):
        counts = Counter(name for name, _ in oauth)
        name = next(name for name, count in counts.items() if count > 1)
        raise ParameterRejected(
            f"{name} appears more than once; send each protocol parameter once (RFC 5849 §3.1)",
            parameter=name,
        )
    # Known protocol parameter names are unreserved: encoded and decoded alike.
    for name, value in oauth:
        found[name] = percent_decode(value)
    signed.extend([item for item in items if not item.startswith(_SIGNATURE_ITEM)])
    return True


def _check_presence(found: dict[str, str]) -> None:
    """Say which required protocol parameter is missing or empty, or which optional is empty."""
    for name in _REQUIRED:
        if not found.get(name):
            state = "is empty" if name in found else "is missing"
            raise ParameterAbsent(f"{name} {state}; it is required (RFC 5849 §3.1)", parameter=name)
    for name in _OPTIONAL[1:]:
        if found.get(name) == "":
            raise ParameterRejected(
                f"{name} is empty; leave it out or give it a value (RFC 5849 §3.1)",
                parameter=name,
            )


def _timestamp(found: dict[str, str]) -> int:
    """The value of ``oauth_timestamp``: ASCII digits, and not absurdly many (§3.3)."""
    text = found["oauth_timestamp"]
    if not (text.isascii() and text.isdigit()):
        raise ParameterRejected(
            "oauth_timestamp must be a whole number of seconds since 1970-01-01 in ASCII digits"
            f" (RFC 5849 §3.3), got {_preview(text)}",
            parameter="oauth_timestamp",
        )
    if len(text) > _MAX_TIMESTAMP_DIGITS:
        raise TimestampRefused(
            f"oauth_timestamp has {len(text)} digits, far beyond any current time (RFC 5849 §3.3)"
        )
    return int(text)


def _params(
    request: Request,
    found: dict[str, str],
    signed: list[str],
    placement: Placement,
    realm: str | None,
) -> OAuthParams:
    """The record of a parsed request: ``found`` decoded by name, ``signed`` as encoded items."""
    get = found.get
    # Positional: a call with keywords costs the interpreter a dict of them. An empty
    # oauth_token is how some clients say "no token" (§3.1 lets them leave it out).
    params = OAuthParams(
        found["oauth_consumer_key"],
        get("oauth_token") or None,
        found["oauth_signature_method"],
        found["oauth_signature"],
        _timestamp(found),
        found["oauth_nonce"],
        get("oauth_version"),
        get("oauth_callback"),
        get("oauth_verifier"),
        get("oauth_body_hash"),
        realm,
        placement,
    )
    # Filled as attrs' own __init__ fills a frozen record: through its __dict__.
    params.__dict__["_request"] = request
    signed.sort()  # already sorted on the plain path: then one pass to see it
    params.__dict__["_parameters"] = encoded_parameters(signed)
    return params


def _parse_plain(request: Request) -> OAuthParams | None:
    """``parse`` for the request most clients send, or ``None`` to leave it to ``_parse_any``.

    That request has one Authorization header of the plain shape (see ``read_plain``) holding
    every required protocol parameter once, only known ones, none empty, and none in its query
    or form body. Whatever this path accepts, ``_parse_any`` reads the same way (tested).
    """
    header = None
    for name, value in request.headers:
        if name.lower() == "authorization":
            if header is not None:
                return None
            header = value
    plain = None if header is None else read_plain(header)
    # Every value is quoted and none holds a quote: an empty one shows as ="" in the header.
    if header is None or plain is None or '=""' in header:
        return None
    own, found = plain
    if not (len(found) == len(own) and _KNOWN >= found.keys() >= _REQUIRED_SET):
        return None
    signed = encoded_form_items(request.query)
    if request.is_form:
        signed.extend(encoded_form_items(body_text(request)))
    signed.extend(own)
    signed.sort()
    # Sorted, the oauth_* items sit in one run: more there than the header's means a protocol
    # parameter elsewhere too, an error (§3.5) that the full path reports.
    start = bisect_left(signed, "oauth_")
    if bisect_left(signed, OAUTH_ITEMS_END, start) - start != len(own):
        return None
    del signed[bisect_left(signed, _SIGNATURE_ITEM, start)]
    return _params(request, found, signed, _HEADER, None)


def parse(request: Request) -> OAuthParams:
    """Read the OAuth protocol parameters of a received request (RFC 5849 §3.1, §3.5).

    They must come from exactly one of the Authorization header, the query and a form body, each
    at most once, all known; the required ones present and not empty. Raises ``ParameterAbsent``
    or ``ParameterRejected`` (400), or ``TimestampRefused`` (401) for an absurdly large timestamp.
    """
    if not isinstance(request, Request):
        raise TypeError(f"request must be an oauthcore.Request, not {type(request).__name__}")
    return _parse_plain(request) or _parse_any(request)


def _parse_any(request: Request) -> OAuthParams:
    """``parse`` for every request: each location read in full, each fault reported."""
    found: dict[str, str] = {}
    signed: list[str] = []
    placement: Placement | None = None
    realm: str | None = None

    if _take_oauth(encoded_form_items(request.query), _QUERY, found, signed):
        placement = _QUERY
    headers = [v for v in request.header_values("Authorization") if is_oauth_authorization(v)]
    if len(headers) > 1:
        raise ParameterRejected(
            "request has more than one OAuth Authorization header; send exactly one (§3.5.1)"
        )
    if headers:
        realm, header_pairs = parse_authorization_encoded(headers[0])
        items = list(map(ITEM_SEPARATOR.join, header_pairs))
        if _take_oauth(items, _HEADER, found, signed):
            placement = _HEADER
    if request.is_form and _take_oauth(
        encoded_form_items(body_text(request)), _BODY, found, signed
    ):
        placement = _BODY

    if placement is None:
        raise ParameterAbsent(
            "request is not OAuth-signed: no oauth_* parameters in the Authorization header,"
            " the query or a form body (RFC 5849 §3.5)",
            parameter="oauth_consumer_key",
        )
    # The usual case costs two C-level checks; only a failing request walks the names.
    if not (found.keys() >= _REQUIRED_SET and "" not in found.values()):
        _check_presence(found)
    return _params(request, found, signed, placement, realm)


def _parameters_again(request: Request, params: OAuthParams) -> str:
    """The encoded parameters of ``request``, for ``params`` parsed from another object."""
    again = parse(request)
    if again != params:
        raise ValueError("params were not parsed from this request: pass parse(request)")
    return again._parameters


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
    # params from parse(request) carry the encoded parameters; anything else is read again.
    if params._request is request:
        parameters = params._parameters
    else:
        parameters = _parameters_again(request, params)
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
) -> None:
    """After a good signature: body hash, verifier, and only then the nonce (§3.2, §3.3)."""
    if params.body_hash is not None:
        algorithm = method.body_hash_algorithm
        assert algorithm is not None  # _check_structure refused the None case
        expected = hash_body(request.body, algorithm)
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
    _finish(request, params, method, verifier, nonces)


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
) -> None:
    """Check ``params`` (from ``parse(request)``) against the secrets you looked up (RFC 5849 §3.2).

    In order: token presence (``token`` given: required; ``None``: refused), version, accepted
    method, PLAINTEXT only over https, timestamp within ``policy.window`` seconds of ``now``
    (default: the clock), the signature in constant time, ``oauth_body_hash``, ``verifier`` (the
    one issued with a request token, §2.3), and last the nonce through ``nonces``. Returns
    ``None`` or raises the ``OAuthError`` to answer with.
    """
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
        request, params, method, consumer, token, policy=policy, nonces=nonces, verifier=verifier
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
) -> Verified:
    """Parse, look up the secrets in ``credentials`` and check, in one call (RFC 5849 §3.2).

    ``token_kind`` is the kind of token the request must carry (``TokenKind.ACCESS`` for
    protected resources, ``TokenKind.REQUEST`` to exchange temporary credentials, ``None`` for
    none, as in a temporary-credentials request or a two-legged call); ``token_optional`` also
    lets requests without one through. ``nonces=None`` turns replay protection off, and must be
    said outright. An unknown consumer is refused as a bad signature (``SignatureInvalid``
    caused by ``ConsumerKeyUnknown``) unless ``policy.reveal_unknown_consumer``.

    >>> verified = verify(request, store, MemoryNonceStore())  # doctest: +SKIP
    >>> verified.consumer.key, verified.token.key  # doctest: +SKIP
    ('key', 'tok')
    """
    if token_kind is not None and not isinstance(token_kind, TokenKind):
        raise TypeError(f"token_kind must be a TokenKind or None, not {token_kind!r}")
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
    )
    return Verified(consumer, found, params)
