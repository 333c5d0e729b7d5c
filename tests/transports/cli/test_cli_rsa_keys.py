"""``oauthcore sign --rsa-key``: PEM, DER and PKCS#12 key files; no passphrase shown (§3.4.3)."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from oauthcore import RSA_SHA256, Consumer, Request, sign
from tests.conftest import key_text
from transports.cli import main

PASSPHRASE = "p4ss phrase"
ARGS = ["sign", "GET", "https://e.example/", "--consumer-key", "k", "-m", "RSA-SHA256"]
FIXED = ["--nonce", "n", "--timestamp", "1"]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OAUTH_CONSUMER_KEY", "OAUTH_RSA_KEY_FILE", "OAUTH_RSA_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(key_text("authlib_2048.pem").encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _files(tmp_path: Path) -> dict[str, tuple[Path, str | None]]:
    key, locked = _key(), serialization.BestAvailableEncryption(PASSPHRASE.encode())
    pem, der = serialization.Encoding.PEM, serialization.Encoding.DER
    pkcs8 = serialization.PrivateFormat.PKCS8
    forms = {
        "key.der": (key.private_bytes(der, pkcs8, serialization.NoEncryption()), None),
        "key.enc.pem": (key.private_bytes(pem, pkcs8, locked), PASSPHRASE),
        "key.p12": (
            pkcs12.serialize_key_and_certificates(b"k", key, None, None, locked),
            PASSPHRASE,
        ),
    }
    files = {}
    for name, (data, passphrase) in forms.items():
        (tmp_path / name).write_bytes(data)
        files[name] = (tmp_path / name, passphrase)
    return files


def _expected() -> str:
    signed = sign(
        Request("GET", "https://e.example/"),
        Consumer("k", rsa_key=key_text("authlib_2048.pem")),
        method=RSA_SHA256,
        nonce="n",
        timestamp=1,
    )
    return f"Authorization: {signed.header('Authorization')}\n"


@pytest.mark.parametrize("name", ["key.der", "key.enc.pem", "key.p12"])
def test_every_key_file_signs_with_the_passphrase_from_the_environment(
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, passphrase = _files(tmp_path)[name]
    monkeypatch.setattr("sys.stdin", io.StringIO())  # a prompt would fail: none must happen
    if passphrase is not None:
        monkeypatch.setenv("OAUTH_RSA_KEY_PASSPHRASE", passphrase)
    assert main([*ARGS, "--rsa-key", str(path), *FIXED]) == 0
    out, err = capsys.readouterr()
    assert out == _expected()
    assert PASSPHRASE not in out + err


def test_the_passphrase_is_prompted_for_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _files(tmp_path)["key.p12"]
    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return PASSPHRASE

    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert main([*ARGS, "--rsa-key", str(path), *FIXED]) == 0
    assert asked == [f"passphrase for {path}: "]
    assert capsys.readouterr().out == _expected()


def test_a_real_terminal_prompt_does_not_echo_the_passphrase(tmp_path: Path) -> None:
    # The console script on a pseudo-terminal: what the terminal shows must not hold it.
    path, _ = _files(tmp_path)["key.enc.pem"]
    controller, terminal = os.openpty()
    env = {key: value for key, value in os.environ.items() if not key.startswith("OAUTH_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "transports.cli", *ARGS, "--rsa-key", str(path), *FIXED],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    shown = b""
    try:
        while b"passphrase for" not in shown:
            shown += _read(controller)
        os.write(controller, PASSPHRASE.encode() + b"\n")
        while child.poll() is None or select.select([controller], [], [], 0)[0]:
            chunk = _read(controller)
            if not chunk:
                break
            shown += chunk
    finally:
        child.wait(timeout=30)
        os.close(controller)
    assert child.returncode == 0, shown
    assert PASSPHRASE.encode() not in shown
    assert _expected().encode() in shown.replace(b"\r\n", b"\n")


def _read(fd: int) -> bytes:
    ready, _, _ = select.select([fd], [], [], 30)
    assert ready, "the command did not answer within 30 seconds"
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO: the other end closed, the command has ended
        return b""


@pytest.mark.parametrize(
    ("name", "passphrase", "message"),
    [
        ("key.enc.pem", None, "is encrypted: set OAUTH_RSA_KEY_PASSPHRASE (or run on a terminal"),
        ("key.p12", None, "is encrypted: set OAUTH_RSA_KEY_PASSPHRASE"),
        ("key.enc.pem", "wrong one", "wrong passphrase for the encrypted private key"),
        ("key.p12", "wrong one", "did not open with the passphrase given"),
        ("key.der", "wrong one", "a passphrase was given but the private key is not encrypted"),
    ],
)
def test_key_mistakes_are_one_line_without_secrets(
    name: str,
    passphrase: str | None,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = _files(tmp_path)[name]
    monkeypatch.setattr("sys.stdin", io.StringIO())
    if passphrase is not None:
        monkeypatch.setenv("OAUTH_RSA_KEY_PASSPHRASE", passphrase)
    assert main([*ARGS, "--rsa-key", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"the RSA key {str(path)!r}" in err
    assert message in err
    assert err.count("\n") == 1
    assert PASSPHRASE not in err
    assert "wrong one" not in err


def test_a_certificate_is_not_a_signing_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "consumer.pub.pem"
    path.write_text(key_text("oauthlib_1024.pkcs1.pub.pem"))
    assert main([*ARGS, "--rsa-key", str(path)]) == 2
    assert "verifies signatures but cannot make them" in capsys.readouterr().err
