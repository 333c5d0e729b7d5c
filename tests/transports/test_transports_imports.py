"""``import transports`` loads no HTTP stack, and each adapter loads only its own.

A fresh interpreter per probe: this test process has imported everything long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STACKS = ["urllib3", "httplib2", "requests", "httpx", "httpcore", "anyio", "aiohttp", "yarl"]
# What the client flow and the clients need none of either: no sockets, no TLS, no event loop.
LOW_LEVEL = ["http.client", "ssl", "socket", "asyncio"]

_PROBE = """
import json, sys
before = set(sys.modules)
{code}
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def loaded_by(code: str) -> list[str]:
    """The top-level and dotted module names ``code`` imports in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", _PROBE.format(code=code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    names: list[str] = json.loads(result.stdout)
    return names


def among(names: list[str], wanted: list[str]) -> list[str]:
    return sorted({w for w in wanted for n in names if n == w or n.startswith(w + ".")})


def test_import_transports_and_its_clients_loads_no_http_stack() -> None:
    code = "import transports, transports.flow\ntransports.AsyncClient, transports.Client"
    assert among(loaded_by(code), STACKS + LOW_LEVEL) == []


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("HttpxTransport", ["httpx", "httpcore"]),
        ("AsyncHttpxTransport", ["httpx", "httpcore"]),
        ("AiohttpTransport", ["aiohttp"]),
    ],
)
def test_each_new_adapter_loads_only_its_own_stack(name: str, own: list[str]) -> None:
    found = among(loaded_by(f"import transports\ntransports.{name}()"), STACKS)
    assert set(own) <= set(found)
    others = {"urllib3", "httplib2", "requests", "aiohttp", "httpx"} - set(own)
    assert others.isdisjoint(found), found
