"""httpx: ``HttpxAuth``, an ``httpx.Auth`` that signs the bytes httpx sends and re-signs redirects.

Theory of operation: httpx runs an auth's ``auth_flow`` around a request and sends what it
yields; with ``follow_redirects=False`` (httpx's default) the flow receives each reply, and may
answer with another request, the shape of ``transports.resilience.call_flow``. So the auth reads
the request as httpx will send it (its body read first: form, JSON or raw content, byte for
byte) and drives the ``Client``'s own call flow with it: a fresh nonce on each same-origin hop,
nothing signed elsewhere, https to http refused with ``RedirectError``; a ``timestamp_refused``
learnt and signed once more on the origin's clock (``clock_skew``); a 5xx or 429 tried again,
signed afresh, after the ``Pause`` the ``RetryPolicy`` asks for (slept by ``time.sleep`` or
``asyncio.sleep``); an expired session token renewed once (``session``). A reply's body is read
only when the flow reads it (a 401's problem report, a renewal's token): a streamed success stays
unread. httpx sends a request outside the auth, so a connection failure never reaches it: it is
not retried (httpx's ``HTTPTransport(retries=...)`` retries a failed connect, before anything
was sent). A client made with ``follow_redirects=True`` follows redirects before the auth sees
them, sending the first signature again on a same-origin hop (a used nonce, which a provider
refuses); the auth then raises ``ValueError`` rather than return that reply. One auth serves
``httpx.Client`` and ``httpx.AsyncClient`` alike.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Generator
from contextlib import closing

from oauthcore import Request

from .._extras import missing_extra
from ..base import Response
from ..flow import _pause
from ..pause import Pause
from ._common import ChainedPlugin, header_pairs

try:
    import httpx
except ImportError as exc:  # pragma: no cover - the tests run with httpx installed
    raise missing_extra("HttpxAuth", "httpx") from exc

__all__ = ["HttpxAuth"]

# Headers httpx derives from the URL and its cookie jar: a hop gets its own.
_PER_HOP = frozenset({"host", "cookie"})
_HOST = frozenset({"host"})


class HttpxAuth(ChainedPlugin, httpx.Auth):
    """Signs each request an ``httpx.Client`` or ``AsyncClient`` sends (RFC 5849 §3).

    >>> httpx.get(url, auth=HttpxAuth(consumer, token))  # doctest: +SKIP

    ``method``, ``placement``, ``realm``, ``callback`` (§2.1) and ``verifier`` (§2.3) go to
    ``oauthcore.sign``; a form body is signed by its parameters, any other body through
    ``oauth_body_hash``. Redirects are followed by the auth, up to ``max_redirects``;
    ``clock_skew`` (a ``ClockSkew`` of its own unless given; ``None``: opt out), ``retry`` and
    ``session`` are the ``Client``'s (``transports.resilience``); see the module docstring.
    """

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Yield ``request`` signed, then each hop, try and renewal the call needs (§3.4, §3.5).

        A ``Pause`` (a retry's wait, another caller's renewal) is slept here, with ``time.sleep``
        unless the pause names its own.
        """
        with closing(self._call(request)) as flow:
            step = next(flow)
            while True:
                sent: httpx.Response | None = None
                if isinstance(step, Pause):
                    (step.sleep or time.sleep)(step.seconds)
                else:
                    sent = yield step
                    if self._reads(sent):
                        sent.read()
                try:
                    step = flow.send(sent)
                except StopIteration:
                    return

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """``auth_flow``, the request's body read first (httpx's ``Client``, §3.4.1.3)."""
        request.read()
        yield from self.auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """``auth_flow`` for ``httpx.AsyncClient``: bodies and pauses awaited (§3.4, §3.5)."""
        await request.aread()
        with closing(self._call(request)) as flow:
            step = next(flow)
            while True:
                sent: httpx.Response | None = None
                if isinstance(step, Pause):
                    await _pause(step)
                else:
                    sent = yield step
                    if self._reads(sent):
                        await sent.aread()
                try:
                    step = flow.send(sent)
                except StopIteration:
                    return

    def _reads(self, response: httpx.Response) -> bool:
        # Any reply the flow does not read reaches the caller unread (it may be streamed).
        return self.chain.reads(response.status_code, str(response.request.url))

    def _call(
        self, request: httpx.Request
    ) -> Generator[httpx.Request | Pause, httpx.Response | None, None]:
        # The call flow, its requests made httpx requests and its replies read back: the first
        # is ``request`` itself, signed in place; any other a new one (``_hop``).
        unsigned = _record(request)
        flow = self.chain.call(unsigned)
        step = next(flow)
        assert isinstance(step, Request)
        outgoing = _sign_in_place(request, unsigned, step)
        answered = 0
        with closing(flow):
            while True:
                if isinstance(step, Pause):
                    yield step
                    reply: Response | None = None
                else:
                    response = yield outgoing
                    assert response is not None
                    if len(response.history) > answered:
                        raise ValueError(
                            "the httpx client followed a redirect itself, sending a used"
                            " signature again; make it with follow_redirects=False (httpx's"
                            " default): HttpxAuth follows redirects, signing each hop afresh"
                        )
                    if not answered and not self.chain.acts_on(response.status_code):
                        # The flow would return this reply as it came: it is left unconverted.
                        return
                    answered += 1
                    reply = _response(response)
                try:
                    step = flow.send(reply) if reply is not None else next(flow)
                except StopIteration:
                    return
                if isinstance(step, Request):
                    outgoing = _hop(request, step)

    def __repr__(self) -> str:
        return f"HttpxAuth({self.chain.signer!r})"


def _address(url: httpx.URL) -> tuple[str, str, int | None, str]:
    # Where a request went, its query (a query placement's signature) left out.
    return url.scheme, url.host, url.port, url.path


def _record(request: httpx.Request) -> Request:
    # requires_request_body: httpx has read the body, so .content is the bytes it sends. Every
    # header goes in: a retry or a redirect hop is built from this request (``_hop``).
    return Request(
        request.method,
        str(request.url),
        header_pairs(request.headers.multi_items()),
        request.content,
    )


def _sign_in_place(request: httpx.Request, unsigned: Request, signed: Request) -> httpx.Request:
    # The signer adds a header, appends to the query or to a form body: the first two change
    # the request in place; a new body needs a new request, with its own Content-Length.
    if signed.body != unsigned.body:
        return _hop(request, signed)
    for name, value in signed.headers[len(unsigned.headers) :]:
        request.headers[name] = value
    if signed.url != unsigned.url:
        request.url = httpx.URL(signed.url)
    return request


def _hop(first: httpx.Request, request: Request) -> httpx.Request:
    # A try of the first request keeps its cookies; a hop elsewhere gets none from it.
    dropped = _PER_HOP if _address(httpx.URL(request.url)) != _address(first.url) else _HOST
    headers = [
        (name, value)
        for name, value in request.headers
        if name.lower() not in dropped and name.lower() != "content-length"
    ]
    return httpx.Request(
        request.method,
        request.url,
        headers=headers,
        content=request.body,
        extensions=first.extensions,
    )


def _response(response: httpx.Response) -> Response:
    return Response(
        response.status_code,
        header_pairs(response.headers.multi_items()),
        response.content if response.is_stream_consumed else b"",
        str(response.url),
    )
