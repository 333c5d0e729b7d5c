"""httpx: ``HttpxAuth``, an ``httpx.Auth`` that signs the bytes httpx sends and re-signs redirects.

Theory of operation: httpx runs an auth's ``auth_flow`` around a request and sends what it
yields; with ``follow_redirects=False`` (httpx's default) the flow receives each redirect, and
may answer with another request, the shape ``transports.flow.send_flow`` has. So the auth reads
the request as httpx will send it (its body read first: form, JSON or raw content, byte for
byte), lets the client flow sign it, and follows redirects the flow's way: a fresh nonce on each
same-origin hop, nothing signed elsewhere, https to http refused with ``RedirectError``. A
client made with ``follow_redirects=True`` follows redirects before the auth sees them, sending
the first signature again on a same-origin hop (a used nonce, which a provider refuses); the auth
then raises ``ValueError`` rather than return that reply. One auth serves ``httpx.Client`` and
``httpx.AsyncClient`` alike.
"""

from __future__ import annotations

from collections.abc import Generator

from oauthcore import Request

from .._extras import missing_extra
from ..base import Response
from ._common import ChainedPlugin, header_pairs, signing_headers, without_signature

try:
    import httpx
except ImportError as exc:  # pragma: no cover - the tests run with httpx installed
    raise missing_extra("HttpxAuth", "httpx") from exc

__all__ = ["HttpxAuth"]

# Headers httpx derives from the URL and its cookie jar: a hop gets its own.
_PER_HOP = frozenset({"host", "cookie"})


class HttpxAuth(ChainedPlugin, httpx.Auth):
    """Signs each request an ``httpx.Client`` or ``AsyncClient`` sends (RFC 5849 §3).

    >>> httpx.get(url, auth=HttpxAuth(consumer, token))  # doctest: +SKIP

    ``method``, ``placement``, ``realm``, ``callback`` (§2.1) and ``verifier`` (§2.3) go to
    ``oauthcore.sign``; a form body is signed by its parameters, any other body through
    ``oauth_body_hash``. Redirects are followed by the auth, up to ``max_redirects``; see the
    module docstring.
    """

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Yield ``request`` signed, then each hop of its redirects (RFC 5849 §3.4, §3.5)."""
        chain = self.chain
        unsigned = _record(request)
        outgoing = _sign_in_place(request, unsigned, chain.signer(unsigned))
        first_url, signed, redirects = unsigned.url, True, 0
        while True:
            response = yield outgoing
            if len(response.history) > redirects:
                raise ValueError(
                    "the httpx client followed a redirect itself, sending a used signature"
                    " again; make it with follow_redirects=False (httpx's default):"
                    " HttpxAuth follows redirects, signing each hop afresh"
                )
            if not response.has_redirect_location:
                return
            if not redirects:
                unsigned = without_signature(unsigned, outgoing.headers.multi_items())
            # Raises RedirectError for a hop the policy refuses (a downgrade, too many).
            hop = chain.next_hop(
                first_url, unsigned, _response(response), redirects=redirects, signed=signed
            )
            unsigned, signed = hop.request, hop.sign
            outgoing = _hop(request, chain.signer(unsigned) if signed else unsigned)
            redirects += 1

    def __repr__(self) -> str:
        return f"HttpxAuth({self.chain.signer!r})"


def _record(request: httpx.Request) -> Request:
    # requires_request_body: httpx has read the body, so .content is the bytes it sends.
    headers = signing_headers(request.headers.get)
    return Request(request.method, str(request.url), headers, request.content)


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
    headers = [
        (name, value)
        for name, value in request.headers
        if name.lower() not in _PER_HOP and name.lower() != "content-length"
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
        b"",
        str(response.url),
    )
