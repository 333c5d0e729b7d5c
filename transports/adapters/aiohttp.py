"""``AiohttpTransport``: send signed requests through an ``aiohttp.ClientSession`` (§3.5).

aiohttp is imported when the first transport is made. The session it makes verifies TLS and
reads no proxy from the environment. Every request, on a session of yours too, goes out with
redirects off, with no made-up ``Content-Type`` (aiohttp labels raw bytes
``application/octet-stream`` unless told not to) and asking for no compression; the body is read
raw, as received, within the size cap. An ``aiohttp.ClientSession`` belongs to the event loop
it was made in, so the transport makes its own on the first call, inside the loop, not in
``__init__``."""

from __future__ import annotations

import functools
import ssl
from typing import TYPE_CHECKING

from oauthcore import Request
from oauthcore.bodies import BodyChanged

from ..base import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE, DEFAULT_TIMEOUT, Response
from ..errors import ConnectionFailed, NameResolutionError, TLSError, TransportTimeout
from ..streams import StreamedBody, aiter_chunks
from ._common import check_own, check_tls, header_pairs, needs, tls_context
from ._errors import Kind, failure, socket_kind
from ._limits import AsyncLimitedTransport, body_length

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport"]

# Headers aiohttp adds on its own that would change or describe the request otherwise than
# signed: a made-up Content-Type, an Accept-Encoding asking for compression.
_NOT_MADE_UP = ("Content-Type", "Accept-Encoding")


class AiohttpTransport(AsyncLimitedTransport):
    """An ``AsyncTransport`` over an ``aiohttp.ClientSession``, for the ``AsyncClient`` (§3.5).

    Pass your own ``session`` (its connector, TLS and default headers are kept; every request
    goes with ``allow_redirects=False`` and undecoded) or let the transport make one, on its
    first call, that verifies certificates against ``ca_certs`` (a PEM file) or with
    ``ssl_context``, else against the system's trust store. ``timeout`` bounds connecting and
    each read, in seconds (``None``: for ever); a body over ``max_response`` bytes raises
    ``ResponseTooLarge``; ``deadline`` is aiohttp's ``total`` timeout, which cancels the whole
    call (connecting, sending, reading the body) and raises ``DeadlineExceeded`` (``None``:
    none). Use it from one event loop; ``await
    transport.aclose()`` or ``async with`` closes the session it made.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        ca_certs: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_response: int | None = DEFAULT_MAX_RESPONSE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self._set_limits(timeout, max_response, deadline)
        with needs("AiohttpTransport", "aiohttp"):
            import aiohttp  # noqa: F401  (imported here so a missing extra fails early)
        check_own(session, "session", ca_certs, ssl_context)
        check_tls(ca_certs, ssl_context)
        self._owns_session = session is None
        self._session = session
        self._tls = ssl_context
        self._ca_certs = ca_certs

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The session calls go through: the one passed in, else the one made on the first call."""
        return self._session

    def _made_session(self) -> aiohttp.ClientSession:
        import aiohttp

        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=tls_context(self._ca_certs, self._tls)),
            trust_env=False,
            auto_decompress=False,
        )

    async def send(
        self,
        request: Request,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
        stream: StreamedBody | None = None,
    ) -> Response:
        """Send ``request`` once through the session, body byte for byte; return it unredirected.

        ``timeout`` and ``deadline`` (seconds for the whole call) override the defaults;
        ``stream`` is a body sent as it is read (``transports.streams``).
        """
        import aiohttp

        budget = self.budget(request, timeout, deadline)
        if self._session is None:
            # Made in the running loop, the one it belongs to; no await since the check.
            self._session = self._made_session()
        session = self._session
        try:
            async with session.request(
                request.method,
                request.url.partition("#")[0],
                data=request.body or None if stream is None else aiter_chunks(stream.chunks),
                # Pairs, not a mapping: a header given twice goes out twice.
                headers=list(request.headers),
                allow_redirects=False,
                auto_decompress=False,
                # Per request, so that a session of yours makes up none of them either.
                skip_auto_headers=_NOT_MADE_UP,
                # The deadline is aiohttp's total: one timer for the call, reading included.
                timeout=_timeouts(budget.deadline, budget.timeout),
            ) as reply:
                try:
                    length = body_length(
                        request.method, reply.status, reply.headers.get("Content-Length")
                    )
                    body = await budget.read_async(
                        reply.content.iter_any(), length, reply.content.read
                    )
                except BaseException:
                    # Refused part-way: the connection must not serve the next request.
                    reply.close()
                    raise
        except TimeoutError as exc:
            if isinstance(exc, aiohttp.ServerTimeoutError):
                # Connecting or a read took longer than the per-read timeout.
                raise TransportTimeout.describe(request, exc) from exc
            # aiohttp's total: the deadline ran out.
            raise budget.exceeded() from exc
        except (aiohttp.ClientError, OSError) as exc:
            # aiohttp wraps what the body's iteration raised: a body that changed since it was
            # hashed is the caller's error, not the connection's (Body Hash §3.2).
            if isinstance(exc.__cause__, BodyChanged):
                raise exc.__cause__ from None
            raise failure(request, exc, _kind(exc)) from exc
        return Response(reply.status, header_pairs(reply.raw_headers), body, request.url)

    async def aclose(self) -> None:
        """Close the session (only one this transport made)."""
        if self._owns_session and self._session is not None:
            await self._session.close()


@functools.lru_cache(maxsize=64)
def _timeouts(deadline: float | None, timeout: float | None) -> aiohttp.ClientTimeout:
    # Made once per pair of limits: most calls of a transport share its defaults.
    import aiohttp

    return aiohttp.ClientTimeout(total=deadline, sock_connect=timeout, sock_read=timeout)


def _kind(error: BaseException) -> Kind | None:
    # aiohttp names its connect failures; test the subclasses first (each is a
    # ClientConnectorError). Resets and the rest are known by their cause.
    import aiohttp

    if isinstance(error, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return TLSError, ""
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return NameResolutionError, ""
    if isinstance(error, aiohttp.ClientConnectorError):
        return socket_kind(error.os_error) or (ConnectionFailed, "")
    if isinstance(error, aiohttp.ServerDisconnectedError):
        # The server hung up before a response: a ConnectionResetError to the standard library.
        return ConnectionFailed, "connection closed before a response"
    return socket_kind(error)
