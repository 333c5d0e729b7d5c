"""``UrllibTransport``: send signed requests with the standard library alone (RFC 5849 §3.5).

It builds its own ``urllib.request.OpenerDirector`` from exactly the handlers it needs, so no
global opener, no proxy from the environment, no redirect handler and no error-raising processor
take part: a 3xx or 4xx comes back as a ``Response`` for the ``Client`` to decide on. One quirk is
undone: urllib labels any body without a ``Content-Type`` as a form, which would change what an
OAuth provider signs (§3.4.1.3.1), so that made-up header is removed again.
"""

from __future__ import annotations

import http.client
import ssl
import urllib.error
import urllib.request
from typing import cast

from oauthcore import Request

from ..base import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE, DEFAULT_TIMEOUT, Response
from ..streams import StreamedBody
from ._budgeted import BudgetedResponse
from ._common import tls_context
from ._errors import failure, socket_kind
from ._limits import LimitedTransport

__all__ = ["UrllibTransport"]

_Outgoing = urllib.request.Request


def _keep_body_unlabelled(request: _Outgoing, had_type: bool) -> _Outgoing:
    if not had_type:
        request.unredirected_hdrs.pop("Content-type", None)
    return request


# Every read of a response (status line, headers, body) waits at most the call's time left.
class _Connection(http.client.HTTPConnection):
    response_class = BudgetedResponse


class _TlsConnection(http.client.HTTPSConnection):
    response_class = BudgetedResponse


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: _Outgoing) -> http.client.HTTPResponse:
        return self.do_open(_Connection, req)

    def http_request(self, request: _Outgoing) -> _Outgoing:
        had_type = request.has_header("Content-type")
        return _keep_body_unlabelled(super().http_request(request), had_type)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(context=context)
        self.tls_context = context

    def https_open(self, req: _Outgoing) -> http.client.HTTPResponse:
        return self.do_open(_TlsConnection, req, context=self.tls_context)

    def https_request(self, request: _Outgoing) -> _Outgoing:
        had_type = request.has_header("Content-type")
        return _keep_body_unlabelled(super().https_request(request), had_type)


class UrllibTransport(LimitedTransport):
    """A ``Transport`` over ``urllib.request`` with a private opener: no dependency (§3.5).

    Certificates are verified against ``ca_certs`` (a PEM file) or by ``ssl_context``, else
    against the system's trust store. ``timeout`` is the default per socket operation, in
    seconds; ``None`` waits for ever. Each request opens its own connection (no keep-alive).
    Repeated request headers of one name are sent folded into one, comma-separated. A body over
    ``max_response`` bytes raises ``ResponseTooLarge``, a call over ``deadline`` seconds
    ``DeadlineExceeded`` (``None``: no limit).
    """

    def __init__(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        ca_certs: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_response: int | None = DEFAULT_MAX_RESPONSE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self._set_limits(timeout, max_response, deadline)
        opener = urllib.request.OpenerDirector()
        opener.add_handler(_HTTPHandler())
        opener.add_handler(_HTTPSHandler(context=tls_context(ca_certs, ssl_context)))
        self._opener = opener

    def send(
        self,
        request: Request,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
        stream: StreamedBody | None = None,
    ) -> Response:
        """Send ``request`` once on a new connection, body byte for byte; return it unredirected.

        ``timeout`` and ``deadline`` (seconds for the whole call) override the defaults;
        ``stream`` is a body sent as it is read (``transports.streams``).
        """
        budget = self.budget(request, timeout, deadline)
        # The URL is an oauthcore.Request's: always http(s), never file: or a custom scheme.
        outgoing = urllib.request.Request(  # noqa: S310
            request.url,
            data=request.body or None if stream is None else stream.chunks,
            method=request.method,
        )
        for name, value in request.headers:
            previous = outgoing.get_header(name.capitalize())
            outgoing.add_header(name, value if previous is None else f"{previous}, {value}")
        try:
            seconds = budget.read_timeout()
            with budget.in_force(), self._opener.open(outgoing, timeout=seconds) as opened:
                reply = cast(BudgetedResponse, opened)
                body = budget.read(reply.read1, None, reply.length)
                return Response(reply.status, tuple(reply.headers.items()), body, request.url)
        except (OSError, http.client.HTTPException) as exc:
            # URLError only wraps: chain what actually went wrong (refused, TLS, DNS...).
            cause: BaseException = exc
            if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
                cause = exc.reason
            raise budget.error(failure(request, cause, socket_kind(cause))) from cause
