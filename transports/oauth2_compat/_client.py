"""python-oauth2's ``Client``: an ``httplib2.Http`` that signs every request it sends (§3.5).

Placement is python-oauth2's: a form body carries the OAuth parameters in the body, a GET in the
query, anything else in the Authorization header. Redirects are followed here, not by httplib2,
so that each hop is signed afresh for its own URL and method (python-oauth2 let httplib2 resend
the first hop's signature, or signed the next URL together with the OAuth parameters it echoed).
As with oauthcore's native ``transports.client.Client``, a hop to another origin goes unsigned
and a hop from https to http is refused, unless ``cross_origin_credentials`` /
``allow_downgrade`` say otherwise.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import httplib2

from oauthcore.encoding import FORM_CONTENT_TYPE, percent_encode

from ..redirects import is_downgrade
from ..redirects import origin as origin_of
from ._credentials import Consumer, Token
from ._errors import Error
from ._methods import SignatureMethod, SignatureMethod_HMAC_SHA1
from ._request import Request, body_bytes, split_query
from ._values import text

__all__ = ["Client"]


def _header(headers: dict[str, Any], name: str) -> str | None:
    """The value of header ``name``, whatever the case of its key (RFC 9110 §5.1)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return str(value)
    return None


def _drop(headers: dict[str, Any], name: str) -> dict[str, Any]:
    wanted = name.lower()
    return {key: value for key, value in headers.items() if key.lower() != wanted}


def _without(url: str, added: frozenset[str]) -> str:
    """``url`` without the ``name=value`` items a previous hop added to its query."""
    parts = urlsplit(url)
    if not added or not parts.query:
        return url
    kept = [item for item in parts.query.split("&") if item not in added]
    return parts._replace(query="&".join(kept)).geturl()


