"""``Client``: sign with oauthcore, send through any ``Transport``, follow redirects safely.

Theory of operation: every call is a ``transports.flow`` generator, the one the ``AsyncClient``
drives too; it signs each hop afresh (fresh nonce and timestamp, RFC 5849 §3.3), decides each
redirect (credentials stay on the first origin, no https to http) and reads the three-legged
replies. The ``Client`` only sends what it yields. A ``deadline`` bounds the whole chain: each
hop is handed what is left of it, and no hop starts once it has run out.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any, Self

from attrs import evolve, frozen

from oauthcore import Request, Token
from oauthcore.multipart import MultipartPolicy
from oauthcore.records import HeadersLike, PairsLike

from ._client_base import ClientBase, chain_late
from .base import ClosableTransport, DeadlineExceeded, Response, Transport
from .flow import RedirectError, drive
from .streams import Streamable, Upload

__all__ = ["Client", "RedirectError"]


@frozen
class Client(ClientBase[Transport]):
    """Signs each request for ``consumer`` (and ``token``) and sends it via ``transport`` (§3).

    >>> client = Client(Consumer("key", "secret"), Token("tok", "tok-secret"))  # doctest: +SKIP
    >>> client.request("GET", "https://api.example.com/me").json()  # doctest: +SKIP

    Without ``transport=`` the client makes the best one installed (``best_transport()``:
    urllib3, else httpx, else the standard library's) and ``close()`` or a ``with`` block closes
    it; a transport you pass is yours to close. ``method``, ``placement`` and ``realm`` are
    passed to ``oauthcore.sign``. Redirects are followed up to ``max_redirects`` hops, by the
    rules of ``transports.flow``. ``deadline`` (seconds) bounds a whole call, redirects
    included; ``None``: each hop has the transport's.
    """

    def _check_transport(self, value: object) -> None:
        if not isinstance(value, Transport):
            raise TypeError(
                f"transport must have send(request, *, timeout=None) -> Response (a Transport),"
                f" not {type(value).__name__}"
            )
        if inspect.iscoroutinefunction(value.send):
            raise TypeError(
                f"{type(value).__name__}.send is async: give it to an AsyncClient, or give this"
                " Client a sync transport"
            )

    def _best_transport(self) -> Transport:
        from .adapters import best_transport

        return best_transport()

    def with_token(self, token: Token | None) -> Client:
        """A copy of this client that signs with ``token`` on the same transport (§1.1)."""
        return evolve(self, token=token, transport=self.transport)

    def close(self) -> None:
        """Close the transport if this client made it (no ``transport=`` given); else nothing."""
        if self.owns_transport and isinstance(self.transport, ClosableTransport):
            self.transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
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

        ``params`` go in the query, ``data`` makes a form body (its parameters are signed,
        §3.4.1.3.1), ``body`` sends raw bytes and ``json`` sends a JSON document (both covered
        by ``oauth_body_hash`` where the method has one; ``json=None`` means no JSON body).
        A ``body`` that is a binary file, a callable or iterable of bytes, or a ``MultipartBody``
        (signed as ``multipart``, else the Client's, says) is streamed: ``transports.streams``.
        ``timeout`` overrides the transport's default for every hop, ``deadline`` the Client's.
        """
        if (body is None or isinstance(body, (bytes, bytearray))) and multipart is None:
            flow = self._request_flow(
                method, url, params=params, data=data, body=body, json=json, headers=headers
            )
            return drive(flow, self._sender(timeout, deadline))
        flow, upload = self._upload_flow(
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
            return drive(flow, self._sender(timeout, deadline, upload))

    def _sender(
        self, timeout: float | None, deadline: float | None, upload: Upload | None = None
    ) -> Callable[[Request], Response]:
        # What sends one hop: the transport, held to what is left of the Client's deadline.
        seconds = self._seconds(deadline)
        transport = self.transport if upload is None else upload.bind(self.transport)
        if seconds is None:
            return lambda request: transport.send(request, timeout=timeout)
        ends = time.monotonic() + seconds
        hands_down = self._hands_down_deadline
        # The protocol's send has no deadline; a transport that takes one gets the time left.
        send: Any = transport.send

        def within(request: Request) -> Response:
            left = ends - time.monotonic()
            if left <= 0:
                raise chain_late(request, seconds)
            if not hands_down:
                # A transport that takes no deadline is held to it between hops only.
                return transport.send(request, timeout=timeout)
            try:
                response: Response = send(request, timeout=timeout, deadline=left)
            except DeadlineExceeded as exc:
                raise chain_late(request, seconds) from exc
            return response

        return within

    # The client side of the three-legged flow (RFC 5849 §2).

    def fetch_request_token(
        self,
        url: str,
        callback: str = "oob",
        *,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Token:
        """Obtain temporary credentials (a request token) with ``oauth_callback`` (§2.1).

        Refuses a reply without ``oauth_callback_confirmed=true`` (a pre-1.0a provider) and a
        non-2xx reply, with ``TokenResponseError``.
        """
        return drive(self._request_token_flow(url, callback), self._sender(timeout, deadline))

    def fetch_access_token(
        self,
        url: str,
        request_token: Token,
        verifier: str,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Token:
        """Exchange the request token and ``verifier`` for token credentials (§2.3).

        The provider's extra fields (``user_id``, ``screen_name``...) are in ``Token.extra``;
        use ``with_token`` to sign with the result. A non-2xx reply raises ``TokenResponseError``.
        """
        return drive(
            self._access_token_flow(url, request_token, verifier),
            self._sender(timeout, deadline),
        )
