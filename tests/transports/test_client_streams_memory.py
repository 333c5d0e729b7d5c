"""A 1 GiB upload signed and sent through ``Client`` in bounded memory (Body Hash §3.1, §3.2).

A fresh interpreter runs both ends: the standard library's WSGI server on 127.0.0.1 with
``ProtectedResource(max_streamed_body=...)`` (which hashes the body as it reads it and checks
``oauth_body_hash``), and a ``Client`` streaming a sparse 1 GiB file to it, or an iterator of
that file's chunks (spooled to a temporary file to be hashed, then sent). The peak resident
memory of that process (VmHWM) is measured before and after.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import hashlib, json, sys, threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from oauthcore import HMAC_SHA256, Consumer, MemoryCredentialStore, MemoryNonceStore, Token
from oauthcore import TokenKind, VerifyPolicy
from transports import Client
from transports.adapters import {transport}
from transports.provider import ProtectedResource

GIB = 1 << 30
def peak():
    # VmHWM: this process's peak resident memory since its exec.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

def app(environ, start_response):
    hasher, length = hashlib.sha256(), 0
    while chunk := environ["wsgi.input"].read(65536):
        hasher.update(chunk)
        length += len(chunk)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({{"length": length, "sha256": hasher.hexdigest()}}).encode()]

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

consumer, token = Consumer("ck", "cs"), Token("tk", "ts")
store = MemoryCredentialStore()
store.add_consumer(consumer)
store.add_token("ck", token, TokenKind.ACCESS)
protected = ProtectedResource(
    app, store, MemoryNonceStore(), max_body=64 * 1024, max_streamed_body=2 * GIB,
    policy=VerifyPolicy(methods=[HMAC_SHA256]),
)
with make_server("127.0.0.1", 0, protected, handler_class=Quiet) as httpd:
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{{httpd.server_address[1]}}/upload"
    with {transport}(timeout=300, deadline=None) as transport:
        client = Client(consumer, token, method=HMAC_SHA256, transport=transport)
        client.request("PUT", url, body=b"warm-up")  # imports and caches loaded
        before = peak()
        with open(sys.argv[1], "rb") as file:
            # A file is hashed then sent; an iterator of its chunks is spooled to disk first.
            body = file if sys.argv[2] == "file" else iter(lambda: file.read(65536), b"")
            response = client.request("PUT", url, body=body)
        growth = peak() - before
    httpd.shutdown()
print(json.dumps({{"status": response.status, "reply": response.json(), "growth": growth}}))
"""


@pytest.mark.parametrize(
    ("transport", "source"),
    [
        ("Urllib3Transport", "file"),
        ("UrllibTransport", "file"),
        ("Urllib3Transport", "iterator"),
    ],
)
def test_a_gibibyte_is_signed_sent_and_checked_in_bounded_memory(
    tmp_path: Path, transport: str, source: str
) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as file:
        file.truncate(1 << 30)  # sparse: zeros the disk does not hold
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(_PROBE.format(transport=transport)),
            str(big),
            source,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=900,
    )
    outcome = json.loads(result.stdout)
    # What the app behind the provider's check read: the GiB of zeros, in full.
    zeros = "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14"
    assert outcome["status"] == 200, outcome
    assert outcome["reply"] == {"length": 1 << 30, "sha256": zeros}
    assert outcome["growth"] < 50 * 1024 * 1024, outcome
