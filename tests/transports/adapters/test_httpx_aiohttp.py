"""The httpx (sync and async) and aiohttp adapters against real servers on 127.0.0.1.

The sync HttpxTransport also runs as one more kind through test_transports_adapters.py and
test_transport_limits.py; here the async adapters get the same guarantees checked (the request
goes out as signed, no redirect is followed, TLS is verified by default, timeouts and the
deadline end a call, the size cap stops a read, each failure is its TransportError subclass),
and what only these adapters have: a client or session of yours, made on first use, closing.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import httpx
import pytest
import trustme

from oauthcore import Request
from tests.servers import closed_port, echo_app, reset_server, serve, slow_app
from tests.streaming import stream_server
from transports import (
    AiohttpTransport,
    AsyncHttpxTransport,
    AsyncTransport,
    ClosableAsyncTransport,
    ConnectionFailed,
    DeadlineExceeded,
    HttpxTransport,
    NameResolutionError,
    Response,
    ResponseTooLarge,
    TLSError,
    TransportError,
    TransportTimeout,
)
from transports.adapters._limits import body_length

pytestmark = pytest.mark.anyio

AnyAsync = AsyncHttpxTransport | AiohttpTransport
KINDS = ["httpx", "aiohttp"]
MIB = 1 << 20


def make(kind: str, **options: Any) -> AnyAsync:
    """An async transport of ``kind`` built with ``options``."""
    if kind == "httpx":
        return AsyncHttpxTransport(**options)
    return AiohttpTransport(**options)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
async def transport(kind: str) -> AsyncIterator[AnyAsync]:
    async with make(kind, timeout=5) as made:
        yield made


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with serve(echo_app) as url:
        yield url


@pytest.fixture(scope="module")
def stream_url() -> Iterator[str]:
    with stream_server() as url:
        yield url


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_url(ca: trustme.CA) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serve(echo_app, ssl_context=context) as url:
        yield url


def echoed(response: Response) -> dict[str, Any]:
    data: dict[str, Any] = response.json()
    data["body"] = base64.b64decode(data["body"])
    data["headers"] = [tuple(pair) for pair in data["headers"]]
    return data


def sent_header(data: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in data["headers"] if key.lower() == name.lower()]


async def test_every_async_adapter_is_a_closable_async_transport(transport: AnyAsync) -> None:
    assert isinstance(transport, AsyncTransport)
    assert isinstance(transport, ClosableAsyncTransport)


async def test_get_round_trip(transport: AnyAsync, echo_url: str) -> None:
    url = f"{echo_url}/photos?size=original&file=vacation.jpg"
    response = await transport.send(Request("GET", f"{url}#top", (("X-Trace", "abc"),)))
    assert (response.status, response.url) == (200, f"{url}#top")
    data = echoed(response)
    assert (data["method"], data["url"], data["body"]) == ("GET", url, b"")
    assert sent_header(data, "X-Trace") == ["abc"]
    # Nothing the caller did not ask for that would change what a provider verifies.
    assert sent_header(data, "Content-Type") == []
    assert sent_header(data, "Accept-Encoding") == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_body_is_sent_byte_for_byte(transport: AnyAsync, echo_url: str, method: str) -> None:
    body = bytes(range(256)) + b"\r\n\x00end"
    data = echoed(await transport.send(Request(method, f"{echo_url}/upload", body=body)))
    assert (data["method"], data["body"]) == (method, body)
    assert sent_header(data, "Content-Length") == [str(len(body))]
    assert sent_header(data, "Content-Type") == []


async def test_form_body_keeps_its_content_type(transport: AnyAsync, echo_url: str) -> None:
    request = Request.build("POST", f"{echo_url}/form", data=[("a", "1"), ("a", "2 3")])
    data = echoed(await transport.send(request))
    assert data["body"] == b"a=1&a=2%203"
    assert sent_header(data, "Content-Type") == ["application/x-www-form-urlencoded"]


async def test_empty_post_sends_zero_length(transport: AnyAsync, echo_url: str) -> None:
    data = echoed(await transport.send(Request("POST", f"{echo_url}/empty")))
    assert (data["body"], sent_header(data, "Content-Length")) == (b"", ["0"])


async def test_repeated_request_headers_arrive(transport: AnyAsync, echo_url: str) -> None:
    request = Request("GET", f"{echo_url}/h", (("X-Tag", "a"), ("X-Tag", "b")))
    assert sent_header(echoed(await transport.send(request)), "X-Tag") == ["a", "b"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirects_are_not_followed(transport: AnyAsync, echo_url: str, status: int) -> None:
    url = f"{echo_url}/from?status={status}&set=Location:/elsewhere"
    response = await transport.send(Request("POST", url, body=b"x"))
    assert (response.status, response.header("Location"), response.is_redirect) == (
        status,
        "/elsewhere",
        True,
    )


async def test_errors_are_responses_and_headers_come_as_sent(
    transport: AnyAsync, echo_url: str
) -> None:
    url = f"{echo_url}/?status=401&set=WWW-Authenticate:OAuth&set=X-Rep:1&set=x-rep:2"
    response = await transport.send(Request("GET", url))
    assert response.status == 401
    assert response.header("WWW-Authenticate") == "OAuth"
    names = [name for name, _ in response.headers]
    assert names[names.index("X-Rep") + 1] == "x-rep"
    assert response.header_values("X-REP") == ["1", "2"]


async def test_head_has_no_body(transport: AnyAsync, stream_url: str) -> None:
    # A HEAD reply's Content-Length (here 2 MiB) describes a body that never comes.
    response = await transport.send(Request("HEAD", f"{stream_url}/length?size={2 * MIB}"))
    assert (response.status, response.body) == (200, b"")


async def test_compressed_replies_come_as_received(transport: AnyAsync, stream_url: str) -> None:
    response = await transport.send(Request("GET", f"{stream_url}/gzip?size=1000"))
    assert response.header("Content-Encoding") == "gzip"
    assert response.body[:2] == b"\x1f\x8b"


async def test_the_body_is_capped(kind: str, stream_url: str) -> None:
    async with make(kind, timeout=5, max_response=MIB) as transport:
        for path in ("chunked", "length"):
            with pytest.raises(ResponseTooLarge, match=f"over the {MIB}-byte limit") as caught:
                await transport.send(Request("GET", f"{stream_url}/{path}?size={8 * MIB}"))
            assert caught.value.limit == MIB
        with pytest.raises(ResponseTooLarge, match="Content-Length of"):
            await transport.send(Request("GET", f"{stream_url}/claim?size={MIB + 1}"))
        exact = await transport.send(Request("GET", f"{stream_url}/chunked?size={MIB}"))
        assert len(exact.body) == MIB
        # The connection cut short is not reused: the next call on the transport is whole.
        assert len((await transport.send(Request("GET", f"{stream_url}/length?size=3"))).body) == 3
    async with make(kind, timeout=5, max_response=None) as unlimited:
        reply = await unlimited.send(Request("GET", f"{stream_url}/length?size={12 * MIB}"))
        assert len(reply.body) == 12 * MIB


async def test_a_trickle_is_stopped_by_the_deadline(kind: str, stream_url: str) -> None:
    async with make(kind, timeout=1, deadline=0.6) as transport:
        for path in ("trickle?size=50&every=0.1", "slow-head?every=0.1&for=8"):
            started = time.monotonic()
            with pytest.raises(DeadlineExceeded, match=r"0\.6-second deadline") as caught:
                await transport.send(Request("GET", f"{stream_url}/{path}"))
            assert 0.55 < time.monotonic() - started < 1.2
            assert caught.value.deadline == 0.6
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded, match=r"0\.2-second deadline"):
            await transport.send(
                Request("GET", f"{stream_url}/trickle?size=9&every=1"), deadline=0.2
            )
        assert time.monotonic() - started < 0.7


async def test_a_per_read_timeout_is_a_timeout(kind: str, stream_url: str) -> None:
    async with make(kind, timeout=0.2, deadline=5) as transport:
        with pytest.raises(TransportTimeout, match="timed out") as caught:
            await transport.send(Request("GET", f"{stream_url}/trickle?size=3&every=10"))
        assert not isinstance(caught.value, DeadlineExceeded)
    async with make(kind, timeout=5, deadline=None) as unbounded:
        assert unbounded.deadline is None
        reply = await unbounded.send(Request("GET", f"{stream_url}/trickle?size=2&every=0.05"))
        assert reply.body == b"xx"


async def test_the_per_call_timeout(transport: AnyAsync) -> None:
    release = threading.Event()
    with serve(slow_app(release)) as url:
        try:
            started = time.monotonic()
            with pytest.raises(TransportTimeout):
                await transport.send(Request("GET", f"{url}/slow"), timeout=0.2)
            assert time.monotonic() - started < 2
        finally:
            release.set()


async def test_each_failure_has_its_class(
    transport: AnyAsync, https_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConnectionFailed, match="connection refused") as refused:
        await transport.send(Request("GET", f"http://127.0.0.1:{closed_port()}/x?oauth_verifier=v"))
    assert "oauth_verifier=***" in str(refused.value)
    assert refused.value.__cause__ is not None
    with reset_server() as url, pytest.raises(ConnectionFailed):
        await transport.send(Request("POST", f"{url}/x", body=b"data"))
    with pytest.raises(TLSError, match="TLS failure"):
        await transport.send(Request("GET", f"{https_url}/secure"))

    async def unresolved(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    def fake(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # Each library resolves on its own path: the loop's resolver (aiohttp), anyio's (httpx).
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", unresolved)
    with pytest.raises(NameResolutionError, match="host name not resolved"):
        await transport.send(Request("GET", "http://unresolvable.test/x"))


async def test_tls_is_accepted_with_the_ca(
    kind: str, https_url: str, ca: trustme.CA, tmp_path: Any
) -> None:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    async with make(kind, timeout=5, ca_certs=str(path)) as transport:
        response = await transport.send(Request("POST", f"{https_url}/secure", body=b"over tls"))
        assert echoed(response)["body"] == b"over tls"
    context = ssl.create_default_context()
    ca.configure_trust(context)
    async with make(kind, timeout=5, ssl_context=context) as transport:
        assert (await transport.send(Request("GET", f"{https_url}/secure"))).status == 200


async def test_many_concurrent_calls_share_one_transport(
    transport: AnyAsync, echo_url: str
) -> None:
    bodies = [f"call-{number}".encode() for number in range(50)]
    replies = await asyncio.gather(
        *(transport.send(Request("PUT", f"{echo_url}/c", body=body)) for body in bodies)
    )
    assert [echoed(reply)["body"] for reply in replies] == bodies


async def test_an_httpx_client_passed_in_is_used_and_left_open(echo_url: str) -> None:
    async with httpx.AsyncClient(headers={"User-Agent": "mine"}, follow_redirects=True) as own:
        transport = AsyncHttpxTransport(own, timeout=5)
        url = f"{echo_url}/x?status=302&set=Location:/elsewhere"
        response = await transport.send(Request("GET", url, (("X-A", "1"),)))
        # Never followed, whatever the client says; the client's own headers still apply.
        assert response.status == 302
        data = echoed(await transport.send(Request("GET", f"{echo_url}/y")))
        assert sent_header(data, "User-Agent") == ["mine"]
        await transport.aclose()
        assert not own.is_closed


async def test_an_aiohttp_session_passed_in_is_used_and_left_open(echo_url: str) -> None:
    async with aiohttp.ClientSession(headers={"User-Agent": "mine"}) as own:
        transport = AiohttpTransport(own, timeout=5)
        assert transport.session is own
        url = f"{echo_url}/x?status=307&set=Location:/elsewhere"
        assert (await transport.send(Request("POST", url, body=b"b"))).status == 307
        data = echoed(await transport.send(Request("PUT", f"{echo_url}/y", body=b"raw")))
        assert sent_header(data, "User-Agent") == ["mine"]
        # Nothing made up on a session of yours either: no type for raw bytes, no gzip asked.
        assert sent_header(data, "Content-Type") == []
        assert sent_header(data, "Accept-Encoding") == []
        await transport.aclose()
        assert not own.closed


async def test_the_aiohttp_session_is_made_on_the_first_call(echo_url: str) -> None:
    transport = AiohttpTransport()
    assert transport.session is None
    await transport.aclose()  # nothing made, nothing to close
    async with AiohttpTransport() as used:
        await used.send(Request("GET", f"{echo_url}/a"))
        session = used.session
        assert session is not None
    assert session.closed


async def test_close_twice_is_harmless(kind: str, echo_url: str) -> None:
    transport = make(kind)
    await transport.send(Request("GET", f"{echo_url}/a"))
    await transport.aclose()
    await transport.aclose()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ca_certs": "ca.pem", "ssl_context": ssl.create_default_context()}, "not both"),
        ({"max_response": -1}, "max_response must be 0 or more"),
        ({"deadline": 0}, "deadline must be more than 0"),
    ],
)
def test_bad_options_are_refused(kind: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(kind, **options)


async def test_tls_options_need_no_client_of_yours() -> None:
    async with httpx.AsyncClient() as own:
        with pytest.raises(ValueError, match="configure TLS on the client you pass"):
            AsyncHttpxTransport(own, ca_certs="ca.pem")
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="configure TLS on the session you pass"):
            AiohttpTransport(session, ssl_context=ssl.create_default_context())


@pytest.mark.parametrize(
    ("name", "library"),
    [
        ("AsyncHttpxTransport", "httpx"),
        ("AiohttpTransport", "aiohttp"),
        ("HttpxTransport", "httpx"),
    ],
)
def test_a_missing_library_names_the_extra(
    name: str, library: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import transports

    monkeypatch.setitem(sys.modules, library, None)
    with pytest.raises(ImportError, match=rf"pip install 'oauthcore\[{library}\]'"):
        getattr(transports, name)()


@pytest.mark.parametrize(
    ("method", "status", "header", "expected"),
    [
        ("GET", 200, "12", 12),
        ("GET", 200, " 12 ", 12),
        ("HEAD", 200, "12", None),
        ("GET", 204, "12", None),
        ("GET", 304, "12", None),
        ("GET", 101, "12", None),
        ("GET", 200, None, None),
        ("GET", 200, "1,2", None),
        ("GET", 200, "\u00b2", None),
    ],
)
def test_a_content_length_is_trusted_only_where_a_body_follows(
    method: str, status: int, header: str | None, expected: int | None
) -> None:
    assert body_length(method, status, header) == expected


async def test_the_async_reader_keeps_to_the_cap() -> None:
    from transports.adapters._limits import Budget

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * 10

    budget = Budget(Request("GET", "http://a/"), max_response=30, deadline=None, timeout=None)
    assert await budget.read_async(chunks(), None) == b"x" * 30
    small = Budget(Request("GET", "http://a/"), max_response=25, deadline=None, timeout=None)
    with pytest.raises(ResponseTooLarge):
        await small.read_async(chunks(), None)
    with pytest.raises(ResponseTooLarge):
        await small.read_async(chunks(), 26)


async def test_a_failure_of_no_known_kind_is_a_plain_transport_error(echo_url: str) -> None:
    # A reply httpx cannot parse: neither a timeout nor a connection failure.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")

    thread = threading.Thread(target=answer)
    thread.start()
    try:
        async with AsyncHttpxTransport(timeout=5) as transport:
            with pytest.raises(TransportError) as caught:
                await transport.send(Request("GET", f"http://127.0.0.1:{port}/"))
        assert type(caught.value) is TransportError
    finally:
        thread.join()
        listener.close()


def test_a_sync_httpx_client_passed_in_is_used_and_left_open(echo_url: str) -> None:
    with httpx.Client(headers={"User-Agent": "mine"}, follow_redirects=True) as own:
        transport = HttpxTransport(own, timeout=5)
        url = f"{echo_url}/x?status=302&set=Location:/elsewhere"
        assert transport.send(Request("GET", url)).status == 302
        data = echoed(transport.send(Request("GET", f"{echo_url}/y")))
        assert sent_header(data, "User-Agent") == ["mine"]
        transport.close()
        assert not own.is_closed
        with pytest.raises(ValueError, match="configure TLS on the client you pass"):
            HttpxTransport(own, ssl_context=ssl.create_default_context())


def test_a_client_the_sync_httpx_transport_makes_has_httpx_default_limits() -> None:
    # Its pool is rebuilt with another network backend; the limits must stay httpx's.
    def limits(transport: httpx.BaseTransport) -> tuple[object, ...]:
        assert isinstance(transport, httpx.HTTPTransport)
        pool = transport._pool
        return (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry)

    with HttpxTransport() as made, httpx.HTTPTransport() as httpx_own:
        assert limits(made.client._transport) == limits(httpx_own) == (100, 20, 5.0)


@pytest.fixture
def hang_up_url() -> Iterator[str]:
    """A server that reads each request and closes the connection without a word (a FIN)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(2)
                connection.recv(65536)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


async def test_a_server_hanging_up_before_replying_is_a_failed_connection(
    transport: AnyAsync, hang_up_url: str
) -> None:
    # As the standard library's RemoteDisconnected (a ConnectionResetError) is for the others.
    with pytest.raises(ConnectionFailed, match="connection closed before a response"):
        await transport.send(Request("GET", f"{hang_up_url}/x"))


def test_a_server_hanging_up_is_a_failed_connection_to_sync_httpx(hang_up_url: str) -> None:
    with (
        HttpxTransport(timeout=5) as transport,
        pytest.raises(ConnectionFailed, match="connection closed before a response"),
    ):
        transport.send(Request("GET", f"{hang_up_url}/x"))
