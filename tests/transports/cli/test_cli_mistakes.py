"""``oauthcore`` answers a user's mistake or a closed pipe with one line, never a traceback.

Each case runs the installed command in a real subprocess, as a user would meet it: a port out
of range, Ctrl-D at a secret prompt (on a pseudo-terminal), a reader that goes away (``| head``),
a refused reply's problem report, a body without a final newline. The in-process tests below
each reach the same branches for the coverage measurement.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from transports.cli import main
from transports.cli.problem import describe
from transports.demo import DEMO_CONSUMER, DemoProvider, RunningProvider

OAUTHCORE = str(Path(sys.executable).parent / "oauthcore")
RFC_SIGN = [
    "sign",
    "GET",
    "http://photos.example.net/photos?file=vacation.jpg&size=original",
    "--nonce",
    "chapoH",
    "--timestamp",
    "137131202",
    "--explain",
]
TRACEBACK = "Traceback (most recent call last)"
BASH = shutil.which("bash") or "/bin/bash"


def _env(**variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("OAUTH_")}
    env.update(variables)
    return env


RFC_ENV = {
    "OAUTH_CONSUMER_KEY": "dpf43f3p2l4k3l03",
    "OAUTH_CONSUMER_SECRET": "kd94hf93k423kf44",
    "OAUTH_TOKEN": "nnch734d00sl2jdk",
    "OAUTH_TOKEN_SECRET": "pfkkdhi9sl3r4s00",
}
DEMO_ENV = {
    "OAUTH_CONSUMER_KEY": DEMO_CONSUMER.key,
    "OAUTH_CONSUMER_SECRET": DEMO_CONSUMER.secret,
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OAUTHCORE, *args],
        env=_env(**env),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def running() -> Iterator[RunningProvider]:
    with DemoProvider().serve() as served:
        yield served


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*RFC_ENV, "OAUTH_RSA_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


# --- serve --port out of range ------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_serve_refuses_a_port_out_of_range_in_one_line(port: str) -> None:
    done = _run(["serve", "--port", port], {})
    assert done.returncode == 2
    assert TRACEBACK not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("oauthcore serve: error: argument --port: ")
    assert port in done.stderr


@pytest.mark.parametrize("port", ["99999", "http"])
def test_serve_port_in_process(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", port])
    assert exited.value.code == 2
    assert "argument --port: " in capsys.readouterr().err


# --- Ctrl-D at a secret prompt ------------------------------------------------------------------

# Runs the command on a pseudo-terminal, answers the secret prompt with Ctrl-D and prints what
# the terminal showed and the exit status. A child process of its own, so that the fork of
# pty.fork() happens in a single-threaded process.
_CTRL_D = r"""
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
seen = b""
while b"secret: " not in seen:
    seen += os.read(fd, 1024)
