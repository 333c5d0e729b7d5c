"""Serving a demo provider: its endpoint URLs, a threaded loopback server, ``RunningProvider``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import WSGIApplication

from attrs import frozen

from ..base import redact_url

if TYPE_CHECKING:
    from .provider import DemoProvider

__all__ = ["Endpoints", "RunningProvider", "make_demo_server", "server_url"]


@frozen
class Endpoints:
    """The URLs of a served provider: the three of RFC 5849 §2 and the protected resource."""

    base: str
    request_token: str
    authorize: str
    access_token: str
    resource: str

    @classmethod
    def at(cls, base: str) -> Endpoints:
        """The §2 endpoints of a demo provider served at ``base`` (``http://127.0.0.1:8080``)."""
        base = base.rstrip("/")
        return cls(
            base,
            f"{base}/oauth/request_token",
            f"{base}/oauth/authorize",
            f"{base}/oauth/access_token",
            f"{base}/api/me",
        )


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    # A browser keeps spare connections open; one thread per connection keeps them from
    # blocking everyone else. Daemon threads: a stuck client cannot hold the process open.
    daemon_threads = True


def _handler(log: Callable[[str], None] | None) -> type[WSGIRequestHandler]:
    class Handler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            if log is not None:
                # The request line carries the query: a verifier, a PLAINTEXT signature (§3.4.4).
                log(redact_url(f"{self.address_string()} - {format % args}"))

    return Handler


class RunningProvider:
    """A ``DemoProvider`` serving RFC 5849 §2 on loopback in a thread; ``stop()`` ends it."""

    def __init__(self, provider: DemoProvider, server: WSGIServer) -> None:
        self.provider = provider
        self.server = server
        #: ``http://127.0.0.1:PORT``: where the provider answers.
        self.url = server_url(server)
        #: The URLs of its endpoints.
        self.endpoints = Endpoints.at(self.url)
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving RFC 5849 §2, wait for the serving thread, close the listening socket."""
        self.server.shutdown()
        self._thread.join()
        self.server.server_close()

    def __enter__(self) -> RunningProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def make_demo_server(
    app: WSGIApplication, host: str, port: int, log: Callable[[str], None] | None
) -> WSGIServer:
    """A threaded ``wsgiref`` server for ``app`` (§2, §3), bound but not yet serving."""
    return make_server(host, port, app, server_class=_ThreadingServer, handler_class=_handler(log))


def server_url(server: WSGIServer) -> str:
    """``http://HOST:PORT`` of a bound server: the base of its §2 endpoint URLs (IPv6 bracketed)."""
    host, port = server.server_address[:2]
    text = str(host)
    return f"http://[{text}]:{port}" if ":" in text else f"http://{text}:{port}"
