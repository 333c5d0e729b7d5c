"""Streamed and multipart bodies through ``Client`` and ``AsyncClient`` (Body Hash §3.1, §3.2).

Every streaming transport sends to the standard library's WSGI server on 127.0.0.1, whose
``wsgi.input`` reads the socket as the client sends. Behind it the provider checks each body:
``ProtectedResource(max_streamed_body=...)`` hashes a raw body as it reads it, and
``verify_multipart`` checks each multipart policy (the text fields read by the standard
library's MIME parser, the digest of the raw bytes as received).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from email import policy as email_policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    PLAINTEXT,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    OAuthError,
    Token,
    TokenKind,
)
from oauthcore.bodies import BodyChanged, hash_chunks
from oauthcore.multipart import Field, FilePart, MultipartBody, MultipartPolicy, verify_multipart
from transports import AsyncClient, Client
from transports.adapters import (
    AiohttpTransport,
    AsyncHttpxTransport,
    Httplib2Transport,
    HttpxTransport,
    Urllib3Transport,
    UrllibTransport,
    WSGITransport,
)
from transports.base import Response
from transports.flow import Signer
from transports.provider import ProtectedResource
from transports.provider.environ import request_from_environ
from transports.resilience import RetryPolicy
from transports.streams import (
    SPOOL_IN_MEMORY,
    BodyNotRereadable,
    StreamedBody,
    StreamSigning,
    Upload,
    aiter_chunks,
    carries_stream,
    spool,
    takes_stream,
)

CONSUMER, TOKEN = Consumer("ck", "cs"), Token("tk", "ts")
BOUNDARY = "test-boundary-0001"
SIZE = 3 * 1024 * 1024 + 17


def _store() -> MemoryCredentialStore:
    store = MemoryCredentialStore()
    store.add_consumer(CONSUMER)
    store.add_token("ck", TOKEN, TokenKind.ACCESS)
    return store


def _block(seed: int = 0) -> bytes:
    return bytes((seed + i) % 251 for i in range(65536))


def _generated(size: int = SIZE, seed: int = 0) -> Callable[[], Iterator[bytes]]:
    block = _block(seed)

    def chunks() -> Iterator[bytes]:
        left = size
        while left:
            piece = block[: min(left, len(block))]
            left -= len(piece)
            yield piece

    return chunks


def _sha256(chunks: Iterable[bytes]) -> str:
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.hexdigest()


def _digest_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Answers the length and SHA-256 of the body it is handed, read a chunk at a time."""
    hasher, length = hashlib.sha256(), 0
    while chunk := environ["wsgi.input"].read(65536):
        hasher.update(chunk)
        length += len(chunk)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"length": length, "sha256": hasher.hexdigest()}).encode()]


_PROTECTED = ProtectedResource(
    _digest_app,
    _store(),
    MemoryNonceStore(),
    max_body=1024,
    max_streamed_body=64 * 1024 * 1024,
)
_NONCES = MemoryNonceStore()


def _multipart_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Verifies a multipart request by the policy its path names (``/multipart/<policy>``)."""
    policy = MultipartPolicy(environ["PATH_INFO"].rsplit("/", 1)[1])
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length)  # small in these tests; the hash is of what came
    request = request_from_environ(environ, read_body=False)
    head = f"Content-Type: {environ['CONTENT_TYPE']}\r\n\r\n".encode()
    message = BytesParser(policy=email_policy.default).parsebytes(head + raw)
    fields, files = [], {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if part.get_filename() is None:
            fields.append((name, payload.decode()))
        else:
            files[name] = _sha256([payload])
    try:
        verify_multipart(
            request,
            _store(),
            _NONCES,
            multipart=policy,
            text_fields=fields,
            body_digest=hash_chunks([raw], "sha1", "sha256"),
        )
    except OAuthError as error:
        start_response("401 Unauthorized", [("Content-Type", "text/plain")])
        return [str(error).encode()]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"fields": fields, "files": files}).encode()]


def provider(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The provider under test: raw streamed bodies, or multipart by policy."""
    if environ["PATH_INFO"].startswith("/multipart/"):
        return _multipart_app(environ, start_response)
    if environ["PATH_INFO"] == "/moved":
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("307 Temporary Redirect", [("Location", "/upload")])
        return [b""]
    return _PROTECTED(environ, start_response)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with make_server("127.0.0.1", 0, provider, handler_class=_Quiet) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()
            thread.join(timeout=10)


