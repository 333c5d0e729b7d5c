"""``HttpxTransport`` and ``AsyncHttpxTransport``: signed requests through httpx (RFC 5849 §3.5).

httpx is imported when the first transport is made, never when ``transports`` is imported. The
client a transport makes verifies TLS, follows no redirect, reads no proxy from the environment
and asks for no compression (httpx's default ``Accept-Encoding`` is removed); bodies are read
raw, as received, within the size cap.

Theory of operation (the deadline): the async transport runs each call inside an ``asyncio``
timeout, which cancels whatever read is under way. The sync one cannot cancel a blocking read,
so, as the other sync adapters do, it makes every socket wait of the call, status line and
headers included, wait at most the time left: the connection pool of a client it makes uses a
network backend whose streams ask the call's ``Budget`` (in force in the calling thread) for
each read's timeout.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from typing import TYPE_CHECKING, Any, TypeVar

from oauthcore import Request

from ..base import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE, DEFAULT_TIMEOUT, Response
from ..errors import ConnectionFailed, TransportTimeout
from ..streams import StreamedBody, aiter_chunks
from ._common import check_own, header_pairs, needs, tls_context
from ._errors import Kind, failure, socket_kind
from ._limits import (
    AsyncLimitedTransport,
    Budget,
    LimitedTransport,
    body_length,
    budget_in_force,
)

if TYPE_CHECKING:
    import httpcore
    import httpx

__all__ = ["AsyncHttpxTransport", "HttpxTransport"]

_Client = TypeVar("_Client", "httpx.Client", "httpx.AsyncClient")

# How httpcore words a RemoteProtocolError for a server that hung up without replying.
_NO_RESPONSE = "Server disconnected without sending a response"


def _import_httpx(adapter: str) -> None:
    with needs(adapter, "httpx"):
        import httpx  # noqa: F401  (imported here so a missing extra fails early)


def _timeouts(seconds: float | None) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(seconds)


def _outgoing(
    client: httpx.Client | httpx.AsyncClient, request: Request, stream: Any = None
) -> httpx.Request:
    # The body goes as given: content= adds no Content-Type; the request's headers, repeats
    # kept, replace the client's defaults of the same names. A stream's framing header is the
    # request's own, so httpx adds none.
    if stream is not None:
        content = stream
    else:
        content = request.body or (b"" if request.method in ("POST", "PUT", "PATCH") else None)
    return client.build_request(
        request.method,
        request.url.partition("#")[0],
        headers=list(request.headers),
        content=content,
    )


def _response(request: Request, reply: httpx.Response, body: bytes) -> Response:
    return Response(reply.status_code, header_pairs(reply.headers.raw), body, request.url)


def _length(request: Request, reply: httpx.Response) -> int | None:
    return body_length(request.method, reply.status_code, reply.headers.get("Content-Length"))


def _kind(error: BaseException) -> Kind | None:
    # httpx names timeouts; a failed connect carries the socket or ssl error in its chain
    # (refused, a certificate that does not verify, a name that does not resolve).
    import httpx

    if isinstance(error, httpx.TimeoutException):
        return TransportTimeout, ""
    if isinstance(error, httpx.RemoteProtocolError) and str(error).startswith(_NO_RESPONSE):
        # httpcore's own name for a connection the server closed before any response (it
        # treats it as a failed connect); the standard library's is a ConnectionResetError.
        return ConnectionFailed, "connection closed before a response"
    return socket_kind(error)


class HttpxTransport(LimitedTransport):
    """A ``Transport`` over an ``httpx.Client``: pooled keep-alive connections (RFC 5849 §3.5).

    Pass your own ``client`` (its TLS, proxies, limits and default headers are kept; redirects
    are never followed) or let the transport make one that verifies certificates against
    ``ca_certs`` (a PEM file) or with ``ssl_context``, else against the system's trust store.
    ``timeout`` is the default for connecting and for each read, in seconds (``None``: for
    ever). A body over ``max_response`` bytes raises ``ResponseTooLarge``, a call over
    ``deadline`` seconds ``DeadlineExceeded`` (``None``: no limit). On a client you pass, the
    status line and headers are read with each wait bounded by the time left when the request
    went out (the body's chunks are checked against the deadline as they come).
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        ca_certs: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_response: int | None = DEFAULT_MAX_RESPONSE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self._set_limits(timeout, max_response, deadline)
        _import_httpx("HttpxTransport")
        check_own(client, "client", ca_certs, ssl_context)
        self._owns_client = client is None
        if client is None:
            # httpx takes a context (a CA file path is deprecated there).
            client = _make_client(tls_context(ca_certs, ssl_context))
        self.client = client

    def send(
        self,
        request: Request,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
        stream: StreamedBody | None = None,
    ) -> Response:
        """Send ``request`` once through the client, body byte for byte; return it unredirected.

        ``timeout`` and ``deadline`` (seconds for the whole call) override the defaults;
        ``stream`` is a body sent as it is read (``transports.streams``).
        """
        import httpx

        budget = self.budget(request, timeout, deadline)
        outgoing = _outgoing(self.client, request, None if stream is None else stream.chunks)
        try:
            outgoing.extensions["timeout"] = _timeouts(budget.read_timeout()).as_dict()
            with budget.in_force():
                reply = self.client.send(outgoing, stream=True, follow_redirects=False, auth=None)
                try:
                    chunks = reply.iter_raw()
                    body = budget.read(
                        lambda _size: _next(budget, chunks), None, _length(request, reply)
                    )
                finally:
                    reply.close()
        except (httpx.HTTPError, OSError) as exc:
            raise budget.error(failure(request, exc, _kind(exc))) from exc
        return _response(request, reply, body)

    def close(self) -> None:
        """Close the client's connections (only those of a client this transport made)."""
        if self._owns_client:
            self.client.close()


def _next(budget: Budget, chunks: Any) -> bytes:
    # One chunk as httpx received it; the deadline is checked between chunks too.
    budget.read_timeout()
    chunk: bytes = next(chunks, b"")
    return chunk


class AsyncHttpxTransport(AsyncLimitedTransport):
    """An ``AsyncTransport`` over an ``httpx.AsyncClient``, for the ``AsyncClient`` (§3.5).

    The same options and guarantees as ``HttpxTransport``; the ``deadline`` is an ``asyncio``
    timeout around the whole call (connect, send, every read), which cancels it when it runs
    out. Use it from one event loop; ``await transport.aclose()`` or ``async with`` closes it.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        ca_certs: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_response: int | None = DEFAULT_MAX_RESPONSE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self._set_limits(timeout, max_response, deadline)
        _import_httpx("AsyncHttpxTransport")
        check_own(client, "client", ca_certs, ssl_context)
        self._owns_client = client is None
        if client is None:
            import httpx

            client = _new_client(httpx.AsyncClient, verify=tls_context(ca_certs, ssl_context))
        self.client = client

    async def send(
        self,
        request: Request,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
        stream: StreamedBody | None = None,
    ) -> Response:
        """Send ``request`` once through the client, body byte for byte; return it unredirected.

        ``timeout`` and ``deadline`` (seconds for the whole call) override the defaults;
        ``stream`` is a body sent as it is read (``transports.streams``).
        """
        import httpx

        budget = self.budget(request, timeout, deadline)
        outgoing = _outgoing(
            self.client, request, None if stream is None else aiter_chunks(stream.chunks)
        )
        outgoing.extensions["timeout"] = _timeouts(budget.timeout).as_dict()
        try:
            async with asyncio.timeout(budget.deadline):
                reply = await self.client.send(
                    outgoing, stream=True, follow_redirects=False, auth=None
                )
                try:
                    # Chunk by chunk, raw: httpx's aread() would decode a compressed body.
                    body = await budget.read_async(reply.aiter_raw(), _length(request, reply))
                finally:
                    await reply.aclose()
        except TimeoutError as exc:
            # Only the deadline raises this here (httpx's own timeouts are HTTPErrors); caught
            # first, as a TimeoutError is also an OSError.
            raise budget.exceeded() from exc
        except (httpx.HTTPError, OSError) as exc:
            raise failure(request, exc, _kind(exc)) from exc
        return _response(request, reply, body)

    async def aclose(self) -> None:
        """Close the client's connections (only those of a client this transport made)."""
        if self._owns_client:
            await self.client.aclose()


def _make_client(context: ssl.SSLContext) -> httpx.Client:
    import httpcore
    import httpx

    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's default
    transport = httpx.HTTPTransport(verify=context, trust_env=False, limits=limits)
    # httpx has no public hook for the network backend of the pool it builds, so the pool is
    # rebuilt with the same TLS and limits and one: every read of a call then waits at most its
    # time left. (httpcore's own defaults differ: 10 connections, kept alive for ever.)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_budgeted_backend()(),
    )
    return _new_client(httpx.Client, transport=transport)


