"""oauthcore: OAuth 1.0a (RFC 5849) as immutable records and pure functions.

Sign a request::

    from oauthcore import Consumer, Token, Request, sign
    signed = sign(Request("GET", "https://api.example.com/photos?size=original"),
                  Consumer("key", "secret"), Token("tok", "tok-secret"))

Nothing here opens a socket or imports an HTTP library; ``transports`` sends what this signs.
"""

from __future__ import annotations

from .base_string import (
    SignatureBase,
    base_string_uri,
    collect_parameters,
    normalize_parameters,
    signature_base,
)
from .client_flow import (
    AuthorizationResponseError,
    TokenResponseError,
    authorization_url,
    mask_token_secret,
    parse_authorization_response,
    parse_token_response,
)
from .credentials import CredentialStore, MemoryCredentialStore, TokenKind
from .encoding import decode_form, percent_decode, percent_encode
from .errors import (
    BadRequest,
    ConsumerKeyUnknown,
    NonceUsed,
    OAuthError,
    ParameterAbsent,
    ParameterRejected,
    SignatureInvalid,
    SignatureMethodRejected,
    TimestampRefused,
    TokenRejected,
    Unauthorized,
    VerifierInvalid,
    VersionRejected,
)
from .header import parse_authorization, render_authorization
from .methods import (
    HMAC_SHA1,
    HMAC_SHA256,
    HMAC_SHA512,
    METHODS,
    PLAINTEXT,
    RSA_SHA1,
    RSA_SHA256,
    RSA_SHA512,
    HmacMethod,
    PlaintextMethod,
    RsaMethod,
    SignatureMethod,
    signature_method,
)
from .nonces import MemoryNonceStore, NonceStore
from .problems import ProblemResponse, problem_body, problem_response, www_authenticate
from .provider_flow import (
    TemporaryCredentials,
    authorize,
    callback_url,
    exchange,
    issue_temporary_credentials,
    make_token,
    make_verifier,
    token_response,
)
from .records import Consumer, Request, Token
from .rsa import RsaKey
from .signing import Placement, hash_body, make_nonce, make_timestamp, sign
from .verification import DEFAULT_METHODS, OAuthParams, Verified, check, parse, verify

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_METHODS",
    "HMAC_SHA1",
    "HMAC_SHA256",
    "HMAC_SHA512",
    "METHODS",
    "PLAINTEXT",
    "RSA_SHA1",
    "RSA_SHA256",
    "RSA_SHA512",
    "AuthorizationResponseError",
    "BadRequest",
    "Consumer",
    "ConsumerKeyUnknown",
    "CredentialStore",
    "HmacMethod",
    "MemoryCredentialStore",
    "MemoryNonceStore",
    "NonceStore",
    "NonceUsed",
    "OAuthError",
    "OAuthParams",
    "ParameterAbsent",
    "ParameterRejected",
    "Placement",
    "PlaintextMethod",
    "ProblemResponse",
    "Request",
    "RsaKey",
    "RsaMethod",
    "SignatureBase",
    "SignatureInvalid",
    "SignatureMethod",
    "SignatureMethodRejected",
    "TemporaryCredentials",
    "TimestampRefused",
    "Token",
    "TokenKind",
    "TokenRejected",
    "TokenResponseError",
    "Unauthorized",
    "Verified",
    "VerifierInvalid",
    "VersionRejected",
    "__version__",
    "authorization_url",
    "authorize",
    "base_string_uri",
    "callback_url",
    "check",
    "collect_parameters",
    "decode_form",
    "exchange",
    "hash_body",
    "issue_temporary_credentials",
    "make_nonce",
    "make_timestamp",
    "make_token",
    "make_verifier",
    "mask_token_secret",
    "normalize_parameters",
    "parse",
    "parse_authorization",
    "parse_authorization_response",
    "parse_token_response",
    "percent_decode",
    "percent_encode",
    "problem_body",
    "problem_response",
    "render_authorization",
    "sign",
    "signature_base",
    "signature_method",
    "token_response",
    "verify",
    "www_authenticate",
]
