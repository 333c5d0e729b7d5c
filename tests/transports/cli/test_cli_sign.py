"""``oauthcore sign``: vectors, placements, --explain, secrets from env/prompt/command line."""

from __future__ import annotations

import io
import runpy
import subprocess
import sys

import pytest

from oauthcore import Consumer, Request, Token, sign
from tests.conftest import KEYS
from transports.cli import main

# RFC 5849 §1.2: the final protected-resource request of the worked example.
RFC_ARGS = [
    "sign",
    "GET",
    "http://photos.example.net/photos?file=vacation.jpg&size=original",
    "--consumer-key",
    "dpf43f3p2l4k3l03",
    "--token",
    "nnch734d00sl2jdk",
    "--nonce",
    "chapoH",
    "--timestamp",
    "137131202",
    "--realm",
    "Photos",
    "--no-version",
]
RFC_SIGNATURE = 'oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"'


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


@pytest.fixture
def rfc_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "kd94hf93k423kf44")
    monkeypatch.setenv("OAUTH_TOKEN_SECRET", "pfkkdhi9sl3r4s00")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.usefixtures("rfc_secrets")
def test_rfc5849_example_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(RFC_ARGS) == 0
    out, err = capsys.readouterr()
    assert out.startswith(
        'Authorization: OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03"'
    )
    assert RFC_SIGNATURE in out
    assert out.count("\n") == 1
    assert err == ""


@pytest.mark.usefixtures("rfc_secrets")
def test_explain_prints_the_three_parts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*RFC_ARGS, "--explain"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    # RFC 5849 §1.2 gives this base string for the request.
    assert lines[:12] == [
        "Base string URI:",
        "  http://photos.example.net/photos",
        "Normalized parameters (one per line, joined with '&'):",
        "  file=vacation.jpg",
        "  oauth_consumer_key=dpf43f3p2l4k3l03",
        "  oauth_nonce=chapoH",
        "  oauth_signature_method=HMAC-SHA1",
        "  oauth_timestamp=137131202",
        "  oauth_token=nnch734d00sl2jdk",
        "  size=original",
        "Base string:",
        "  GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key"
        "%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1"
        "%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal",
    ]
    assert RFC_SIGNATURE in lines[-1]


def test_matches_the_library(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_KEY", "ck")
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "cs&x")
    args = ["sign", "post", "https://api.example.com/a", "-d", "b=1", "-d", "b=2", "-d", "c="]
    assert main([*args, "--nonce", "n", "--timestamp", "5", "-m", "hmac-sha256"]) == 0
    header, body = capsys.readouterr().out.splitlines()
    expected = sign(
        Request.build(
            "POST", "https://api.example.com/a", data=[("b", "1"), ("b", "2"), ("c", "")]
        ),
        Consumer("ck", "cs&x"),
        method=__import__("oauthcore").HMAC_SHA256,
        nonce="n",
        timestamp=5,
    )
    assert header == f"Authorization: {expected.header('Authorization')}"
    assert body == "b=1&b=2&c="


def test_get_data_goes_in_the_query(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "s")
    argv = ["sign", "GET", "https://e.example/p", "-d", "q=a b", "--consumer-key", "k"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Authorization: OAuth ")
    assert lines[1] == "https://e.example/p?q=a%20b"


def test_query_placement_prints_the_signed_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "s")
    argv = ["sign", "GET", "https://e.example/p?x=1", "--consumer-key", "k", "--placement", "query"]
    assert main(argv) == 0
    (url,) = capsys.readouterr().out.splitlines()
    assert url.startswith("https://e.example/p?x=1&oauth_consumer_key=k&oauth_nonce=")
    assert "oauth_signature=" in url


def test_body_placement_prints_the_signed_body(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "s")
    argv = ["sign", "POST", "https://e.example/p", "--consumer-key", "k", "--placement", "body"]
    assert main([*argv, "-d", "a=1"]) == 0
    (body,) = capsys.readouterr().out.splitlines()
    assert body.startswith("a=1&oauth_consumer_key=k&")
    assert "&oauth_signature=" in body