SYNC = {
    "urllib3": Urllib3Transport,
    "httpx": HttpxTransport,
    "urllib": UrllibTransport,
}
ASYNC = {"httpx": AsyncHttpxTransport, "aiohttp": AiohttpTransport}


@pytest.fixture(params=[*SYNC, "wsgi"])
def client(request: pytest.FixtureRequest) -> Iterator[Client]:
    if request.param == "wsgi":
        transport: Any = WSGITransport(provider)
    else:
        transport = SYNC[request.param]()
    with transport, Client(CONSUMER, TOKEN, method=HMAC_SHA256, transport=transport) as made:
        yield made


def _base(client: Client, url: str) -> str:
    # The in-process transport needs no server: any origin reaches the app.
    return "http://127.0.0.1:1" if isinstance(client.transport, WSGITransport) else url


def _parts(tmp_path: Path) -> tuple[MultipartBody, str]:
    path = tmp_path / "photo.bin"
    path.write_bytes(b"".join(_generated(300_000, seed=3)()))
    file = path.open("rb")
    body = MultipartBody(
        [
            Field("title", "Sunset ☀"),
            FilePart("photo", file, "photo.bin", "image/jpeg"),
            Field("tags", "sea sky"),
        ],
        boundary=BOUNDARY,
    )
    return body, _sha256([path.read_bytes()])


# --- raw streamed bodies ----------------------------------------------------------------------


def test_a_file_streams_hashed_and_the_provider_checks_the_hash(
    client: Client, url: str, tmp_path: Path
) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"".join(_generated()()))
    with path.open("rb") as file:
        response = client.request(
            "PUT",
            f"{_base(client, url)}/upload",
            body=file,
            headers={"Content-Type": "application/octet-stream"},
        )
    assert response.status == 200, response.text
    assert response.json() == {"length": SIZE, "sha256": _sha256(_generated()())}


def test_a_callable_of_chunks_streams_with_a_known_length(client: Client, url: str) -> None:
    response = client.request("POST", f"{_base(client, url)}/upload", body=_generated())
    assert response.status == 200, response.text
    assert response.json()["length"] == SIZE


def test_a_list_of_chunks_is_read_again_for_a_307(client: Client, url: str) -> None:
    chunks = list(_generated(200_000)())
    response = client.request("PUT", f"{_base(client, url)}/moved", body=chunks)
    assert response.status == 200, response.text
    assert response.json() == {"length": 200_000, "sha256": _sha256(chunks)}


def test_a_body_that_changes_while_sent_is_not_sent_in_full(client: Client, url: str) -> None:
    readings = []

    def changing() -> Iterator[bytes]:
        readings.append(1)
        return _generated(200_000, seed=len(readings))()

    with pytest.raises(BodyChanged):
        client.request("PUT", f"{_base(client, url)}/upload", body=changing)


# --- multipart by policy ----------------------------------------------------------------------


@pytest.mark.parametrize("policy", list(MultipartPolicy))
def test_each_multipart_policy_verifies_at_the_provider(
    client: Client, url: str, tmp_path: Path, policy: MultipartPolicy
) -> None:
    body, photo = _parts(tmp_path)
    with body.parts[1].source:  # type: ignore[union-attr]
        response = client.request(
            "POST", f"{_base(client, url)}/multipart/{policy.value}", body=body, multipart=policy
        )
    assert response.status == 200, response.text
    assert response.json() == {
        "fields": [["title", "Sunset ☀"], ["tags", "sea sky"]],
        "files": {"photo": photo},
    }


def test_the_client_default_policy_applies_and_a_call_overrides_it(
    url: str, tmp_path: Path
) -> None:
    body, _ = _parts(tmp_path)
    client = Client(CONSUMER, TOKEN, multipart=MultipartPolicy.TEXT_FIELDS)
    with client, body.parts[1].source:  # type: ignore[union-attr]
        assert client.request("POST", f"{url}/multipart/text_fields", body=body).status == 200
        # Signed by another policy than the provider's: refused.
        assert client.request("POST", f"{url}/multipart/body_hash", body=body).status == 401
        over = client.request(
            "POST", f"{url}/multipart/body_hash", body=body, multipart=MultipartPolicy.BODY_HASH
        )
        assert over.status == 200, over.text
        # Other streamed bodies are not multipart: the client's policy leaves them be.
        plain = client.request("PUT", f"{url}/upload", body=[b"x" * 5000])
        assert plain.json()["length"] == 5000


