"""Every provider piece answers a refused request byte for byte as the WSGI ProtectedResource does.

The same refusals (tampered, replayed, wrong token, no OAuth parameters, a body that does not
match its hash) go to ``ProtectedResource`` in-process, to ``OAuthMiddleware`` under uvicorn, to
``FlaskOAuth`` through Flask's test client and to Django's middleware through its Client. Status,
challenge, content type and the problem report must be the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from wsgiref.types import StartResponse, WSGIEnvironment

import flask
import pytest
from django.test import Client as DjangoClient
from django.test import override_settings
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    Request,
    Token,
    TokenKind,
    VerifyPolicy,
    sign,
)
from oauthcore.base_string import signature_base
from oauthcore.diagnosis import BASE_STRING_FIELD
from oauthcore.encoding import decode_form, percent_encode
from oauthcore.policy import DEFAULT_POLICY
from transports.adapters.urllib3 import Urllib3Transport
from transports.adapters.wsgi import WSGITransport
from transports.provider.asgi import OAuthMiddleware
from transports.provider.flask import FlaskOAuth
from transports.provider.guard import Guard
from transports.provider.protected import ProtectedResource

from ...live.test_examples_django import setup_django
from .uvicorn_server import serve_asgi

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as")
REALM = "agree"
#: What is compared: the status, these headers and the body.
SHOWN = ("www-authenticate", "content-type", "cache-control")

Answer = tuple[int, dict[str, str | None], bytes]
Send = Callable[[Request], Answer]


def credentials() -> MemoryCredentialStore:
    store = MemoryCredentialStore([CONSUMER])
    store.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return store


def answer(status: int, header: Callable[[str], str | None], body: bytes) -> Answer:
    return status, {name: header(name) for name in SHOWN}, body


def wsgi_target(policy: VerifyPolicy = DEFAULT_POLICY) -> Send:
    def ok(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])  # pragma: no cover - only refusals are sent here
        return [b"ok"]  # pragma: no cover - only refusals are sent here

    transport = WSGITransport(
        ProtectedResource(ok, credentials(), MemoryNonceStore(), realm=REALM, policy=policy)
    )

    def send(request: Request) -> Answer:
        response = transport.send(request)
        return answer(response.status, response.header, response.body)

    return send


def flask_target(policy: VerifyPolicy = DEFAULT_POLICY) -> Send:
    app = flask.Flask(__name__)
    oauth = FlaskOAuth(app, credentials(), MemoryNonceStore(), realm=REALM, policy=policy)
    app.add_url_rule("/r", "r", oauth.required(lambda: "ok"), methods=["GET", "PUT"])
    client = app.test_client()

    def send(request: Request) -> Answer:
        response = client.open(
            "/r",
            method=request.method,
            headers=list(request.headers),
            data=request.body,
            base_url="http://testserver",
            query_string=request.url.partition("?")[2],
        )
        return answer(response.status_code, response.headers.get, response.get_data())

    return send


def django_target() -> Send:
    def send(request: Request) -> Answer:
        headers = {name: value for name, value in request.headers if name != "Content-Type"}
        response = DjangoClient().generic(
            request.method,
            request.url.removeprefix("http://testserver"),
            request.body,
            content_type=request.header("Content-Type") or "application/octet-stream",
            headers=headers,
        )
        return answer(response.status_code, response.headers.get, response.content)

    return send


@pytest.fixture(scope="module")
def asgi_base() -> Iterator[str]:
    inner = Starlette(routes=[Route("/r", lambda request: PlainTextResponse("ok"))])
    app = OAuthMiddleware(inner, credentials(), MemoryNonceStore(), realm=REALM)
    with serve_asgi(app) as base:
        yield base


@pytest.fixture(scope="module")
def django_site() -> Iterator[None]:
    setup_django()
    with override_settings(
        ROOT_URLCONF="tests.transports.provider.django_urls",
        MIDDLEWARE=["transports.provider.django.OAuthMiddleware"],
        OAUTHCORE_GUARD=Guard(credentials(), MemoryNonceStore(), realm=REALM),
        OAUTHCORE_PATHS=["/"],
        ALLOWED_HOSTS=["testserver"],
    ):
        yield


def refusals(base: str, send: Send) -> list[Answer]:
    """Each refusal in turn, signed for ``base``; what ``send`` got back."""
    url = f"{base}/r?amount=1"
    tampered = sign(Request("GET", url), CONSUMER, ACCESS)
    replayed = sign(Request("GET", url), CONSUMER, ACCESS)
    hashed = sign(Request("PUT", url, [("Content-Type", "text/plain")], b"one"), CONSUMER, ACCESS)
    answers = [
        send(Request("GET", url.replace("=1", "=9"), tampered.headers)),
        send(replayed),
        send(replayed),
        send(sign(Request("GET", url), CONSUMER, Token("other", "as"))),
        send(Request("GET", url)),
        send(Request("PUT", url, hashed.headers, b"two")),
    ]
    del answers[1]  # the first use of the replayed request reached the app
    return answers


def test_every_piece_refuses_as_protected_resource(asgi_base: str, django_site: None) -> None:
    expected = refusals("http://testserver", wsgi_target())
    assert [status for status, _, _ in expected] == [401, 401, 401, 400, 401]
    assert expected[0][1]["www-authenticate"] == f'OAuth realm="{REALM}"'
    assert refusals("http://testserver", flask_target()) == expected
    assert refusals("http://testserver", django_target()) == expected
    with Urllib3Transport(timeout=10) as transport:

        def over_uvicorn(request: Request) -> Answer:
            response = transport.send(request)
            return answer(response.status, response.header, response.body)

        assert refusals(asgi_base, over_uvicorn) == expected


def base_string_checked(send: Send) -> Send:
    """``send``; a revealed base string must be that of the request sent, then is masked.

    It holds the request's nonce and timestamp, which differ from one run of ``refusals`` to
    the next; what is compared across pieces is where it appears.
    """

    def checked(request: Request) -> Answer:
        status, headers, body = send(request)
        found = dict(decode_form(body.decode("ascii"))).get(BASE_STRING_FIELD)
        if found is not None:
            assert found == signature_base(request).base_string
            masked = percent_encode(found).encode()
            body = body.replace(masked, b"(as-sent)")
        return status, headers, body

    return checked


def test_in_development_mode_every_piece_reveals_the_base_string(django_site: None) -> None:
    # VerifyPolicy.reveal_base_string: a refused signature's report carries the base string.
    development = VerifyPolicy(reveal_base_string=True)
    expected = refusals("http://testserver", base_string_checked(wsgi_target(development)))
    # The tampered and the body-hash refusals are refused signatures; the others are not.
    shown = [b"oauth_signature_base_string=(as-sent)" in body for _, _, body in expected]
    assert shown == [True, False, False, False, True]
    flask_answers = refusals("http://testserver", base_string_checked(flask_target(development)))
    assert flask_answers == expected
    guard = Guard(credentials(), MemoryNonceStore(), realm=REALM, policy=development)
    with override_settings(OAUTHCORE_GUARD=guard):
        assert refusals("http://testserver", base_string_checked(django_target())) == expected
    inner = Starlette(routes=[Route("/r", lambda request: PlainTextResponse("ok"))])
    app = OAuthMiddleware(inner, credentials(), MemoryNonceStore(), realm=REALM, policy=development)
    with serve_asgi(app) as base, Urllib3Transport(timeout=10) as transport:

        def over_uvicorn(request: Request) -> Answer:
            response = transport.send(request)
            return answer(response.status, response.header, response.body)

        assert refusals(base, base_string_checked(over_uvicorn)) == expected