def test_secret_on_the_command_line_works_but_warns(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sign", "GET", "https://e.example/", "--consumer-key", "k", "--consumer-secret", "cs"]
    assert (
        main([*argv, "--token", "t", "--token-secret", "ts", "--nonce", "n", "--timestamp", "1"])
        == 0
    )
    out, err = capsys.readouterr()
    assert "--consumer-secret on the command line is visible" in err
    assert "--token-secret on the command line is visible" in err
    assert "cs" not in err.replace("--consumer-secret", "")
    expected = sign(
        Request("GET", "https://e.example/"),
        Consumer("k", "cs"),
        Token("t", "ts"),
        nonce="n",
        timestamp=1,
    )
    assert out == f"Authorization: {expected.header('Authorization')}\n"


def test_secrets_are_prompted_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return {"consumer secret: ": "cs", "token secret: ": "ts"}[prompt]

    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setenv("OAUTH_CONSUMER_KEY", "k")
    monkeypatch.setenv("OAUTH_TOKEN", "t")
    assert main(["sign", "GET", "https://e.example/", "--nonce", "n", "--timestamp", "1"]) == 0
    assert asked == ["consumer secret: ", "token secret: "]
    expected = sign(
        Request("GET", "https://e.example/"),
        Consumer("k", "cs"),
        Token("t", "ts"),
        nonce="n",
        timestamp=1,
    )
    out, err = capsys.readouterr()
    assert out == f"Authorization: {expected.header('Authorization')}\n"
    assert err == ""


def test_no_secret_and_no_terminal_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO())
    assert main(["sign", "GET", "https://e.example/", "--consumer-key", "k"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "oauthcore sign: error: no consumer secret: set OAUTH_CONSUMER_SECRET"
        " (or run on a terminal to be prompted)\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["GET", "https://e.example/"],
            "no consumer key: pass --consumer-key or set OAUTH_CONSUMER_KEY",
        ),
        (
            ["GET", "https://e.example/", "--consumer-key", "k", "-d", "novalue"],
            "-d must look like NAME=VALUE, got 'novalue'",
        ),
        (
            ["GET", "https://e.example/", "--consumer-key", "k", "-d", "=v"],
            "-d must look like NAME=VALUE, got '=v'",
        ),
        (
            ["GET", "ftp://e.example/", "--consumer-key", "k"],
            "url must be an absolute http:// or https:// URL",
        ),
        (
            [
                "GET",
                "https://e.example/",
                "--consumer-key",
                "k",
                "--placement",
                "query",
                "--realm",
                "r",
            ],
            "realm is only sent",
        ),
        (
            ["GET", "https://e.example/", "--consumer-key", "k", "--timestamp", "soon"],
            "timestamp must be a non-negative",
        ),
        (
            ["GET", "https://e.example/", "--consumer-key", "k", "--token-secret", "x"],
            "a token secret needs a token",
        ),
        (
            ["GET", "https://e.example/", "--consumer-key", "k", "-m", "RSA-SHA1"],
            "RSA-SHA1 needs --rsa-key KEY_FILE (or OAUTH_RSA_KEY_FILE)",
        ),
        (
            [
                "GET",
                "https://e.example/",
                "--consumer-key",
                "k",
                "-m",
                "RSA-SHA1",
                "--rsa-key",
                "/nonexistent/key.pem",
            ],
            "cannot read the RSA key '/nonexistent/key.pem': No such file or directory",
        ),
    ],
)
def test_usage_errors_are_one_line(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "s")
    assert main(["sign", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("oauthcore sign: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_rsa_signs_without_asking_for_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = KEYS / "authlib_2048.pem"
    monkeypatch.setattr("sys.stdin", io.StringIO())  # a prompt would fail: none must happen
    monkeypatch.setenv("OAUTH_RSA_KEY_FILE", str(key_file))
    argv = [
        "sign",
        "GET",
        "https://e.example/",
        "--consumer-key",
        "k",
        "--token",
        "t",
        "-m",
        "RSA-SHA256",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert 'oauth_signature_method="RSA-SHA256"' in out
    assert 'oauth_token="t"' in out


def test_rsa_still_takes_secrets_given_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # RSA ignores the secrets (§3.4.3); a secret given anyway is used for the Consumer and warned.
    argv = ["sign", "GET", "https://e.example/", "--consumer-key", "k", "-m", "RSA-SHA1"]
    argv += ["--rsa-key", str(KEYS / "authlib_2048.pem"), "--consumer-secret", "cs"]
    assert main([*argv, "--token", "t", "--token-secret", "ts"]) == 0
    out, err = capsys.readouterr()
    assert 'oauth_signature_method="RSA-SHA1"' in out
    assert err.count("warning") == 2


def test_plaintext_with_empty_secrets_from_env(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTH_CONSUMER_KEY", "k")
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "")
    assert main(["sign", "GET", "https://e.example/", "-m", "PLAINTEXT"]) == 0
    assert 'oauth_signature="%26"' in capsys.readouterr().out


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == "oauthcore 0.1.0\n"
    with pytest.raises(SystemExit) as exit_info:
        main(["sign", "--help"])
    assert exit_info.value.code == 0
    assert "examples:\n  export OAUTH_CONSUMER_KEY" in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_interrupt_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", interrupted)
    assert main(["sign", "GET", "https://e.example/", "--consumer-key", "k"]) == 130
    assert capsys.readouterr().err == "oauthcore: interrupted\n"


def test_python_dash_m(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.argv", ["oauthcore", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("transports.cli", run_name="__main__")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == "oauthcore 0.1.0\n"


def test_console_script_runs_in_a_fresh_process() -> None:
    env = {"OAUTH_CONSUMER_KEY": "k", "OAUTH_CONSUMER_SECRET": "s", "PATH": ""}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "transports.cli",
            "sign",
            "GET",
            "https://e.example/",
            "--nonce",
            "n",
            "--timestamp",
            "1",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('Authorization: OAuth oauth_consumer_key="k", oauth_nonce="n"')
