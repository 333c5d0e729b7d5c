"""requests: ``RequestsAuth``, an ``AuthBase`` that signs with oauthcore and re-signs redirects.

Theory of operation: requests calls an auth once, when it prepares a request, and never for
the hops of a redirect: ``Session.resolve_redirects`` copies the prepared request, the old
``Authorization`` header included, and ``Session.rebuild_auth`` drops that header only when the
host changes. A same-host hop would carry a used nonce and a signature over another URL. So the
auth follows redirects itself, from a response hook, the way requests' digest auth re-sends after
a 401: ``transports.flow`` gives each hop (signed afresh while the chain stays on the first
origin, unsigned after, https to http refused with ``RedirectError``), the hop goes out through
the same connection adapter, and the hook returns the final response with the hops in
``history``, leaving requests no redirect to follow. A hook never learns of requests'
``allow_redirects=False``; ``OAuth1Session`` does, and honours it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oauthcore import Request

from .._extras import missing_extra
from ..base import Response
from ._common import Chain, ChainedPlugin, header_pairs, signing_headers, without_signature

try:
    import requests.cookies
    from requests import PreparedRequest
    from requests import Response as RequestsResponse
    from requests.auth import AuthBase
    from requests.structures import CaseInsensitiveDict
except ImportError as exc:  # pragma: no cover - the tests run with requests installed
    raise missing_extra("RequestsAuth", "requests") from exc

__all__ = ["RequestsAuth"]

# The stubs leave requests' cookie function untyped: typed here once.
_extract_cookies: Callable[[Any, PreparedRequest, Any], None] = (
    requests.cookies.extract_cookies_to_jar
)


class RequestsAuth(ChainedPlugin, AuthBase):
    """Signs each request requests sends for ``consumer`` (and ``token``) (RFC 5849 §3).

    >>> requests.get(url, auth=RequestsAuth(consumer, token))  # doctest: +SKIP

    ``method``, ``placement``, ``realm``, ``callback`` (§2.1) and ``verifier`` (§2.3) go to
    ``oauthcore.sign``; form, query and raw bodies are signed (a raw body through
    ``oauth_body_hash``). Redirects are followed by the auth itself, up to ``max_redirects``,
    each same-origin hop signed with a fresh nonce; see the module docstring.
    """

    @classmethod
    def of(cls, chain: Chain) -> RequestsAuth:
        """The auth that signs and follows redirects as ``chain`` says (RFC 5849 §3.5)."""
        auth = cls.__new__(cls)
        auth.chain = chain
        return auth

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        """Sign ``r`` in place and register the hook that follows its redirects (§3.4, §3.5)."""
        unsigned = _record(r)
        _sign_in_place(r, unsigned, self.chain.signer(unsigned))
        r.hooks["response"].append(Follow(self.chain, unsigned))
        return r

    def __repr__(self) -> str:
        return f"RequestsAuth({self.chain.signer!r})"


class Follow:
    """The response hook of one signed request: follows its redirects by the flow (§3.5)."""

    __slots__ = ("chain", "unsigned")

    def __init__(self, chain: Chain, unsigned: Request) -> None:
        self.chain = chain
        self.unsigned = unsigned

    def __call__(self, response: RequestsResponse, **send: Any) -> RequestsResponse:
        """``response``, or the last response of its redirect chain with the hops in history."""
        if not response.is_redirect:
            return response
        chain, first_url = self.chain, self.unsigned.url
        unsigned = without_signature(self.unsigned, header_pairs(response.request.headers.items()))
        signed, history = True, list[RequestsResponse]()
        while True:
            response.content  # noqa: B018 - read, so the connection goes back to the pool
            response.close()
            # Raises RedirectError for a hop the policy refuses (a downgrade, too many).
            hop = chain.next_hop(
                first_url, unsigned, _response(response), redirects=len(history), signed=signed
            )
            unsigned, signed = hop.request, hop.sign
            previous = response.request
            prepared = previous.copy()
            _replace(prepared, chain.signer(unsigned) if signed else unsigned)
            # Cookies are chosen afresh for the hop's URL, as requests does on a redirect.
            cookies: Any = getattr(prepared, "_cookies", None)
            _extract_cookies(cookies, previous, response.raw)
            prepared.prepare_cookies(cookies)
            history.append(response)
            response = response.connection.send(prepared, **send)
            response.history = list(history)
            if not response.is_redirect:
                return response


def _record(prepared: PreparedRequest) -> Request:
    """The prepared request as oauthcore signs it: its bytes on the wire (RFC 5849 §3.4.1)."""
    body = prepared.body
    if body is None:
        body = b""
    elif isinstance(body, str):
        # http.client sends a str body as Latin-1: sign those bytes.
        body = body.encode("latin-1")
    elif not isinstance(body, bytes):
        raise TypeError(
            "RequestsAuth signs a body given as bytes or str (its bytes are part of the"
            f" signature, RFC 5849 §3.4.1.3), not {type(body).__name__}; read it into bytes first"
        )
    headers = signing_headers(prepared.headers.get)
    return Request(prepared.method or "GET", prepared.url or "", headers, body)


def _sign_in_place(prepared: PreparedRequest, unsigned: Request, signed: Request) -> None:
    # The signer only adds headers (Authorization, or the form's Content-Type), appends to the
    # query or to the body: copy what changed, not the whole request.
    for name, value in signed.headers[len(unsigned.headers) :]:
        prepared.headers[name] = value
    if signed.url != unsigned.url:
        prepared.url = signed.url
    if signed.body != unsigned.body:
        _set_body(prepared, signed.body)
    elif isinstance(prepared.body, str):
        prepared.body = signed.body


def _replace(prepared: PreparedRequest, request: Request) -> None:
    prepared.method = request.method
    prepared.url = request.url
    prepared.headers = CaseInsensitiveDict(request.headers)
    prepared.headers.pop("Cookie", None)
    _set_body(prepared, request.body)


def _set_body(prepared: PreparedRequest, body: bytes) -> None:
    prepared.body = body or None
    prepared.headers.pop("Content-Length", None)
    prepared.prepare_content_length(prepared.body)


def _response(response: RequestsResponse) -> Response:
    return Response(response.status_code, header_pairs(response.headers.items()), b"", response.url)
