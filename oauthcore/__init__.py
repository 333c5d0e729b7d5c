"""oauthcore: OAuth 1.0a (RFC 5849) as immutable records and pure functions.

Sign a request::

    from oauthcore import Consumer, Token, Request, sign
    signed = sign(Request("GET", "https://api.example.com/photos?size=original"),
                  Consumer("key", "secret"), Token("tok", "tok-secret"))

Nothing here opens a socket or imports an HTTP library; ``transports`` sends what this signs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .base_string import (
    SignatureBase,
    base_string_uri,
    collect_parameters,
    normalize_parameters,
    signature_base,
)
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
from .records import Consumer, Request, Token
from .signing import Placement, hash_body, make_nonce, make_timestamp, sign

if TYPE_CHECKING:  # the provider side and the client flow load on first use (see below)
    from .client_flow import (
        AuthorizationResponseError,
        TokenResponseError,
        authorization_url,
        mask_token_secret,
        parse_authorization_response,
        parse_token_response,
    )
    from .credentials import CredentialStore, MemoryCredentialStore, TokenKind, TokenStore
    from .nonces import MemoryNonceStore, NonceStore
    from .policy import DEFAULT_METHODS, DEFAULT_POLICY, VerifyPolicy
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
    from .rsa import RsaKey
    from .verification import OAuthParams, Verified, check, parse, verify

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_METHODS",
    "DEFAULT_POLICY",
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
    "TokenStore",
    "Unauthorized",
    "Verified",
    "VerifierInvalid",
    "VerifyPolicy",
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

# The provider side (verification, nonce and credential stores, the provider flow, problem
# reports) and the client flow are imported when one of their names is first used: a program
# that only signs does not pay for them at ``import oauthcore`` (PEP 562).
_LAZY = {
    "RsaKey": "rsa",
    "AuthorizationResponseError": "client_flow",
    "CredentialStore": "credentials",
    "DEFAULT_METHODS": "policy",
    "DEFAULT_POLICY": "policy",
    "MemoryCredentialStore": "credentials",
    "MemoryNonceStore": "nonces",
    "NonceStore": "nonces",
    "OAuthParams": "verification",
    "ProblemResponse": "problems",
    "TemporaryCredentials": "provider_flow",
    "TokenKind": "credentials",
    "TokenResponseError": "client_flow",
    "TokenStore": "credentials",
    "Verified": "verification",
    "VerifyPolicy": "policy",
    "authorization_url": "client_flow",
    "authorize": "provider_flow",
    "callback_url": "provider_flow",
    "check": "verification",
    "exchange": "provider_flow",
    "issue_temporary_credentials": "provider_flow",
    "make_token": "provider_flow",
    "make_verifier": "provider_flow",
    "mask_token_secret": "client_flow",
    "parse": "verification",
    "parse_authorization_response": "client_flow",
    "parse_token_response": "client_flow",
    "problem_body": "problems",
    "problem_response": "problems",
    "token_response": "provider_flow",
    "verify": "verification",
    "www_authenticate": "problems",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'oauthcore' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # looked up once; later accesses are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
