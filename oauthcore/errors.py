"""The core's errors: the OAuthError tree (HTTP status, Problem Reporting code) and ClientError.

RFC 5849 §3.2 decides the status: 400 (Bad Request) for unsupported or missing or duplicated
parameters and unsupported signature methods, 401 (Unauthorized) for invalid credentials,
signatures, timestamps and nonces. The ``problem`` codes are those of the OAuth Problem Reporting
extension (``oauth_problem``). Messages say what was wrong; they never carry a secret, a signing
key or an expected signature. ``ClientError`` is the root of what a client meets instead: the
client flow's reply errors and every ``transports.TransportError``.
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "ClientError",
    "ConsumerKeyUnknown",
    "NonceUsed",
    "OAuthError",
    "ParameterAbsent",
    "ParameterRejected",
    "SignatureInvalid",
    "SignatureMethodRejected",
    "TimestampRefused",
    "TokenExpired",
    "TokenRejected",
    "Unauthorized",
    "VerifierInvalid",
    "VersionRejected",
]


class ClientError(Exception):
    """Base of every error a client meets: a credentials reply, a callback, a transport (§2, §3.5).

    ``TokenResponseError`` and ``AuthorizationResponseError`` (the flow's replies) and
    ``transports.TransportError`` (no usable response: timeout, connection, TLS, host name,
    size cap, deadline, redirect) derive from it, so ``except ClientError`` catches them all.
    It lives in the core, which knows nothing of transports, so both sides can share it.
    """


class OAuthError(Exception):
    """Base of every OAuth protocol error (§3.2): an HTTP ``status`` and an ``oauth_problem``."""

    status: int = 400
    problem: str = "parameter_rejected"

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The name of the offending parameter, when one is to blame (``oauth_parameters_absent``).
        self.parameter = parameter


class BadRequest(OAuthError):
    """A malformed request: RFC 5849 §3.2 answers it with 400 (Bad Request)."""

    status = 400


class Unauthorized(OAuthError):
    """Well-formed but not authentic or not allowed: RFC 5849 §3.2 answers 401 (Unauthorized)."""

    status = 401
    problem = "signature_invalid"


class ParameterAbsent(BadRequest):
    """A required protocol parameter is missing (§3.2; problem ``parameter_absent``)."""

    problem = "parameter_absent"


class ParameterRejected(BadRequest):
    """A parameter is malformed, duplicated, unknown or sent in more than one place (§3.2, §3.5)."""

    problem = "parameter_rejected"


class SignatureMethodRejected(BadRequest):
    """The signature method is unknown or not accepted by this provider (§3.2)."""

    problem = "signature_method_rejected"


class VersionRejected(BadRequest):
    """``oauth_version`` is present and is not ``1.0`` (§3.1)."""

    problem = "version_rejected"


class SignatureInvalid(Unauthorized):
    """The signature (or the body hash) does not match the request (§3.2)."""

    problem = "signature_invalid"


class TimestampRefused(Unauthorized):
    """The timestamp lies outside the provider's window, in the past or the future (§3.3)."""

    problem = "timestamp_refused"

    def __init__(
        self,
        message: str,
        *,
        parameter: str | None = "oauth_timestamp",
        acceptable: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(message, parameter=parameter)
        #: The (oldest, newest) timestamps the provider would accept now: the problem report's
        #: ``oauth_acceptable_timestamps``, so a client with a wrong clock can correct it.
        self.acceptable = acceptable


class NonceUsed(Unauthorized):
    """The nonce was already used with this consumer, token and timestamp: a replay (§3.3)."""

    problem = "nonce_used"


class ConsumerKeyUnknown(Unauthorized):
    """The consumer key is not known to the provider (§3.2)."""

    problem = "consumer_key_unknown"


class TokenRejected(Unauthorized):
    """The token is unknown, expired, already used or of the wrong kind (§3.2)."""

    problem = "token_rejected"


class TokenExpired(Unauthorized):
    """The access token has expired; refresh it with its session handle (OAuth Session 1.0 §5.2).

    Problem ``token_expired`` (OAuth Problem Reporting): the client asks the Access Token URL
    for a new token with ``oauth_session_handle`` (§5.3) and sends the request again.
    """

    problem = "token_expired"


class VerifierInvalid(Unauthorized):
    """The verification code does not belong to the request token (§2.3)."""

    problem = "permission_denied"