os.write(fd, b"\x04")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:  # EIO: the command has exited and closed the terminal
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.stdout.write(f"\nexit status {os.waitstatus_to_exitcode(status)}\n")
"""


def test_ctrl_d_at_a_secret_prompt_ends_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_D, OAUTHCORE, *RFC_SIGN],
        env=_env(OAUTH_CONSUMER_KEY="dpf43f3p2l4k3l03"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert TRACEBACK not in done.stdout
    assert "consumer secret: " in done.stdout
    assert (
        "oauthcore sign: error: no consumer secret: the prompt was closed;"
        " set OAUTH_CONSUMER_SECRET"
    ) in done.stdout
    assert done.stdout.rstrip().endswith("exit status 2")


def test_ctrl_d_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import getpass

    def closed(prompt: str) -> str:
        raise EOFError

    monkeypatch.setenv("OAUTH_CONSUMER_KEY", "dpf43f3p2l4k3l03")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", closed)
    assert main(RFC_SIGN) == 2
    assert "no consumer secret: the prompt was closed" in capsys.readouterr().err


# --- a reader that goes away --------------------------------------------------------------------


def test_a_closed_pipe_ends_the_command_quietly() -> None:
    # The reading end is closed before the command writes a byte: every write meets EPIPE.
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [OAUTHCORE, *RFC_SIGN],
            env=_env(**RFC_ENV),
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 141  # 128 + SIGPIPE, what a shell shows for `yes | head`


def test_head_2_shows_two_lines_and_nothing_else() -> None:
    command = " ".join([OAUTHCORE, *(f"'{arg}'" for arg in RFC_SIGN)])
    done = subprocess.run(
        [BASH, "-c", f"{command} | head -2"],
        env=_env(**RFC_ENV),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.splitlines() == ["Base string URI:", "  http://photos.example.net/photos"]
    assert done.stderr == ""


def test_a_closed_pipe_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    read, write = os.pipe()
    os.close(read)
    with os.fdopen(write, "w") as stdout:
        monkeypatch.setattr(sys, "stdout", stdout)
        for name, value in RFC_ENV.items():
            monkeypatch.setenv(name, value)
        assert main(RFC_SIGN) == 141
        print("later output goes nowhere")


# --- oauthcore request: a refused reply, a body without a final newline -------------------------


def test_a_refused_signature_is_explained_with_a_next_step(running: RunningProvider) -> None:
    env = {**DEMO_ENV, "OAUTH_CONSUMER_SECRET": "not-the-secret"}
    done = _run(["request", "POST", running.endpoints.request_token, "--callback", "oob"], env)
    assert done.returncode == 1
    assert done.stdout.startswith("oauth_problem=signature_invalid&")
    summary = done.stderr.splitlines()[-2:]
    assert summary[0].startswith("oauthcore request: refused: signature_invalid: ")
    assert summary[1].startswith("oauthcore request: hint: run 'oauthcore sign' ")
    assert "--explain" in summary[1]
    assert "not-the-secret" not in done.stderr + done.stdout


def test_a_missing_parameter_is_named(running: RunningProvider) -> None:
    done = _run(["request", "GET", running.endpoints.resource], DEMO_ENV)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "oauthcore request: refused: parameter_absent (parameters_absent oauth_token):"
        " oauth_token is missing; this request needs token credentials (RFC 5849 §3.1)"
    )


def test_a_body_without_a_final_newline_does_not_run_into_the_prompt(
    running: RunningProvider,
) -> None:
    args = [OAUTHCORE, "request", "POST", running.endpoints.request_token, "--callback", "oob"]
    # As on a terminal, both streams together: the body's line is ended.
    merged = subprocess.run(
        args,
        env=_env(**DEMO_ENV),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=120,
        check=False,
    )
    assert merged.returncode == 0
    assert merged.stdout.endswith(b"&oauth_callback_confirmed=true\n")
    # Saved alone, the body is byte for byte what the provider sent.
    alone = _run(args[1:], DEMO_ENV)
    assert alone.stdout.endswith("&oauth_callback_confirmed=true")
    assert alone.stderr.endswith("\n\n")


# --- the problem report, line by line -----------------------------------------------------------


def test_describe_reads_a_report_and_leaves_anything_else() -> None:
    assert describe(b"oauth_problem=nonce_used") == ["refused: nonce_used"]
    assert describe(b"oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1-2&x=y") == [
        "refused: timestamp_refused (acceptable_timestamps 1-2)",
        "hint: check this machine's clock (oauth_timestamp is the current time)",
    ]
    assert describe(b"") == []
    assert describe(b"<html>an error page</html>") == []
    assert describe(b"oauth_problem=") == []
    assert describe(b"\xff\xfe") == []  # not UTF-8
    assert describe(b"oauth_problem=%FF") == []  # an escape that is not UTF-8
    assert describe(b"oauth_problem=x&" + b"a" * 20000) == []  # a page, not a report


def test_describe_shows_no_control_character_and_cuts_long_advice() -> None:
    lines = describe(b"oauth_problem=x%1B%5B2J&oauth_problem_advice=" + b"a" * 1000)
    assert lines == [f"refused: x\\x1b[2J: {'a' * 300}..."]
