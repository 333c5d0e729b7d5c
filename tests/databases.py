"""Real redis-server and PostgreSQL for tests and benchmarks: loopback, free port, throw-away data.

``redis_server()`` and ``postgres_server()`` are context managers that start the server from the
operating system's packages on 127.0.0.1 with a fresh data directory, yield its URL once it
answers, and stop it and delete the directory on exit. A missing server raises ``ServerMissing``
naming the Debian package to install; the fixtures in tests/transports/stores turn that into a
skip, or into a failure where ``OAUTHCORE_REQUIRE_SERVERS=1`` (set by .ci/run).

PostgreSQL refuses to run as root: when the tests run as root, ``initdb`` and ``postgres`` run as
the ``postgres`` user (else ``nobody``), which owns the data directory.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["ServerMissing", "free_port", "postgres_server", "redis_server", "wait_for"]


class ServerMissing(Exception):
    """The server's program is not installed; the message names the Debian package."""


def free_port() -> int:
    """A loopback port free a moment ago (bound to port 0, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_for(ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str) -> None:
    """Poll ``ready()`` for up to 30 s; fail with the server's output if it exits or never is."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{output}")
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer within 30 s")


def _program(name: str, package: str, extra_dirs: tuple[str, ...] = ()) -> str:
    found = shutil.which(name)
    for pattern in extra_dirs:
        if found is None:
            found = next(iter(sorted(glob.glob(f"{pattern}/{name}"), reverse=True)), None)
    if found is None:
        raise ServerMissing(f"{name} is not installed: apt-get install {package}")
    return found


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:  # pragma: no cover - only a hung server gets here
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _answers(port: int) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    return ready


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A fresh redis-server on 127.0.0.1 without persistence; yields ``redis://127.0.0.1:PORT/0``."""
    program = _program("redis-server", "redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="oauthcore-redis-") as data:
        args = [program, "--bind", "127.0.0.1", "--port", str(port), "--dir", data]
        args += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_for(_answers(port), process, "redis-server")
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            _stop(process)


def _unprivileged() -> tuple[list[str], int | None]:
    """The command prefix that drops root for PostgreSQL, and the uid to own its files."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return [
                "setpriv",
                f"--reuid={entry.pw_uid}",
                f"--regid={entry.pw_gid}",
                "--clear-groups",
            ], entry.pw_uid
    raise ServerMissing("no unprivileged user to run PostgreSQL as: apt-get install postgresql")


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A fresh PostgreSQL cluster on 127.0.0.1 (trust auth, fsync off); yields its URL.

    The URL is ``postgresql+psycopg://oauthcore@127.0.0.1:PORT/postgres``.
    """
    dirs = ("/usr/lib/postgresql/*/bin",)
    initdb = _program("initdb", "postgresql", dirs)
    postgres = _program("postgres", "postgresql", dirs)
    prefix, uid = _unprivileged()
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="oauthcore-pg-"))
    try:
        data, sockets = root / "data", root / "run"
        sockets.mkdir()
        if uid is not None:
            os.chown(sockets, uid, -1)
            os.chown(root, uid, -1)
        subprocess.run(
            [
                *prefix,
                initdb,
                "-D",
                str(data),
                "-U",
                "oauthcore",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
        )
        args = [
            *prefix,
            postgres,
            "-D",
            str(data),
            "-p",
            str(port),
            "-h",
            "127.0.0.1",
            "-k",
            str(sockets),
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=200",
        ]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_for(_accepts(port), process, "postgres")
            yield f"postgresql+psycopg://oauthcore@127.0.0.1:{port}/postgres"
        finally:
            _stop(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _accepts(port: int) -> Callable[[], bool]:
    def ready() -> bool:
        import psycopg

        try:
            with psycopg.connect(
                host="127.0.0.1", port=port, user="oauthcore", dbname="postgres", connect_timeout=1
            ):
                return True
        except psycopg.OperationalError:
            return False

    return ready
