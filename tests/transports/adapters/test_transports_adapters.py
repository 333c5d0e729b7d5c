"""The three adapters against real servers on 127.0.0.1: bytes, headers, failures, TLS."""

from __future__ import annotations

import base64
import gzip
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from oauthcore import Request
from tests.servers import closed_port, echo_app, reset_server, serve, slow_app
from transports import (
    ConnectionFailed,
    Httplib2Transport,
    HttpxTransport,
    NameResolutionError,
    Response,
    TLSError,
    Transport,
    TransportError,
    TransportTimeout,
    Urllib3Transport,
    UrllibTransport,
)

AnyTransport = Urllib3Transport | Httplib2Transport | UrllibTransport | HttpxTransport
KINDS = ["urllib3", "httplib2", "urllib", "httpx"]


def make(kind: str, **options: Any) -> AnyTransport:
    """A transport of ``kind`` built with ``options`` (timeout, ca_certs, ...)."""
    if kind == "urllib3":
        return Urllib3Transport(**options)
    if kind == "httplib2":
        return Httplib2Transport(**options)
    if kind == "httpx":
        return HttpxTransport(**options)
    return UrllibTransport(**options)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def transport(kind: str) -> Iterator[AnyTransport]:
    with make(kind, timeout=5) as made:
        yield made


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with serve(echo_app) as url:
        yield url


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def https_url(ca: trustme.CA) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serve(echo_app, ssl_context=context) as url:
        yield url


def echoed(response: Response) -> dict[str, Any]:
    """The request the echo server saw, as JSON, with the body decoded."""
    data: dict[str, Any] = response.json()
    data["body"] = base64.b64decode(data["body"])
    data["headers"] = [tuple(pair) for pair in data["headers"]]
    return data


def sent_header(data: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in data["headers"] if key.lower() == name.lower()]


def test_every_adapter_is_a_transport(transport: AnyTransport) -> None:
    assert isinstance(transport, Transport)


def test_get_round_trip(transport: AnyTransport, echo_url: str) -> None:
    url = f"{echo_url}/photos?size=original&file=vacation.jpg"
    response = transport.send(Request("GET", url, (("X-Trace", "abc"),)))
    assert response.status == 200
    assert response.ok
    assert response.url == url
    assert response.header("content-type") == "application/json"
    data = echoed(response)
    assert data["method"] == "GET"
    assert data["url"] == url
    assert data["body"] == b""
    assert sent_header(data, "X-Trace") == ["abc"]
    # Nothing the caller did not ask for that would change what a provider verifies.
    assert sent_header(data, "Content-Type") == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_body_is_sent_byte_for_byte(transport: AnyTransport, echo_url: str, method: str) -> None:
    body = bytes(range(256)) + b"\r\n\x00end"
    response = transport.send(Request(method, f"{echo_url}/upload", body=body))
    data = echoed(response)
    assert data["method"] == method
    assert data["body"] == body
    assert sent_header(data, "Content-Length") == [str(len(body))]
    # urllib would label an unlabelled body as a form, changing what gets signed (§3.4.1.3.1).
    assert sent_header(data, "Content-Type") == []


def test_form_body_keeps_its_content_type(transport: AnyTransport, echo_url: str) -> None:
    request = Request.build("POST", f"{echo_url}/form", data=[("a", "1"), ("a", "2 3")])
    data = echoed(transport.send(request))
    assert data["body"] == b"a=1&a=2%203"
    assert sent_header(data, "Content-Type") == ["application/x-www-form-urlencoded"]


def test_empty_post_sends_zero_length(transport: AnyTransport, echo_url: str) -> None:
    data = echoed(transport.send(Request("POST", f"{echo_url}/empty")))
    assert data["body"] == b""
    assert sent_header(data, "Content-Length") == ["0"]


def test_repeated_request_headers_arrive(transport: AnyTransport, echo_url: str) -> None:
    request = Request("GET", f"{echo_url}/h", (("X-Tag", "one"), ("X-Tag", "two")))
    values = sent_header(echoed(transport.send(request)), "X-Tag")
    # urllib3 sends two lines; httplib2 and urllib fold them (RFC 9110 §5.3 says it is the same).
    assert ", ".join(values) == "one, two"


def test_error_statuses_are_responses(transport: AnyTransport, echo_url: str) -> None:
    for status in (400, 401, 404, 500, 503):
        response = transport.send(Request("GET", f"{echo_url}/?status={status}"))
        assert response.status == status
        assert not response.ok
        assert echoed(response)["method"] == "GET"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_not_followed(transport: AnyTransport, echo_url: str, status: int) -> None:
    response = transport.send(
        Request("POST", f"{echo_url}/old?status={status}&set=Location:/new", body=b"x")
    )
    assert response.status == status
    assert response.is_redirect
    assert response.header("Location") == "/new"
    assert echoed(response)["path"] == "/old"