def test_a_multipart_body_needs_a_declared_policy() -> None:
    body = MultipartBody([Field("a", "b")], boundary=BOUNDARY)
    client = Client(CONSUMER, TOKEN, transport=WSGITransport(provider))
    with pytest.raises(ValueError, match="declare how the provider signs multipart bodies"):
        client.request("POST", "http://127.0.0.1:1/multipart/none", body=body)
    with pytest.raises(TypeError, match="multipart must be a MultipartPolicy"):
        client.request("POST", "http://127.0.0.1:1/", body=body, multipart="none")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="multipart= is for a MultipartBody"):
        client.request("POST", "http://127.0.0.1:1/", body=b"x", multipart=MultipartPolicy.NONE)
    with pytest.raises(TypeError, match="multipart must be a MultipartPolicy or None"):
        Client(CONSUMER, multipart="none")  # type: ignore[arg-type]


def test_a_body_hash_policy_needs_a_method_with_a_body_hash() -> None:
    body = MultipartBody([Field("a", "b")], boundary=BOUNDARY)
    client = Client(CONSUMER, TOKEN, method=PLAINTEXT, transport=WSGITransport(provider))
    with pytest.raises(ValueError, match="BODY_HASH needs a signature method with a body hash"):
        client.request(
            "POST", "http://127.0.0.1:1/", body=body, multipart=MultipartPolicy.BODY_HASH
        )


# --- one-shot iterators, retries and redirects ------------------------------------------------


