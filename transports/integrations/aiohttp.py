"""aiohttp: ``AiohttpMiddleware``, a client middleware that signs every request and every hop.

Theory of operation: aiohttp (3.12.1 or later) calls a session's middlewares once per request
it sends, redirect hops included, each hop a new ``ClientRequest`` built from the caller's
arguments: the signature of one hop never reaches the next. The middleware signs what aiohttp
sends (the body read as bytes). When a redirect comes back it asks ``transports.flow``'s
``next_hop`` what the next hop is and whether it may be signed, and keeps the answer in a
context variable (one per asyncio task) with the call it belongs to. When aiohttp sends that
hop, the middleware applies the answer: a fresh signature on the first origin, none after the
chain has left it, ``RedirectError`` before an https to http hop goes out. A hop that is not the
one the flow worked out (aiohttp resolved the ``Location`` otherwise) goes unsigned. With
``allow_redirects=False`` no hop is sent, and the answer is simply never used.

Each signed hop is one ``transports.resilience.call_flow`` that follows no redirect: a
``timestamp_refused`` is learnt and the hop signed again and sent once more (``clock_skew``), a
5xx, a 429 or a connection failure tried again after the policy's ``Pause`` (``retry``), each
try a fresh signature on the same ``ClientRequest`` (aiohttp lets a middleware call its handler
again). A token session is refused: its renewal is another request to another URL, which a
middleware could only send through the session it sits in, its own middlewares and all.
"""

from __future__ import annotations

from contextlib import closing
from contextvars import ContextVar
from typing import Any

from attrs import frozen
from yarl import URL

from oauthcore import Request

from .._extras import missing_extra
from ..base import Response
from ..errors import TransportError
from ..flow import REDIRECT_STATUSES, Hop, RedirectError, _pause
from ..pause import Pause
from ._common import ChainedPlugin, header_pairs, signing_headers

try:
    from aiohttp import ClientError, ClientHandlerType, ClientRequest, ClientResponse
    from aiohttp.payload import BytesPayload
except ImportError as exc:  # pragma: no cover - the tests run with aiohttp installed
    raise missing_extra("AiohttpMiddleware", "aiohttp") from exc

__all__ = ["AiohttpMiddleware"]


@frozen
class _Pending:
    # The call a redirect belongs to (aiohttp hands each hop of one call the same list of
    # traces), where its chain began, how many redirects it has followed, and the flow's answer
    # for the next hop: the unsigned hop and whether it may be signed, or a refusal.
    # ``replaced``: the body a body placement sent, which aiohttp sends again on a 307 or 308.
    call: object
    first_url: str
    redirects: int
    hop: Hop | RedirectError
    replaced: bytes | None


_PENDING: ContextVar[_Pending | None] = ContextVar("oauthcore_aiohttp_pending", default=None)


