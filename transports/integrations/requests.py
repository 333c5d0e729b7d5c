"""requests: ``RequestsAuth``, an ``AuthBase`` that signs with oauthcore and re-signs redirects.

Theory of operation: requests calls an auth once, when it prepares a request, and never for
the hops of a redirect: ``Session.resolve_redirects`` copies the prepared request, the old
``Authorization`` header included, and ``Session.rebuild_auth`` drops that header only when the
host changes. A same-host hop would carry a used nonce and a signature over another URL. So the
auth drives the ``Client``'s own call flow (``transports.resilience.call_flow``) itself: it
signs the prepared request with the flow's first request, and a response hook (the way requests'
digest auth re-sends after a 401) hands each reply to the flow and sends what the flow asks for
next through the same connection adapter: a redirect hop (signed afresh while the chain stays on
the first origin, unsigned after, https to http refused with ``RedirectError``), the call signed
again on the origin's clock after a ``timestamp_refused`` (``clock_skew``), a try after a 5xx or
429 (``retry``, its ``Pause`` slept here), a session renewal (``session``). The hook returns the
final response with the earlier ones in ``history``, leaving requests no redirect to follow. The
first request goes out before any hook runs, so its connection failure is requests' own to
raise (not retried; a failure of a later try is). A hook never learns of requests'
``allow_redirects=False``; ``OAuth1Session`` does, and honours it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from oauthcore import Request

from .._extras import missing_extra
from ..base import Response
from ..errors import TransportError
from ..pause import Pause
from ..resilience import ResilientFlow
from ._common import Chain, ChainedPlugin, header_pairs

try:
    import requests.cookies
    from requests import PreparedRequest, RequestException
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
    each same-origin hop signed with a fresh nonce; ``clock_skew`` (a ``ClockSkew`` of its own
    unless given; ``None``: opt out), ``retry`` and ``session`` are the ``Client``'s
    (``transports.resilience``); see the module docstring.
    """

    @classmethod
    def of(cls, chain: Chain) -> RequestsAuth:
        """The auth that signs and follows redirects as ``chain`` says (RFC 5849 §3.5)."""
        auth = cls.__new__(cls)
        auth.chain = chain
        return auth

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        """Sign ``r`` in place and register the hook that drives the rest of its call (§3.5)."""
        unsigned = _record(r)
        flow = self.chain.call(unsigned)
        first = next(flow)
        assert isinstance(first, Request)  # a call flow starts with a request
        _sign_in_place(r, unsigned, first)
        r.hooks["response"].append(Follow(flow, self.chain))
        return r

    def __repr__(self) -> str:
        return f"RequestsAuth({self.chain.signer!r})"


class Follow:
    """The response hook of one signed request: drives the rest of its call flow (§3.5)."""

    __slots__ = ("chain", "flow", "redirects")

    def __init__(self, flow: ResilientFlow, chain: Chain) -> None:
        self.flow = flow
        self.chain = chain
        #: Whether redirects are followed (``OAuth1Session`` clears it for allow_redirects=False).
        self.redirects = True

    def __call__(self, response: RequestsResponse, **send: Any) -> RequestsResponse:
        """``response``, or the last response of its call with the earlier ones in history."""
        flow, history = self.flow, list[RequestsResponse]()
        if not self.chain.acts_on(response.status_code):
            # The flow would return this reply as it came: it is neither read nor converted.
            flow.close()
            return response
        try:
            while True:
                if response.is_redirect and not self.redirects:
                    return response
                try:
                    read = self.chain.reads(response.status_code, response.url or "")
                    step = flow.send(_response(response, read))
                except StopIteration:
                    return response
                except BaseException:
                    # A refused hop (RedirectError): its connection goes back, not to the GC.
                    response.close()
                    raise
                response.content  # noqa: B018 - read, so the connection goes back to the pool
                response.close()
                history.append(response)
                response = self._send(step, response, send)
                response.history = list(history)
        finally:
            flow.close()

    def _send(
        self, step: Request | Pause, previous: RequestsResponse, send: dict[str, Any]
    ) -> RequestsResponse:
        # What the flow asks for next, sent through the same adapter: a pause is slept first,
        # and a failure of the adapter is the flow's to retry, else requests' to raise.
        flow = self.flow
        while True:
            while isinstance(step, Pause):
                (step.sleep or time.sleep)(step.seconds)
                step = next(flow)
            prepared = previous.request.copy()
            _replace(prepared, step)
            # Cookies are chosen afresh for the hop's URL, as requests does on a redirect.
            cookies: Any = getattr(prepared, "_cookies", None)
            _extract_cookies(cookies, previous.request, previous.raw)
            prepared.prepare_cookies(cookies)
            try:
                reply: RequestsResponse = previous.connection.send(prepared, **send)
            except RequestException as exc:
                failed = TransportError.wrap(step, exc)
                try:
                    step = flow.throw(failed)
                except TransportError:
                    # Not tried again: requests' own error, as without the auth.
                    raise exc from None
                continue
            return reply


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
    # Every header goes in: a retry or a redirect hop is built from this request (``_replace``).
    headers = header_pairs(prepared.headers.items())
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


def _response(response: RequestsResponse, read: bool) -> Response:
    body = response.content if read else b""
    return Response(
        response.status_code, header_pairs(response.headers.items()), body, response.url
    )
