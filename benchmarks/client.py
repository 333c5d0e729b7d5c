"""Client round trip: oauthcore ``Client`` over ``Urllib3Transport`` vs bare urllib3 and
requests-oauthlib, against a minimal keep-alive HTTP/1.1 server on 127.0.0.1 in this process.

Bare urllib3 sends the same request (same URL, same size of Authorization header, made before
the clock starts) with the same options as the adapter (no retries, no redirects) and reads the
body: the round trip without OAuth. The Client signs every request afresh (nonce, timestamp) and
builds its ``Response``; requests-oauthlib signs with oauthlib and goes through requests.

The server is a few lines over sockets, one thread per connection, answering a canned 200: the
cheaper the server, the larger the client's share of the round trip, so the comparison is strict.
Before timing, the server captures one request of each client and oauthcore's provider side
checks its signature. Each shape is timed with the CPU clock (the whole process: client, server
thread and the kernel's loopback TCP) and with the wall clock; see ``main``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import NamedTuple
from urllib.parse import urlencode

import urllib3
from requests_oauthlib import OAuth1Session

from oauthcore import Consumer, Request, Token, sign
from oauthcore.nonces import MemoryNonceStore
from oauthcore.verification import check, parse
from transports import Urllib3Transport
from transports.client import Client

from .common import (
    Contender,
    Settings,
    Timing,
    by_name,
    compare,
    fresh,
    print_table,
    verdict,
)

__all__ = ["LoopbackServer", "StdlibServer", "main"]

CONSUMER = ("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
TOKEN = ("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
_RESPONSE = (
    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
)
_MAX_HEAD = 64 * 1024

OAUTHCORE = "oauthcore Client + Urllib3Transport"
SIGN_PLUS_BARE = "oauthcore sign() + bare urllib3"
BARE = "bare urllib3 (no OAuth)"
REQUESTS_OAUTHLIB = "requests-oauthlib OAuth1Session"


class LoopbackServer:
    """A tiny keep-alive HTTP/1.1 server on 127.0.0.1: reads each request, answers 200.

    ``capture`` keeps the raw requests it receives, so their signatures can be checked.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.capture = False
        self.captured: list[tuple[bytes, bytes]] = []
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._listener.close()
        for connection in self._connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = connection.recv(65536)
                    if not chunk or len(buffer) > _MAX_HEAD:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffer) < length:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                if self.capture:
                    self.captured.append((head, body))
                connection.sendall(_RESPONSE)
        except OSError:
            return


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the minimal server does
    server: StdlibServer

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.capture:
            self.server.captured.append((bytes(self.raw_head()), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "11")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')

    def raw_head(self) -> bytes:
        return (self.requestline + "\r\n" + str(self.headers)).rstrip("\n").encode("latin-1")

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


class StdlibServer(http.server.ThreadingHTTPServer):
    """The standard library's threaded ``http.server`` on 127.0.0.1, for reference."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.port: int = self.server_address[1]
        self.capture = False
        self.captured: list[tuple[bytes, bytes]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self) -> StdlibServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


Server = LoopbackServer | StdlibServer


class Shape(NamedTuple):
    """One request shape: method, a URL maker and optional form data maker."""

    key: str
    title: str
    method: str
    form: bool


SHAPES = (
    Shape("get", "(a) GET, token, 3 query parameters", "GET", False),
    Shape("post", "(b) form POST, 5 parameters, non-ASCII and &=+,", "POST", True),
)


def _form(serial: int) -> list[tuple[str, str]]:
    return [
        ("status", f"Hello Ladies + Gentlemen, a signed OAuth request! café №{serial} &=+,"),
        ("include_entities", "true"),
        ("lat", "37.7821120598956"),
        ("long", "-122.400612831116"),
        ("place_id", "df51dec6f4ee2b2c"),
    ]


class Call(NamedTuple):
    """One request to send: URL, form pairs (or none), and its encoded body."""

    url: str
    data: list[tuple[str, str]] | None
    body: bytes


def _calls(base: str, shape: Shape, count: int) -> list[Call]:
    calls = []
    for _ in range(count):
        serial = fresh()
        if shape.form:
            data = _form(serial)
            body = urlencode(data).encode("ascii")
            calls.append(Call(f"{base}/1.1/statuses/update.json", data, body))
        else:
            url = f"{base}/1.1/statuses/home_timeline.json?screen_name=twitterapi&count=20"
            calls.append(Call(f"{url}&since_id={serial}", None, b""))
    return calls


def _check_captured(server: Server, who: str) -> None:
    # Rebuild the captured request and verify it with oauthcore's provider side.
    head, body = server.captured[-1]
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    method, target, _ = lines[0].split(" ")
    headers = tuple(
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in lines[1:])
    )
    wanted = ("authorization", "content-type")
    headers = tuple((name, value) for name, value in headers if name.lower() in wanted)
    request = Request(method, f"http://127.0.0.1:{server.port}{target}", headers, body)
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    try:
        check(request, parse(request), consumer, token, nonces=MemoryNonceStore())
    except Exception as exc:
        raise AssertionError(f"{who} sent a request that does not verify: {exc}") from exc


def _contenders(server: Server, shape: Shape) -> tuple[list[Contender], Callable[[], None]]:
    base = f"http://127.0.0.1:{server.port}"
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    transport = Urllib3Transport()
    client = Client(consumer, token, transport=transport)
    sign_pool = urllib3.PoolManager()
    bare_pool = urllib3.PoolManager()
    session = OAuth1Session(CONSUMER[0], CONSUMER[1], TOKEN[0], TOKEN[1])
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    method = shape.method

    def run_client(calls: list[Call]) -> None:
        for call in calls:
            _ = client.request(method, call.url, data=call.data).body

    def run_sign_plus_bare(calls: list[Call]) -> None:
        for call in calls:
            headers = (("Content-Type", form_headers["Content-Type"]),) if call.data else ()
            signed = sign(Request(method, call.url, headers, call.body), consumer, token)
            reply = sign_pool.request(
                method,
                call.url,
                body=call.body or None,
                headers=dict(signed.headers),
                redirect=False,
                retries=False,
            )
            _ = reply.data

    def make_presigned(count: int) -> list[tuple[Call, dict[str, str]]]:
        # The same request, signed before the clock starts: what is left is the round trip.
        out = []
        for call in _calls(base, shape, count):
            pairs = (("Content-Type", form_headers["Content-Type"]),) if call.data else ()
            signed = sign(Request(method, call.url, pairs, call.body), consumer, token)
            out.append((call, dict(signed.headers)))
        return out

    def run_bare(items: list[tuple[Call, dict[str, str]]]) -> None:
        for call, headers in items:
            reply = bare_pool.request(
                method,
                call.url,
                body=call.body or None,
                headers=headers,
                redirect=False,
                retries=False,
            )
            _ = reply.data

    def run_session(calls: list[Call]) -> None:
        for call in calls:
            _ = session.request(method, call.url, data=call.data).content

    def make(count: int) -> list[Call]:
        return _calls(base, shape, count)

    contenders = [
        Contender(OAUTHCORE, run_client, make),
        Contender(SIGN_PLUS_BARE, run_sign_plus_bare, make),
        Contender(BARE, run_bare, make_presigned),
        Contender(REQUESTS_OAUTHLIB, run_session, make),
    ]
    # One probe each, captured and verified by the provider side, before any timing.
    server.capture = True
    for contender in contenders:
        contender.run(contender.make_inputs(1))
        _check_captured(server, contender.name)
    server.capture = False
    server.captured.clear()

    def close() -> None:
        transport.close()
        sign_pool.clear()
        bare_pool.clear()
        session.close()

    return contenders, close


def _table(shape: Shape, timings: dict[str, Timing], clock: str) -> None:
    judged = "judged" if clock == "cpu" else "for reference"
    if clock == "wall":
        note = "wall clock: includes waiting for a core on a busy machine"
    else:
        note = "CPU clock: client, server thread and loopback TCP, all in this process"
    print_table(
        f"Client round trip to 127.0.0.1 (keep-alive), HMAC-SHA1, {shape.title}"
        f"\n  ({note}; {judged})",
        list(timings.values()),
        BARE,
    )


def main(settings: Settings) -> None:
    """Time the round trips for both request shapes and judge the issue's two targets.

    Each shape is timed twice: with the run's clock (CPU time by default: the client, the server
    thread and the kernel's loopback TCP all run in this process, so it is the whole round
    trip's work, without the time spent waiting for a core) and with the other clock, shown for
    reference. The targets are judged on the run's clock.

    Then, for reference, the same with the standard library's threaded ``http.server``, whose
    own cost per request is far larger, so OAuth's share of the round trip is smaller.
    """
    other = "wall" if settings.timer == "cpu" else "cpu"
    with LoopbackServer() as server:
        for shape in SHAPES:
            contenders, close = _contenders(server, shape)
            try:
                judged = by_name(compare(contenders, settings))
                reference = by_name(compare(contenders, dataclasses.replace(settings, timer=other)))
            finally:
                close()
            _table(shape, judged, settings.timer)
            _table(shape, reference, other)
            ours, bare = judged[OAUTHCORE].best, judged[BARE].best
            peer = judged[REQUESTS_OAUTHLIB].best
            signed = judged[SIGN_PLUS_BARE].best
            ref_ours, ref_bare = reference[OAUTHCORE].best, reference[BARE].best
            verdict(
                f"client {shape.key}: Client adds at most 5% to bare urllib3",
                ours <= bare * 1.05,
                f"{(ours / bare - 1) * 100:+.1f}% ({ours * 1e6:.0f} vs {bare * 1e6:.0f} µs"
                f" {settings.timer}; sign()+bare urllib3: {(signed / bare - 1) * 100:+.1f}%;"
                f" {other} clock: {(ref_ours / ref_bare - 1) * 100:+.1f}%)",
            )
            verdict(
                f"client {shape.key}: faster than requests-oauthlib",
                ours < peer,
                f"{peer / ours:.2f}x faster ({ours * 1e6:.0f} vs {peer * 1e6:.0f} µs"
                f" {settings.timer}; {other} clock:"
                f" {reference[REQUESTS_OAUTHLIB].best / ref_ours:.2f}x)",
            )
    with StdlibServer() as stdlib_server:
        for shape in SHAPES:
            contenders, close = _contenders(stdlib_server, shape)
            try:
                timings = by_name(compare(contenders, settings))
            finally:
                close()
            print_table(
                f"For reference: the same against http.server.ThreadingHTTPServer, {shape.title}"
                f"\n  ({settings.timer} clock; not judged)",
                list(timings.values()),
                BARE,
            )
            share = timings[OAUTHCORE].best / timings[BARE].best - 1
            print(f"  Client over bare urllib3 with http.server: {share * 100:+.1f}%")