def _new_client(kind: type[_Client], **options: Any) -> _Client:
    # A client the transport makes, sync or async: no proxy from the environment, no redirect
    # followed, and no compression asked for (httpx's default Accept-Encoding removed).
    client = kind(trust_env=False, follow_redirects=False, **options)
    del client.headers["Accept-Encoding"]
    return client


@functools.cache
def _budgeted_backend() -> type[httpcore.NetworkBackend]:
    # Classes of httpcore's own interface, made when httpx is first used (imported lazily).
    import httpcore

    class Stream(httpcore.NetworkStream):
        """A network stream whose every read waits at most the time left of the call."""

        def __init__(self, stream: httpcore.NetworkStream) -> None:
            self._stream = stream

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            budget = budget_in_force()
            if budget is not None and budget.deadline is not None:
                timeout = budget.read_timeout()
            return self._stream.read(max_bytes, timeout)

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._stream.write(buffer, timeout)

        def close(self) -> None:
            self._stream.close()

        def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            return Stream(self._stream.start_tls(*args, **kwargs))

        def get_extra_info(self, info: str) -> Any:
            return self._stream.get_extra_info(info)

    class Backend(httpcore.SyncBackend):
        """httpcore's sync backend, its streams reading within the call's deadline."""

        def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            return Stream(super().connect_tcp(*args, **kwargs))

    return Backend