def test_response_headers_keep_repeats_and_values(transport: AnyTransport, echo_url: str) -> None:
    url = f"{echo_url}/?set=Set-Cookie:a%3D1&set=Set-Cookie:b%3D2&set=X-Empty:&set=X-One:1"
    response = transport.send(Request("GET", url))
    assert response.header_values("set-cookie") == ["a=1", "b=2"]
    # Names keep the case the server wrote them in.
    assert ("Set-Cookie", "a=1") in response.headers
    assert response.header("X-One") == "1"
    assert response.header("x-empty") == ""
    assert response.header("X-Absent") is None


def test_body_of_head_is_empty(transport: AnyTransport, echo_url: str) -> None:
    response = transport.send(Request("HEAD", f"{echo_url}/"))
    assert response.status == 200
    assert response.body == b""


def test_per_call_timeout(transport: AnyTransport) -> None:
    release = threading.Event()
    with serve(slow_app(release)) as url:
        try:
            with pytest.raises(TransportError, match="timed out") as caught:
                transport.send(Request("GET", f"{url}/slow"), timeout=0.2)
        finally:
            release.set()
    assert f"GET {url}/slow" in str(caught.value)
    assert caught.value.__cause__ is not None


def test_default_timeout(kind: str) -> None:
    release = threading.Event()
    with make(kind, timeout=0.2) as transport, serve(slow_app(release)) as url:
        try:
            with pytest.raises(TransportError, match="timed out"):
                transport.send(Request("GET", f"{url}/slow"))
        finally:
            release.set()


def test_per_call_timeout_reaches_a_reused_connection(transport: AnyTransport) -> None:
    release = threading.Event()
    with serve(slow_app(release)) as url:
        release.set()
        assert transport.send(Request("GET", f"{url}/fast")).body == b"late"
        release.clear()
        try:
            with pytest.raises(TransportError, match="timed out"):
                transport.send(Request("GET", f"{url}/slow"), timeout=0.2)
        finally:
            release.set()