class _ChunkedHandler(BaseHTTPRequestHandler):
    """Reads a chunked request body; ``/moved`` answers 307, ``/busy`` 503, else the length."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_PUT(self) -> None:
        length = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while size := int(self.rfile.readline().split(b";")[0], 16):
                length += len(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
        else:
            length = len(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        status = {"/moved": 307, "/busy": 503}.get(self.path, 200)
        reply = json.dumps({"length": length, "framing": self.headers.get("Transfer-Encoding")})
        self.send_response(status)
        if status == 307:
            self.send_header("Location", "/done")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply.encode())


@pytest.fixture(scope="module")
def chunked_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChunkedHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("name", list(SYNC))
def test_an_iterator_goes_chunked_once_and_a_307_of_it_is_refused(
    chunked_url: str, name: str
) -> None:
    with SYNC[name]() as transport:
        client = Client(CONSUMER, TOKEN, method=PLAINTEXT, transport=transport)
        response = client.request("PUT", f"{chunked_url}/", body=_generated(100_000)())
        assert response.json() == {"length": 100_000, "framing": "chunked"}
        with pytest.raises(BodyNotRereadable, match="307/308 redirect"):
            client.request("PUT", f"{chunked_url}/moved", body=_generated(100_000)())


def test_a_retry_reads_a_rereadable_body_again_and_refuses_an_iterator(chunked_url: str) -> None:
    retry = RetryPolicy(attempts=2, methods=frozenset({"PUT"}), sleep=lambda _: None)
    with Client(CONSUMER, TOKEN, method=PLAINTEXT, retry=retry) as client:
        again = client.request("PUT", f"{chunked_url}/busy", body=[b"x" * 10, b"y" * 5])
        assert again.status == 503
        assert again.json() == {"length": 15, "framing": None}
        with pytest.raises(BodyNotRereadable):
            client.request("PUT", f"{chunked_url}/busy", body=iter([b"x"]))


def test_an_iterator_is_spooled_to_be_hashed_then_sent_and_checked(
    client: Client, url: str
) -> None:
    # Its oauth_body_hash must be in the header before the body: spooled first, then streamed.
    response = client.request("PUT", f"{url}/upload", body=_generated()())
    assert response.status == 200, response.body
    assert response.json() == {"length": SIZE, "sha256": _sha256(_generated()())}


def test_a_spooled_iterator_can_be_sent_again_on_a_307(url: str) -> None:
    with Urllib3Transport() as transport:
        client = Client(CONSUMER, TOKEN, method=HMAC_SHA1, transport=transport)
        response = client.request("PUT", f"{url}/moved", body=_generated(100_000)())
    assert response.status == 200, response.body
    assert response.json() == {"length": 100_000, "sha256": _sha256(_generated(100_000)())}


@pytest.mark.parametrize("name", list(ASYNC))
def test_the_async_client_spools_an_iterator_too(url: str, name: str) -> None:
    async def call() -> Response:
        async with ASYNC[name]() as transport:
            client = AsyncClient(CONSUMER, TOKEN, method=HMAC_SHA256, transport=transport)
            return await client.request("PUT", f"{url}/upload", body=_generated(200_000)())

    response = asyncio.run(call())
    assert response.json() == {"length": 200_000, "sha256": _sha256(_generated(200_000)())}


def test_spool_keeps_a_small_body_in_memory_and_a_large_one_on_disk() -> None:
    chunks: list[Any] = [b"a", bytearray(b"b"), memoryview(b"c")]  # any bytes-like chunk
    with spool(iter(chunks)) as small:
        assert small.read(10) == b"abc"
        assert not small._rolled  # type: ignore[attr-defined]
    with spool(_generated(SPOOL_IN_MEMORY + 1)()) as large:
        assert large._rolled  # type: ignore[attr-defined] # on disk past the threshold
        assert _sha256(iter(lambda: large.read(65536), b"")) == _sha256(
            _generated(SPOOL_IN_MEMORY + 1)()
        )


def test_spool_refuses_a_chunk_that_is_not_bytes() -> None:
    with pytest.raises(TypeError, match="a body chunk must be bytes, not str"):
        spool(iter([b"ok", "text"]))  # type: ignore[arg-type]


def test_a_303_after_a_streamed_post_is_a_bodiless_get() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "POST":
            start_response("303 See Other", [("Location", "/seen")])
            return [b""]
        seen = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return [f"{environ['REQUEST_METHOD']} {len(seen)}".encode()]

    client = Client(CONSUMER, TOKEN, method=PLAINTEXT, transport=WSGITransport(app))
    assert client.request("POST", "http://127.0.0.1:1/", body=iter([b"abc"])).text == "GET 0"


# --- what cannot stream, and caller mistakes --------------------------------------------------


def test_a_transport_that_cannot_stream_is_refused_naming_one_that_can(url: str) -> None:
    with Httplib2Transport() as transport:
        client = Client(CONSUMER, TOKEN, transport=transport)
        with pytest.raises(TypeError, match=r"Httplib2Transport cannot stream.*Urllib3Transport"):
            client.request("PUT", f"{url}/upload", body=[b"x"])
        # Bytes are sent as ever.
        assert client.request("PUT", f"{url}/upload", body=b"x").status == 200


def test_what_cannot_be_streamed_is_refused() -> None:
    client = Client(CONSUMER, TOKEN, transport=WSGITransport(provider))
    for wrong in ("text", 42):
        with pytest.raises(TypeError, match="body must be bytes, a binary file"):
            client.request("PUT", "http://127.0.0.1:1/", body=wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="give one of data=, body= or json="):
        client.request("PUT", "http://127.0.0.1:1/", body=[b"x"], data={"a": "b"})
    with pytest.raises(ValueError, match="give one of data=, body= or json="):
        client.request("PUT", "http://127.0.0.1:1/", body=[b"x"], json={"a": 1})
    from oauthcore import Placement

    in_body = Client(CONSUMER, placement=Placement.BODY, transport=WSGITransport(provider))
    with pytest.raises(ValueError, match="cannot carry the OAuth parameters"):
        in_body.request("PUT", "http://127.0.0.1:1/", body=[b"x"])


def test_the_callers_framing_headers_give_way_to_the_streams() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        return [environ["CONTENT_LENGTH"].encode(), b" ", environ["wsgi.input"].read()]

    client = Client(CONSUMER, TOKEN, transport=WSGITransport(app))
    headers = {"Content-Length": "99", "Transfer-Encoding": "gzip"}
    sent = client.request("PUT", "http://127.0.0.1:1/", body=[b"ab", b"", b"cd"], headers=headers)
    assert sent.text == "4 abcd"


def test_the_stream_pieces() -> None:
    assert takes_stream(Urllib3Transport)
    assert not takes_stream(Httplib2Transport)
    assert not takes_stream(object())
    assert repr(StreamedBody([b"x"], 1)) == "StreamedBody(length=1)"
    upload = Upload.of([b"ab"], HMAC_SHA1, None)
    assert repr(upload) == "Upload(length=2, rereadable=True)"
    assert upload.headers == (("Content-Length", "2"),)
    from oauthcore import Request

    assert carries_stream(Request("PUT", "http://e.example/", upload.headers))
    assert not carries_stream(Request("PUT", "http://e.example/", upload.headers, b"x"))
    with pytest.raises(TypeError, match="stream must be a StreamSigning"):
        Signer(CONSUMER, stream="x")  # type: ignore[arg-type]
    assert Signer(CONSUMER, stream=StreamSigning(False)).stream == StreamSigning(False)


# --- AsyncClient ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ASYNC))
@pytest.mark.parametrize("policy", [*MultipartPolicy, None])
def test_the_async_client_streams_and_each_policy_verifies(
    url: str, tmp_path: Path, name: str, policy: MultipartPolicy | None
) -> None:
    async def call() -> Response:
        async with ASYNC[name]() as transport:
            client = AsyncClient(CONSUMER, TOKEN, method=HMAC_SHA256, transport=transport)
            if policy is None:
                return await client.request("PUT", f"{url}/moved", body=_generated())
            body, _ = _parts(tmp_path)
            with body.parts[1].source:  # type: ignore[union-attr]
                path = f"{url}/multipart/{policy.value}"
                return await client.request("POST", path, body=body, multipart=policy)

    response = asyncio.run(call())
    assert response.status == 200, response.text
    if policy is None:
        assert response.json() == {"length": SIZE, "sha256": _sha256(_generated()())}


@pytest.mark.parametrize("name", list(ASYNC))
def test_the_async_client_does_not_complete_a_body_that_changed(url: str, name: str) -> None:
    readings = []

    def changing() -> Iterator[bytes]:
        readings.append(1)
        return _generated(200_000, seed=len(readings))()

    async def call() -> Response:
        async with ASYNC[name]() as transport:
            client = AsyncClient(CONSUMER, TOKEN, transport=transport)
            return await client.request("PUT", f"{url}/upload", body=changing)

    with pytest.raises(BodyChanged):
        asyncio.run(call())


def test_an_async_transport_that_cannot_stream_is_refused() -> None:
    class Bare:
        async def send(self, request: Any, *, timeout: float | None = None) -> Response:
            raise AssertionError("not reached")  # pragma: no cover - refused before sending

    client = AsyncClient(CONSUMER, TOKEN, transport=Bare())
    with pytest.raises(TypeError, match="Bare cannot stream a request body"):
        asyncio.run(client.request("PUT", "http://127.0.0.1:1/", body=[b"x"]))


def test_async_deadline_and_methods(url: str) -> None:
    # The async path with a deadline handed down, and a WSGI-free AsyncClient default.
    async def call() -> Response:
        async with AsyncHttpxTransport() as transport:
            client = AsyncClient(CONSUMER, TOKEN, transport=transport, deadline=30)
            return await client.request("PUT", f"{url}/upload", body=io.BytesIO(b"z" * 5000))

    assert asyncio.run(call()).json()["length"] == 5000


def test_sync_deadline_handed_down(url: str) -> None:
    with Client(CONSUMER, TOKEN, deadline=30) as client:
        assert client.request("PUT", f"{url}/upload", body=io.BytesIO(b"z" * 5000)).ok


# --- the event loop never waits on a body's reads --------------------------------------------


def _chunks_noting_threads(count: int, threads: list[threading.Thread]) -> Iterator[bytes]:
    # Each chunk notes the thread that read it: a slow disk would hold that thread.
    for number in range(count):
        threads.append(threading.current_thread())
        yield b"%d" % number


def test_aiter_chunks_reads_in_a_worker_thread_in_order() -> None:
    threads: list[threading.Thread] = []

    async def read() -> list[bytes]:
        return [chunk async for chunk in aiter_chunks(_chunks_noting_threads(4, threads))]

    assert asyncio.run(read()) == [b"0", b"1", b"2", b"3"]
    assert len(threads) == 4
    assert threading.main_thread() not in threads


def test_aiter_chunks_reads_a_large_body_a_batch_at_a_time() -> None:
    async def read() -> list[bytes]:
        return [chunk async for chunk in aiter_chunks(_generated()())]

    assert asyncio.run(read()) == list(_generated()())


@pytest.mark.parametrize("name", list(ASYNC))
def test_the_async_client_reads_a_body_off_its_event_loop(url: str, name: str) -> None:
    threads: list[threading.Thread] = []

    async def call() -> Response:
        async with ASYNC[name]() as transport:
            client = AsyncClient(CONSUMER, TOKEN, method=HMAC_SHA256, transport=transport)
            return await client.request(
                "PUT", f"{url}/upload", body=lambda: _chunks_noting_threads(3, threads)
            )

    response = asyncio.run(call())
    assert response.json() == {"length": 3, "sha256": _sha256([b"012"])}
    # Read twice, to hash and to send, and never on the loop's thread.
    assert len(threads) == 6
    assert threading.main_thread() not in threads
