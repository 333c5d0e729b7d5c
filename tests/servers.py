"""Loopback HTTP(S) servers for tests and benchmarks: any WSGI app on 127.0.0.1, ephemeral port.

``serve(app)`` is a context manager yielding the base URL (``http://127.0.0.1:PORT``); the server
runs in a background thread, one thread per connection, speaks HTTP/1.1 with keep-alive (so
pooled clients reuse connections) and stops when the block ends. ``serve(app, ssl_context=...)``
serves HTTPS. ``echo_app`` reflects the request as JSON and answers with the status and headers
the query asks for; ``slow_app`` answers only once released; ``reset_server`` resets every
connection; ``closed_port`` is a port nothing listens on.
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

__all__ = [
    "WSGIApp",
    "closed_port",
    "echo_app",
    "environ_url",
    "reset_server",
    "serve",
    "slow_app",
]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # An idle keep-alive connection is closed after this many seconds, ending its thread.
    timeout = 5
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": query,
            "RAW_URI": self.path,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https" if self.server.ssl_context else "http",
            "wsgi.input": _Body(body),
            "wsgi.errors": _Discard(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "oauthcore.test.raw_headers": list(self.headers.items()),
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
                continue
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _run(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            started[:] = [status, headers]

        chunks = self.server.app(self._environ(body), start_response)
        payload = b"".join(chunks)
        status, headers = started
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name, _ in headers):
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _run


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._position + size
        chunk = self._data[self._position : end]
        self._position += len(chunk)
        return chunk


class _Discard:
    def write(self, text: str) -> None:
        """Errors of the app under test surface as its responses, not here."""

    def flush(self) -> None:
        """Nothing buffered."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Room for a burst of concurrent connects (async clients open dozens at once); the
    # default of 5 makes the kernel drop or reset the rest.
    request_queue_size = 256

    def __init__(self, app: WSGIApp, ssl_context: ssl.SSLContext | None) -> None:
        self.app = app
        self.ssl_context = ssl_context
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread: a client refusing the
        # certificate fails its own handshake without stalling the accept loop.
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = self.ssl_context.wrap_socket(request, server_side=True)
        except OSError:
            return
        with wrapped:
            super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-request (timeouts under test) is expected: stay quiet."""


@contextmanager
def serve(app: WSGIApp, *, ssl_context: ssl.SSLContext | None = None) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1 on an ephemeral port; yield its base URL, stop on exit."""
    server = _Server(app, ssl_context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    scheme = "https" if ssl_context else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def environ_url(environ: dict[str, Any]) -> str:
    """The absolute URL a request was sent to, path as it came on the wire."""
    raw = environ.get("RAW_URI") or quote(environ["PATH_INFO"].encode("latin-1"), safe="/%")
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ['wsgi.url_scheme']}://{host}{raw}"


def echo_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Reflect the request as JSON; ``?status=302&set=Location:/x&gzip=1`` shape the response.

    The JSON holds ``method``, ``url``, ``path``, ``query``, the raw request ``headers`` (pairs,
    as received) and the ``body`` base64-encoded.
    """
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    status = "200 OK"
    headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
    for name, value in parse_qsl(environ["QUERY_STRING"]):
        if name == "status":
            status = f"{value} Set"
        elif name == "set":
            header, _, text = value.partition(":")
            headers.append((header, text))
    reply = {
        "method": environ["REQUEST_METHOD"],
        "url": environ_url(environ),
        "path": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "headers": environ["oauthcore.test.raw_headers"],
        "body": base64.b64encode(body).decode("ascii"),
    }
    payload = json.dumps(reply).encode("utf-8")
    if "gzip=1" in environ["QUERY_STRING"].split("&"):
        payload = gzip.compress(payload)
        headers.append(("Content-Encoding", "gzip"))
    start_response(status, headers)
    return [payload]


def slow_app(release: threading.Event) -> WSGIApp:
    """An app that answers only once ``release`` is set (or after 10 s): for client timeouts."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"late"]

    return app


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released): connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def reset_server() -> Iterator[str]:
    """A loopback server that reads the request line and resets the connection (TCP RST)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(2)
                with suppress(OSError):
                    connection.recv(65536)
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()
