"""python-oauth2's ``Server``, checking requests with oauthcore's provider verification (§3.2).

Theory of operation: the compat ``Request`` is turned back into the request the provider received
(an ``oauthcore.Request``): its URL with the query it was sent with, its other parameters added
to that query (where they sit does not change the base string, §3.4.1.3), its ``oauth_*``
parameters in an Authorization header, and its raw body for ``oauth_body_hash``. Then
``oauthcore.parse`` and ``oauthcore.check`` do every check: version, accepted method, timestamp
window both ways, signature in constant time, body hash and replays.

python-oauth2 had no replay check at all (CVE-2013-4346), and code written for it passes no nonce
store: a ``Server`` given none uses a ``MemoryNonceStore`` shared by every ``Server`` of the
process with the same ``timestamp_threshold`` (a python-oauth2 provider often makes a ``Server``
per request, so a store of its own would forget each nonce at once). One store per window: a
store must cover the window it vouches for, and a lenient ``Server`` accepting far-future
timestamps must not push the clock of the store the strict ones share. ``nonce_store=None`` turns
the check off, said outright.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping
from typing import Any

import oauthcore
from oauthcore import MemoryNonceStore, NonceStore, OAuthError, SignatureInvalid, VerifyPolicy
from oauthcore import Request as CoreRequest
from oauthcore import Token as CoreToken
from oauthcore.encoding import append_query, percent_encode
from oauthcore.header import render_authorization
from oauthcore.methods import SignatureMethod as CoreSignatureMethod

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


class _Shared(enum.Enum):
    """``Server``'s default nonce store: the process-wide one for its window."""

    STORE = "the process-wide store"


_SHARED_STORES: dict[int, MemoryNonceStore] = {}
_SHARED_LOCK = threading.Lock()


def _shared_store(window: int) -> MemoryNonceStore:
    """The process-wide ``MemoryNonceStore`` covering ``window`` seconds (RFC 5849 §3.3)."""
    with _SHARED_LOCK:
        store = _SHARED_STORES.get(window)
        if store is None:
            store = _SHARED_STORES[window] = MemoryNonceStore(window)
        return store


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
    headers = [("Authorization", render_authorization(oauth))] if oauth else []
    return CoreRequest(request.method, url, headers, body_bytes(request.body))


class Server:
    """Checks signed requests for a provider (RFC 5849 §3.2) with oauthcore's verification.

    ``timestamp_threshold`` is the accepted clock difference in seconds, both ways. A replayed
    request is refused (§3.3): by ``nonce_store`` when given (a shared one, such as Redis, for
    several processes), else by a store shared within the process; ``nonce_store=None`` turns
    replay protection off.
    """

    timestamp_threshold: int = 300
    version: str = OAUTH_VERSION
    #: PLAINTEXT sends the secrets themselves; refuse it over plain http unless set (§3.4.4).
    allow_plaintext_over_http: bool = False

    def __init__(
        self,
        signature_methods: dict[str, SignatureMethod] | None = None,
        nonce_store: NonceStore | _Shared | None = _Shared.STORE,
    ) -> None:
        self.signature_methods: dict[str, SignatureMethod] = signature_methods or {}
        self._nonce_store = nonce_store

    @property
    def nonce_store(self) -> NonceStore | None:
        """The store that refuses replays (§3.3); ``None`` when replay protection is off."""
        if isinstance(self._nonce_store, _Shared):
            return _shared_store(self.timestamp_threshold)
        return self._nonce_store

    @nonce_store.setter
    def nonce_store(self, store: NonceStore | None) -> None:
        self._nonce_store = store

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
        future), signature, body hash or a replayed nonce (unless ``nonce_store`` is ``None``).
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
                policy=VerifyPolicy(
                    methods,
                    window=self.timestamp_threshold,
                    allow_plaintext_over_http=self.allow_plaintext_over_http,
                ),
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
