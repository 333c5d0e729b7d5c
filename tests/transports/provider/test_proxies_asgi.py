"""OAuthMiddleware behind a proxy: the public URL from trusted proxies only (RFC 7239, §3.4.1.2).

A real uvicorn server (its own proxy-header handling off, so that only the middleware reads
them) behind the TLS-terminating proxy of tests/tls_proxy.py; clients connect from 127.0.0.2,
the proxy from 127.0.0.1.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import trustme
import uvicorn

from oauthcore import Consumer, Token, TokenKind
from oauthcore.credentials import MemoryCredentialStore
from oauthcore.nonces import MemoryNonceStore
from tests.tls_proxy import tls_proxy
from transports.provider import OriginPolicy, PublicOrigin, TrustedProxies
from transports.provider.asgi import OAuthMiddleware, send_reply, verified
from transports.provider.replies import HTTPProblem, Reply
from transports.provider.scope import url_from_scope

from .test_proxies import send

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as")


async def resource(scope: Any, receive: Any, send: Any) -> None:
    await send_reply(send, Reply.json(200, {"consumer": verified(scope).consumer.key}))


def middleware(origin: OriginPolicy | None) -> OAuthMiddleware:
    credentials = MemoryCredentialStore([CONSUMER])
    credentials.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return OAuthMiddleware(resource, credentials, MemoryNonceStore(), offload=False, origin=origin)


@contextmanager
def uvicorn_serving(app: Any) -> Iterator[str]:
    """uvicorn on 127.0.0.1 with proxy_headers off: the scope keeps the direct peer and scheme."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        access_log=False,
        http="h11",
        ws="none",
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.mark.parametrize("header", ["x-forwarded", "forwarded"])
def test_the_middleware_verifies_behind_a_tls_terminating_proxy(
    header: str, server_context: ssl.SSLContext, client_context: ssl.SSLContext
) -> None:
    trusted = TrustedProxies(["127.0.0.1"], header=header)  # type: ignore[arg-type]
    with (
        uvicorn_serving(middleware(trusted)) as app_url,
        tls_proxy(app_url, server_context, header=header) as public,
    ):
        url = f"{public}/api/me?fields=name"
        assert send(url, url, context=client_context) == (200, b'{\n  "consumer": "ck"\n}\n')
        assert send(url, url, context=client_context, body=b"a=1&b=%20")[0] == 200
        # Without trust, the same request is checked against http and fails.
    with (
        uvicorn_serving(middleware(None)) as app_url,
        tls_proxy(app_url, server_context, header=header) as public,
    ):
        assert send(f"{public}/api/me", f"{public}/api/me", context=client_context)[0] == 401


def test_a_spoof_from_an_untrusted_client_is_ignored_by_the_middleware() -> None:
    trusted = TrustedProxies(["10.0.0.0/8"])
    spoof = [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "api.example.com")]
    with uvicorn_serving(middleware(trusted)) as app_url:
        direct = f"{app_url}/api/me"
        assert send(direct, "https://api.example.com/api/me", headers=spoof)[0] == 401
        assert send(direct, direct, headers=spoof)[0] == 200


def test_a_malformed_forwarded_header_from_a_trusted_proxy_is_a_400() -> None:
    trusted = TrustedProxies(["127.0.0.0/8"], header="forwarded")
    with uvicorn_serving(middleware(trusted)) as app_url:
        status, body = send(f"{app_url}/api/me", f"{app_url}/api/me", headers=[("Forwarded", "x")])
    assert status == 400
    assert b"Forwarded from a trusted proxy is malformed" in body


def scope_with(client: tuple[str, int] | None, headers: list[tuple[bytes, bytes]]) -> Any:
    return {
        "type": "http",
        "scheme": "http",
        "method": "GET",
        "path": "/r",
        "raw_path": b"/r",
        "query_string": b"",
        "headers": [(b"host", b"10.0.0.9:8000"), *headers],
        "server": ("10.0.0.9", 8000),
        "client": client,
    }


def test_the_scope_reads_the_peer_and_joins_repeated_headers() -> None:
    proxies = TrustedProxies(["10.0.0.0/8"])
    repeated = [
        (b"x-forwarded-for", b"203.0.113.1"),
        (b"x-forwarded-for", b"10.0.0.2"),
        (b"x-forwarded-host", b"public.example"),
        (b"x-forwarded-host", b"inner.example"),
    ]
    assert url_from_scope(scope_with(("10.0.0.3", 5), repeated), proxies) == (
        "http://public.example/r"
    )
    assert url_from_scope(scope_with(None, repeated), proxies) == "http://10.0.0.9:8000/r"
    assert url_from_scope(scope_with(None, []), PublicOrigin("https://a.example")) == (
        "https://a.example/r"
    )
    with pytest.raises(HTTPProblem):
        url_from_scope(scope_with(("10.0.0.3", 5), [(b"x-forwarded-proto", b"gopher")]), proxies)
