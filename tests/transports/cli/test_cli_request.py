"""``oauthcore request``: sign, send once through each transport, print like curl -i; exit codes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from oauthcore import Token
from transports.cli import main
from transports.cli.transports import TRANSPORT_NAMES
from transports.client import Client
from transports.demo import DEMO_CONSUMER, DemoProvider, RunningProvider
from transports.wsgi import WSGITransport


@pytest.fixture(scope="module")
def running() -> Iterator[RunningProvider]:
    with DemoProvider().serve() as served:
        yield served


@pytest.fixture
def access_token(running: RunningProvider) -> Token:
    # The flow in process, straight through the provider's WSGI app: no socket needed for setup.
    client = Client(DEMO_CONSUMER, transport=WSGITransport(running.provider))
    temporary = client.fetch_request_token(running.endpoints.request_token, "oob")
    verifier = running.provider.approve(temporary.key).verifier
    assert verifier is not None
    return client.fetch_access_token(running.endpoints.access_token, temporary, verifier)


@pytest.fixture(autouse=True)
def demo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OAUTH_TOKEN", "OAUTH_TOKEN_SECRET", "OAUTH_RSA_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OAUTH_CONSUMER_KEY", DEMO_CONSUMER.key)
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", DEMO_CONSUMER.secret)


@pytest.mark.parametrize("transport", TRANSPORT_NAMES)
def test_get_the_protected_resource(
    transport: str,
    running: RunningProvider,
    access_token: Token,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OAUTH_TOKEN", access_token.key)
    monkeypatch.setenv("OAUTH_TOKEN_SECRET", access_token.secret)
    argv = ["request", "GET", running.endpoints.resource, "--transport", transport]
    assert main(argv) == 0
    out, err = capsysbinary.readouterr()
    assert json.loads(out)["screen_name"] == "demo-user"
    head = err.decode().splitlines()
    assert head[0] == "HTTP 200 OK"
    # httplib2 hands header names over lower-cased; the others keep the server's case.
    assert "content-type: application/json" in [line.lower() for line in head]
    assert head[-1] == ""


def test_request_token_with_a_callback(
    running: RunningProvider, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    argv = ["request", "POST", running.endpoints.request_token, "--callback", "oob"]
    assert main([*argv, "--transport", "urllib3", "--timeout", "5"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert out.startswith("oauth_token=")
    assert out.endswith("&oauth_callback_confirmed=true")


def test_refused_request_exits_1(
    running: RunningProvider,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OAUTH_TOKEN_SECRET", "made-up-too")
    assert main(["request", "GET", running.endpoints.resource, "--token", "made-up"]) == 1
    out, err = capsysbinary.readouterr()
    assert err.decode().startswith("HTTP 401 Unauthorized\n")
    assert 'WWW-Authenticate: OAuth realm="oauthcore demo"' in err.decode()
    assert out.startswith(b"oauth_problem=token_rejected&")


def test_form_data_json_and_headers_are_sent(
    running: RunningProvider,
    capsysbinary: pytest.CaptureFixture[bytes],
    access_token: Token,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OAUTH_TOKEN", access_token.key)
    monkeypatch.setenv("OAUTH_TOKEN_SECRET", access_token.secret)
    # /api/me answers any method once the signature (form parameters, body hash) checks out.
    for extra in (
        ["-d", "status=hello world", "-d", "status=again"],
        ["--json", '{"name": "x"}', "-H", "X-Trace: 1"],
        ["--json", "[1]", "--header", "content-type: application/vnd.api+json"],
        ["-m", "HMAC-SHA256", "--placement", "body", "-d", "a=1"],
    ):
        assert main(["request", "POST", running.endpoints.resource, *extra]) == 0, extra
        assert b'"screen_name": "demo-user"' in capsysbinary.readouterr().out
    assert main(["request", "DELETE", running.endpoints.resource, "-d", "q=1"]) == 0
    assert main(["request", "GET", running.endpoints.resource, "--placement", "query"]) == 0


def test_a_tampered_json_body_would_be_caught(running: RunningProvider) -> None:
    # The body hash covers --json: the provider refuses a body that differs from the signed one.
    from oauthcore import Request, sign
    from transports import UrllibTransport

    signed = sign(
        Request("POST", running.endpoints.resource, [("Content-Type", "application/json")], b"{}"),
        DEMO_CONSUMER,
        Token("unknown", "x"),
    )
    assert signed.header("Authorization") is not None
    assert "oauth_body_hash" in str(signed.header("Authorization"))
    tampered = Request(signed.method, signed.url, signed.headers, b"[]")
    assert UrllibTransport(timeout=5).send(tampered).status == 401


def test_unknown_status_and_redirects_are_shown_not_followed(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    from transports.base import Response
    from transports.cli.request import show

    show(Response(599, [("X", "1")], b"odd"))
    out, err = capsysbinary.readouterr()
    # The body has no final newline: one on stderr ends the line, stdout keeps the bytes.
    assert err == b"HTTP 599\nX: 1\n\n\n"
    assert out == b"odd"
    show(Response(302, [("Location", "/x")]))
    assert capsysbinary.readouterr().err == b"HTTP 302 Found\nLocation: /x\n\n"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("transport", TRANSPORT_NAMES)
def test_transport_errors_exit_2(
    transport: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/me"
    assert main(["request", "GET", url, "--transport", transport, "--timeout", "5"]) == 2
    out, err = capsysbinary.readouterr()
    assert out == b""
    line = err.decode()
    assert line.startswith(f"oauthcore request: error: GET {url}: connection refused")
    assert line.count("\n") == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--json", "{"], "--json is not valid JSON: Expecting property name"),
        (["--json", "{}", "-d", "a=1"], "give either -d parameters or --json, not both"),
        (["-H", "NoColon"], "--header must look like NAME:VALUE, got 'NoColon'"),
        (["--timeout", "0"], "--timeout must be a positive number of seconds"),
    ],
)
def test_usage_errors_exit_2(
    extra: list[str], message: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["request", "POST", "http://127.0.0.1:9/x", *extra]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert err.startswith(f"oauthcore request: error: {message}")
    assert err.count("\n") == 1


def test_bad_option_values_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["request", "GET", "http://127.0.0.1:9/", "--transport", "curl"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'curl'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["request", "--help"])
    assert "examples:\n  export OAUTH_CONSUMER_KEY=demo-consumer-key" in capsys.readouterr().out
