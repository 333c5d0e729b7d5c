"""transports.provider.asgi: OAuthMiddleware under a real uvicorn server, in front of Starlette."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    Request,
    Token,
    TokenKind,
    sign,
)
from transports.adapters.urllib3 import Urllib3Transport
from transports.base import Response
from transports.provider.asgi import OAuthMiddleware, verified

from .uvicorn_server import serve_asgi

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as", extra=[("user_id", "7")])
STARTED: list[str] = []


def credentials() -> MemoryCredentialStore:
    store = MemoryCredentialStore([CONSUMER])
    store.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return store


class AsyncCredentials:
    """The in-memory store behind the async protocol, as an async Redis or SQL store offers it."""

    def __init__(self) -> None:
        self.inner = credentials()
        self.loops: set[int] = set()

    async def consumer(self, key: str) -> Consumer | None:
        self.loops.add(id(asyncio.get_running_loop()))
        await asyncio.sleep(0)
        return self.inner.consumer(key)

    async def token(self, consumer_key: str, token_key: str, kind: TokenKind) -> Token | None:
        await asyncio.sleep(0)
        return self.inner.token(consumer_key, token_key, kind)


class AsyncNonces:
    def __init__(self) -> None:
        self.inner = MemoryNonceStore()

    async def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        await asyncio.sleep(0)
        return self.inner.use(consumer_key, token, timestamp, nonce)


async def resource(request: StarletteRequest) -> JSONResponse:
    found = verified(request.scope)
    body = await request.body()
    return JSONResponse(
        {
            "consumer": found.consumer.key,
            "token": None if found.token is None else found.token.key,
            "user_id": None if found.token is None else found.token.get("user_id"),
            "body": body.decode(),
            "path": request.url.path,
        }
    )


async def open_resource(request: StarletteRequest) -> JSONResponse:
    return JSONResponse({"verified": "oauthcore.verified" in request.scope})


def inner_app() -> Starlette:
    return Starlette(routes=[Route("/resource", resource, methods=["GET", "POST", "PUT"])])


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    STARTED.append("started")
    yield


ASYNC_CREDENTIALS = AsyncCredentials()


def build_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/open", open_resource),
            Mount(
                "/inline",
                OAuthMiddleware(inner_app(), credentials(), MemoryNonceStore(), offload=False),
            ),
            Mount(
                "/async",
                OAuthMiddleware(inner_app(), ASYNC_CREDENTIALS, AsyncNonces(), realm="async"),
            ),
            Mount(
                "/small",
                OAuthMiddleware(inner_app(), credentials(), MemoryNonceStore(), max_body=10),
            ),
            Mount(
                "/optional", OAuthMiddleware(inner_app(), credentials(), None, token_optional=True)
            ),
            Mount(
                "/",
                Starlette(
                    routes=[Route("/resource", resource, methods=["GET", "POST", "PUT"])],
                    middleware=[
                        Middleware(
                            OAuthMiddleware,
                            credentials=credentials(),
                            nonces=MemoryNonceStore(),
                            realm="photos",
                        )
                    ],
                ),
            ),
        ],
    )


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_asgi(build_app()) as url:
        yield url


@pytest.fixture(scope="module")
def transport() -> Iterator[Urllib3Transport]:
    with Urllib3Transport(timeout=10) as client:
        yield client


def signed(
    url: str,
    method: str = "GET",
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
    token: Token | None = ACCESS,
    **options: Any,
) -> Request:
    return sign(Request(method, url, headers or [], body), CONSUMER, token, **options)


def problem(response: Response) -> dict[str, str]:
    return dict(parse_qsl(response.body.decode()))


def test_lifespan_passes_through_the_middleware() -> None:
    app = OAuthMiddleware(Starlette(lifespan=lifespan), credentials(), MemoryNonceStore())
    STARTED.clear()
    with serve_asgi(app, lifespan="on") as url, Urllib3Transport(timeout=10) as client:
        assert STARTED == ["started"]
        assert client.send(Request("GET", f"{url}/")).status == 400


def test_accepted_request_reaches_the_view_with_consumer_and_token(
    base: str, transport: Urllib3Transport
) -> None:
    response = transport.send(signed(f"{base}/resource?a=1&b=%20"))
    assert response.status == 200
    assert json.loads(response.body) == {
        "consumer": "ck",
        "token": "at",
        "user_id": "7",
        "body": "",
        "path": "/resource",
    }


def test_form_body_is_signed_and_handed_on(base: str, transport: Urllib3Transport) -> None:
    request = Request.build("POST", f"{base}/resource", data=[("status", "hello world")])
    response = transport.send(sign(request, CONSUMER, ACCESS))
    assert response.status == 200
    assert json.loads(response.body)["body"] == "status=hello%20world"


def test_body_hash_guards_a_json_body(base: str, transport: Urllib3Transport) -> None:
    headers = [("Content-Type", "application/json")]
    good = signed(f"{base}/resource", "PUT", b'{"a": 1}', headers)
    assert good.header("Authorization") is not None
    assert "oauth_body_hash" in str(good.header("Authorization"))
    assert transport.send(good).status == 200
    tampered = signed(f"{base}/resource", "PUT", b'{"a": 1}', headers)
    response = transport.send(Request(tampered.method, tampered.url, tampered.headers, b'{"a": 2}'))
    assert response.status == 401
    assert problem(response)["oauth_problem"] == "signature_invalid"
    assert "oauth_body_hash does not match" in problem(response)["oauth_problem_advice"]


def test_tampered_query_is_refused_with_a_challenge(base: str, transport: Urllib3Transport) -> None:
    request = signed(f"{base}/resource?amount=1")
    response = transport.send(
        Request(request.method, request.url.replace("amount=1", "amount=9"), request.headers)
    )
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'OAuth realm="photos"'
    assert response.header("Content-Type") == "application/x-www-form-urlencoded"
    assert response.header("Cache-Control") == "no-store"
    assert problem(response)["oauth_problem"] == "signature_invalid"


def test_replayed_request_is_refused(base: str, transport: Urllib3Transport) -> None:
    request = signed(f"{base}/resource")
    assert transport.send(request).status == 200
    again = transport.send(request)
    assert again.status == 401
    assert problem(again)["oauth_problem"] == "nonce_used"


def test_wrong_token_is_refused(base: str, transport: Urllib3Transport) -> None:
    response = transport.send(signed(f"{base}/resource", token=Token("other", "as")))
    assert response.status == 401
    assert problem(response)["oauth_problem"] == "token_rejected"


def test_missing_authorization_is_a_400(base: str, transport: Urllib3Transport) -> None:
    response = transport.send(Request("GET", f"{base}/resource"))
    assert response.status == 400
    assert response.header("WWW-Authenticate") is None
    assert problem(response)["oauth_problem"] == "parameter_absent"


def test_unprotected_routes_outside_the_middleware(base: str, transport: Urllib3Transport) -> None:
    response = transport.send(Request("GET", f"{base}/open"))
    assert json.loads(response.body) == {"verified": False}


def test_mounted_app_is_verified_against_the_full_path(
    base: str, transport: Urllib3Transport
) -> None:
    response = transport.send(signed(f"{base}/inline/resource"))
    assert response.status == 200
    assert json.loads(response.body)["path"] == "/inline/resource"
    assert transport.send(signed(f"{base}/inline/resource")).status == 200


def test_encoded_path_is_verified_as_sent(base: str, transport: Urllib3Transport) -> None:
    # "%2F" and "/" differ on the wire; the signature covers the bytes the client sent.
    response = transport.send(signed(f"{base}/resource%2Fx?q=caf%C3%A9"))
    assert response.status == 404  # verified, then Starlette routes /resource/x nowhere


def test_async_stores_are_awaited_on_the_server_loop(
    base: str, transport: Urllib3Transport
) -> None:
    request = signed(f"{base}/async/resource")
    assert transport.send(request).status == 200
    assert len(ASYNC_CREDENTIALS.loops) == 1
    again = transport.send(request)
    assert again.status == 401
    assert again.header("WWW-Authenticate") == 'OAuth realm="async"'
    assert problem(again)["oauth_problem"] == "nonce_used"


def test_no_nonce_store_and_optional_token(base: str, transport: Urllib3Transport) -> None:
    request = signed(f"{base}/optional/resource", token=None)
    assert transport.send(request).status == 200
    body = json.loads(transport.send(request).body)  # replay protection off, as asked
    assert body["token"] is None


def test_body_over_the_limit_is_refused_unread(base: str, transport: Urllib3Transport) -> None:
    request = signed(f"{base}/small/resource", "POST", b"x" * 11, [("Content-Type", "text/plain")])
    response = transport.send(request)
    assert response.status == 413
    assert response.body == b"the request body is over 10 bytes\n"


def raw_exchange(base: str, data: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_chunked_body_over_the_limit_is_refused(base: str) -> None:
    chunk = b"x" * 8
    data = (
        b"POST /small/resource HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + (b"8\r\n" + chunk + b"\r\n") * 2 + b"0\r\n\r\n"
    )
    answer = raw_exchange(base, data)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert answer.endswith(b"the request body is over 10 bytes\n")


@pytest.mark.parametrize(
    "host",
    [b"evil.test/x?", b"a@b.test", b"[::1", b"h.test:99999", b"1.2.3.999"],
)
def test_bad_host_is_a_400(base: str, host: bytes) -> None:
    request = signed(f"{base}/resource")
    authorization = str(request.header("Authorization")).encode()
    answer = raw_exchange(
        base,
        b"GET /resource HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n"
        b"Authorization: " + authorization + b"\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"the Host header is not a host name" in answer


def test_http_1_0_without_host_uses_the_server_address(base: str) -> None:
    request = signed(f"{base}/resource")
    authorization = str(request.header("Authorization")).encode()
    answer = raw_exchange(
        base, b"GET /resource HTTP/1.0\r\nAuthorization: " + authorization + b"\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 200 ")


# ---- the pieces uvicorn never hands over: called as ASGI, with the events a server sends ------


async def call(
    app: OAuthMiddleware, scope: dict[str, Any], events: list[dict[str, Any]]
) -> list[MutableMapping[str, Any]]:
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return events.pop(0)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def never(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the app must not be called")


def http_scope(**values: Any) -> dict[str, Any]:
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "path": "/r",
        "raw_path": b"/r",
        "query_string": b"",
        "headers": [(b"host", b"h.test")],
        "server": ("127.0.0.1", 80),
    }
    scope.update(values)
    return scope


def test_websocket_handshake_is_closed_not_let_through() -> None:
    app = OAuthMiddleware(never, credentials(), MemoryNonceStore())
    sent = asyncio.run(call(app, {"type": "websocket"}, [{"type": "websocket.connect"}]))
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_unknown_scope_type_is_an_error() -> None:
    app = OAuthMiddleware(never, credentials(), MemoryNonceStore())
    with pytest.raises(ValueError, match="cannot protect an ASGI 'webtransport' scope"):
        asyncio.run(call(app, {"type": "webtransport"}, []))


def test_client_gone_before_the_body_ends_gets_no_answer() -> None:
    app = OAuthMiddleware(never, credentials(), MemoryNonceStore())
    events: list[dict[str, Any]] = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.disconnect"},
    ]
    assert asyncio.run(call(app, http_scope(), events)) == []


def test_verified_outside_the_middleware() -> None:
    with pytest.raises(LookupError, match="wrap the app in OAuthMiddleware"):
        verified({"type": "http"})


def test_app_reads_the_body_then_the_client_events() -> None:
    seen: list[MutableMapping[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.extend([await receive(), await receive()])

    url = "http://h.test/r"
    request = signed(url, "POST", b"hi", [("Content-Type", "text/plain")])
    headers = [
        (b"host", b"h.test"),
        *((k.lower().encode(), v.encode()) for k, v in request.headers),
    ]
    events: list[dict[str, Any]] = [
        {"type": "http.request", "body": b"hi"},
        {"type": "http.disconnect"},
    ]
    middleware = OAuthMiddleware(app, credentials(), MemoryNonceStore())
    assert asyncio.run(call(middleware, http_scope(headers=headers), events)) == []
    assert seen == [
        {"type": "http.request", "body": b"hi", "more_body": False},
        {"type": "http.disconnect"},
    ]


def test_bad_arguments_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="max_body must be a whole number of bytes"):
        OAuthMiddleware(never, credentials(), None, max_body=-1)
    with pytest.raises(TypeError, match="'policy' must be <class"):
        OAuthMiddleware(never, credentials(), None, policy="strict")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'realm' must be"):
        OAuthMiddleware(never, credentials(), None, realm=b"api")  # type: ignore[arg-type]


def test_two_host_headers_are_a_400() -> None:
    # h11 refuses them itself; a server that passes both on gets a 400 here.
    app = OAuthMiddleware(never, credentials(), MemoryNonceStore())
    scope = http_scope(headers=[(b"host", b"a.test"), (b"host", b"b.test")])
    sent = asyncio.run(call(app, scope, [{"type": "http.request", "body": b""}]))
    assert sent[0]["status"] == 400
    assert sent[1]["body"] == "the request has more than one Host header (RFC 9110 §7.2)\n".encode()
