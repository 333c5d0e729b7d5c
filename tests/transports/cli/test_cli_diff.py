"""``oauthcore diff``: base strings from arguments, files, stdin, problem reports or a request."""

from __future__ import annotations

import _thread
import io
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from oauthcore import Consumer, Request, Token, sign
from oauthcore.base_string import signature_base
from oauthcore.encoding import encode_form
from transports.cli import main
from transports.demo import DEMO_CONSUMER

CLIENT = (
    "GET&https%3A%2F%2Fapi.example.com%2Fphotos&oauth_consumer_key%3Dkey%26oauth_nonce%3Dn"
    "%26q%3Da%2520b"
)
PROVIDER = CLIENT.replace("https", "http", 1)
REPORT = encode_form(
    [
        ("oauth_problem", "signature_invalid"),
        ("oauth_problem_advice", "oauth_signature does not match the request"),
        ("oauth_signature_base_string", PROVIDER),
    ]
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "OAUTH_CONSUMER_KEY",
        "OAUTH_CONSUMER_SECRET",
        "OAUTH_TOKEN",
        "OAUTH_TOKEN_SECRET",
        "OAUTH_RSA_KEY_FILE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_two_base_strings_name_the_difference(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", CLIENT, PROVIDER]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[:3] == [
        "First difference: scheme",
        "  client:   'https'",
        "  provider: 'http'",
    ]
    assert "Likely cause (proxy_scheme): The client signed https" in out
    assert err == ""


def test_the_same_base_strings_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", CLIENT, CLIENT]) == 0
    assert capsys.readouterr().out.startswith("The base strings are the same.\n")


def test_files_stdin_and_problem_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = tmp_path / "client.txt"
    client.write_text(CLIENT + "\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(REPORT + "\n"))
    assert main(["diff", f"@{client}", "-"]) == 1
    assert "(proxy_scheme)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", CLIENT], "give two base strings: the client's, then the provider's"),
        (["diff", CLIENT, CLIENT, CLIENT], "give two base strings"),
        (["diff", "--request", "GET", "https://a.example/", CLIENT, CLIENT], "provider's base"),
        (["diff", "-", "-"], "only one side can come from standard input"),
        (["diff", "-d", "a=1", CLIENT, CLIENT], "-d describes a --request"),
        (["diff", "@/nonexistent/client.txt", CLIENT], "cannot read '/nonexistent/client.txt'"),
        (["diff", "GET&only-two-parts", CLIENT], "not a signature base string"),
        (["diff", CLIENT, "oauth_problem=signature_invalid"], "holds no oauth_signature_base"),
    ],
)
def test_mistakes_are_one_line_and_exit_two(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("oauthcore diff: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"GET&\xff&x")
    assert main(["diff", f"@{binary}", CLIENT]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_a_request_signed_as_sign_does_keeps_the_providers_nonce(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_KEY", "key")
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "consumer-secret-never-shown")
    monkeypatch.setenv("OAUTH_TOKEN", "tok")
    monkeypatch.setenv("OAUTH_TOKEN_SECRET", "token-secret-never-shown")
    # What the provider computed: the same request, its query's "+" read as a literal plus.
    sent = sign(
        Request("GET", "https://api.example.com/photos?q=a%2Bb"),
        Consumer("key", "x"),
        Token("tok", "y"),
        nonce="provider-nonce",
        timestamp=1700000000,
    )
    provider = signature_base(sent).base_string
    argv = ["diff", "--request", "GET", "https://api.example.com/photos?q=a+b", provider]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "First difference: parameters, 'q'" in out
    assert "(plus_space)" in out
    assert "never-shown" not in out + err
    # The same request with its nonce given: the nonce is the first difference then.
    assert main(["diff", "--nonce", "mine", "--timestamp", "1700000000", *argv[1:]]) == 1
    assert "(oauth_value)" in capsys.readouterr().out
    # And as the provider saw it, with -d: no difference at all.
    same = ["diff", "--request", "GET", "https://api.example.com/photos", "-d", "q=a+b"]
    assert main([*same, provider]) == 0


# ---- against `oauthcore serve --reveal-base-string` ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _send_signed_for_https(port: int) -> tuple[str, bytes]:
    """Sign for https, send over http (a TLS-terminating proxy's view); the 401 report body."""
    signed = sign(
        Request("POST", f"https://127.0.0.1:{port}/oauth/request_token"),
        DEMO_CONSUMER,
        callback="oob",
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/oauth/request_token",
        data=b"",
        headers=dict(signed.headers),
        method="POST",
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except urllib.error.HTTPError as refused:
            with refused:
                return signature_base(signed).base_string, refused.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        else:  # pragma: no cover - only reached if the provider accepted the wrong URL
            raise AssertionError("the provider accepted a signature for another URL")


def test_serve_in_development_mode_then_diff(capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()
    seen: list[tuple[str, bytes]] = []

    def refused_then_interrupt() -> None:
        try:
            seen.append(_send_signed_for_https(port))
        finally:
            _thread.interrupt_main()  # what Ctrl-C does

    helper = threading.Thread(target=refused_then_interrupt)
    helper.start()
    assert main(["serve", "--port", str(port), "--quiet", "--reveal-base-string"]) == 0
    helper.join()
    _, err = capsys.readouterr()
    assert err == (
        "oauthcore: warning: development mode: 401 replies show the base string of each"
        " refused request\n"
    )
    client_base, report = seen[0]
    assert report.startswith(b"oauth_problem=signature_invalid&")
    assert b"&oauth_signature_base_string=POST%26http%253A%252F%252F127.0.0.1" in report
    assert main(["diff", client_base, report.decode("ascii")]) == 1
    out, _ = capsys.readouterr()
    assert "Likely cause (proxy_scheme)" in out
    assert DEMO_CONSUMER.secret not in out
