"""``oauthcore serve --store URL --workers N``: the embedded provider over shared stores (§2)."""

from __future__ import annotations

import _thread
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from oauthcore import Token, TokenKind, VerifyPolicy
from tests.databases import free_port
from tests.transports.stores.test_workers import approve, exchange, request_token
from transports.cli import main
from transports.cli import serve as serve_command
from transports.cli.workers import application, gunicorn_options, provider_factory
from transports.demo import DEMO_CONSUMER, DemoProvider
from transports.stores.urls import open_stores

ROOT = Path(__file__).resolve().parents[3]
DEMO_CONSUMER_TOKEN = Token("t", "t-secret")


def wait_until_up(url: str) -> bytes:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                body: bytes = reply.read()
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--store", "mysql://db/oauth"], "a store URL starts with one of"),
        (["--workers", "2", "--port", "0"], "a port chosen with --port"),
        (["--workers", "2", "--store", "mysql://db/oauth"], "a store URL starts with one of"),
        (["--workers", "2"], "several workers need a shared --store"),
    ],
)
def test_serve_refuses_what_cannot_work(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *args]) == 2
    assert message in capsys.readouterr().err


def test_serve_over_a_sqlite_store_keeps_its_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'provider.db'}"
    port = free_port()

    def browse_then_interrupt() -> None:
        try:
            wait_until_up(f"http://127.0.0.1:{port}/")
        finally:
            _thread.interrupt_main()

    helper = threading.Thread(target=browse_then_interrupt)
    helper.start()
    assert main(["serve", "--store", url, "--port", str(port), "--quiet"]) == 0
    helper.join()
    assert "Stopped." in capsys.readouterr().out
    with open_stores(url) as stores:
        assert stores.credentials.consumer(DEMO_CONSUMER.key) == DEMO_CONSUMER


def test_serve_with_workers_hands_gunicorn_its_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    keywords: list[dict[str, Any]] = []

    def serve_workers(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        keywords.append(kwargs)

    monkeypatch.setattr(serve_command, "serve_workers", serve_workers)
    url = f"sqlite:///{tmp_path / 'provider.db'}"
    assert main(["serve", "--store", url, "--workers", "3", "--port", "8123", "--quiet"]) == 0
    assert calls == [(url, gunicorn_options("127.0.0.1", 8123, 3, quiet=True))]
    assert keywords == [{"policy": VerifyPolicy()}]
    assert "http://127.0.0.1:8123/oauth/request_token" in capsys.readouterr().out
    assert main(["serve", "--store", url, "--workers", "2", "--port", "8123", "--host", "::1"]) == 0
    assert "http://[::1]:8123/api/me" in capsys.readouterr().out


def test_serve_with_workers_keeps_development_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # --reveal-base-string reaches every worker's provider, as it does the in-process one.
    policies: list[VerifyPolicy] = []
    monkeypatch.setattr(serve_command, "serve_workers", lambda *_, policy: policies.append(policy))
    url = f"sqlite:///{tmp_path / 'provider.db'}"
    args = ["serve", "--store", url, "--workers", "2", "--port", "8123", "--reveal-base-string"]
    assert main(args) == 0
    assert policies == [VerifyPolicy(reveal_base_string=True)]
    assert "development mode: 401 replies show the base string" in capsys.readouterr().err
    app = application(url, gunicorn_options("127.0.0.1", 8124, 2, quiet=True), policy=policies[0])
    provider = app.load()
    assert provider.tokens.policy.reveal_base_string
    assert provider.resource.policy.reveal_base_string
    provider.stores.close()
    default = provider_factory(url, b"k" * 32)()
    assert not default.resource.policy.reveal_base_string
    default.stores.close()


def test_gunicorn_options() -> None:
    options = gunicorn_options("::1", 8080, 4, quiet=False)
    assert options["bind"] == "[::1]:8080"
    assert options["workers"] == 4
    assert options["accesslog"] == "-"
    # No query in the log: it may carry a verifier or a PLAINTEXT signature.
    assert "%(U)s" in options["access_log_format"]
    assert "%(q)s" not in options["access_log_format"]
    assert "%(r)s" not in options["access_log_format"]
    assert gunicorn_options("127.0.0.1", 1, 1, quiet=True)["accesslog"] is None


def test_each_worker_makes_its_provider_over_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'provider.db'}"
    provider = provider_factory(url, b"k" * 32)()
    assert isinstance(provider, DemoProvider)
    assert provider.stores.shared
    provider.credentials.add_token(DEMO_CONSUMER.key, DEMO_CONSUMER_TOKEN, TokenKind.ACCESS)
    again = provider_factory(url, b"k" * 32)()
    assert again.credentials.token(DEMO_CONSUMER.key, "t", TokenKind.ACCESS) == DEMO_CONSUMER_TOKEN
    provider.stores.close()
    again.stores.close()


def test_workers_need_the_serve_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[serve\]'"):
        application("memory:", {})


def test_the_gunicorn_application(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'provider.db'}"
    app = application(url, gunicorn_options("127.0.0.1", 8124, 3, quiet=True))
    assert app.cfg.workers == 3
    assert app.cfg.bind == ["127.0.0.1:8124"]
    provider = app.load()
    assert isinstance(provider, DemoProvider)
    provider.stores.close()


def test_serve_with_workers_in_a_real_process(tmp_path: Path) -> None:
    port = free_port()
    args = [sys.executable, "-m", "transports.cli", "serve", "--port", str(port)]
    args += ["--store", f"sqlite:///{tmp_path / 'provider.db'}", "--workers", "2"]
    with subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    ) as process:
        try:
            assert b"oauthcore demo provider" in wait_until_up(f"http://127.0.0.1:{port}/")
            token, _ = request_token(port)
            verifier, _ = approve(port, token)
            status, _, body = exchange(port, token, verifier)
            assert status == 200, body
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
    assert b"Press Ctrl-C to stop." in out
    log = out + err
    assert b'"POST /oauth/access_token" 200' in log
    assert b"oauth_verifier" not in log
