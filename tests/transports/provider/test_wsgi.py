"""transports.wsgi: environ -> Request, ProtectedResource, TokenEndpoints, WSGITransport."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from wsgiref.types import StartResponse, WSGIEnvironment
from wsgiref.util import setup_testing_defaults

import pytest

from oauthcore import Consumer, Request, Token, TokenKind, sign
from oauthcore.credentials import MemoryCredentialStore
from oauthcore.nonces import MemoryNonceStore
from oauthcore.provider import TemporaryCredentials, callback_url
from transports.base import Response
from transports.client import Client
from transports.flow import Signer, drive, send_flow
from transports.wsgi import (
    VERIFIED_KEY,
    HTTPProblem,
    ProtectedResource,
    Reply,
    TokenEndpoints,
    TokenStore,
    WSGITransport,
    request_from_environ,
    verified,
)

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as", extra=[("user_id", "7")])


def environ_for(**values: object) -> WSGIEnvironment:
    environ: WSGIEnvironment = {}
    setup_testing_defaults(environ)
    environ.update(values)
    return environ


# ---- request_from_environ -------------------------------------------------------------------


def test_rebuilds_url_headers_and_body() -> None:
    body = b"a=1&b=%20"
    environ = environ_for(
        REQUEST_METHOD="POST",
        HTTP_HOST="API.example.com:8443",
        PATH_INFO="/caf\xc3\xa9/100%/a b",
        QUERY_STRING="x=%41&y",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)),
        HTTP_X_CUSTOM_THING="v",
        **{"wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(body)},
    )
    request = request_from_environ(environ)
    assert request.method == "POST"
    # The path is re-encoded as the client sent it: UTF-8 escapes, "%" as %25, space as %20.
    assert request.url == "https://API.example.com:8443/caf%C3%A9/100%25/a%20b?x=%41&y"
    assert request.base_string_uri == "https://api.example.com:8443/caf%C3%A9/100%25/a%20b"
    assert request.header("x-custom-thing") == "v"
    assert request.header("Content-Length") == str(len(body))
    assert request.is_form
    assert request.body == body


@pytest.mark.parametrize(
    ("scheme", "port", "expected"),
    [
        ("http", "80", "http://example.org/"),
        ("https", "443", "https://example.org/"),
        ("http", "8080", "http://example.org:8080/"),
    ],
)
def test_without_host_header_uses_server_name(scheme: str, port: str, expected: str) -> None:
    environ = environ_for(SERVER_NAME="example.org", SERVER_PORT=port, PATH_INFO="")
    environ["wsgi.url_scheme"] = scheme
    del environ["HTTP_HOST"]
    assert request_from_environ(environ).url == expected


@pytest.mark.parametrize(
    ("values", "status", "message"),
    [
        ({"CONTENT_LENGTH": "ten"}, 400, "Content-Length must be a whole number of bytes"),
        # str.isdigit() holds for a superscript two, which int() refuses: still a 400.
        ({"CONTENT_LENGTH": "\xb2"}, 400, "Content-Length must be a whole number of bytes"),
        ({"CONTENT_LENGTH": "11"}, 413, "the request body is over 10 bytes"),
        ({"HTTP_X_BAD": "a\x01b"}, 400, "malformed request: headers: the value of 'X-Bad'"),
        ({"REQUEST_METHOD": "G ET"}, 400, "malformed request: method must be an HTTP method"),
    ],
)
def test_unreadable_requests(values: dict[str, str], status: int, message: str) -> None:
    with pytest.raises(HTTPProblem) as caught:
        request_from_environ(environ_for(**values), max_body=10)
    assert caught.value.status == status
    assert str(caught.value).startswith(message)


def test_empty_body_is_not_read() -> None:
    environ = environ_for(CONTENT_LENGTH="")
    environ["wsgi.input"] = None  # reading it would fail
    assert request_from_environ(environ).body == b""


# ---- WSGITransport ---------------------------------------------------------------------------


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    request = request_from_environ(environ)
    start_response("201 Created", [("X-Url", request.url), ("X-Repeat", "1"), ("X-Repeat", "2")])
    return iter([request.method.encode(), b" ", request.body, b" ", str(request.headers).encode()])


class Closing(list[bytes]):
    closed = False

    def close(self) -> None:
        self.closed = True


def test_wsgi_transport_round_trip() -> None:
    transport = WSGITransport(echo_app)
    request = Request(
        "PUT",
        "http://user@127.0.0.1:8000/p%C3%A9/x?q=1",
        [("Content-Type", "text/plain"), ("X-A", "1"), ("X-A", "2")],
        b"hello",
    )
    response = transport.send(request, timeout=1.0)
    assert isinstance(response, Response)
    assert response.status == 201
    assert response.url == request.url
    assert response.header("X-Url") == "http://127.0.0.1:8000/p%C3%A9/x?q=1"
    assert response.header_values("X-Repeat") == ["1", "2"]
    assert response.body.startswith(b"PUT hello ")
    assert b"('X-A', '1, 2')" in response.body
    assert b"('Content-Type', 'text/plain')" in response.body


def test_wsgi_transport_passes_content_length_as_given() -> None:
    request = Request("POST", "http://h.test/", [("Content-Length", "3")], b"abc")
    assert WSGITransport(echo_app).send(request).body.startswith(b"POST abc ")
    # Without the header, the length of the body is what the app is told.
    assert (
        WSGITransport(echo_app)
        .send(Request("POST", "http://h.test/", body=b"ab"))
        .body.startswith(b"POST ab ")
    )


def test_wsgi_transport_closes_the_result() -> None:
    result = Closing([b"ok"])

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        return result

    response = WSGITransport(app).send(Request("GET", "https://example.com"))
    assert response.body == b"ok"
    assert result.closed


# ---- ProtectedResource -----------------------------------------------------------------------


def store() -> MemoryCredentialStore:
    credentials = MemoryCredentialStore([CONSUMER])
    credentials.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return credentials


def whoami(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    result = verified(environ)
    assert result.token is not None
    body = environ["wsgi.input"].read()
    return Reply.json(200, {"user": result.token.get("user_id"), "body": body.decode()})(
        start_response
    )


def protected(**options: object) -> WSGITransport:
    app = ProtectedResource(whoami, store(), MemoryNonceStore(), realm="Example", max_body=100)
    for name, value in options.items():
        setattr(app, name, value)
    return WSGITransport(app)


def test_protected_resource_lets_a_signed_request_through() -> None:
    client = Client(CONSUMER, ACCESS, transport=protected())
    response = client.request("POST", "http://api.test/me", data={"status": "hi"})
    assert response.status == 200
    assert response.header("Cache-Control") == "no-store"
    assert response.json() == {"user": "7", "body": "status=hi"}


def test_protected_resource_refuses_a_replay() -> None:
    transport = protected()
    signed = sign(Request("GET", "http://api.test/me"), CONSUMER, ACCESS)
    assert transport.send(signed).status == 200
    replay = transport.send(signed)
    assert replay.status == 401
    assert replay.header("WWW-Authenticate") == 'OAuth realm="Example"'
    assert replay.body.startswith(b"oauth_problem=nonce_used&")


def test_protected_resource_refuses_a_bad_signature() -> None:
    client = Client(CONSUMER, Token("at", "wrong"), transport=protected())
    response = client.request("GET", "http://api.test/me")
    assert response.status == 401
    assert response.body.startswith(b"oauth_problem=signature_invalid")


def test_protected_resource_refuses_unsigned_and_oversized_requests() -> None:
    transport = protected()
    unsigned = transport.send(Request("GET", "http://api.test/me"))
    assert unsigned.status == 400
    assert unsigned.body.startswith(b"oauth_problem=parameter_absent")
    huge = transport.send(Request("POST", "http://api.test/me", body=b"x" * 101))
    assert huge.status == 413
    assert huge.text == "the request body is over 100 bytes\n"


def test_verified_outside_the_middleware() -> None:
    with pytest.raises(LookupError, match="wrap the app in ProtectedResource"):
        verified({})
    with pytest.raises(LookupError):
        verified({VERIFIED_KEY: "forged"})


# ---- TokenEndpoints --------------------------------------------------------------------------


def endpoints(max_pending: int = 10) -> tuple[TokenEndpoints, MemoryCredentialStore]:
    credentials = MemoryCredentialStore([CONSUMER])
    tokens = TokenEndpoints(credentials, MemoryNonceStore(), realm="R", max_pending=max_pending)
    return tokens, credentials


def routes(tokens: TokenEndpoints) -> WSGITransport:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/request_token":
            return tokens.request_token(environ, start_response)
        return tokens.access_token(environ, start_response)

    return WSGITransport(app)


def test_memory_store_is_a_token_store() -> None:
    import oauthcore.credentials

    assert isinstance(MemoryCredentialStore(), TokenStore)
    # The protocol lives in the core; the old import path keeps working.
    assert TokenStore is oauthcore.TokenStore is oauthcore.credentials.TokenStore
    assert "TokenStore" in oauthcore.__all__


def test_three_legged_flow_through_the_endpoints() -> None:
    tokens, credentials = endpoints()
    client = Client(CONSUMER, transport=routes(tokens))
    request_token = client.fetch_request_token("http://p.test/request_token", "https://c.test/cb")
    assert request_token.callback_confirmed
    assert credentials.token(CONSUMER.key, request_token.key, TokenKind.REQUEST) is not None
    pending = tokens.pending(request_token.key)
    assert pending is not None
    assert not pending.authorized
    authorized = tokens.authorize(request_token.key, [("screen_name", "ann")])
    location = callback_url(authorized)
    assert location is not None
    assert location.startswith(f"https://c.test/cb?oauth_token={request_token.key}&oauth_verifier=")
    assert authorized.verifier is not None
    access = client.fetch_access_token(
        "http://p.test/access_token", request_token, authorized.verifier
    )
    assert access.extra == (("screen_name", "ann"),)
    stored = credentials.token(CONSUMER.key, access.key, TokenKind.ACCESS)
    assert stored == access
    # The request token worked once: it is gone everywhere.
    assert tokens.pending(request_token.key) is None
    assert credentials.token(CONSUMER.key, request_token.key, TokenKind.REQUEST) is None
    again = client.with_token(request_token)
    reply = again.request("POST", "http://p.test/access_token")
    assert reply.status == 401
    assert reply.body.startswith(b"oauth_problem=token_rejected")


def test_credentials_requests_must_be_posts() -> None:
    tokens, _ = endpoints()
    reply = routes(tokens).send(Request("GET", "http://p.test/request_token"))
    assert reply.status == 405
    assert reply.text == "credentials requests must use POST (RFC 5849 §2)\n"
    reply = routes(tokens).send(Request("GET", "http://p.test/access_token"))
    assert reply.status == 405


def test_request_token_needs_a_callback_and_a_known_consumer() -> None:
    tokens, _ = endpoints()
    transport = routes(tokens)
    no_callback = transport.send(sign(Request("POST", "http://p.test/request_token"), CONSUMER))
    assert no_callback.status == 400
    assert no_callback.body.startswith(b"oauth_problem=parameter_absent")
    stranger = Client(Consumer("who", "x"), transport=transport)
    reply = stranger.request("POST", "http://p.test/request_token")
    assert reply.status == 401
    assert reply.header("WWW-Authenticate") == 'OAuth realm="R"'


def test_access_token_refusals() -> None:
    tokens, _ = endpoints()
    transport = routes(tokens)
    client = Client(CONSUMER, transport=transport)
    request_token = client.fetch_request_token("http://p.test/request_token")
    # Not authorized yet.
    early = transport.send(
        sign(Request("POST", "http://p.test/access_token"), CONSUMER, request_token, verifier="v")
    )
    assert early.status == 401
    assert early.body.startswith(b"oauth_problem=token_rejected&")
    assert b"were%20not%20authorized%20by%20the%20resource%20owner" in early.body
    tokens.authorize(request_token.key)
    # No token at all, a stranger, and a wrong verifier.
    for signed in (
        sign(Request("POST", "http://p.test/access_token"), CONSUMER, verifier="v"),
        sign(Request("POST", "http://p.test/access_token"), Consumer("who", "x"), request_token),
        sign(Request("POST", "http://p.test/access_token"), CONSUMER, request_token, verifier="v"),
    ):
        reply = transport.send(signed)
        assert reply.status == 401, reply.text
    assert tokens.pending(request_token.key) is not None
    unsigned = transport.send(Request("POST", "http://p.test/access_token"))
    assert unsigned.status == 400
    assert unsigned.body.startswith(b"oauth_problem=parameter_absent")


def test_a_request_token_exchanged_twice_at_once_works_once() -> None:
    class Racing(TokenEndpoints):
        stale: TemporaryCredentials | None = None

        def pending(self, token_key: str) -> TemporaryCredentials | None:
            # The second request looked the record up before the first one consumed it.
            return super().pending(token_key) or self.stale

    credentials = MemoryCredentialStore([CONSUMER])
    tokens = Racing(credentials, MemoryNonceStore())
    client = Client(CONSUMER, transport=routes(tokens))
    request_token = client.fetch_request_token("http://p.test/request_token")
    authorized = tokens.authorize(request_token.key)
    tokens.stale = authorized
    assert authorized.verifier is not None
    client.fetch_access_token("http://p.test/access_token", request_token, authorized.verifier)
    # The same exchange again, its reply read as a Response rather than as a Token.
    signer = Signer(CONSUMER, request_token, verifier=authorized.verifier)
    flow = send_flow(Request("POST", "http://p.test/access_token"), signer)
    second = drive(flow, client.transport.send)
    assert second.status == 401
    assert second.body.startswith(b"oauth_problem=token_rejected&")
    assert b"already%20exchanged" in second.body


def test_authorize_and_deny() -> None:
    tokens, credentials = endpoints()
    client = Client(CONSUMER, transport=routes(tokens))
    request_token = client.fetch_request_token("http://p.test/request_token")
    with pytest.raises(LookupError, match="unknown or expired request token"):
        tokens.authorize("nope")
    tokens.authorize(request_token.key)
    with pytest.raises(ValueError, match="already authorized"):
        tokens.authorize(request_token.key)
    denied = tokens.deny(request_token.key)
    assert denied is not None
    assert denied.token.key == request_token.key
    assert tokens.pending(request_token.key) is None
    assert credentials.token(CONSUMER.key, request_token.key, TokenKind.REQUEST) is None
    assert tokens.deny(request_token.key) is None


def test_pending_authorizations_are_bounded() -> None:
    tokens, credentials = endpoints(max_pending=2)
    client = Client(CONSUMER, transport=routes(tokens))
    issued = [client.fetch_request_token("http://p.test/request_token") for _ in range(3)]
    tokens.authorize(issued[1].key, [("user_id", "1")])
    client.fetch_request_token("http://p.test/request_token")
    assert tokens.pending(issued[0].key) is None
    assert tokens.pending(issued[1].key) is None
    assert credentials.token(CONSUMER.key, issued[1].key, TokenKind.REQUEST) is None
    assert tokens.pending(issued[2].key) is not None


def test_reply_helpers() -> None:
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        seen.append((status, headers))
        return lambda data: None

    assert Reply.text(418, "short and stout")(start_response) == [b"short and stout\n"]
    assert seen[-1][0] == "418 I'm a Teapot"
    assert ("Content-Length", "16") in seen[-1][1]
    assert Reply.json(200, {"b": 1, "a": [1]})(start_response) == [
        b'{\n  "a": [\n    1\n  ],\n  "b": 1\n}\n'
    ]
