"""python-oauth2's ``Server``, checking requests with oauthcore's provider verification (§3.2).

Theory of operation: the compat ``Request`` is turned back into the request the provider received
(an ``oauthcore.Request``): its URL with the query it was sent with, its other parameters added
to that query (where they sit does not change the base string, §3.4.1.3), its ``oauth_*``
parameters in an Authorization header, and its raw body for ``oauth_body_hash``. Then
``oauthcore.parse`` and ``oauthcore.check`` do every check: version, accepted method, timestamp
window both ways, signature in constant time, body hash and, given a ``NonceStore``, replays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import oauthcore
from oauthcore import NonceStore, OAuthError, SignatureInvalid, percent_encode
from oauthcore import Request as CoreRequest
from oauthcore import SignatureMethod as CoreSignatureMethod
from oauthcore import Token as CoreToken
from oauthcore.encoding import append_query

from ._credentials import Consumer, Token
from ._errors import Error, MissingSignature
from ._functions import build_authenticate_header
from ._methods import SignatureMethod, SignatureMethod_HMAC_SHA1, SignatureMethod_PLAINTEXT
from ._request import OAUTH_VERSION, Request, body_bytes

__all__ = ["Server"]

_BUILT_IN: Mapping[type[SignatureMethod], CoreSignatureMethod] = {
    SignatureMethod_HMAC_SHA1: oauthcore.HMAC_SHA1,
    SignatureMethod_PLAINTEXT: oauthcore.PLAINTEXT,
}


class _CustomMethod:
    """An application's own ``SignatureMethod`` subclass, seen through oauthcore's protocol."""

    def __init__(
        self, method: SignatureMethod, request: Request, consumer: Consumer, token: Token | None
    ) -> None:
        self._method = method
        self._request = request
        self._consumer = consumer
        self._token = token

    @property
    def name(self) -> str:
        """The method's ``oauth_signature_method`` name."""
        return self._method.name

    @property
    def body_hash_algorithm(self) -> str | None:
        """The hash the method uses for ``oauth_body_hash``."""
        return self._method.body_hash_algorithm

    def sign(self, base_string: str, consumer: oauthcore.Consumer, token: CoreToken | None) -> str:
        """The application's own signature of the request."""
        return str(self._method.sign(self._request, self._consumer, self._token))

    def verify(
        self,
        base_string: str,
        signature: str,
        consumer: oauthcore.Consumer,
        token: CoreToken | None,
    ) -> bool:
        """The application's own ``check``."""
        return self._method.check(self._request, self._consumer, self._token, signature)


def received(request: Request) -> CoreRequest:
    """The request as it reached the provider, for ``oauthcore.parse``/``check`` (§3.5)."""
    own = request._own_pairs()
    oauth = [
        (percent_encode(name), percent_encode(value))
        for name, value in own
        if name.startswith("oauth_")
    ]
    others = [(name, value) for name, value in own if not name.startswith("oauth_")]
    url = append_query(request._require_url(), others)
    headers = [("Authorization", oauthcore.render_authorization(oauth))] if oauth else []
    return CoreRequest(request.method, url, headers, body_bytes(request.body))


class Server:
    """Checks signed requests for a provider (RFC 5849 §3.2) with oauthcore's verification.

    ``timestamp_threshold`` is the accepted clock difference in seconds, both ways; with a
    ``nonce_store`` (such as ``oauthcore.MemoryNonceStore()``) a replayed request is refused.
    """

    timestamp_threshold: int = 300
    version: str = OAUTH_VERSION
    #: PLAINTEXT sends the secrets themselves; refuse it over plain http unless set (§3.4.4).
    allow_plaintext_over_http: bool = False

    def __init__(
        self,
        signature_methods: dict[str, SignatureMethod] | None = None,
        nonce_store: NonceStore | None = None,
    ) -> None:
        self.signature_methods: dict[str, SignatureMethod] = signature_methods or {}
        self.nonce_store = nonce_store

    def add_signature_method(self, signature_method: SignatureMethod) -> dict[str, SignatureMethod]:
        """Accept ``signature_method`` by its name; returns every accepted method (§3.4)."""
        self.signature_methods[signature_method.name] = signature_method
        return self.signature_methods

    def _core_method(
        self, method: SignatureMethod, request: Request, consumer: Consumer, token: Token | None
    ) -> CoreSignatureMethod:
        built_in = _BUILT_IN.get(type(method))
        if built_in is not None:
            return built_in
        return _CustomMethod(method, request, consumer, token)

    def verify_request(
        self, request: Request, consumer: Consumer, token: Token | None
    ) -> dict[str, Any]:
        """Check ``request`` with oauthcore and return its non-OAuth parameters (§3.2, §3.3).

        Raises ``MissingSignature`` without ``oauth_signature``, else ``Error`` (its
        ``oauth_error`` says which check failed) for a bad version, method, timestamp (past or
        future), signature, body hash or, with a nonce store, a replayed nonce.
        """
        if request.get("oauth_signature") is None:
            raise MissingSignature("Missing oauth_signature.")
        core_request = received(request)
        methods = {
            name: self._core_method(method, request, consumer, token)
            for name, method in self.signature_methods.items()
        }
        try:
            params = oauthcore.parse(core_request)
            oauthcore.check(
                core_request,
                params,
                consumer.core(),
                None if token is None else token.core(),
                nonces=self.nonce_store,
                methods=methods,
                window=self.timestamp_threshold,
                allow_plaintext_over_http=self.allow_plaintext_over_http,
            )
        except SignatureInvalid as exc:
            if exc.parameter != "oauth_signature":
                raise Error(exc.message) from exc
            # python-oauth2 put the base string here; it can hold a verifier (and its PLAINTEXT
            # "base string" was the secrets), so the message points to where to look instead.
            raise Error(
                "Invalid signature: compare the client's signature base string with"
                " request.signature_base() (RFC 5849 §3.4.1)"
            ) from exc
        except OAuthError as exc:
            raise Error(exc.message) from exc
        return request.get_nonoauth_parameters()

    def build_authenticate_header(self, realm: str = "") -> dict[str, str]:
        """``{'WWW-Authenticate': 'OAuth realm="..."'}`` for a 401 answer (RFC 5849 §3.5.1)."""
        return build_authenticate_header(realm)
