"""A TLS-terminating reverse proxy on 127.0.0.1, as nginx is set up in front of an application.

``tls_proxy(backend, ssl_context, header=...)`` accepts HTTPS, forwards each request over plain
HTTP to ``backend`` (``http://127.0.0.1:PORT``) and relays the answer. It appends the client's
address to ``X-Forwarded-For`` and its scheme, the ``Host`` it received and its port to
``X-Forwarded-Proto``, ``-Host`` and ``-Port`` (``header="x-forwarded"``; nginx's
``$proxy_add_x_forwarded_for`` appends the same way), or appends an RFC 7239 element to
``Forwarded`` (``header="forwarded"``). ``Host`` is passed on
as the client sent it, so the application sees its public name but an ``http`` scheme.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["tls_proxy"]

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "trailer"}


class _Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        client = self.client_address[0]
        host = self.headers.get("Host", "")
        headers = [(n, v) for n, v in self.headers.items() if n.lower() not in _HOP_BY_HOP]
        if self.server.header == "forwarded":
            element = f'for={client};proto=https;host="{host}"'
            previous = self.headers.get("Forwarded")
            headers = [(n, v) for n, v in headers if n.lower() != "forwarded"]
            headers.append(("Forwarded", f"{previous}, {element}" if previous else element))
        else:
            ours = {
                "X-Forwarded-For": client,
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": host,
                "X-Forwarded-Port": str(self.server.server_address[1]),
            }
            headers = [(n, v) for n, v in headers if not n.lower().startswith("x-forwarded-")]
            for name, value in ours.items():
                previous = self.headers.get(name)
                headers.append((name, f"{previous}, {value}" if previous else value))
        backend = urlsplit(self.server.backend)
        connection: http.client.HTTPConnection
        if backend.scheme == "https":
            connection = http.client.HTTPSConnection(
                backend.hostname or "", backend.port, timeout=5, context=self.server.backend_context
            )
        else:
            connection = http.client.HTTPConnection(backend.hostname or "", backend.port, timeout=5)
        try:
            connection.putrequest(self.command, self.path, skip_host=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.endheaders(body)
            answer = connection.getresponse()
            payload = answer.read()
        finally:
            connection.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _forward


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        backend: str,
        context: ssl.SSLContext,
        header: str,
        backend_context: ssl.SSLContext | None,
    ) -> None:
        self.backend = backend
        self.context = context
        self.header = header
        self.backend_context = backend_context
        super().__init__(("127.0.0.1", 0), _Proxy)

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            wrapped = self.context.wrap_socket(request, server_side=True)
        except OSError:
            return
        with wrapped:
            super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-request is expected: stay quiet."""


@contextmanager
def tls_proxy(
    backend: str,
    context: ssl.SSLContext,
    *,
    header: str = "x-forwarded",
    backend_context: ssl.SSLContext | None = None,
) -> Iterator[str]:
    """Serve HTTPS on 127.0.0.1 in front of ``backend``; yield ``https://127.0.0.1:PORT``.

    ``backend`` may itself be ``https://`` (another proxy), trusted through ``backend_context``.
    """
    server = _Server(backend, context, header, backend_context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
