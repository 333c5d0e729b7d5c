"""transports.provider.flask: FlaskOAuth through Flask's test client and a real WSGI server."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from urllib.parse import parse_qsl

import flask
import pytest
from werkzeug.test import TestResponse

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
from transports.provider.flask import FlaskOAuth, verified
from transports.provider.proxies import PublicOrigin

from ...servers import serve

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as", extra=[("user_id", "7")])
BASE = "http://localhost"


def credentials() -> MemoryCredentialStore:
    store = MemoryCredentialStore([CONSUMER])
    store.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return store


def make_app(**options: object) -> flask.Flask:
    app = flask.Flask(__name__)
    oauth = FlaskOAuth(None, credentials(), MemoryNonceStore(), realm="photos", **options)  # type: ignore[arg-type]
    oauth.init_app(app)

    @app.route("/resource", methods=["GET", "POST", "PUT"])
    @oauth.required
    def resource() -> flask.Response:
        found = verified()
        assert found is flask.g.oauth
        assert found.token is not None
        return flask.jsonify(
            consumer=found.consumer.key,
            token=found.token.key,
            user_id=found.token.get("user_id"),
            body=flask.request.get_data(as_text=True),
        )

    @app.route("/async")
    @oauth.required
    async def async_resource() -> dict[str, str]:
        await asyncio.sleep(0)
        return {"consumer": verified().consumer.key}

    @app.route("/open")
    def open_view() -> str:
        try:
            verified()
        except LookupError as error:
            return str(error)
        raise AssertionError(
            "no verified request outside oauth.required"
        )  # pragma: no cover - the view's failure path

    return app


@pytest.fixture
def client() -> Iterator[flask.testing.FlaskClient]:
    with make_app().test_client() as test_client:
        yield test_client


def send(client: flask.testing.FlaskClient, request: Request) -> TestResponse:
    url = request.url.removeprefix(BASE)
    return client.open(url, method=request.method, headers=list(request.headers), data=request.body)


def signed(
    path: str,
    method: str = "GET",
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
    token: Token | None = ACCESS,
) -> Request:
    return sign(Request(method, BASE + path, headers or [], body), CONSUMER, token)


def problem(response: TestResponse) -> dict[str, str]:
    return dict(parse_qsl(response.get_data(as_text=True)))


def test_accepted_request_reaches_the_view_with_consumer_and_token(
    client: flask.testing.FlaskClient,
) -> None:
    response = send(client, signed("/resource?a=1"))
    assert response.status_code == 200
    assert response.json == {"consumer": "ck", "token": "at", "user_id": "7", "body": ""}


def test_the_view_reads_the_body_verified(client: flask.testing.FlaskClient) -> None:
    request = sign(
        Request.build("POST", f"{BASE}/resource", data=[("status", "hi there")]), CONSUMER, ACCESS
    )
    response = send(client, request)
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["body"] == "status=hi%20there"


def test_body_hash_guards_a_json_body(client: flask.testing.FlaskClient) -> None:
    headers = [("Content-Type", "application/json")]
    assert send(client, signed("/resource", "PUT", b'{"a": 1}', headers)).status_code == 200
    tampered = signed("/resource", "PUT", b'{"a": 1}', headers)
    response = send(client, Request("PUT", tampered.url, tampered.headers, b'{"a": 2}'))
    assert response.status_code == 401
    assert problem(response)["oauth_problem"] == "signature_invalid"


def test_tampered_request_is_refused_with_a_challenge(client: flask.testing.FlaskClient) -> None:
    request = signed("/resource?amount=1")
    response = send(client, Request("GET", request.url.replace("=1", "=9"), request.headers))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'OAuth realm="photos"'
    assert response.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert response.headers["Cache-Control"] == "no-store"
    assert problem(response)["oauth_problem"] == "signature_invalid"


def test_replayed_request_is_refused(client: flask.testing.FlaskClient) -> None:
    request = signed("/resource")
    assert send(client, request).status_code == 200
    response = send(client, request)
    assert response.status_code == 401
    assert problem(response)["oauth_problem"] == "nonce_used"


def test_wrong_token_is_refused(client: flask.testing.FlaskClient) -> None:
    response = send(client, signed("/resource", token=Token("other", "as")))
    assert response.status_code == 401
    assert problem(response)["oauth_problem"] == "token_rejected"


def test_missing_authorization_is_a_400(client: flask.testing.FlaskClient) -> None:
    response = client.get("/resource")
    assert response.status_code == 400
    assert "WWW-Authenticate" not in response.headers
    assert problem(response)["oauth_problem"] == "parameter_absent"


@pytest.mark.parametrize("host", ["evil.test/x?", "a@b.test", "h.test:99999"])
def test_bad_host_is_a_400(client: flask.testing.FlaskClient, host: str) -> None:
    request = signed("/resource")
    response = client.get(
        "/resource", headers=list(request.headers), environ_overrides={"HTTP_HOST": host}
    )
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("the Host header is not a host name")


def test_body_over_the_limit_is_refused() -> None:
    client = make_app(max_body=10).test_client()
    request = signed("/resource", "POST", b"x" * 11, [("Content-Type", "text/plain")])
    response = send(client, request)
    assert response.status_code == 413
    assert response.get_data() == b"the request body is over 10 bytes\n"


def test_verified_outside_a_guarded_view(client: flask.testing.FlaskClient) -> None:
    assert client.get("/open").get_data(as_text=True).startswith("no verified OAuth request")


def test_registered_as_an_extension() -> None:
    app = flask.Flask(__name__)
    oauth = FlaskOAuth(app, credentials(), None)
    assert app.extensions["oauthcore"] is oauth


def test_async_stores_are_refused() -> None:
    class AsyncNonces:
        async def use(
            self, consumer_key: str, token: str | None, timestamp: int, nonce: str
        ) -> bool:
            await asyncio.sleep(0)  # pragma: no cover - never awaited: refused at construction
            return True  # pragma: no cover - never awaited: refused at construction

    with pytest.raises(TypeError, match="FlaskOAuth needs sync stores"):
        FlaskOAuth(None, credentials(), AsyncNonces())


def test_missing_flask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "flask", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[flask\]'"):
        FlaskOAuth(None, credentials(), None)


def test_through_a_real_wsgi_server() -> None:
    with serve(make_app()) as base, Urllib3Transport(timeout=10) as transport:
        request = sign(Request("GET", f"{base}/resource"), CONSUMER, ACCESS)
        response = transport.send(request)
        assert response.status == 200
        assert json.loads(response.body)["consumer"] == "ck"
        assert transport.send(request).status == 401


def test_behind_a_proxy_the_public_origin_is_verified() -> None:
    client = make_app(origin=PublicOrigin("https://api.example.com")).test_client()
    request = sign(Request("GET", "https://api.example.com/resource"), CONSUMER, ACCESS)
    response = client.get("/resource", headers=list(request.headers))
    assert response.status_code == 200
    assert send(client, signed("/resource")).status_code == 401


def test_async_views(client: flask.testing.FlaskClient) -> None:
    assert send(client, signed("/async")).json == {"consumer": "ck"}
    assert client.get("/async").status_code == 400
