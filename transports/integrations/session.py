"""``OAuth1Session``: requests-oauthlib's ``OAuth1Session`` API, signed and driven by oauthcore.

A ``requests.Session`` whose constructor, ``token``, ``authorized``, ``fetch_request_token``,
``authorization_url``, ``parse_authorization_response`` and ``fetch_access_token`` take the
arguments requests-oauthlib's take and return the same dicts, so a migration is one import. The
three-legged steps are ``transports.resilience``'s (``request_token_call``,
``access_token_call``: a refused timestamp learnt and signed once more), sent through this
session; every other request is signed by a ``RequestsAuth``, with the same ``clock_skew``,
``retry`` and ``session`` options. Where
requests-oauthlib is lax, this class is not: a request token reply must confirm the callback
(RFC 5849 §2.1) and a refused reply raises ``oauthcore.client.TokenResponseError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import evolve

from oauthcore import METHODS, Consumer, Placement, Request, Token
from oauthcore.client import authorization_url, parse_authorization_response
from oauthcore.encoding import decode_form

from .._extras import missing_extra
from ..base import Response
from ..flow import drive
from ..resilience import (
    ClockSkew,
    RetryPolicy,
    TokenFlow,
    TokenSession,
    access_token_call,
    request_token_call,
)
from ._common import FRESH, Fresh, make_chain
from .requests import Follow, RequestsAuth, _response

try:
    import requests
except ImportError as exc:  # pragma: no cover - the tests run with requests installed
    raise missing_extra("OAuth1Session", "requests") from exc

__all__ = ["OAuth1Session"]

# requests-oauthlib's (oauthlib's) names for where the parameters go (RFC 5849 §3.5).
_PLACEMENTS = {"AUTH_HEADER": Placement.HEADER, "QUERY": Placement.QUERY, "BODY": Placement.BODY}


def _unsigned(request: requests.PreparedRequest) -> requests.PreparedRequest:
    # The flow signs the three-legged steps itself: the session's own auth must not.
    return request


class OAuth1Session(requests.Session):
    """A ``requests.Session`` with requests-oauthlib's ``OAuth1Session`` API (RFC 5849 §2, §3).

    >>> session = OAuth1Session("key", client_secret="secret",
    ...                         callback_uri="https://client.example/ready")
    >>> session.fetch_request_token("https://provider.example/request_token")  # doctest: +SKIP

    ``signature_method`` is a method name (``"HMAC-SHA1"``, ``"RSA-SHA256"``, ...) and
    ``signature_type`` ``"AUTH_HEADER"``, ``"QUERY"`` or ``"BODY"``, as in requests-oauthlib.
    ``client_class`` and ``force_include_body`` exist for its signature only (a raw body is
    covered by ``oauth_body_hash``). Redirects are followed as ``RequestsAuth`` follows them,
    and ``allow_redirects=False`` is honoured. ``clock_skew``, ``retry`` and ``session`` are
    ``RequestsAuth``'s (``transports.resilience``); the three-legged steps learn the clock too.
    """

    def __init__(
        self,
        client_key: str,
        client_secret: str | None = None,
        resource_owner_key: str | None = None,
        resource_owner_secret: str | None = None,
        callback_uri: str | None = None,
        signature_method: str = "HMAC-SHA1",
        signature_type: str = "AUTH_HEADER",
        rsa_key: str | bytes | None = None,
        verifier: str | None = None,
        client_class: None = None,
        force_include_body: bool = False,
        *,
        realm: str | None = None,
        clock_skew: ClockSkew | Fresh | None = FRESH,
        retry: RetryPolicy | None = None,
        session: TokenSession | None = None,
    ) -> None:
        super().__init__()
        if client_class is not None or force_include_body:
            raise TypeError(
                "client_class and force_include_body configure oauthlib, which is not used here;"
                " a raw body is signed through oauth_body_hash"
            )
        method = METHODS.get(str(signature_method).upper())
        if method is None:
            raise ValueError(f"signature_method must be one of {', '.join(METHODS)}")
        placement = _PLACEMENTS.get(str(signature_type).upper())
        if placement is None:
            raise ValueError(f"signature_type must be one of {', '.join(_PLACEMENTS)}")
        consumer = Consumer(client_key, client_secret or "", rsa_key=rsa_key)
        self._chain = make_chain(
            consumer,
            None,
            method=method,
            placement=placement,
            realm=realm,
            clock_skew=clock_skew,
            retry=retry,
            session=session,
        )
        self._key = resource_owner_key
        self._secret = resource_owner_secret or ""
        self.callback_uri = callback_uri
        self._verifier = verifier
        self._reauthorize()

    def _reauthorize(self) -> None:
        token = Token(self._key, self._secret) if self._key else None
        self._chain = evolve(self._chain, signer=evolve(self._chain.signer, token=token))
        self.auth = RequestsAuth.of(self._chain)

    @property
    def token(self) -> dict[str, str]:
        """``oauth_token``, ``oauth_token_secret`` and ``oauth_verifier``, those set (§2)."""
        found = {
            "oauth_token": self._key,
            "oauth_token_secret": self._secret,
            "oauth_verifier": self._verifier,
        }
        return {name: value for name, value in found.items() if value}

    @token.setter
    def token(self, value: Mapping[str, str]) -> None:
        if not value.get("oauth_token"):
            raise ValueError("the token has no oauth_token")
        self._key = value["oauth_token"]
        self._secret = value.get("oauth_token_secret", self._secret)
        self._verifier = value.get("oauth_verifier", self._verifier)
        self._reauthorize()

    @property
    def authorized(self) -> bool:
        """Whether requests are signed with token credentials (§1.1): a token and its secret."""
        signer = self._chain.signer
        if signer.method.name.startswith("RSA-"):
            return bool(self._key)
        return bool(signer.consumer.secret and self._key and self._secret)

    def authorization_url(self, url: str, request_token: str | None = None, **kwargs: str) -> str:
        """The resource-owner authorization URL with ``oauth_token`` and ``kwargs`` (§2.2)."""
        return authorization_url(url, request_token or self._key or "", **kwargs)

    def fetch_request_token(
        self, url: str, realm: list[str] | None = None, **request_kwargs: Any
    ) -> dict[str, str]:
        """Obtain temporary credentials with ``oauth_callback`` (``"oob"`` unless set) (§2.1).

        ``realm`` is a list of realms, sent space-separated; ``request_kwargs`` go to
        ``requests.Session.request`` (``timeout=``, ``verify=``...). Returns the reply as a dict.
        """
        signer = self._chain.signer
        if realm:
            signer = evolve(signer, realm=" ".join(realm))
        chain = self._chain
        flow = request_token_call(
            url,
            signer,
            self.callback_uri or "oob",
            clock_skew=chain.clock_skew,
            retry=chain.retry,
        )
        token = self._fetch(flow, request_kwargs)
        self.callback_uri = None
        return token

    def fetch_access_token(
        self, url: str, verifier: str | None = None, **request_kwargs: Any
    ) -> dict[str, str]:
        """Exchange the request token and its verifier for token credentials (§2.3)."""
        verifier = verifier or self._verifier
        if not verifier:
            raise ValueError("No client verifier has been set.")
        if not self._key:
            raise ValueError("No request token has been set: fetch_request_token first")
        chain = self._chain
        flow = access_token_call(
            url,
            chain.signer,
            Token(self._key, self._secret),
            verifier,
            clock_skew=chain.clock_skew,
            retry=chain.retry,
        )
        token = self._fetch(flow, request_kwargs)
        self._verifier = None
        return token

    def parse_authorization_response(self, url: str) -> dict[str, str]:
        """The callback URL's parameters, its token and verifier kept for the next step (§2.2).

        A callback for another request token than this session's, one where the owner denied
        access and one missing its token or verifier raise ``AuthorizationResponseError``.
        """
        token, verifier = parse_authorization_response(url, self._key)
        found = dict(decode_form(url.partition("#")[0].partition("?")[2]))
        self._key, self._verifier = token, verifier
        self._reauthorize()
        return found

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """``requests.Session.send``; ``allow_redirects=False`` also stops the auth's (§3.5)."""
        if not kwargs.get("allow_redirects", True):
            follows = [hook for hook in request.hooks["response"] if isinstance(hook, Follow)]
            for hook in follows:
                hook.redirects = False
        return super().send(request, **kwargs)

    def _fetch(self, flow: TokenFlow, request_kwargs: dict[str, Any]) -> dict[str, str]:
        given = request_kwargs.pop("headers", None) or {}

        def send(request: Request) -> Response:
            reply = self.request(
                request.method,
                request.url,
                headers={**given, **dict(request.headers)},
                data=request.body,
                auth=_unsigned,
                allow_redirects=False,
                **request_kwargs,
            )
            return _response(reply, True)

        token = drive(flow, send)
        self._key, self._secret = token.key, token.secret
        self._reauthorize()
        reply = {"oauth_token": token.key, "oauth_token_secret": token.secret}
        if token.callback_confirmed:
            reply["oauth_callback_confirmed"] = "true"
        reply.update(token.extra)
        return reply
