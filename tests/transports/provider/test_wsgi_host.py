"""transports.wsgi: the URL a provider verifies is built from a validated Host (RFC 9110 §7.2).

A signature covers scheme, host, port, path and query (RFC 5849 §3.4.1.2). If the ``Host``
header were pasted into that URL as received, ``Host: api.example.com/api/me?fields=name#`` would
turn the real path and query into a fragment, and a signature made for one resource would verify
for any other on the host. These tests replay such a request over a real socket and through a
hand-built environ, then try hostile and valid ``Host`` and ``SERVER_NAME`` values one by one.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit
from wsgiref.types import StartResponse, WSGIEnvironment
from wsgiref.util import setup_testing_defaults

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oauthcore import Consumer, Request, Token, TokenKind, sign
from oauthcore.credentials import MemoryCredentialStore
from oauthcore.nonces import MemoryNonceStore
from tests.servers import serve
from transports.wsgi import HTTPProblem, ProtectedResource, Reply, request_from_environ

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as")
ATTACK = "/api/me?fields=name#"


def environ_for(**values: object) -> WSGIEnvironment:
    environ: WSGIEnvironment = {}
    setup_testing_defaults(environ)
    environ.update(values)
    return environ


class Resource:
    """``ProtectedResource`` around an app that records every request it ran."""

    def __init__(self) -> None:
        credentials = MemoryCredentialStore([CONSUMER])
        credentials.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
        self.ran: list[tuple[str, str]] = []
        self.wsgi = ProtectedResource(self.app, credentials, MemoryNonceStore())

    def app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.ran.append((environ["PATH_INFO"], environ["QUERY_STRING"]))
        return Reply.text(200, "done")(start_response)

    def call(self, environ: WSGIEnvironment) -> tuple[str, bytes]:
        started: list[str] = []

        def start_response(status: str, headers: object, exc_info: object = None) -> object:
            started.append(status)
            return None

        body = b"".join(self.wsgi(environ, start_response))  # type: ignore[arg-type]
        return started[-1], body


def authorization(url: str) -> str:
    """The Authorization header a client sends for ``GET url`` (never sent: the attacker has it)."""
    signed = sign(Request("GET", url), CONSUMER, ACCESS)
    header = signed.header("Authorization")
    assert header is not None
    return header


def environ_get(host: str, path: str, query: str, header: str) -> WSGIEnvironment:
    environ = environ_for(
        REQUEST_METHOD="GET",
        HTTP_HOST=host,
        PATH_INFO=path,
        QUERY_STRING=query,
        HTTP_AUTHORIZATION=header,
    )
    environ["wsgi.url_scheme"] = "http"
    return environ


def raw_get(base: str, target: str, host: str, header: str) -> tuple[int, bytes]:
    """Send ``GET target`` with exactly this Host header over a plain socket; status and body."""
    port = urlsplit(base).port
    assert port is not None
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {header}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode("latin-1"))
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


# ---- the attack, end to end -------------------------------------------------------------------


def test_a_signature_for_one_path_does_not_verify_for_another_over_http() -> None:
    resource = Resource()
    with serve(resource.wsgi) as base:
        authority = urlsplit(base).netloc
        header = authorization(f"{base}/api/me?fields=name")
        status, body = raw_get(base, "/api/admin/delete?user=alice", authority + ATTACK, header)
        assert (status, resource.ran) == (400, [])
        assert body.startswith(b"the Host header is not")
        assert b"oauth_signature" not in body
        assert header.encode() not in body
        # The same signature, sent as signed, still works: only the forged Host was refused.
        status, body = raw_get(base, "/api/me?fields=name", authority, header)
        assert (status, body) == (200, b"done\n")
        assert resource.ran == [("/api/me", "fields=name")]


def test_the_server_passes_the_raw_host_header_through() -> None:
    # What the test above relies on, as gunicorn and werkzeug also do: no Host validation.
    seen: list[str] = []

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen.append(environ["HTTP_HOST"])
        return Reply.text(200, "ok")(start_response)

    with serve(app) as base:
        raw_get(base, "/", "api.example.com/x?y#", "-")
    assert seen == ["api.example.com/x?y#"]


def test_a_signature_for_one_path_does_not_verify_for_another_in_an_environ() -> None:
    resource = Resource()
    header = authorization("http://api.example.com/api/me?fields=name")
    environ = environ_get("api.example.com" + ATTACK, "/api/admin/delete", "user=alice", header)
    status, body = resource.call(environ)
    assert status == "400 Bad Request"
    assert resource.ran == []
    assert body == b"the Host header is not a host name, IPv4 address or [IPv6] literal with" + (
        b" an optional port (RFC 9110 \xc2\xa77.2): 'api.example.com/api/me?fields=name#'\n"
    )


def test_a_virtual_host_over_http_still_verifies() -> None:
    resource = Resource()
    with serve(resource.wsgi) as base:
        header = authorization("http://API.Example.com/api/me?fields=name")
        status, _ = raw_get(base, "/api/me?fields=name", "API.Example.com", header)
    assert status == 200
    assert resource.ran == [("/api/me", "fields=name")]


# ---- Host values one by one --------------------------------------------------------------------

HOSTILE_HOSTS = [
    "api.example.com" + ATTACK,
    "api.example.com/",
    "api.example.com?x=1",
    "api.example.com#",
    "user@api.example.com",
    "api.example.com@evil.example",
    "evil.example\\@api.example.com",
    "api.example.com\\",
    "api example.com",
    "api.example.com ",
    " api.example.com",
    "api.example.com\t",
    "\tapi.example.com",
    "api.example.com\r\nX-Injected: 1",
    "api.example.com\n",
    "api.example.com\x00",
    "api.example.com\x7f",
    "",
    "exämple.com",
    "ex\xc3\xa4mple.com",  # UTF-8 bytes as PEP 3333 hands them over: latin-1 characters
    "api.example.com\ud800",
    "xn--exmple-cua.com\u200b",
    "a" * 300,
    "a" * (64 << 10),
    "api.example.com:",
    "api.example.com:99999",
    "api.example.com:65536",
    "api.example.com:8a",
    "api.example.com:-1",
    "api.example.com:+80",
    "api.example.com: 80",
    "api.example.com:\u0668\u0660",  # Arabic-Indic digits: str.isdigit() says yes
    "api.example.com:80:80",
    ":80",
    "api.example.com, evil.example",  # two Host headers, folded into one by the server
    "api.example.com%2Fadmin",
    "api.example.com;x",
    "[::1",
    "[zz]",
    "[]",
    "[::1]x",
    "[::1]:",
    "[::1]:99999",
    "[fe80::1%25eth0]",
    "[v1.fe80::a+en1]",
    "::1",
    "[127.0.0.1]",
    "1.2.3.999",
    "01.2.3.4",
    "1.2.3",
]

GOOD_HOSTS = [
    "api.example.com",
    "API.Example.com:8443",
    "127.0.0.1:8000",
    "[::1]:8080",
    "[2001:db8::1]",
    "[2001:DB8::A]:443",
    "[::ffff:192.0.2.1]",
    "localhost",
    "my_service:5000",
    "example.com.",
    "xn--exmple-cua.com",
    "api.example.com:080",
    "a" * 253 + ":65535",
]


@pytest.mark.parametrize("host", HOSTILE_HOSTS, ids=ascii)
def test_a_hostile_host_is_refused(host: str) -> None:
    with pytest.raises(HTTPProblem) as caught:
        request_from_environ(environ_get(host, "/api/me", "", "-"))
    assert caught.value.status == 400
    message = caught.value.message
    assert message.startswith("the Host header is not")
    # The value is shown repr'd (no raw control character, no new line) and cut short.
    assert message.endswith(repr(host[:40]) + ("..." if len(host) > 40 else ""))
    assert len(message) < 200


@pytest.mark.parametrize("host", HOSTILE_HOSTS, ids=ascii)
def test_a_hostile_host_never_reaches_the_app(host: str) -> None:
    resource = Resource()
    header = authorization("http://api.example.com/api/me")
    status, body = resource.call(environ_get(host, "/api/me", "", header))
    assert (status, resource.ran) == ("400 Bad Request", [])
    assert header.encode() not in body


@pytest.mark.parametrize("host", GOOD_HOSTS)
def test_a_valid_host_still_verifies(host: str) -> None:
    resource = Resource()
    header = authorization(f"http://{host}/api/me?fields=name")
    status, _ = resource.call(environ_get(host, "/api/me", "fields=name", header))
    assert status == "200 OK"
    assert resource.ran == [("/api/me", "fields=name")]
    assert request_from_environ(environ_get(host, "/a", "", "-")).url == f"http://{host}/a"


# ---- without a Host header: SERVER_NAME and SERVER_PORT ---------------------------------------


def server_environ(name: str, port: str, scheme: str = "http") -> WSGIEnvironment:
    environ = environ_for(SERVER_NAME=name, SERVER_PORT=port, PATH_INFO="/p")
    environ["wsgi.url_scheme"] = scheme
    del environ["HTTP_HOST"]
    return environ


@pytest.mark.parametrize(
    ("name", "port", "scheme", "url"),
    [
        ("example.org", "80", "http", "http://example.org/p"),
        ("example.org", "443", "https", "https://example.org/p"),
        ("example.org", "80", "https", "https://example.org:80/p"),
        ("127.0.0.1", "8000", "http", "http://127.0.0.1:8000/p"),
        # A server listening on IPv6 (werkzeug, gunicorn) puts the bare address in SERVER_NAME.
        ("::1", "8080", "http", "http://[::1]:8080/p"),
        ("::", "443", "https", "https://[::]/p"),
        ("[::1]", "8080", "http", "http://[::1]:8080/p"),
        ("Example.ORG", "8443", "HTTPS", "https://Example.ORG:8443/p"),
    ],
)
def test_server_name_and_port(name: str, port: str, scheme: str, url: str) -> None:
    assert request_from_environ(server_environ(name, port, scheme)).url == url


@pytest.mark.parametrize(
    ("name", "port"),
    [
        ("example.org/p?q#", "80"),
        ("user@example.org", "80"),
        ("exa mple.org", "80"),
        ("", "80"),
        ("example.org:81", "80"),
        ("fe80::1%eth0", "80"),
        ("example.org", ""),
        ("example.org", "8a"),
        ("example.org", "99999"),
        ("example.org", "80/admin"),
        ("/run/app.sock", ""),  # gunicorn on a unix socket, asked without a Host header
    ],
)
def test_a_bad_server_name_or_port_is_refused(name: str, port: str) -> None:
    with pytest.raises(HTTPProblem) as caught:
        request_from_environ(server_environ(name, port))
    assert caught.value.status == 400
    assert caught.value.message.startswith("SERVER_NAME and SERVER_PORT do not make a host")


def test_an_empty_host_header_is_refused_not_replaced() -> None:
    # An empty Host means the target URI had no authority (RFC 9110 §7.2): nothing to verify.
    environ = server_environ("example.org", "80")
    environ["HTTP_HOST"] = ""
    with pytest.raises(HTTPProblem, match="the Host header is not"):
        request_from_environ(environ)


def test_a_host_of_none_counts_as_absent() -> None:
    # Not what PEP 3333 allows, but read as str() it would be the host name "None".
    environ = server_environ("example.org", "8080")
    environ["HTTP_HOST"] = None
    assert request_from_environ(environ).url == "http://example.org:8080/p"


@pytest.mark.parametrize("scheme", ["ftp", "", "http://evil.example/x?", "https:"])
def test_the_scheme_must_be_http_or_https(scheme: str) -> None:
    environ = environ_for(HTTP_HOST="api.example.com", PATH_INFO="/p")
    environ["wsgi.url_scheme"] = scheme
    with pytest.raises(HTTPProblem) as caught:
        request_from_environ(environ)
    assert caught.value.status == 400
    assert caught.value.message == f"wsgi.url_scheme must be http or https, not {scheme!r}"


@pytest.mark.parametrize(
    ("script", "path"), [("", "@evil.example/api/me"), ("", ":8080/api/me"), ("app", "/x")]
)
def test_a_path_that_does_not_start_with_a_slash_is_refused(script: str, path: str) -> None:
    # PEP 3333: SCRIPT_NAME and PATH_INFO are empty or start with "/". Anything else would be
    # read as part of the authority of the URL that is verified.
    environ = environ_for(HTTP_HOST="api.example.com", SCRIPT_NAME=script, PATH_INFO=path)
    with pytest.raises(HTTPProblem) as caught:
        request_from_environ(environ)
    assert caught.value.status == 400
    assert caught.value.message == "the request path must start with '/'"


@pytest.mark.parametrize("path", ["/caf\u00e9\u2615", "/\ud800", "/\U0001f600"])
def test_a_path_beyond_latin1_is_refused(path: str) -> None:
    # PEP 3333 hands the path over as latin-1 text of its bytes; anything beyond has no bytes.
    environ = environ_for(HTTP_HOST="api.example.com", PATH_INFO=path)
    with pytest.raises(HTTPProblem) as caught:
        request_from_environ(environ)
    assert (caught.value.status, caught.value.message) == (
        400,
        "the request path is not latin-1 text (PEP 3333)",
    )


@pytest.mark.parametrize("headers", [{"HTTP_X_TITLE": "\u2615"}, {"QUERY_STRING": "a=\ud800"}])
def test_a_header_or_query_beyond_what_the_wire_carries_is_refused(headers: dict[str, str]) -> None:
    environ = environ_for(HTTP_HOST="api.example.com", PATH_INFO="/p", **headers)
    with pytest.raises(HTTPProblem) as caught:
        request_from_environ(environ)
    assert caught.value.status == 400


# ---- any text at all ---------------------------------------------------------------------------

HOST_ALPHABET = st.sampled_from(list("aZ09.-_~:[]/?#@\\%!$&'()*+,;= \t\r\n\x00\x7féä\ud800"))


def request_or_status(environ: WSGIEnvironment) -> Request | int:
    try:
        return request_from_environ(environ)
    except HTTPProblem as problem:
        return problem.status


def expected_base(host: str) -> str:
    """The authority of the base string URI, as the standard library reads ``host``."""
    parts = urlsplit(f"http://{host}/")
    name = parts.hostname or ""
    if ":" in name:
        name = f"[{name}]"
    return name if parts.port in (None, 80) else f"{name}:{parts.port}"


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    host=st.one_of(
        st.text(st.characters()),  # the whole alphabet, surrogates and controls included
        st.text(HOST_ALPHABET),
        st.binary().map(lambda raw: raw.decode("latin-1")),
        st.sampled_from(HOSTILE_HOSTS + GOOD_HOSTS),
        st.builds(lambda a, b: f"{a}:{b}", st.sampled_from(GOOD_HOSTS[:2]), st.text()),
        st.from_regex(r"[A-Za-z0-9._~-]{1,20}(:[0-9]{0,6})?", fullmatch=True),
        st.builds(lambda ip, port: f"[{ip}]{port}", st.ip_addresses(), st.sampled_from(["", ":1"])),
    )
)
@example(host="[::1]:080")
@example(host="0.0.0.0")
def test_any_host_gives_that_authority_or_a_400(host: str) -> None:
    body = b"x"
    environ = environ_get(host, "/p", "", "-")
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = "1"
    request = request_or_status(environ)
    if not isinstance(request, Request):
        assert request == 400
        return
    assert request.url == f"http://{host}/p"
    assert request.base_string_uri == f"http://{expected_base(host)}/p"
    assert request.body == body
