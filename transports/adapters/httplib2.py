"""``Httplib2Transport``: send signed requests through httplib2 (RFC 5849 §3.5).

httplib2 is imported when the first transport is made. Three httplib2 habits are switched off
because each would change or replay what was signed: following redirects (the ``Client``
re-signs each hop), caching (a cached reply never reaches the provider, and a conditional
request adds headers), and asking for gzip (the body would be decoded behind the caller's back).
An ``httplib2.Http`` is not thread-safe, so each call borrows one for itself: from a private
pool when the transport makes them, or the single one you passed, behind a lock.

httplib2 reads a whole body with one ``read()``; the connections this transport makes give it
responses whose ``read()`` goes through the call's ``Budget`` (size cap, deadline) instead, and
whose every socket read, status line and headers included, waits at most the time left.
"""

from __future__ import annotations

import functools
import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPException
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oauthcore import Request

from ..base import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE,
    DEFAULT_TIMEOUT,
    Response,
    TransportError,
)
from ..errors import NameResolutionError
from ._budgeted import BudgetedResponse
from ._common import check_own, needs
from ._errors import Kind, failure, socket_kind
from ._limits import LimitedTransport

if TYPE_CHECKING:
    import httplib2

__all__ = ["Httplib2Transport"]

# Keys httplib2 adds to its response mapping that the server did not send.
_NOT_HEADERS = frozenset({"status"})
# The header lines of the last response received in this thread (see _connection_types).
_received = threading.local()


