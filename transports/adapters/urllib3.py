"""``Urllib3Transport``: send signed requests through a ``urllib3.PoolManager`` (RFC 5849 §3.5).

urllib3 is imported when the first transport is made, never when ``transports`` is imported. The
pool verifies TLS certificates, follows no redirect (the ``Client`` re-signs each hop) and retries
nothing: a signed request is sent once, exactly as signed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from oauthcore import Request

from ..base import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE,
    DEFAULT_TIMEOUT,
    Response,
    redact_url,
)
from ..errors import ConnectionFailed, NameResolutionError, TLSError, TransportTimeout
from ..streams import StreamedBody
from ._budgeted import BudgetedResponse
from ._common import check_own, check_tls, needs
from ._errors import Kind, failure, socket_kind
from ._limits import LimitedTransport

if TYPE_CHECKING:
    import ssl

    import urllib3

__all__ = ["Urllib3Transport"]


class Urllib3Transport(LimitedTransport):
    """A ``Transport`` over urllib3: pooled keep-alive connections, thread-safe (RFC 5849 §3.5).

    Pass your own ``pool`` (a ``urllib3.PoolManager`` or ``ProxyManager``, configured as you
    like) or let the transport make one that verifies certificates against ``ca_certs`` (a PEM
    file) or with ``ssl_context``, else against the system's trust store. ``timeout`` is the
    default for connecting and for each read, in seconds; ``None`` waits for ever. A body over
    ``max_response`` bytes raises ``ResponseTooLarge``, a call over ``deadline`` seconds
    ``DeadlineExceeded`` (``None``: no limit); the connection goes back to the pool either way.
    On a pool you pass, the status line and headers are read by urllib3's own connections:
    each wait is bounded by the time left when the request went out, not re-checked between
    them (the body's reads are).
    """

    def __init__(
        self,
        pool: urllib3.PoolManager | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        ca_certs: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_response: int | None = DEFAULT_MAX_RESPONSE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self._set_limits(timeout, max_response, deadline)
        with needs("Urllib3Transport", "urllib3"):
            import urllib3
        _install_log_redaction()
        check_own(pool, "pool", ca_certs, ssl_context)
        # Given both, urllib3 would load the CA file into the caller's own context.
        check_tls(ca_certs, ssl_context)
        self._owns_pool = pool is None
        if pool is None:
            pool = urllib3.PoolManager(
                cert_reqs="CERT_REQUIRED", ca_certs=ca_certs, ssl_context=ssl_context
            )
            # Connections whose every read, headers included, waits at most the time left.
            pool.pool_classes_by_scheme = _budgeted_pool_classes()
        self.pool = pool
        # urllib3 clones a Timeout before use, so the default one is made once and shared.
        self._default_timeout = urllib3.Timeout(connect=timeout, read=timeout)

    def send(
        self,
        request: Request,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
        stream: StreamedBody | None = None,
    ) -> Response:
        """Send ``request`` once through the pool, body byte for byte; return it unredirected.

        ``timeout`` and ``deadline`` (seconds for the whole call) override the defaults;
        ``stream`` is a body sent as it is read (``transports.streams``).
        """
        import urllib3

        budget = self.budget(request, timeout, deadline)
        headers: Mapping[str, str] = dict(request.headers)
        if self.pool.headers or len(headers) != len(request.headers):
            headers = self._merged_headers(request)
        try:
            seconds = budget.read_timeout()
            if seconds == self.timeout:
                timeouts = self._default_timeout
            else:
                timeouts = urllib3.Timeout(connect=seconds, read=seconds)
            # urllib3's own total timeout bounds each read, not the body: the budget reads it.
            with budget.in_force():
                reply = self.pool.request(
                    request.method,
                    request.url,
                    body=request.body or None if stream is None else stream.chunks,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    timeout=timeouts,
                    preload_content=False,
                    decode_content=False,
                )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise budget.error(failure(request, exc, _kind(exc))) from exc
        try:
            body = budget.read(
                functools.partial(reply.read1, decode_content=False),
                # The reads of the pool's own connections set their timeouts themselves.
                None if self._owns_pool else functools.partial(_settimeout, reply),
                reply.length_remaining,
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            reply.close()
            raise budget.error(failure(request, exc, _kind(exc))) from exc
        except BaseException:
            # Refused part-way: the rest of the body must not be read by the next request.
            reply.close()
            raise
        finally:
            # Back to the pool (closed if it was cut short, to be reconnected when next used).
            reply.release_conn()
        return Response(reply.status, tuple(reply.headers.iteritems()), body, request.url)

    def _merged_headers(self, request: Request) -> urllib3.HTTPHeaderDict:
        # The pool's own default headers (a User-Agent, say) apply unless the request sets them;
        # a header the request repeats is sent as many times as it is given.
        import urllib3

        headers = urllib3.HTTPHeaderDict(self.pool.headers)
        if headers:
            for name, _ in request.headers:
                headers.discard(name)
        for name, value in request.headers:
            headers.add(name, value)
        return headers

    def close(self) -> None:
        """Close the pooled connections (only those of a pool this transport made)."""
        if self._owns_pool:
            self.pool.clear()


def _kind(error: BaseException) -> Kind | None:
    # urllib3 names its failures; test the subclasses first (a NameResolutionError is a
    # NewConnectionError, which is a ConnectTimeoutError). ProtocolError (reset, aborted) and
    # raw socket errors are known by their cause.
    from urllib3 import exceptions

    if isinstance(error, exceptions.NameResolutionError):
        return NameResolutionError, ""
    if isinstance(error, exceptions.NewConnectionError):
        return socket_kind(error.__cause__) or (ConnectionFailed, "")
    if isinstance(error, exceptions.TimeoutError):
        return TransportTimeout, ""
    if isinstance(error, exceptions.SSLError):
        return TLSError, ""
    return socket_kind(error)


@functools.cache
def _budgeted_pool_classes() -> dict[str, type[urllib3.HTTPConnectionPool]]:
    # urllib3's extension point: pools whose connections read responses through the budget.
    import urllib3
    from urllib3.connection import HTTPConnection, HTTPSConnection

    class Connection(HTTPConnection):
        response_class = BudgetedResponse

    class TlsConnection(HTTPSConnection):
        response_class = BudgetedResponse

    class Pool(urllib3.HTTPConnectionPool):
        ConnectionCls = Connection

    class TlsPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = TlsConnection

    return {"http": Pool, "https": TlsPool}


def _settimeout(reply: urllib3.BaseHTTPResponse, seconds: float | None) -> None:
    # Once the body is read to its end, urllib3 has already given the connection back.
    sock = getattr(reply.connection, "sock", None)
    if sock is not None:
        sock.settimeout(seconds)


class _RedactOAuthParameters(logging.Filter):
    """Masks secret OAuth values in urllib3's DEBUG request lines (its URL includes the query).

    With ``Placement.QUERY`` the query holds ``oauth_signature`` (for PLAINTEXT, the secrets) and
    ``oauth_verifier``; a log line must never show them (RFC 5849 §3.5.3, §4.5).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # Every str argument: a name can be percent-encoded (oauth%5Fsignature) or otherwise
        # spelled as parsers accept it, and redact_url knows each spelling. DEBUG lines only.
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


_REDACTION = _RedactOAuthParameters()


def _install_log_redaction() -> None:
    # Once per process: adding the same filter object again is a no-op for logging.
    logging.getLogger("urllib3.connectionpool").addFilter(_REDACTION)
