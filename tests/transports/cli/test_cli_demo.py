"""``oauthcore demo`` and ``oauthcore serve``: the flow printed step by step; a clean Ctrl-C."""

from __future__ import annotations

import _thread
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from transports.base import Transport
from transports.cli import demo as demo_command
from transports.cli import main
from transports.cli.transports import TRANSPORT_NAMES, make_transport
from transports.demo import DemoProvider
from transports.wsgi import Reply


def test_demo_runs_every_transport(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert re.search(r"Embedded OAuth 1.0a provider at http://127\.0\.0\.1:\d+ ", out)
    for name in TRANSPORT_NAMES:
        assert f"== transport: {name} ==" in out
    assert out.count("1. request token   POST /oauth/request_token") == 3
    assert out.count("   authorize URL  http://127.0.0.1:") == 3
    assert out.count("2. approve         GET the page, POST Approve") == 3
    assert out.count("3. access token    POST /oauth/access_token") == 3
    assert out.count("4. resource        GET /api/me") == 3
    assert out.count("     HTTP 200  application/json") == 3
    assert out.count('"screen_name": "demo-user"') == 3
    assert out.count("screen_name               = demo-user") == 3
    # Secrets and verifiers are never printed, only their length.
    assert out.count("oauth_token_secret        = ******** (43 characters)") == 6
    assert out.count("oauth_verifier            = ******** (22 characters)") == 3
    assert "oauth_verifier=..." in out
    assert re.search(r"   total \d+\.\d ms", out)
    assert out.rstrip().endswith("passed through 3 transport(s).")


def test_demo_with_one_transport(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--transport", "urllib"]) == 0
    out = capsys.readouterr().out
    assert "== transport: urllib ==" in out
    assert "== transport: urllib3 ==" not in out
    assert "passed through 1 transport(s)." in out


def _without(missing: str) -> object:
    def factory(name: str, timeout: float | None = 30.0) -> Transport:
        if name == missing:
            raise ImportError(f"{name} is not installed: pip install 'oauthcore[{name}]'")
        return make_transport(name, timeout)

    return factory


def test_demo_skips_a_transport_that_is_not_installed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_command, "make_transport", _without("httplib2"))
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "   skipped: httplib2 is not installed: pip install 'oauthcore[httplib2]'" in out
    assert "passed through 2 transport(s)." in out


def test_demo_with_a_missing_transport_asked_for_is_an_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_command, "make_transport", _without("httplib2"))
    assert main(["demo", "--transport", "httplib2"]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == "oauthcore demo: error: httplib2 is not installed: pip install 'oauthcore[httplib2]'\n"
    )


class _BrokenResource(DemoProvider):
    def _me(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return Reply.text(500, "resource is down")(start_response)


class _BrokenTokens(DemoProvider):
    def __init__(self) -> None:
        super().__init__()
        self.tokens.access_token = self._refuse  # type: ignore[method-assign]

    def _refuse(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return Reply(503, [("Content-Type", "text/plain")], b"oauth_problem=temporarily_down")(
            start_response
        )


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        (_BrokenResource, "oauthcore demo: failed: the protected resource answered 500\n"),
        (
            _BrokenTokens,
            "oauthcore demo: failed: urllib: the provider refused the credentials request"
            " (oauth_problem=temporarily_down); status 503,"
            " body 'oauth_problem=temporarily_down'\n",
        ),
    ],
)
def test_demo_fails_with_exit_1_when_a_step_fails(
    provider: type[DemoProvider],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(demo_command, "DemoProvider", provider)
    assert main(["demo", "--transport", "urllib"]) == 1
    out, err = capsys.readouterr()
    assert err == message
    assert "Traceback" not in out + err


def test_make_transport_names() -> None:
    for name in TRANSPORT_NAMES:
        transport = make_transport(name, timeout=1.0)
        assert isinstance(transport, Transport)
    with pytest.raises(
        ValueError, match="unknown transport 'curl'; use one of urllib3, httplib2, urllib"
    ):
        make_transport("curl")


def test_demo_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("demo", "serve"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert f"examples:\n  oauthcore {command}" in capsys.readouterr().out


# ---- serve -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_until_up(url: str) -> bytes:
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                body: bytes = reply.read()
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_serve_in_the_foreground_until_ctrl_c(capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()
    seen: list[bytes] = []

    def browse_then_interrupt() -> None:
        try:
            seen.append(_wait_until_up(f"http://127.0.0.1:{port}/"))
        finally:
            _thread.interrupt_main()  # what Ctrl-C does

    helper = threading.Thread(target=browse_then_interrupt)
    helper.start()
    assert main(["serve", "--port", str(port)]) == 0
    helper.join()
    assert b"oauthcore demo provider" in seen[0]
    out, err = capsys.readouterr()
    assert out == (
        f"oauthcore demo provider at http://127.0.0.1:{port}\n"
        "  consumer key     demo-consumer-key\n"
        "  consumer secret  demo-consumer-secret\n"
        f"  request token    POST http://127.0.0.1:{port}/oauth/request_token\n"
        f"  authorize        GET  http://127.0.0.1:{port}/oauth/authorize?oauth_token=...\n"
        f"  access token     POST http://127.0.0.1:{port}/oauth/access_token\n"
        f"  resource         GET  http://127.0.0.1:{port}/api/me\n"
        "Press Ctrl-C to stop.\n"
        "Stopped.\n"
    )
    assert '"GET / HTTP/1.1" 200' in err
    # The port is free again: the socket was closed.
    with socket.socket() as again:
        # SO_REUSEADDR passes over TIME_WAIT connections, not over a socket still listening.
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_serve_quiet_and_a_warning_off_loopback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from transports.cli import serve as serve_command

    assert serve_command._is_loopback("localhost")
    assert serve_command._is_loopback("::1")
    assert not serve_command._is_loopback("example.com")
    assert not serve_command._is_loopback("0.0.0.0")

    def interrupted(self: object, poll_interval: float = 0.5) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("socketserver.BaseServer.serve_forever", interrupted)
    # Binding 0.0.0.0 is never done here: the check is shown with an address that only warns.
    monkeypatch.setattr(serve_command, "_is_loopback", lambda host: False)
    assert main(["serve", "--port", "0", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "oauthcore: warning: serving on 127.0.0.1: the demo consumer's secret is public;"
        " keep it off networks\n"
    )
    assert out.endswith("Press Ctrl-C to stop.\nStopped.\n")


def test_serve_stops_cleanly_on_sigint_in_a_real_process() -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "transports.cli", "serve", "--port", str(port), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as process:
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/")
        finally:
            process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert out.endswith("Stopped.\n")
    assert err == ""


def test_every_transport_the_cli_makes_closes() -> None:
    # The CLI calls close() itself: every shipped transport is a ClosableTransport.
    from transports import ClosableTransport
    from transports.wsgi import WSGITransport

    for name in TRANSPORT_NAMES:
        with make_transport(name, timeout=1.0) as transport:
            assert isinstance(transport, ClosableTransport)
    with WSGITransport(DemoProvider()) as in_process:
        assert isinstance(in_process, ClosableTransport)
    in_process.close()
