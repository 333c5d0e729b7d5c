"""oauthcore: OAuth 1.0a (RFC 5849) as immutable records and pure functions.

Sign a request::

    from oauthcore import Consumer, Token, Request, sign
    signed = sign(Request("GET", "https://api.example.com/photos?size=original"),
                  Consumer("key", "secret"), Token("tok", "tok-secret"))

The top level holds what most programs use: the records, ``sign``, ``verify`` (``parse`` and
``check``), the signature methods, the errors and the stores. The rest is in namespaces:

- ``oauthcore.client``: the client side of the three-legged flow (§2)
- ``oauthcore.provider``: the provider side of the three-legged flow (§2), problem reports (§3.2)
- ``oauthcore.methods``, ``oauthcore.rsa``: the ``SignatureMethod`` protocol, ``RsaKey`` (§3.4)
- ``oauthcore.encoding``, ``oauthcore.base_string``, ``oauthcore.header``, ``oauthcore.signing``:
  the primitives: percent-encoding (§3.6), the base string (§3.4.1), the Authorization header
  (§3.5.1), nonces, timestamps and the body hash (§3.3)
- ``oauthcore.policy``: ``DEFAULT_POLICY`` and ``DEFAULT_METHODS`` (§3.2)
- ``oauthcore.diagnosis``: why a signature was refused, two base strings compared (§3.4.1)
- ``oauthcore.bodies``, ``oauthcore.multipart``: streamed bodies and their ``oauth_body_hash``;
  multipart/form-data signed by a declared policy

Nothing here opens a socket or imports an HTTP library; ``transports`` sends what this signs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import (
    BadRequest,
    ClientError,
    ConsumerKeyUnknown,
    NonceUsed,
    OAuthError,
    ParameterAbsent,
    ParameterRejected,
    SignatureInvalid,
    SignatureMethodRejected,
    TimestampRefused,
    TokenExpired,
    TokenRejected,
    Unauthorized,
    VerifierInvalid,
    VersionRejected,
)
from .methods import (
    HMAC_SHA1,
    HMAC_SHA256,
    HMAC_SHA512,
    METHODS,
    PLAINTEXT,
    RSA_SHA1,
    RSA_SHA256,
    RSA_SHA512,
)
from .records import Consumer, Request, Token
from .signing import Placement, sign

if TYPE_CHECKING:  # the provider side, loaded on first use of one of its names (see below)
    from .credentials import CredentialStore, MemoryCredentialStore, TokenKind, TokenStore
    from .diagnosis import Cause, Component, Diagnosis, Difference, diff_base_strings, diff_requests
    from .nonces import MemoryNonceStore, NonceStore
    from .parsing import OAuthParams, parse
    from .policy import VerifyPolicy
    from .verification import Verified, check, verify

__version__ = "0.1.0"
"""The version of this OAuth 1.0a (RFC 5849) implementation."""

__all__ = [
    "HMAC_SHA1",
    "HMAC_SHA256",
    "HMAC_SHA512",
    "METHODS",
    "PLAINTEXT",
    "RSA_SHA1",
    "RSA_SHA256",
    "RSA_SHA512",
    "BadRequest",
    "Cause",
    "ClientError",
    "Component",
    "Consumer",
    "ConsumerKeyUnknown",
    "CredentialStore",
    "Diagnosis",
    "Difference",
    "MemoryCredentialStore",
    "MemoryNonceStore",
    "NonceStore",
    "NonceUsed",
    "OAuthError",
    "OAuthParams",
    "ParameterAbsent",
    "ParameterRejected",
    "Placement",
    "Request",
    "SignatureInvalid",
    "SignatureMethodRejected",
    "TimestampRefused",
    "Token",
    "TokenExpired",
    "TokenKind",
    "TokenRejected",
    "TokenStore",
    "Unauthorized",
    "Verified",
    "VerifierInvalid",
    "VerifyPolicy",
    "VersionRejected",
    "__version__",
    "check",
    "diff_base_strings",
    "diff_requests",
    "parse",
    "sign",
    "verify",
]

# The provider side (parsing, verification, its policy, the nonce and credential stores) is
# imported when one of its names is first used: a program that only signs does not pay for it at
# ``import oauthcore`` (PEP 562). The names are those of ``__all__`` these submodules define.
_PROVIDER_SIDE = ("parsing", "verification", "policy", "nonces", "credentials", "diagnosis")


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module 'oauthcore' has no attribute {name!r}")
    public = globals()
    for submodule in _PROVIDER_SIDE:
        module = importlib.import_module(f".{submodule}", __name__)
        # Bound here once: later accesses are plain module attributes.
        public.update({key: getattr(module, key) for key in module.__all__ if key in __all__})
    return public[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