class Httplib2Transport(LimitedTransport):
    """A ``Transport`` over httplib2, safe to share between threads (RFC 5849 §3.5).

    Pass your own ``http`` (an ``httplib2.Http`` without a cache; its redirect following is
    switched off; httplib2 itself may raise on a 401 whose challenge it cannot parse, such as a
    bare ``OAuth``) and calls take turns on it; or let the transport make one per concurrent
    call, verifying certificates against ``ca_certs`` (a PEM file) or httplib2's bundle.
    ``timeout`` is the default per socket operation, in seconds; ``None`` waits for ever.
    httplib2 folds repeated headers of one name into one, comma-separated, both ways. A body over
    ``max_response`` bytes raises ``ResponseTooLarge``, a call over ``deadline`` seconds
    ``DeadlineExceeded`` (``None``: no limit). On a keep-alive connection the ``http`` you pass
    already had, httplib2 reads the body itself: the cap is then checked after the read.
    """

    def __init__(
        self,
        http: httplib2.Http | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        ca_certs: str | None = None,
        max_response: int | None = DEFAULT_MAX_RESPONSE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self._set_limits(timeout, max_response, deadline)
        with needs("Httplib2Transport", "httplib2"):
            import httplib2  # noqa: F401  (imported here so a missing extra fails early)
        if http is not None:
            check_own(http, "Http", ca_certs)
            if http.cache:
                raise ValueError(
                    "pass an httplib2.Http without a cache: a cached reply would never reach"
                    " the provider, and its conditional headers change the signed request"
                )
            _no_redirects(http)
        self._ca_certs = ca_certs
        self._shared = http
        self._shared_lock = threading.Lock()
        self._lock = threading.Lock()
        self._idle: list[httplib2.Http] = []
        self._made: list[httplib2.Http] = []

    @contextmanager
    def _borrow(self) -> Iterator[httplib2.Http]:
        if self._shared is not None:
            with self._shared_lock:
                yield self._shared
            return
        with self._lock:
            http = self._idle.pop() if self._idle else None
        if http is None:
            http = self._make()
        try:
            yield http
        finally:
            with self._lock:
                self._idle.append(http)

    def _make(self) -> httplib2.Http:
        # proxy_info=None: no proxy read from the environment, like the other adapters.
        http = _http_class()(timeout=self.timeout, ca_certs=self._ca_certs, proxy_info=None)
        _no_redirects(http)
        with self._lock:
            self._made.append(http)
        return http

    def send(
        self, request: Request, *, timeout: float | None = None, deadline: float | None = None
    ) -> Response:
        """Send ``request`` once on a borrowed ``Http``, body byte for byte; return it unredirected.

        ``timeout`` and ``deadline`` (seconds for the whole call) override the defaults.
        """
        import httplib2

        budget = self.budget(request, timeout, deadline)
        headers: dict[str, str] = {}
        for name, value in request.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        headers.setdefault("accept-encoding", "identity")
        url = request.url.partition("#")[0]
        connection_type = _connection_types()[urlsplit(url).scheme.lower()]
        with self._borrow() as http:
            _received.headers = None
            try:
                _set_timeout(http, budget.read_timeout())
                with budget.in_force():
                    reply, content = http.request(
                        url,
                        method=request.method,
                        body=request.body or None,
                        headers=headers,
                        connection_type=connection_type,
                    )
            except (OSError, HTTPException, httplib2.HttpLib2Error) as exc:
                # The connection is in an unknown state: drop it rather than reuse it.
                http.close()
                raise budget.error(failure(request, exc, _kind(exc))) from exc
            except TransportError:
                # Refused part-way: the rest of the body must not be read by the next request.
                http.close()
                raise
            raw: list[tuple[str, str]] | None = _received.headers
        if self.max_response is not None and len(content) > self.max_response:
            # What httplib2 decoded (compression the caller asked for), or read on its own.
            raise budget.too_large(f"the response body of {len(content)} bytes is")
        if raw is None:
            # A connection the Http had before it was given to us: only httplib2's view is left.
            return Response(reply.status, _folded_headers(reply, url), content, request.url)
        return Response(reply.status, _raw_headers(raw, reply, content), content, request.url)

    def close(self) -> None:
        """Close the connections of the ``Http`` objects this transport made."""
        with self._lock:
            for http in self._made:
                http.close()


def _kind(error: BaseException) -> Kind | None:
    # httplib2 turns a failed DNS look-up into its own error; the rest are the socket's own.
    import httplib2

    if isinstance(error, httplib2.ServerNotFoundError):
        return NameResolutionError, ""
    return socket_kind(error)


@functools.cache
def _http_class() -> type[httplib2.Http]:
    import httplib2

    class Http(httplib2.Http):
        """An ``httplib2.Http`` that leaves 401 challenges to the caller."""

        def _auth_from_challenge(self, *args: object) -> Iterator[object]:
            # httplib2 parses every 401's WWW-Authenticate, even with no credentials to answer
            # it, and raises on a bare "OAuth" challenge (valid, RFC 7235 §4.1). The caller
            # reads the challenge from the Response; httplib2 has nothing to answer it with.
            return iter(())

    return Http


def _no_redirects(http: httplib2.Http) -> None:
    http.follow_redirects = False
    http.follow_all_redirects = False
    http.force_exception_to_status_code = False


def _set_timeout(http: httplib2.Http, seconds: float | None) -> None:
    # httplib2 gives a connection its timeout when it makes it; reach the pooled ones too.
    http.timeout = seconds
    for connection in http.connections.values():
        connection.timeout = seconds
        if connection.sock is not None:
            connection.sock.settimeout(seconds)


class _Reply(BudgetedResponse):
    """A response whose whole-body ``read()`` stays within the budget of the call that made it."""

    def read(self, amt: int | None = None) -> bytes:
        budget = self.budget
        if amt is not None or budget is None:
            return super().read(amt)
        body = budget.read(self.read1, None, self.length)
        # Done with, as read() leaves it: else the connection refuses the next request on it
        # (ResponseNotReady) and httplib2 would send this one again.
        self.close()
        return body


@functools.cache
def _connection_types() -> dict[str, type[http.client.HTTPConnection]]:
    import httplib2

    # httplib2 lower-cases header names and folds repeats as it builds its Response; these
    # connections note the header lines as received first (in the calling thread, which has
    # the borrowed Http to itself), so the Response can keep them as they came.
    class Plain(httplib2.HTTPConnectionWithTimeout):
        response_class = _Reply

        def getresponse(self) -> http.client.HTTPResponse:
            response = super().getresponse()
            _received.headers = response.getheaders()
            return response

    class Tls(httplib2.HTTPSConnectionWithTimeout):
        response_class = _Reply

        def getresponse(self) -> http.client.HTTPResponse:
            response = super().getresponse()
            _received.headers = response.getheaders()
            return response

    return {"http": Plain, "https": Tls}


def _raw_headers(
    raw: list[tuple[str, str]], reply: dict[str, Any], content: bytes
) -> tuple[tuple[str, str], ...]:
    if "-content-encoding" not in reply:
        return tuple(raw)
    # The caller asked for compression and httplib2 decoded the body: describe what is left.
    pairs = [pair for pair in raw if pair[0].lower() not in ("content-encoding", "content-length")]
    pairs.append(("Content-Length", str(len(content))))
    return tuple(pairs)


def _folded_headers(reply: dict[str, Any], url: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for name, value in reply.items():
        if name in _NOT_HEADERS or name.startswith("-"):
            continue
        # httplib2 stamps its own Content-Location (the request URL) on a 200 to a GET.
        if name == "content-location" and value == url:
            continue
        pairs.append((name, str(value)))
    return tuple(pairs)
