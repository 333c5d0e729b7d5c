"""The in-process WSGI transport: each signed request handed to a WSGI app, no socket (§3.5)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from wsgiref.types import WSGIApplication, WSGIEnvironment

from oauthcore import Request
from oauthcore.bodies import CHUNK_SIZE

from ..base import DEFAULT_MAX_RESPONSE, BaseTransport, Response
from ..streams import StreamedBody
from ._limits import Budget, check_max_response

__all__ = ["WSGITransport"]

_DEFAULT_PORTS = {"http": "80", "https": "443"}


class WSGITransport(BaseTransport):
    """A ``Transport`` handing each signed request (§3.5) to a WSGI app in this process.

    For tests of client code against a WSGI provider (``DemoProvider`` or your own): the app
    sees the environ a server would build from the same request (PEP 3333). A body over
    ``max_response`` bytes raises ``ResponseTooLarge``, as over a socket (``None``: no cap).
    """

    def __init__(
        self, app: WSGIApplication, *, max_response: int | None = DEFAULT_MAX_RESPONSE
    ) -> None:
        self.app = app
        self.max_response = check_max_response(max_response)

    def send(
        self, request: Request, *, timeout: float | None = None, stream: StreamedBody | None = None
    ) -> Response:
        """Call the app with ``request`` as sent on the wire (§3.5); ``timeout`` is unused.

        ``stream`` (``transports.streams``) is the body, read by the app as it reads
        ``wsgi.input``, a chunk at a time.
        """
        parts = urlsplit(request.url)
        body: io.BufferedIOBase = (
            # Buffered: read(n) gives n bytes unless the body ends, as a server's input does.
            io.BytesIO(request.body)
            if stream is None
            else io.BufferedReader(_Input(stream.chunks), CHUNK_SIZE)
        )
        scheme = parts.scheme.lower()
        environ: WSGIEnvironment = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            # PEP 3333: the path arrives decoded, as latin-1 characters of the raw bytes.
            "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "",
            "SERVER_PORT": str(parts.port or _DEFAULT_PORTS[scheme]),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": parts.netloc.rpartition("@")[2],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scheme,
            "wsgi.input": body,
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(request.body)) if request.body else "",
        }
        for name, value in request.headers:
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value  # as a server would pass it on, even if it is wrong
                continue
            key = f"HTTP_{key}"
            # Repeated headers reach a WSGI app folded into one, comma-separated (PEP 3333).
            environ[key] = f"{environ[key]}, {value}" if key in environ else value
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: object = None
        ) -> Callable[[bytes], object]:
            started.append((status, headers))
            return lambda data: None

        budget = Budget(request, max_response=self.max_response, deadline=None, timeout=None)
        result = self.app(environ, start_response)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in result:
                size += len(chunk)
                budget.check_size(size)
                chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if stream is not None:
            # What the app left unread is read to its end, as a server discards it: a body
            # that changed since it was hashed raises ``BodyChanged`` here, as over a socket.
            while body.read(CHUNK_SIZE):
                pass
        status, headers = started[-1]
        return Response(int(status[:3]), tuple(headers), b"".join(chunks), request.url)


class _Input(io.RawIOBase):
    """A streamed body as ``wsgi.input``: each read takes what the chunks give, no more held."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = bytes(chunk)
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size
