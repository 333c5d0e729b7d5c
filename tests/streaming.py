"""A loopback HTTP/1.1 server that streams bodies it never holds: for size caps and deadlines.

``stream_server()`` yields the base URL (``http://127.0.0.1:PORT``) of a server on an ephemeral
port, one thread per connection, keep-alive. Its paths:

- ``/chunked?size=N``: N bytes, ``Transfer-Encoding: chunked``, written 64 KiB at a time
- ``/length?size=N``: N bytes with a ``Content-Length``, written the same way
- ``/claim?size=N``: a ``Content-Length`` of N and no body at all (the refusal must come first)
- ``/trickle?size=N&every=S``: N bytes with a ``Content-Length``, one byte every S seconds
- ``/gzip?size=N``: N zero bytes gzip-compressed, ``Content-Encoding: gzip``
- ``/redirect?to=URL&after=S``: a 302 to URL after S seconds
- ``/slow-head?every=S&for=T``: the status line, then the headers, one byte every S seconds for
  about T seconds; then the rest of the head at once and an empty body (the trickle is bounded,
  so a client that waits it out still ends)

The body is a generator over one shared 64 KiB block, so the server's memory stays flat whatever
the size asked for; a client hanging up mid-body just ends the generator.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["BLOCK", "stream_server"]

#: How much the server writes at a time (and the byte pattern it writes).
BLOCK = b"x" * (64 * 1024)


def _blocks(size: int) -> Iterator[bytes]:
    while size > 0:
        piece = BLOCK if size >= len(BLOCK) else BLOCK[:size]
        size -= len(piece)
        yield piece


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        size = int(query.get("size", "0"))
        with suppress(OSError):
            if self.command == "HEAD":
                self._head(200, [("Content-Length", str(size))])
            elif parts.path == "/chunked":
                self._head(200, [("Transfer-Encoding", "chunked")])
                for block in _blocks(size):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                self.wfile.write(b"0\r\n\r\n")
            elif parts.path in ("/length", "/claim"):
                self._head(200, [("Content-Length", str(size))])
                if parts.path == "/length":
                    for block in _blocks(size):
                        self.wfile.write(block)
                else:
                    self.close_connection = True
            elif parts.path == "/trickle":
                self._head(200, [("Content-Length", str(size))])
                every = float(query["every"])
                for _ in range(size):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(every)
            elif parts.path == "/gzip":
                payload = gzip.compress(bytes(size))
                self._head(
                    200, [("Content-Encoding", "gzip"), ("Content-Length", str(len(payload)))]
                )
                self.wfile.write(payload)
            elif parts.path == "/slow-head":
                self._slow_head(float(query["every"]), float(query["for"]))
            else:  # /redirect
                time.sleep(float(query.get("after", "0")))
                self._head(302, [("Location", query["to"]), ("Content-Length", "0")])

    do_HEAD = do_POST = do_GET

    def _slow_head(self, every: float, duration: float) -> None:
        status = b"HTTP/1.1 200 OK\r\n"
        count = max(len(status) + 1, round(duration / every))
        # Padded so that the trickle reaches into the headers: status line first, then a header.
        pad = b"." * max(1, count - len(status) - len(b"X-Trickle: \r\n"))
        head = status + b"X-Trickle: " + pad + b"\r\nContent-Length: 0\r\n\r\n"
        self.close_connection = True
        for index in range(count):
            self.wfile.write(head[index : index + 1])
            self.wfile.flush()
            time.sleep(every)
        self.wfile.write(head[count:])
        self.wfile.flush()

    def _head(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-body is the point of these tests: stay quiet."""


@contextmanager
def stream_server() -> Iterator[str]:
    """Run the streaming server on 127.0.0.1 on an ephemeral port; yield its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