def chain(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def test_connection_refused(transport: AnyTransport) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    with pytest.raises(TransportError, match="connection refused") as caught:
        transport.send(Request("GET", url))
    assert url in str(caught.value)
    assert caught.value.url == url
    assert any(isinstance(error, ConnectionRefusedError) for error in chain(caught.value))


def test_connection_reset(transport: AnyTransport) -> None:
    with reset_server() as url, pytest.raises(TransportError) as caught:
        transport.send(Request("POST", f"{url}/x", body=b"data"))
    assert f"POST {url}/x" in str(caught.value)
    assert caught.value.__cause__ is not None


def test_host_not_resolved(transport: AnyTransport, monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "unresolvable.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # pragma: no cover - only the named host is asked

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(TransportError, match="host name not resolved") as caught:
        transport.send(Request("GET", "http://unresolvable.test/x"))
    assert "http://unresolvable.test/x" in str(caught.value)


def test_secrets_in_the_url_are_masked_in_errors(transport: AnyTransport) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/x?oauth_signature=cs%26ts&oauth_verifier=v123&a=1"
    with pytest.raises(TransportError) as caught:
        transport.send(Request("GET", url))
    message = str(caught.value)
    assert "cs%26ts" not in message
    assert "v123" not in message
    assert "oauth_signature=***&oauth_verifier=***&a=1" in message


def test_tls_certificate_refused_by_default(kind: str, https_url: str) -> None:
    with (
        make(kind, timeout=5) as transport,
        pytest.raises(TransportError, match="TLS failure") as caught,
    ):
        transport.send(Request("GET", f"{https_url}/secure"))
    assert f"GET {https_url}/secure" in str(caught.value)


def test_tls_accepted_with_the_ca_file(kind: str, https_url: str, ca_file: str) -> None:
    with make(kind, timeout=5, ca_certs=ca_file) as transport:
        response = transport.send(Request("POST", f"{https_url}/secure", body=b"over tls"))
    assert response.status == 200
    assert echoed(response)["body"] == b"over tls"
    assert echoed(response)["url"] == f"{https_url}/secure"


@pytest.mark.parametrize("kind", ["urllib3", "urllib"])
def test_tls_accepted_with_an_ssl_context(kind: str, https_url: str, ca: trustme.CA) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with make(kind, timeout=5, ssl_context=context) as transport:
        assert transport.send(Request("GET", f"{https_url}/secure")).status == 200


def test_eight_threads_share_one_transport(transport: AnyTransport, echo_url: str) -> None:
    failures: list[BaseException] = []
    seen: list[str] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        try:
            for round_ in range(10):
                marker = f"t{number}-r{round_}"
                body = marker.encode()
                reply = transport.send(Request("PUT", f"{echo_url}/{marker}", body=body))
                data = echoed(reply)
                assert data["path"] == f"/{marker}"
                assert data["body"] == body
                with lock:
                    seen.append(marker)
        except BaseException as error:  # pragma: no cover - reported by the assert below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(set(seen)) == 80


def test_httplib2_shared_http_takes_turns(echo_url: str) -> None:
    import httplib2

    http = httplib2.Http(timeout=5, proxy_info=None)
    failures: list[BaseException] = []
    with Httplib2Transport(http) as transport:

        def work(number: int) -> None:
            try:
                for round_ in range(5):
                    body = f"{number}-{round_}".encode()
                    data = echoed(transport.send(Request("POST", f"{echo_url}/s", body=body)))
                    assert data["body"] == body
            except BaseException as error:  # pragma: no cover - reported by the assert below
                failures.append(error)

        threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    http.close()
    assert failures == []


def test_the_fragment_stays_home(transport: AnyTransport, echo_url: str) -> None:
    data = echoed(transport.send(Request("GET", f"{echo_url}/page?a=1#section-2")))
    assert data["url"] == f"{echo_url}/page?a=1"


def test_close_twice_is_harmless(kind: str, echo_url: str) -> None:
    transport = make(kind)
    transport.send(Request("GET", f"{echo_url}/"))
    transport.close()
    transport.close()


# Adapter-specific behaviour.


def test_urllib3_uses_the_pool_passed_in(echo_url: str) -> None:
    import urllib3

    pool = urllib3.PoolManager(headers={"X-Pool": "mine", "User-Agent": "pool/1"})
    with Urllib3Transport(pool) as transport:
        assert transport.pool is pool
        data = echoed(transport.send(Request("GET", f"{echo_url}/", (("user-agent", "me/2"),))))
    assert sent_header(data, "X-Pool") == ["mine"]
    assert sent_header(data, "User-Agent") == ["me/2"]
    # The pool passed in stays usable: closing the transport leaves it to its owner.
    assert pool.request("GET", f"{echo_url}/").status == 200
    pool.clear()


def test_urllib3_tls_options_need_no_pool() -> None:
    import urllib3

    with pytest.raises(ValueError, match="configure TLS on the pool"):
        Urllib3Transport(urllib3.PoolManager(), ca_certs="ca.pem")


def test_urllib3_refuses_a_ca_file_and_a_context_together(ca_file: str) -> None:
    # With both, urllib3 would load the CA file into the caller's own context.
    context = ssl.create_default_context()
    before = (context.cert_store_stats(), context.get_ca_certs())
    with pytest.raises(ValueError, match="give ca_certs or ssl_context, not both"):
        Urllib3Transport(ca_certs=ca_file, ssl_context=context)
    assert (context.cert_store_stats(), context.get_ca_certs()) == before


def test_httplib2_uses_the_http_passed_in(echo_url: str) -> None:
    import httplib2

    http = httplib2.Http(timeout=5, proxy_info=None)
    with Httplib2Transport(http) as transport:
        response = transport.send(Request("GET", f"{echo_url}/?status=302&set=Location:/x"))
        assert response.status == 302
        assert echoed(transport.send(Request("GET", f"{echo_url}/again")))["path"] == "/again"
    assert http.follow_redirects is False
    http.close()


def test_httplib2_refuses_a_caching_http(tmp_path: Path) -> None:
    import httplib2

    with pytest.raises(ValueError, match="without a cache"):
        Httplib2Transport(httplib2.Http(str(tmp_path / "cache")))


def test_httplib2_tls_options_need_no_http() -> None:
    import httplib2

    with pytest.raises(ValueError, match="configure TLS on the Http"):
        Httplib2Transport(httplib2.Http(), ca_certs="ca.pem")


def test_httplib2_falls_back_on_its_folded_headers(echo_url: str) -> None:
    import httplib2

    http = httplib2.Http(timeout=5, proxy_info=None)
    # A keep-alive connection made before the Http was handed over is httplib2's own kind.
    assert http.request(f"{echo_url}/warm")[0].status == 200
    with Httplib2Transport(http) as transport:
        url = f"{echo_url}/?set=Set-Cookie:a%3D1&set=Set-Cookie:b%3D2&set=Content-Location:/e"
        response = transport.send(Request("GET", url))
        plain = transport.send(Request("GET", f"{echo_url}/plain"))
    http.close()
    assert response.header_values("Set-Cookie") == ["a=1, b=2"]
    assert response.header("content-location") == "/e"
    assert ("content-type", "application/json") in response.headers
    # httplib2 stamps the request URL as Content-Location on a 200 GET; it is not the server's.
    assert plain.header("Content-Location") is None
    assert plain.header("status") is None


def test_compressed_replies(transport: AnyTransport, echo_url: str) -> None:
    asked = Request("GET", f"{echo_url}/?gzip=1", (("Accept-Encoding", "gzip"),))
    response = transport.send(asked)
    if isinstance(transport, Httplib2Transport):
        # httplib2 always decodes what it asked for; the headers then describe the bytes kept.
        assert response.header("Content-Encoding") is None
        assert response.header("Content-Length") == str(len(response.body))
        assert echoed(response)["path"] == "/"
    else:
        assert response.header("Content-Encoding") == "gzip"
        assert gzip.decompress(response.body).startswith(b"{")


def test_httplib2_keeps_a_content_location_the_server_sent(echo_url: str) -> None:
    with Httplib2Transport(timeout=5) as transport:
        plain = transport.send(Request("GET", f"{echo_url}/a"))
        sent = transport.send(Request("GET", f"{echo_url}/b?set=Content-Location:/elsewhere"))
    # httplib2 stamps the request URL as Content-Location on a 200 GET; that is not the server's.
    assert plain.header("Content-Location") is None
    assert plain.header("status") is None
    assert sent.header("Content-Location") == "/elsewhere"


def test_httplib2_does_not_ask_for_gzip(echo_url: str) -> None:
    with Httplib2Transport(timeout=5) as transport:
        data = echoed(transport.send(Request("GET", f"{echo_url}/")))
        asked = echoed(transport.send(Request("GET", f"{echo_url}/", (("Accept-Encoding", "br"),))))
    assert sent_header(data, "Accept-Encoding") == ["identity"]
    assert sent_header(asked, "Accept-Encoding") == ["br"]


def test_urllib_options() -> None:
    with pytest.raises(ValueError, match="ca_certs or ssl_context"):
        UrllibTransport(ca_certs="ca.pem", ssl_context=ssl.create_default_context())


@pytest.mark.parametrize(
    ("name", "library", "extra"),
    [("Urllib3Transport", "urllib3", "urllib3"), ("Httplib2Transport", "httplib2", "httplib2")],
)
def test_missing_library_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, name: str, library: str, extra: str
) -> None:
    import transports

    monkeypatch.setitem(__import__("sys").modules, library, None)
    with pytest.raises(ImportError, match=rf"pip install 'oauthcore\[{extra}\]'"):
        getattr(transports, name)()


def test_response_json_of_echo(transport: AnyTransport, echo_url: str) -> None:
    response = transport.send(Request("GET", f"{echo_url}/j"))
    assert json.loads(response.text)["path"] == "/j"


def test_httplib2_reconnects_after_the_server_closed(echo_url: str) -> None:
    with Httplib2Transport(timeout=5) as transport:
        first = transport.send(Request("GET", f"{echo_url}/?set=Connection:close"))
        # The pooled connection is now closed; the next call (with its own timeout) reopens it.
        second = transport.send(Request("GET", f"{echo_url}/next"), timeout=3)
    assert first.status == second.status == 200
    assert echoed(second)["path"] == "/next"


def test_a_401_with_a_bare_oauth_challenge_is_a_response(
    transport: AnyTransport, echo_url: str
) -> None:
    # httplib2 on its own raises on this (valid, RFC 7235 §4.1) challenge.
    url = f"{echo_url}/?status=401&set=WWW-Authenticate:OAuth"
    response = transport.send(Request("GET", url))
    assert response.status == 401
    assert response.header("WWW-Authenticate") == "OAuth"


def test_each_failure_has_its_class(
    transport: AnyTransport, https_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every adapter maps its library's exceptions to the TransportError subclass of the cause.
    with pytest.raises(ConnectionFailed, match="connection refused"):
        transport.send(Request("GET", f"http://127.0.0.1:{closed_port()}/x"))
    with reset_server() as url, pytest.raises(ConnectionFailed):
        transport.send(Request("POST", f"{url}/x", body=b"data"))
    with pytest.raises(TLSError, match="TLS failure"):
        transport.send(Request("GET", f"{https_url}/secure"))
    release = threading.Event()
    with serve(slow_app(release)) as url:
        try:
            with pytest.raises(TransportTimeout, match="timed out"):
                transport.send(Request("GET", f"{url}/slow"), timeout=0.2)
        finally:
            release.set()

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(NameResolutionError, match="host name not resolved"):
        transport.send(Request("GET", "http://unresolvable.test/x"))


def test_a_failure_of_no_known_kind_is_a_plain_transport_error() -> None:
    from transports.adapters._errors import failure, socket_kind

    cause = ValueError("bad status line")
    assert socket_kind(cause) is None
    error = failure(Request("GET", "http://h/"), cause, socket_kind(cause))
    assert type(error) is TransportError
    assert str(error) == "GET http://h/: request failed (ValueError: bad status line)"
