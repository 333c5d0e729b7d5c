"""transports.provider.django: the middleware and the decorator through Django's test clients."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.test import AsyncClient, Client, override_settings

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
from transports.provider.django import OAuthMiddleware, oauth_required
from transports.provider.guard import Guard

from ...live.test_examples_django import setup_django
from .uvicorn_server import serve_asgi

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as")
BASE = "http://testserver"
MIDDLEWARE = ["transports.provider.django.OAuthMiddleware"]


def credentials() -> MemoryCredentialStore:
    store = MemoryCredentialStore([CONSUMER])
    store.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return store


class AsyncNonces:
    """The in-memory nonce store behind the async protocol, as an async Redis store offers it."""

    def __init__(self) -> None:
        self.inner = MemoryNonceStore()

    async def use(self, consumer_key: str, token: str | None, timestamp: int, nonce: str) -> bool:
        await asyncio.sleep(0)
        return self.inner.use(consumer_key, token, timestamp, nonce)


def configured(guard: Any = None, **values: Any) -> Any:
    return override_settings(
        ROOT_URLCONF="tests.transports.provider.django_urls",
        MIDDLEWARE=MIDDLEWARE,
        OAUTHCORE_GUARD=guard or Guard(credentials(), MemoryNonceStore(), realm="photos"),
        OAUTHCORE_PATHS=["/api/"],
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "1.2.3.999"],
        **values,
    )


@pytest.fixture(autouse=True)
def django_site() -> Iterator[None]:
    setup_django()
    with configured():
        yield


def signed(
    path: str,
    method: str = "GET",
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
    token: Token | None = ACCESS,
) -> Request:
    return sign(Request(method, BASE + path, headers or [], body), CONSUMER, token)


def django_headers(request: Request) -> dict[str, str]:
    return {name: value for name, value in request.headers if name.lower() != "content-type"}


def send(request: Request, client: Client | None = None) -> Any:
    client = client or Client()
    path = request.url.removeprefix(BASE)
    return client.generic(
        request.method,
        path,
        request.body,
        content_type=request.header("Content-Type") or "application/octet-stream",
        headers=django_headers(request),
    )


def problem(response: Any) -> dict[str, str]:
    return dict(parse_qsl(response.content.decode()))


def test_middleware_lets_a_signed_request_through() -> None:
    response = send(signed("/api/resource?a=1"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"consumer": "ck", "token": "at", "body": ""}


def test_middleware_hands_the_verified_form_body_to_the_view() -> None:
    request = Request.build("POST", f"{BASE}/api/resource", data=[("status", "hi there")])
    response = send(sign(request, CONSUMER, ACCESS))
    assert response.status_code == 200
    assert json.loads(response.content)["body"] == "status=hi%20there"


def test_body_hash_guards_a_json_body() -> None:
    headers = [("Content-Type", "application/json")]
    assert send(signed("/api/resource", "PUT", b'{"a": 1}', headers)).status_code == 200
    tampered = signed("/api/resource", "PUT", b'{"a": 1}', headers)
    response = send(Request("PUT", tampered.url, tampered.headers, b'{"a": 2}'))
    assert response.status_code == 401
    assert problem(response)["oauth_problem"] == "signature_invalid"


def test_tampered_request_is_refused_with_a_challenge() -> None:
    request = signed("/api/resource?amount=1")
    response = send(Request("GET", request.url.replace("=1", "=9"), request.headers))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'OAuth realm="photos"'
    assert response["Content-Type"] == "application/x-www-form-urlencoded"
    assert response["Cache-Control"] == "no-store"
    assert problem(response)["oauth_problem"] == "signature_invalid"


def test_replayed_request_is_refused() -> None:
    request = signed("/api/resource")
    assert send(request).status_code == 200
    response = send(request)
    assert response.status_code == 401
    assert problem(response)["oauth_problem"] == "nonce_used"


def test_wrong_token_is_refused() -> None:
    response = send(signed("/api/resource", token=Token("other", "as")))
    assert response.status_code == 401
    assert problem(response)["oauth_problem"] == "token_rejected"


def test_missing_authorization_is_a_400() -> None:
    response = Client().get("/api/resource")
    assert response.status_code == 400
    assert not response.has_header("WWW-Authenticate")
    assert problem(response)["oauth_problem"] == "parameter_absent"


def test_paths_outside_oauthcore_paths_are_left_alone() -> None:
    response = Client().get("/open")
    assert json.loads(response.content).startswith("no verified OAuth request here")


def test_host_outside_allowed_hosts_is_djangos_400() -> None:
    request = signed("/api/resource")
    response = Client().get("/api/resource", headers=django_headers(request), HTTP_HOST="evil.test")
    assert response.status_code == 400


def test_host_django_accepts_but_is_no_host_is_a_400() -> None:
    request = signed("/api/resource")
    response = Client().get("/api/resource", headers=django_headers(request), HTTP_HOST="1.2.3.999")
    assert response.status_code == 400
    assert response.content.decode().startswith("the Host header is not a host name")


def test_body_over_the_limit_is_refused() -> None:
    with configured(Guard(credentials(), MemoryNonceStore(), max_body=10)):
        response = send(
            signed("/api/resource", "POST", b"x" * 11, [("Content-Type", "text/plain")])
        )
    assert response.status_code == 413
    assert response.content == b"the request body is over 10 bytes\n"


def test_decorator_without_the_middleware() -> None:
    with override_settings(MIDDLEWARE=[]):
        request = signed("/decorated")
        assert json.loads(send(request).content)["consumer"] == "ck"
        assert problem(send(request))["oauth_problem"] == "nonce_used"


def test_decorator_under_the_middleware_verifies_once() -> None:
    assert send(signed("/api/decorated")).status_code == 200


def test_decorator_refuses_before_the_view() -> None:
    assert Client().get("/decorated").status_code == 400


def test_decorated_view_is_csrf_exempt() -> None:
    request = Request.build("POST", f"{BASE}/decorated", data=[("a", "1")])
    client = Client(enforce_csrf_checks=True)
    with override_settings(MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"]):
        assert send(sign(request, CONSUMER, ACCESS), client).status_code == 200


def test_guard_by_dotted_path() -> None:
    with configured("tests.transports.provider.test_django.DOTTED_GUARD"):
        assert send(signed("/api/resource")).status_code == 200


DOTTED_GUARD = Guard(credentials(), MemoryNonceStore())


def test_missing_guard_setting() -> None:
    with override_settings(OAUTHCORE_GUARD=None), pytest.raises(ImproperlyConfigured):
        send(signed("/api/resource"))


# ---- async: Django's ASGI handler, through AsyncClient ----------------------------------------


async def asend(request: Request) -> Any:
    path = request.url.removeprefix(BASE)
    return await AsyncClient().generic(
        request.method,
        path,
        request.body,
        content_type=request.header("Content-Type") or "application/octet-stream",
        headers=django_headers(request),
    )


def test_async_stack_with_sync_stores() -> None:
    async def flow() -> tuple[int, int, int]:
        request = signed("/api/async")
        first = await asend(request)
        again = await asend(request)
        refused = await asend(signed("/api/async", token=Token("other", "x")))
        return first.status_code, again.status_code, refused.status_code

    assert asyncio.run(flow()) == (200, 401, 401)


def test_async_stores_under_the_async_stack() -> None:
    guard = Guard(credentials(), AsyncNonces(), realm="async")

    async def flow() -> list[Any]:
        request = signed("/api/async")
        return [await asend(request), await asend(request)]

    with configured(guard):
        first, again = asyncio.run(flow())
    assert json.loads(first.content)["token"] == "at"
    assert again.status_code == 401
    assert again["WWW-Authenticate"] == 'OAuth realm="async"'


def test_async_stack_leaves_other_paths_alone() -> None:
    async def flow() -> Any:
        return await AsyncClient().get("/open")

    assert json.loads(asyncio.run(flow()).content).startswith("no verified OAuth request here")


def test_async_decorated_view_under_the_middleware_verifies_once() -> None:
    async def flow() -> int:
        response = await asend(signed("/api/decorated-async"))
        status: int = response.status_code
        return status

    assert asyncio.run(flow()) == 200


def test_async_decorated_view() -> None:
    async def flow() -> tuple[int, int]:
        with override_settings(MIDDLEWARE=[]):
            first = await asend(signed("/decorated-async"))
            refused = await asend(Request("GET", f"{BASE}/decorated-async"))
        return first.status_code, refused.status_code

    assert asyncio.run(flow()) == (200, 400)


def test_async_stores_under_a_sync_stack_are_a_clear_error() -> None:
    with configured(Guard(credentials(), AsyncNonces())), pytest.raises(TypeError, match="async"):
        send(signed("/api/resource"))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@contextmanager
def wsgiref_server(app: Any) -> Iterator[str]:
    """The standard library's reference WSGI server on loopback, in a thread."""
    server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_through_a_real_wsgi_server() -> None:
    with wsgiref_server(WSGIHandler()) as base, Urllib3Transport(timeout=10) as transport:
        request = sign(Request("GET", f"{base}/api/resource"), CONSUMER, ACCESS)
        response = transport.send(request)
        assert response.status == 200
        assert json.loads(response.body)["consumer"] == "ck"
        assert transport.send(request).status == 401


def test_missing_django_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "django", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[django\]'"):
        OAuthMiddleware(lambda request: HttpResponse())
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[django\]'"):
        oauth_required(lambda request: HttpResponse())


def test_through_a_real_asgi_server() -> None:
    with serve_asgi(ASGIHandler()) as base, Urllib3Transport(timeout=10) as transport:
        request = sign(Request("GET", f"{base}/api/async"), CONSUMER, ACCESS)
        response = transport.send(request)
        assert response.status == 200
        assert json.loads(response.body)["token"] == "at"
        again = transport.send(request)
        assert again.status == 401
        assert again.header("WWW-Authenticate") == 'OAuth realm="photos"'
