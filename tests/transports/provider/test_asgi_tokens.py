"""transports.provider.asgi_tokens: the three-legged flow against a real uvicorn + Starlette."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    Request,
    TokenKind,
    sign,
)
from transports.adapters.urllib3 import Urllib3Transport
from transports.client import Client
from transports.provider.asgi import OAuthMiddleware, verified
from transports.provider.asgi_tokens import ASGITokenEndpoints
from transports.provider.endpoints import TokenEndpoints
from transports.provider.proxies import PublicOrigin

from .uvicorn_server import serve_asgi

CONSUMER = Consumer("ck", "cs")


async def whoami(request: StarletteRequest) -> JSONResponse:
    found = verified(request.scope)
    assert found.token is not None
    return JSONResponse({"token": found.token.key, "owner": dict(found.token.extra)})


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, TokenEndpoints, MemoryCredentialStore]]:
    credentials = MemoryCredentialStore([CONSUMER])
    nonces = MemoryNonceStore()
    tokens = TokenEndpoints(credentials, nonces, realm="R", max_body=100)
    served = ASGITokenEndpoints(tokens)
    api = OAuthMiddleware(Starlette(routes=[Route("/whoami", whoami)]), credentials, nonces)
    app = Starlette(
        routes=[
            Route("/oauth/request_token", served.request_token, methods=["GET", "POST"]),
            Route("/oauth/access_token", served.access_token, methods=["GET", "POST"]),
            Mount("/api", api),
        ]
    )
    with serve_asgi(app) as base:
        yield base, tokens, credentials


def test_three_legged_flow(provider: tuple[str, TokenEndpoints, MemoryCredentialStore]) -> None:
    base, tokens, credentials = provider
    with Urllib3Transport(timeout=10) as transport:
        client = Client(CONSUMER, transport=transport)
        request_token = client.fetch_request_token(
            f"{base}/oauth/request_token", "https://c.test/cb"
        )
        assert request_token.callback_confirmed
        authorized = tokens.authorize(request_token.key, [("screen_name", "ann")])
        assert authorized.verifier is not None
        access = client.fetch_access_token(
            f"{base}/oauth/access_token", request_token, authorized.verifier
        )
        assert credentials.token(CONSUMER.key, access.key, TokenKind.ACCESS) == access
        response = client.with_token(access).request("GET", f"{base}/api/whoami")
        assert json.loads(response.body) == {"token": access.key, "owner": {"screen_name": "ann"}}
        # The request token worked once.
        again = client.with_token(request_token).request("POST", f"{base}/oauth/access_token")
        assert again.status == 401
        assert again.header("WWW-Authenticate") == 'OAuth realm="R"'
        assert again.body.startswith(b"oauth_problem=token_rejected")


def test_unsigned_and_get_requests(
    provider: tuple[str, TokenEndpoints, MemoryCredentialStore],
) -> None:
    base, _, _ = provider
    with Urllib3Transport(timeout=10) as transport:
        refused = transport.send(Request("POST", f"{base}/oauth/request_token"))
        assert refused.status == 400
        assert refused.body.startswith(b"oauth_problem=parameter_absent")
        wrong = transport.send(Request("GET", f"{base}/oauth/access_token"))
        assert wrong.status == 405
        assert wrong.body == "credentials requests must use POST (RFC 5849 §2)\n".encode()
        large = transport.send(Request("POST", f"{base}/oauth/request_token", body=b"x" * 101))
        assert large.status == 413


def test_public_origin_is_the_url_verified() -> None:
    credentials = MemoryCredentialStore([CONSUMER])
    tokens = TokenEndpoints(credentials, MemoryNonceStore())
    served = ASGITokenEndpoints(tokens, origin=PublicOrigin("https://api.example.com"))
    with serve_asgi(served.request_token) as base, Urllib3Transport(timeout=10) as transport:
        signed = sign(Request("POST", "https://api.example.com/rt"), CONSUMER, callback="oob")
        response = transport.send(Request("POST", f"{base}/rt", signed.headers, signed.body))
        assert response.status == 200
        assert b"oauth_callback_confirmed=true" in response.body


def test_client_gone_before_the_body_ends_gets_no_answer() -> None:
    served = ASGITokenEndpoints(TokenEndpoints(MemoryCredentialStore(), None))
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)  # pragma: no cover - nothing is sent to a client that left

    scope = {"type": "http", "method": "POST", "headers": [], "path": "/rt"}
    asyncio.run(served.access_token(scope, receive, send))
    assert sent == []


@pytest.mark.parametrize("path", ["/request%5Ftoken", "/oauth%2Frequest_token", "/caf%C3%A9"])
def test_an_encoded_path_verifies_as_the_client_signed_it(path: str) -> None:
    # The URL checked is the one sent, escapes and all (RFC 5849 §3.4.1.2), as in WSGI.
    credentials = MemoryCredentialStore([CONSUMER])
    tokens = TokenEndpoints(credentials, MemoryNonceStore())
    served = ASGITokenEndpoints(tokens)
    with serve_asgi(served.request_token) as base, Urllib3Transport(timeout=10) as transport:
        signed = sign(Request("POST", f"{base}{path}"), CONSUMER, callback="oob")
        response = transport.send(signed)
        assert response.status == 200, response.body
        assert b"oauth_callback_confirmed=true" in response.body


def test_the_token_endpoints_own_origin_serves_when_none_is_given() -> None:
    credentials = MemoryCredentialStore([CONSUMER])
    tokens = TokenEndpoints(
        credentials, MemoryNonceStore(), origin=PublicOrigin("https://api.example.com")
    )
    served = ASGITokenEndpoints(tokens)
    with serve_asgi(served.request_token) as base, Urllib3Transport(timeout=10) as transport:
        signed = sign(Request("POST", "https://api.example.com/rt"), CONSUMER, callback="oob")
        response = transport.send(Request("POST", f"{base}/rt", signed.headers, signed.body))
        assert response.status == 200


def test_a_request_already_read_is_answered_as_the_apps_answer_it() -> None:
    tokens = TokenEndpoints(MemoryCredentialStore([CONSUMER]), MemoryNonceStore())
    for answer in (tokens.answer_request_token, tokens.answer_access_token):
        refused = answer(sign(Request("GET", "https://p.test/t"), CONSUMER, callback="oob"))
        assert refused.status == 405
        assert refused.body == "credentials requests must use POST (RFC 5849 §2)\n".encode()
    issued = tokens.answer_request_token(
        sign(Request("POST", "https://p.test/t"), CONSUMER, callback="oob")
    )
    assert issued.status == 200
    assert b"oauth_callback_confirmed=true" in issued.body
