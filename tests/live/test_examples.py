"""The examples run as documented: sign_only.py and three_legged.py (demo and configured)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from oauthcore import Request
from oauthcore.base_string import signature_base
from transports import UrllibTransport
from transports.demo import DEMO_CONSUMER, DemoProvider, click

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sign_only_prints_a_verifiable_request(capsys: pytest.CaptureFixture[str]) -> None:
    load("sign_only").main()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Signed request, ready for any HTTP library:"
    assert out[1] == "  GET https://api.example.com/photos?size=original&file=vacation.jpg"
    assert out[2].startswith('  Authorization: OAuth oauth_consumer_key="demo-consumer-key"')
    # The base string printed is the one of the request printed.
    header = out[2].removeprefix("  Authorization: ")
    request = Request(
        "GET",
        "https://api.example.com/photos?size=original&file=vacation.jpg",
        [("Authorization", header)],
    )
    assert out[4] == f"  {signature_base(request).base_string}"


def test_sign_only_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "sign_only.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Authorization: OAuth " in done.stdout


class Owner:
    """Plays the person at the keyboard: opens the printed link, approves, types the PIN."""

    def __init__(self, capsys: pytest.CaptureFixture[str], refuse_first: bool = True) -> None:
        self.capsys = capsys
        self.refuse_first = refuse_first
        self.prompts: list[str] = []
        self.printed = ""
        self.pin = ""

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        self.printed += self.capsys.readouterr().out
        if prompt.startswith("Have you authorized me?"):
            if self.refuse_first:
                self.refuse_first = False
                return "n"
            link = re.search(r"^    (http://\S+)$", self.printed, re.MULTILINE)
            assert link is not None
            decision = click(link.group(1), UrllibTransport(timeout=5))
            assert decision.pin is not None
            self.pin = decision.pin
            return " Y "
        assert prompt == "What is the PIN? "
        return self.pin + "\n"


def test_three_legged_against_the_embedded_provider(capsys: pytest.CaptureFixture[str]) -> None:
    owner = Owner(capsys)
    load("three_legged").main(env={}, ask=owner)
    out = owner.printed + capsys.readouterr().out
    assert owner.prompts == [
        "Have you authorized me? (y/n) ",
        "Have you authorized me? (y/n) ",
        "What is the PIN? ",
    ]
    assert "(No provider configured: using the embedded demo provider at http://127.0.0.1:" in out
    assert "Go to the following link in your browser:" in out
    assert "/oauth/authorize?oauth_token=" in out
    assert "    - screen_name = demo-user" in out
    assert "/api/me -> 200" in out
    assert '"screen_name": "demo-user"' in out
    # The secrets are never printed.
    assert "oauth_token_secret        = " not in out
    assert owner.pin not in out


def test_three_legged_against_a_configured_provider(capsys: pytest.CaptureFixture[str]) -> None:
    # Any provider will do; a separately served demo provider stands in for a real one.
    with DemoProvider().serve() as running:
        endpoints = running.endpoints
        env = {
            "OAUTH_CONSUMER_KEY": DEMO_CONSUMER.key,
            "OAUTH_CONSUMER_SECRET": DEMO_CONSUMER.secret,
            "OAUTH_REQUEST_TOKEN_URL": endpoints.request_token,
            "OAUTH_AUTHORIZE_URL": endpoints.authorize,
            "OAUTH_ACCESS_TOKEN_URL": endpoints.access_token,
        }
        owner = Owner(capsys, refuse_first=False)
        load("three_legged").main(env=env, ask=owner)
    out = owner.printed + capsys.readouterr().out
    assert "No provider configured" not in out
    assert f"    {endpoints.authorize}?oauth_token=" in out
    assert "You may now access protected resources" in out
    assert "/api/me" not in out


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"OAUTH_REQUEST_TOKEN_URL": "https://p.example/rt"}, "OAUTH_CONSUMER_KEY, "),
        (
            {
                "OAUTH_CONSUMER_KEY": "k",
                "OAUTH_CONSUMER_SECRET": "s",
                "OAUTH_AUTHORIZE_URL": "https://p.example/a",
            },
            "set OAUTH_REQUEST_TOKEN_URL, OAUTH_ACCESS_TOKEN_URL (",
        ),
    ],
)
def test_three_legged_names_what_a_real_provider_still_needs(
    env: dict[str, str], missing: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        load("three_legged").main(env=env, ask=input)
    assert missing in str(exited.value.code)
    assert str(exited.value.code).startswith("For a real provider, also set OAUTH_")


def test_three_legged_run_as_a_script_says_what_is_missing() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "three_legged.py")],
        env={"OAUTH_REQUEST_TOKEN_URL": "https://p.example/rt", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "For a real provider, also set OAUTH_CONSUMER_KEY, OAUTH_CONSUMER_SECRET,"
        " OAUTH_AUTHORIZE_URL, OAUTH_ACCESS_TOKEN_URL"
    )