class AiohttpMiddleware(ChainedPlugin):
    """Signs each request an ``aiohttp.ClientSession`` sends, hops included (RFC 5849 §3).

    >>> aiohttp.ClientSession(middlewares=(AiohttpMiddleware(consumer, token),))  # doctest: +SKIP

    ``method``, ``placement``, ``realm``, ``callback`` (§2.1) and ``verifier`` (§2.3) go to
    ``oauthcore.sign``; a form body is signed by its parameters, any other through
    ``oauth_body_hash``. aiohttp follows redirects (``max_redirects`` here bounds the chain the
    middleware signs). ``clock_skew`` (a ``ClockSkew`` of its own unless given; ``None``: opt
    out) and ``retry`` are the ``Client``'s (``transports.resilience``); ``session`` is refused
    with ``ValueError`` (see the module docstring).
    """

    _session_refused = (
        "AiohttpMiddleware cannot renew a session token: the renewal is another request,"
        " which a middleware cannot send on its own; use HttpxAuth or"
        " transports.AsyncClient with session="
    )

    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        """Sign ``request`` (or not, for a hop the flow keeps unsigned), send it (§3.4, §3.5)."""
        call = getattr(request, "_traces", None)
        unsigned = await _record(request)
        pending = _PENDING.get()
        _PENDING.set(None)
        if pending is not None and pending.call is call:
            if isinstance(pending.hop, RedirectError):
                raise pending.hop
            expected = pending.hop.request
            if pending.replaced is not None and unsigned.body == pending.replaced:
                # The last signature's parameters must not travel on: the hop's own body back.
                await request.update_body(_payload(expected.body, unsigned.header("Content-Type")))
                unsigned = await _record(request)
            first_url, redirects = pending.first_url, pending.redirects
            sign = pending.hop.sign and (expected.method, expected.url, expected.body) == (
                unsigned.method,
                unsigned.url,
                unsigned.body,
            )
        else:
            first_url, redirects, sign = unsigned.url, 0, True
        if sign:
            response, replaced = await self._signed(request, unsigned, handler)
        else:
            response, replaced = await handler(request), None
        if response.status in REDIRECT_STATUSES and "Location" in response.headers:
            try:
                hop: Hop | RedirectError = self.chain.next_hop(
                    first_url, unsigned, _response(response), redirects=redirects, signed=sign
                )
            except RedirectError as refused:
                hop = refused
            _PENDING.set(_Pending(call, first_url, redirects + 1, hop, replaced))
        return response

    async def _signed(
        self, request: ClientRequest, unsigned: Request, handler: ClientHandlerType
    ) -> tuple[ClientResponse, bytes | None]:
        # One hop's call flow: each try signed afresh on the same request and sent again.
        replaced: bytes | None = None
        first = True
        with closing(self.chain.call(unsigned, follow_redirects=False)) as flow:
            step = next(flow)
            while True:
                answer: Response | None = None
                failed: TransportError | None = None
                if isinstance(step, Pause):
                    await _pause(step)
                else:
                    replaced = await _sign_in_place(request, unsigned, step)
                    try:
                        response = await handler(request)
                    except (ClientError, TimeoutError) as exc:
                        failed = TransportError.wrap(step, exc)
                        cause: BaseException = exc
                    else:
                        if first and not self.chain.acts_on(response.status):
                            # The flow would return this reply as it came: left unconverted.
                            return response, replaced
                        first = False
                        # A 401's problem report is read; any other body is left to the caller.
                        body = await response.read() if response.status == 401 else b""
                        answer = _response(response, body)
                try:
                    if failed is not None:
                        step = _throw(flow, failed, cause)
                    else:
                        step = next(flow) if answer is None else flow.send(answer)
                except StopIteration:
                    return response, replaced
                if answer is not None:
                    response.release()

    def __repr__(self) -> str:
        return f"AiohttpMiddleware({self.chain.signer!r})"


def _throw(flow: Any, failed: TransportError, cause: BaseException) -> Any:
    # The flow retries the failure or raises it: then aiohttp's own error is raised, as without.
    try:
        return flow.throw(failed)
    except TransportError:
        raise cause from None


async def _record(request: ClientRequest) -> Request:
    body: Any = request.body
    data = body if isinstance(body, bytes) else await body.as_bytes()
    headers = signing_headers(request.headers.get)
    return Request(request.method, str(request.url), headers, data)


async def _sign_in_place(
    request: ClientRequest, unsigned: Request, signed: Request
) -> bytes | None:
    # Returns the new body when the signature went there (a body placement), else None.
    for name, value in signed.headers[len(unsigned.headers) :]:
        request.headers[name] = value
    if signed.url != unsigned.url:
        request.url = URL(signed.url, encoded=True)
    if signed.body == unsigned.body:
        return None
    await request.update_body(_payload(signed.body, signed.header("Content-Type")))
    return signed.body


def _payload(body: bytes, content_type: str | None) -> BytesPayload:
    # Typed, so that aiohttp sends the same Content-Type again with a 307 or 308 hop.
    return BytesPayload(body, content_type=content_type or "application/octet-stream")


def _response(response: ClientResponse, body: bytes = b"") -> Response:
    return Response(
        response.status, header_pairs(response.headers.items()), body, str(response.url)
    )
