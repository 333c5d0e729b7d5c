"""python-oauth2's API on Python 3, computed by oauthcore (RFC 5849): a one-line migration.

Code written for ``import oauth2 as oauth`` keeps working with that one line changed. Every
encoding, base string and signature is oauthcore's (RFC 5849); where python-oauth2 departed from
the RFC or was unsafe, this module follows the RFC (see docs/migrating-from-python-oauth2.md)::

    import transports.oauth2_compat as oauth

    consumer = oauth.Consumer(key="key", secret="secret")
    request = oauth.Request.from_consumer_and_token(consumer, http_url="https://api.example.com/")
    request.sign_request(oauth.SignatureMethod_HMAC_SHA1(), consumer, None)
    request.to_header()["Authorization"]

``Client`` is an ``httplib2.Http``: httplib2 loads when ``Client`` is first used, so everything
else works without the ``httplib2`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._extras import missing_extra
from ._credentials import Consumer, Token
from ._errors import Error, MissingSignature
from ._functions import (
    build_authenticate_header,
    escape,
    generate_nonce,
    generate_timestamp,
    generate_verifier,
)
from ._methods import SignatureMethod, SignatureMethod_HMAC_SHA1, SignatureMethod_PLAINTEXT
from ._request import HTTP_METHOD, OAUTH_VERSION, Request
from ._server import Server
from ._xoauth import build_xoauth_string

if TYPE_CHECKING:  # loads httplib2: see __getattr__
    from ._client import Client

SIGNATURE_METHOD = "PLAINTEXT"
"""python-oauth2's default signature method name for a request that names none
(RFC 5849 §3.4.4)."""

__all__ = [
    "HTTP_METHOD",
    "OAUTH_VERSION",
    "SIGNATURE_METHOD",
    "Client",
    "Consumer",
    "Error",
    "MissingSignature",
    "Request",
    "Server",
    "SignatureMethod",
    "SignatureMethod_HMAC_SHA1",
    "SignatureMethod_PLAINTEXT",
    "Token",
    "build_authenticate_header",
    "build_xoauth_string",
    "escape",
    "generate_nonce",
    "generate_timestamp",
    "generate_verifier",
]


def __getattr__(name: str) -> Any:
    """``Client`` on first use (PEP 562): only it needs httplib2, the ``httplib2`` extra."""
    if name != "Client":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from ._client import Client
    except ModuleNotFoundError as exc:
        if exc.name != "httplib2":
            raise
        raise missing_extra("oauth2_compat.Client", "httplib2") from exc
    return Client
