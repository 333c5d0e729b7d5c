"""``ProtectedResource(max_streamed_body=...)``: bodies larger than memory, hashed as they are
read, checked against ``oauth_body_hash`` and handed to the app (Body Hash §3.2).

The end-to-end tests run the standard library's WSGI server on 127.0.0.1, whose ``wsgi.input``
reads the socket as the client sends; the client is ``http.client`` sending a ``HashedBody``.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import (
    HMAC_SHA256,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    Request,
    Token,
    TokenKind,
    sign,
)
from oauthcore.bodies import HashedBody
from transports.provider import ProtectedResource

CONSUMER, TOKEN = Consumer("ck", "cs"), Token("tk", "ts")
MAX_BODY = 64 * 1024
BIG = 8 * 1024 * 1024


def _store() -> MemoryCredentialStore:
    store = MemoryCredentialStore()
    store.add_consumer(CONSUMER)
    store.add_token("ck", TOKEN, TokenKind.ACCESS)
    return store


def digest_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Reads the body it is given a chunk at a time and answers its length and SHA-256."""
    hasher, length = hashlib.sha256(), 0
    while chunk := environ["wsgi.input"].read(65536):
        hasher.update(chunk)
        length += len(chunk)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"length": length, "sha256": hasher.hexdigest()}).encode()]


def _protected(app: Any = digest_app, **options: Any) -> ProtectedResource:
    options.setdefault("max_body", MAX_BODY)
    options.setdefault("max_streamed_body", 64 * 1024 * 1024)
    return ProtectedResource(app, _store(), MemoryNonceStore(), **options)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def server() -> Iterator[WSGIServer]:
    with make_server("127.0.0.1", 0, _protected(), handler_class=_Quiet) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield httpd
        finally:
            httpd.shutdown()
            thread.join(timeout=10)


def _generated(size: int, seed: int = 0) -> list[bytes]:
    block = bytes((seed + i) % 256 for i in range(65536))
    return [block] * (size // len(block))


def _send(httpd: WSGIServer, signed: Request, body: Iterable[bytes], length: int) -> Any:
    host, port = httpd.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=60)
    try:
        path = signed.url.split(f"{port}", 1)[1]
        headers = dict(signed.headers) | {"Content-Length": str(length)}
        connection.request(signed.method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _signed(httpd: WSGIServer, body: HashedBody) -> Request:
    host, port = httpd.server_address[:2]
    request = Request(
        "PUT", f"http://{host!s}:{port}/archive", [("Content-Type", "application/octet-stream")]
    )
    return sign(request, CONSUMER, TOKEN, HMAC_SHA256, body_hash=body.digest)


def test_a_large_body_streams_through_verification_to_the_app(server: WSGIServer) -> None:
    chunks = _generated(BIG)
    body = HashedBody(lambda: chunks, "sha256")
    status, reply = _send(server, _signed(server, body), body, body.length)
    assert status == 200
    expected = hashlib.sha256(b"".join(chunks)).hexdigest()
    assert json.loads(reply) == {"length": BIG, "sha256": expected}


def test_a_body_other_than_the_one_signed_is_refused(server: WSGIServer) -> None:
    signed = _signed(server, HashedBody(lambda: _generated(BIG), "sha256"))
    other = _generated(BIG, seed=1)
    status, reply = _send(server, signed, other, BIG)
    assert status == 401
    assert b"oauth_problem=signature_invalid" in reply


def _environ(body: bytes, length: int | None = None, **extra: Any) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "PUT",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/archive",
        "QUERY_STRING": "",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "443",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body) if length is None else length),
        "CONTENT_TYPE": "application/octet-stream",
    }
    environ.update(extra)
    return environ


def _call(resource: ProtectedResource, environ: dict[str, Any]) -> tuple[str, bytes]:
    started: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        started.append(status)
        return lambda data: None

    response = resource(environ, start_response)
    try:
        payload = b"".join(response)
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
    return started[0], payload


def _signed_environ(data: bytes, **extra: Any) -> dict[str, Any]:
    request = Request(
        "PUT", "https://api.example.com/archive", [("Content-Type", "application/octet-stream")]
    )
    signed = sign(request, CONSUMER, TOKEN, body_hash=HashedBody(lambda: [data]).digest)
    header = signed.header("Authorization")
    return _environ(data, HTTP_AUTHORIZATION=header, **extra)


def test_in_memory_and_streamed_bodies_reach_the_app_alike() -> None:
    for size in (10, MAX_BODY + 1):
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        status, payload = _call(_protected(), _signed_environ(data))
        assert status.startswith("200")
        assert json.loads(payload)["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("resource", "environ", "status", "message"),
    [
        (
            _protected(max_streamed_body=MAX_BODY * 2),
            _environ(b"", length=MAX_BODY * 2 + 1),
            "413",
            b"over 131072 bytes",
        ),
        (_protected(max_streamed_body=0), _environ(b"", length=MAX_BODY + 1), "413", b"over 65536"),
        (
            _protected(),
            _environ(b"", length=MAX_BODY + 1, CONTENT_TYPE="application/x-www-form-urlencoded"),
            "413",
            b"over 65536",
        ),
        (_protected(), _environ(b"short", length=MAX_BODY + 1), "400", b"ended before its"),
        (_protected(), _environ(b"x" * (MAX_BODY + 1)), "400", b"parameter_absent"),
    ],
)
def test_refusals(resource: ProtectedResource, environ: Any, status: str, message: bytes) -> None:
    got, payload = _call(resource, environ)
    assert got.startswith(status)
    assert message in payload


def test_the_spooled_body_is_closed_however_the_app_ends() -> None:
    seen: list[Any] = []

    class Response:
        closed = False

        def __iter__(self) -> Iterator[bytes]:
            yield b"ok"

        def close(self) -> None:
            self.closed = True

    response = Response()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen.append(environ["wsgi.input"])
        start_response("200 OK", [])
        return response

    data = b"y" * (MAX_BODY + 1)
    assert _call(_protected(app), _signed_environ(data)) == ("200 OK", b"ok")
    assert response.closed
    assert seen[0].closed

    def failing(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen.append(environ["wsgi.input"])
        raise RuntimeError("the app failed")

    with pytest.raises(RuntimeError, match="the app failed"):
        _call(_protected(failing), _signed_environ(data))
    assert seen[1].closed


def test_a_body_that_cannot_be_read_closes_the_spool() -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            raise ConnectionResetError("client went away")

    environ = _signed_environ(b"z" * (MAX_BODY + 1))
    environ["wsgi.input"] = Broken()
    with pytest.raises(ConnectionResetError):
        _call(_protected(), environ)
