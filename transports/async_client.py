"""``AsyncClient``: the ``Client`` for ``asyncio``, the same flow over an ``AsyncTransport``.

Theory of operation: every call is the ``transports.flow`` generator the sync ``Client`` drives
(signing each hop afresh, §3.3; the redirect rules; the three-legged replies, §2); here each
request it yields is awaited on an ``AsyncTransport``. A ``deadline`` bounds the whole chain: a
transport whose ``send`` takes ``deadline`` (the shipped ones) is handed what is left of it on
each hop, and any other is cancelled by an ``asyncio`` timeout when it runs out.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, Self

from attrs import evolve, frozen

from oauthcore import Request, Token
from oauthcore.multipart import MultipartPolicy
from oauthcore.records import HeadersLike, PairsLike

from ._client_base import ClientBase, chain_late
from .base import AsyncTransport, ClosableAsyncTransport, DeadlineExceeded, Response
from .flow import drive_async
from .streams import Streamable, Upload

__all__ = ["AsyncClient"]


@frozen
class AsyncClient(ClientBase[AsyncTransport]):
    """Signs each request for ``consumer`` (and ``token``) and awaits it on ``transport`` (§3).

    >>> async with AsyncClient(Consumer("key", "secret"), token) as client:  # doctest: +SKIP
    ...     me = (await client.request("GET", "https://api.example.com/me")).json()

    The options, the redirect rules and the three-legged steps are the ``Client``'s, and so is
    every signature. Without ``transport=`` it makes the best one installed
    (``best_async_transport()``: httpx, else aiohttp) and ``aclose()`` or ``async with`` closes
    it; a transport you pass is yours to close. Runs on ``asyncio``.
    """

    def _check_transport(self, value: object) -> None:
        if not (isinstance(value, AsyncTransport) and inspect.iscoroutinefunction(value.send)):
            raise TypeError(
                "transport must have async send(request, *, timeout=None) -> Response"
                f" (an AsyncTransport), not {type(value).__name__}"
            )

    def _best_transport(self) -> AsyncTransport:
        from .adapters import best_async_transport

        return best_async_transport()

    def with_token(self, token: Token | None) -> AsyncClient:
        """A copy of this client that signs with ``token`` on the same transport (§1.1)."""
        return evolve(self, token=token, transport=self.transport)

    async def aclose(self) -> None:
        """Close the transport if this client made it (no ``transport=`` given); else nothing."""
        if self.owns_transport and isinstance(self.transport, ClosableAsyncTransport):
            await self.transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: PairsLike | None = None,
        data: PairsLike | None = None,
        body: bytes | Streamable | None = None,
        json: Any = None,
        headers: HeadersLike | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        multipart: MultipartPolicy | None = None,
    ) -> Response:
        """Sign and send one request; return the final response of the redirect chain (§3).

        The arguments are ``Client.request``'s: ``params`` (query), one of ``data`` (a signed
        form), ``body`` (raw bytes, or streamed: a file, a callable or iterable of bytes, a
        ``MultipartBody`` signed as ``multipart`` says) or ``json``, ``headers``;
        ``timeout`` for every hop and ``deadline`` for the whole call.
        """
        if (body is None or isinstance(body, (bytes, bytearray))) and multipart is None:
            flow = self._request_flow(
                method, url, params=params, data=data, body=body, json=json, headers=headers
            )
            return await drive_async(flow, self._sender(timeout, deadline))
        # In a worker thread: the body is read once to hash it (an iterator spooled first).
        # Imported here: ``import transports`` does not load asyncio.
        import asyncio

        flow, upload = await asyncio.to_thread(
            self._upload_flow,
            method,
            url,
            params=params,
            data=data,
            body=body,
            json=json,
            headers=headers,
            multipart=multipart,
        )
        with upload:
            return await drive_async(flow, self._sender(timeout, deadline, upload))

    def _sender(
        self, timeout: float | None, deadline: float | None, upload: Upload | None = None
    ) -> Callable[[Request], Awaitable[Response]]:
        # What sends one hop: the transport, held to what is left of the client's deadline.
        seconds = self._seconds(deadline)
        transport = self.transport if upload is None else upload.bind_async(self.transport)
        if seconds is None:
            return lambda request: transport.send(request, timeout=timeout)
        ends = time.monotonic() + seconds
        hands_down = self._hands_down_deadline
        # The protocol's send has no deadline; a transport that takes one gets the time left.
        send: Any = transport.send

        async def within(request: Request) -> Response:
            left = ends - time.monotonic()
            if left <= 0:
                raise chain_late(request, seconds)
            if hands_down:
                try:
                    response: Response = await send(request, timeout=timeout, deadline=left)
                except DeadlineExceeded as exc:
                    raise chain_late(request, seconds) from exc
                return response
            # Imported here: ``import transports`` loads no asyncio (nor the ssl it brings).
            import asyncio

            try:
                async with asyncio.timeout(left) as scope:
                    return await transport.send(request, timeout=timeout)
            except TimeoutError as exc:
                if not scope.expired():
                    raise  # the transport's own, not the deadline's
                raise chain_late(request, seconds) from exc

        return within

    # The client side of the three-legged flow (RFC 5849 §2).

    async def fetch_request_token(
        self,
        url: str,
        callback: str = "oob",
        *,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Token:
        """Obtain temporary credentials (a request token) with ``oauth_callback`` (§2.1).

        Refuses a reply without ``oauth_callback_confirmed=true`` and a non-2xx reply, with
        ``TokenResponseError``, as ``Client.fetch_request_token`` does.
        """
        flow = self._request_token_flow(url, callback)
        return await drive_async(flow, self._sender(timeout, deadline))

    async def fetch_access_token(
        self,
        url: str,
        request_token: Token,
        verifier: str,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Token:
        """Exchange the request token and ``verifier`` for token credentials (§2.3).

        The provider's extra fields are in ``Token.extra``; a non-2xx reply raises
        ``TokenResponseError``. ``with_token`` makes the client that signs with the result.
        """
        flow = self._access_token_flow(url, request_token, verifier)
        return await drive_async(flow, self._sender(timeout, deadline))
