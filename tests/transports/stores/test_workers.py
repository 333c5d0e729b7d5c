"""Many processes, one store: the demo provider under gunicorn with 4 workers (RFC 5849 §2, §3.3).

Each shared backend (Redis, SQLite, PostgreSQL) holds for every worker: one signed request
replayed 1,000 times concurrently is accepted exactly once; a three-legged flow goes through
different workers; a request token exchanged twice concurrently is exchanged once. With each
worker's own ``MemoryNonceStore`` the same flood is accepted by several workers: why a provider
with several processes needs a shared store.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from oauthcore import Consumer, Request, Token, sign
from tests.databases import free_port
from tests.transports.stores.workers_app import FLOOD_TOKEN
from transports.demo import DEMO_CONSUMER

from .conftest import clear, store_url

ROOT = Path(__file__).resolve().parents[3]
WORKERS = 4
Answer = tuple[int, dict[str, str], bytes]


def call(port: int, request: Request, cookie: str | None = None) -> Answer:
    """Send ``request`` on a new connection; the status, headers (lower-case) and body."""
    target = urlsplit(request.url)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = dict(request.headers)
        if cookie is not None:
            headers["Cookie"] = cookie
        path = target.path + (f"?{target.query}" if target.query else "")
        connection.request(request.method, path, body=request.body or None, headers=headers)
        reply = connection.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[int]:
    """gunicorn with 4 sync workers serving workers_app over the backend's store; its port."""
    url = store_url(request, tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "OAUTHCORE_TEST_STORE": url,
        "OAUTHCORE_TEST_CSRF": secrets.token_hex(32),
    }
    args = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind"]
    args += [f"127.0.0.1:{port}", "--backlog", "2048", "--graceful-timeout", "5"]
    args += ["tests.transports.stores.workers_app:make_app()"]
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_workers(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
        clear(url)
    assert b"Traceback" not in errors, errors.decode(errors="replace")


def wait_for_workers(port: int, process: subprocess.Popen[bytes]) -> None:
    """Until every worker has answered (each opened its store), or 60 s."""
    seen: set[str] = set()
    deadline = time.monotonic() + 60
    while len(seen) < WORKERS:
        assert process.poll() is None, "gunicorn exited"
        assert time.monotonic() < deadline, f"only {len(seen)} workers answered"
        try:
            with ThreadPoolExecutor(8) as pool:
                answers = list(
                    pool.map(lambda _: call(port, Request("GET", URL(port, "/"))), range(16))
                )
            seen.update(headers["x-worker"] for _, headers, _ in answers)
        except OSError:
            time.sleep(0.1)


def URL(port: int, path: str) -> str:
    return f"http://127.0.0.1:{port}{path}"


def flood(port: int, copies: int = 1000) -> tuple[int, int, set[str]]:
    """One signed request sent ``copies`` times concurrently: accepted, refused, workers seen."""
    signed = sign(Request("GET", URL(port, "/api/me")), DEMO_CONSUMER, FLOOD_TOKEN)
    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(lambda _: call(port, signed), range(copies)))
    accepted = sum(status == 200 for status, _, _ in answers)
    refused = [body for status, _, body in answers if status != 200]
    assert all(b"oauth_problem=nonce_used" in body for body in refused)
    return accepted, len(refused), {headers["x-worker"] for _, headers, _ in answers}


SHARED = pytest.mark.parametrize("gunicorn", ["redis", "sqlite", "postgresql"], indirect=True)


@SHARED
def test_a_flood_of_replays_is_accepted_exactly_once(gunicorn: int) -> None:
    accepted, refused, workers = flood(gunicorn)
    assert (accepted, refused) == (1, 999)
    assert len(workers) > 1  # the flood reached several workers


@pytest.mark.parametrize("gunicorn", ["memory"], indirect=True)
def test_with_memory_nonce_stores_each_worker_accepts_the_replay(gunicorn: int) -> None:
    accepted, refused, workers = flood(gunicorn)
    # Each worker remembers only its own nonces: the replay passes once per worker reached.
    assert accepted == len(workers) > 1
    assert accepted + refused == 1000


def request_token(port: int, consumer: Consumer = DEMO_CONSUMER) -> tuple[Token, str]:
    signed = sign(
        Request("POST", URL(port, "/oauth/request_token")), consumer, callback="https://app.test/cb"
    )
    status, headers, body = call(port, signed)
    assert status == 200, body
    fields = dict(parse_qsl(body.decode()))
    return Token(fields["oauth_token"], fields["oauth_token_secret"]), headers.get("x-worker", "")


def approve(port: int, token: Token) -> tuple[str, str]:
    """The resource owner's Approve, through the page and its form; the verifier and worker."""
    status, headers, body = call(
        port, Request("GET", URL(port, f"/oauth/authorize?oauth_token={token.key}"))
    )
    assert status == 200, body
    cookie = headers["set-cookie"].split(";")[0]
    csrf = re.search(rb'name="csrf" value="([^"]+)"', body)
    assert csrf is not None
    form = f"oauth_token={token.key}&csrf={csrf.group(1).decode()}&decision=approve"
    post = Request(
        "POST",
        URL(port, "/oauth/authorize"),
        [("Content-Type", "application/x-www-form-urlencoded")],
        form.encode(),
    )
    status, headers, body = call(port, post, cookie)
    assert status == 303, body
    verifier = dict(parse_qsl(urlsplit(headers["location"]).query))["oauth_verifier"]
    return verifier, headers.get("x-worker", "")


def exchange_request(port: int, token: Token, verifier: str) -> Request:
    url = URL(port, "/oauth/access_token")
    return sign(Request("POST", url), DEMO_CONSUMER, token, verifier=verifier)


def exchange(port: int, token: Token, verifier: str) -> Answer:
    return call(port, exchange_request(port, token, verifier))


def three_legs(port: int) -> list[str]:
    """One whole flow; the workers that issued, authorized and exchanged, and served /api/me."""
    token, issued = request_token(port)
    verifier, authorized = approve(port, token)
    status, headers, body = exchange(port, token, verifier)
    assert status == 200, body
    fields = dict(parse_qsl(body.decode()))
    access = Token(fields["oauth_token"], fields["oauth_token_secret"])
    status, me, body = call(port, sign(Request("GET", URL(port, "/api/me")), DEMO_CONSUMER, access))
    assert status == 200, body
    assert b'"screen_name": "demo-user"' in body
    return [issued, authorized, headers["x-worker"], me["x-worker"]]


@SHARED
def test_a_three_legged_flow_across_workers(gunicorn: int) -> None:
    # Flows run side by side, so that the workers are busy and each step may land anywhere;
    # every flow must succeed, and some go through three different workers.
    with ThreadPoolExecutor(8) as pool:
        flows = list(pool.map(lambda _: three_legs(gunicorn), range(24)))
    assert any(len(set(workers[:3])) == 3 for workers in flows), flows


@SHARED
def test_a_request_token_exchanged_twice_at_once_is_exchanged_once(gunicorn: int) -> None:
    for _ in range(5):
        token, _ = request_token(gunicorn)
        verifier, _ = approve(gunicorn, token)
        # Two different signed requests (their nonces differ): only the token can refuse one.
        with ThreadPoolExecutor(2) as pool:
            both = [exchange_request(gunicorn, token, verifier) for _ in range(2)]
            answers = list(pool.map(lambda signed: call(gunicorn, signed), both))
        statuses = sorted(status for status, _, _ in answers)
        assert statuses == [200, 401], answers
        refused = next(body for status, _, body in answers if status == 401)
        assert b"oauth_problem=token_rejected" in refused