class Client(httplib2.Http):
    """An ``httplib2.Http`` signing each request with a consumer and optional token (§3).

    ``request`` takes and returns what ``httplib2.Http.request`` does: ``(response, content)``.
    Without a token it sends ``oauth_callback=callback`` (default ``"oob"``) unless the request
    has one: OAuth 1.0a requires it on the temporary-credentials request (RFC 5849 §2.1).
    """

    #: ``oauth_callback`` for token-less requests (§2.1); ``None`` sends none, as python-oauth2.
    callback: str | None = "oob"
    #: Sign redirect hops to another origin too (off: they are followed unsigned).
    cross_origin_credentials: bool = False
    #: Follow a redirect from https to http (off: ``Error``, the secrets would travel in clear).
    allow_downgrade: bool = False

    def __init__(self, consumer: Consumer, token: Token | None = None, **kwargs: Any) -> None:
        if not isinstance(consumer, Consumer):
            raise ValueError("Invalid consumer.")
        if token is not None and not isinstance(token, Token):
            raise ValueError("Invalid token.")
        self.consumer = consumer
        self.token = token
        self.method: SignatureMethod = SignatureMethod_HMAC_SHA1()
        super().__init__(**kwargs)

    def set_signature_method(self, method: SignatureMethod) -> None:
        """Sign with ``method`` from now on (RFC 5849 §3.4); ``ValueError`` if it is not one."""
        if not isinstance(method, SignatureMethod):
            raise ValueError("Invalid signature method.")
        self.method = method

    def _sign(
        self, uri: str, method: str, body: Any, headers: dict[str, Any]
    ) -> tuple[str, Any, dict[str, Any], frozenset[str]]:
        """Sign one hop: the URI, body and headers to send, and what was added to the query."""
        verb = method.upper()
        headers = dict(headers)
        content_type = _header(headers, "Content-Type")
        if content_type is None and verb == "POST":
            headers["Content-Type"] = content_type = FORM_CONTENT_TYPE
        # Media types are case-insensitive and may carry parameters (RFC 9110 §8.3.1).
        is_form = (content_type or "").partition(";")[0].strip().lower() == FORM_CONTENT_TYPE
        raw = body_bytes(body)
        parameters = split_query(text(raw)) if is_form and raw else None
        request = Request.from_consumer_and_token(
            self.consumer,
            token=self.token,
            http_method=verb,
            http_url=uri,
            parameters=parameters,
            body=raw,
            is_form_encoded=is_form,
        )
        if (
            self.token is None
            and self.callback is not None
            and all(name != "oauth_callback" for name, _ in request._signed_pairs())
        ):
            request["oauth_callback"] = self.callback
        request.sign_request(self.method, self.consumer, self.token)
        if is_form:
            return uri, request.to_postdata(), headers, frozenset()
        if verb == "GET":
            added = frozenset(
                f"{percent_encode(name)}={percent_encode(text(value))}"
                for name, value in request.items()
                if name.startswith("oauth_")
            )
            return request.to_url(), body, headers, added
        parts = urlsplit(uri)
        headers.update(request.to_header(realm=f"{parts.scheme}://{parts.netloc}"))
        return uri, body, headers, frozenset()

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = b"",
        headers: dict[str, Any] | None = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response[Any], bytes]:
        """Sign and send a request, following redirects by signing each hop (RFC 5849 §3)."""
        given = dict(headers) if isinstance(headers, dict) else {}
        origin = origin_of(uri)
        return self._hop(
            uri, method, body, given, redirections, connection_type, origin, frozenset()
        )

    def _hop(
        self,
        uri: str,
        method: str,
        body: Any,
        headers: dict[str, Any],
        redirections: int,
        connection_type: Any,
        origin: str,
        previous: frozenset[str],
    ) -> tuple[httplib2.Response[Any], bytes]:
        uri = _without(uri, previous)
        if self.cross_origin_credentials or origin_of(uri) == origin:
            signed_uri, signed_body, signed_headers, added = self._sign(uri, method, body, headers)
        else:
            # Another origin gets no signature: it is not the provider the credentials are for.
            signed_uri, signed_body, signed_headers, added = uri, body, headers, frozenset()
        follow = self.follow_redirects
        # httplib2 would resend this hop's signature to the next URL: redirects are ours to follow.
        self.follow_redirects = False
        try:
            # Called through the class, with keywords, exactly as python-oauth2 did, so that code
            # (and tests) patching httplib2.Http.request see the same call.
            result = httplib2.Http.request(
                self,
                signed_uri,
                method=method,
                body=signed_body,
                headers=signed_headers,
                redirections=redirections,
                connection_type=connection_type,
            )
        finally:
            self.follow_redirects = follow
        if not (isinstance(result, tuple) and isinstance(result[0], httplib2.Response)):
            return result  # type: ignore[no-any-return]  # a patched httplib2: passed on as is
        response, content = result
        status = response.status
        if not (
            follow
            and status in self.redirect_codes
            and (
                self.follow_all_redirects
                or method.upper() in self.safe_methods
                or status in (303, 308)
            )
        ):
            return response, content
        if redirections <= 0:
            raise httplib2.RedirectLimit(
                "Redirected more times than redirection_limit allows.", response, content
            )
        location = response.get("location")
        if location is None:
            if status == 300:
                return response, content
            raise httplib2.RedirectMissingLocation(
                "Redirected but the response is missing a Location: header.", response, content
            )
        target = urljoin(uri, str(location))
        if is_downgrade(uri, target) and not self.allow_downgrade:
            raise Error(
                "refusing a redirect from https to http (the request would travel in the clear);"
                " set allow_downgrade = True on the Client to follow it"
            )
        if status in (302, 303):
            method, body, headers = "GET", b"", _drop(headers, "Content-Type")
        following, next_content = self._hop(
            target,
            method,
            body,
            headers,
            redirections - 1,
            connection_type,
            origin,
            added,
        )
        following.previous = response
        return following, next_content
