"""Behind a proxy: the public URL from trusted proxies only (RFC 7239, RFC 5849 §3.4.1.2).

A real TLS-terminating proxy (tests/tls_proxy.py) sits in front of a real WSGI server; the client
signs the public ``https://`` URL, the application sees ``http``. Clients connect from
127.0.0.2 and the proxies from 127.0.0.1, so the application can trust the one and not the
other. Then the pure pieces: the RFC 7239 grammar, chains of proxies, hostile values.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
import trustme
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oauthcore import Consumer, Request, Token, TokenKind, sign
from oauthcore.credentials import MemoryCredentialStore
from oauthcore.nonces import MemoryNonceStore
from tests.tls_proxy import tls_proxy
from transports.demo.server import make_demo_server
from transports.provider import OriginPolicy, parse_forwarded
from transports.provider.hosts import host_and_port
from transports.wsgi import (
    HTTPProblem,
    ProtectedResource,
    PublicOrigin,
    Reply,
    TrustedProxies,
    request_from_environ,
    verified,
)

CONSUMER = Consumer("ck", "cs")
ACCESS = Token("at", "as")
CLIENT_ADDRESS = "127.0.0.2"


def resource(origin: OriginPolicy | None) -> ProtectedResource:
    credentials = MemoryCredentialStore([CONSUMER])
    credentials.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return Reply.json(200, {"consumer": verified(environ).consumer.key})(start_response)

    return ProtectedResource(app, credentials, MemoryNonceStore(), origin=origin)


@contextmanager
def backend(origin: OriginPolicy | None) -> Iterator[str]:
    """A real WSGI server (wsgiref, which sets REMOTE_ADDR) on 127.0.0.1."""
    server = make_demo_server(resource(origin), "127.0.0.1", 0, None)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def send(
    url: str,
    signed_for: str,
    *,
    context: ssl.SSLContext | None = None,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
) -> tuple[int, bytes]:
    """Sign for ``signed_for``, send to ``url`` from 127.0.0.2; the status and body."""
    method = "POST" if body else "GET"
    form = [("Content-Type", "application/x-www-form-urlencoded")] if body else []
    signed = sign(Request(method, signed_for, form, body), CONSUMER, ACCESS)
    parts = urlsplit(url)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "",
            parts.port,
            timeout=5,
            context=context,
            source_address=(CLIENT_ADDRESS, 0),
        )
    else:
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=5, source_address=(CLIENT_ADDRESS, 0)
        )
    target = urlsplit(signed.url)
    path = target.path + (f"?{target.query}" if target.query else "")
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", parts.netloc)
        for name, value in [*signed.headers, *headers]:
            connection.putheader(name, value)
        if signed.body:
            connection.putheader("Content-Length", str(len(signed.body)))
        connection.endheaders(signed.body or None)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


# --- behind a real TLS-terminating proxy --------------------------------------------------------


@pytest.mark.parametrize("header", ["x-forwarded", "forwarded"])
def test_verification_passes_behind_a_tls_terminating_proxy(
    header: str, server_context: ssl.SSLContext, client_context: ssl.SSLContext
) -> None:
    trusted = TrustedProxies(["127.0.0.1"], header=header)  # type: ignore[arg-type]
    with backend(trusted) as app_url, tls_proxy(app_url, server_context, header=header) as public:
        url = f"{public}/api/me?fields=name"
        status, body = send(url, url, context=client_context)
        assert (status, json.loads(body)) == (200, {"consumer": "ck"})
        form = b"note=behind+a+proxy&x=%E2%9C%93"
        assert send(url, url, context=client_context, body=form)[0] == 200


def test_without_trusted_proxies_the_rebuilt_url_says_http(
    server_context: ssl.SSLContext, client_context: ssl.SSLContext
) -> None:
    # The failure this feature is for: the client signed https, the application rebuilt http.
    with backend(None) as app_url, tls_proxy(app_url, server_context) as public:
        url = f"{public}/api/me"
        status, body = send(url, url, context=client_context)
    assert status == 401
    assert b"signature_invalid" in body


@pytest.mark.parametrize("header", ["x-forwarded", "forwarded"])
def test_a_chain_of_two_trusted_proxies(
    header: str, server_context: ssl.SSLContext, client_context: ssl.SSLContext
) -> None:
    trusted = TrustedProxies(["127.0.0.1"], header=header)  # type: ignore[arg-type]
    with (
        backend(trusted) as app_url,
        tls_proxy(app_url, server_context, header=header) as inner,
        tls_proxy(inner, server_context, header=header, backend_context=client_context) as outer,
    ):
        url = f"{outer}/api/me"
        assert send(url, url, context=client_context)[0] == 200
        # The inner proxy's own address and port are not the public URL.
        assert send(url, f"{inner}/api/me", context=client_context)[0] == 401


SPOOFS = {
    "x-forwarded": [
        ("X-Forwarded-For", "127.0.0.1"),
        ("X-Forwarded-Proto", "http"),
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Port", "8080"),
    ],
    "forwarded": [("Forwarded", "for=127.0.0.1;proto=http;host=evil.example")],
}


@pytest.mark.parametrize("header", ["x-forwarded", "forwarded"])
def test_a_client_spoof_through_the_proxy_is_ignored(
    header: str, server_context: ssl.SSLContext, client_context: ssl.SSLContext
) -> None:
    # The client claims to be a trusted proxy itself; the proxy appends the truth after it.
    trusted = TrustedProxies(["127.0.0.1"], header=header)  # type: ignore[arg-type]
    spoof = SPOOFS[header]
    with backend(trusted) as app_url, tls_proxy(app_url, server_context, header=header) as public:
        url = f"{public}/api/me"
        assert send(url, url, context=client_context, headers=spoof)[0] == 200
        evil = send(url, "http://evil.example:8080/api/me", context=client_context, headers=spoof)
        assert evil[0] == 401


@pytest.mark.parametrize("header", ["x-forwarded", "forwarded"])
def test_a_spoof_from_an_untrusted_client_is_ignored(header: str) -> None:
    # The application trusts a proxy network the client is not in: its headers count for nothing.
    trusted = TrustedProxies(["10.0.0.0/8"], header=header)  # type: ignore[arg-type]
    spoof = {
        "x-forwarded": [
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "api.example.com"),
            ("X-Forwarded-For", "10.0.0.1"),
        ],
        "forwarded": [("Forwarded", "for=10.0.0.1;proto=https;host=api.example.com")],
    }[header]
    with backend(trusted) as app_url:
        direct = f"{app_url}/api/me"
        status, _ = send(direct, "https://api.example.com/api/me", headers=spoof)
        assert status == 401
        # The URL verified is the direct one, whatever the headers say.
        assert send(direct, direct, headers=spoof)[0] == 200
        # And a malformed header from an untrusted peer is not even read.
        assert send(direct, direct, headers=[("Forwarded", 'for="')])[0] == 200


# --- the WSGI environ ---------------------------------------------------------------------------


def environ(peer: str | None = "10.0.0.5", **headers: str) -> WSGIEnvironment:
    values: WSGIEnvironment = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "10.0.0.9:8080",
        "PATH_INFO": "/api/me",
        "QUERY_STRING": "",
        "SERVER_NAME": "10.0.0.9",
        "SERVER_PORT": "8080",
    }
    if peer is not None:
        values["REMOTE_ADDR"] = peer
    values.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    return values


PROXIES = TrustedProxies(["10.0.0.0/8", "2001:db8::/32"])
FORWARDED = TrustedProxies(["10.0.0.0/8", "2001:db8::/32"], header="forwarded")


def url_of(values: WSGIEnvironment, origin: OriginPolicy | None) -> str:
    return request_from_environ(values, origin=origin).url


def test_x_forwarded_from_a_trusted_peer() -> None:
    values = environ(
        x_forwarded_for="203.0.113.7",
        x_forwarded_proto="https",
        x_forwarded_host="API.example.com",
        x_forwarded_port="443",
    )
    assert url_of(values, PROXIES) == "https://API.example.com/api/me"
    assert url_of(values, None) == "http://10.0.0.9:8080/api/me"


@pytest.mark.parametrize(
    ("headers", "url"),
    [
        ({"x_forwarded_proto": "HTTPS"}, "https://10.0.0.9:8080/api/me"),
        ({"x_forwarded_host": "api.example.com:8443"}, "http://api.example.com:8443/api/me"),
        (
            {"x_forwarded_host": "api.example.com:8443", "x_forwarded_port": "9443"},
            "http://api.example.com:9443/api/me",
        ),
        ({"x_forwarded_host": "[2001:db8::1]", "x_forwarded_proto": "https"}, None),
        ({}, "http://10.0.0.9:8080/api/me"),
        # A port without a host has nothing to apply to.
        ({"x_forwarded_port": "443"}, "http://10.0.0.9:8080/api/me"),
        # Appending proxies: the outermost trusted proxy's value, by the X-Forwarded-For walk.
        (
            {
                "x_forwarded_for": "198.51.100.1, 10.0.0.7",
                "x_forwarded_proto": "https, http",
                "x_forwarded_host": "evil.example, api.example.com, 10.0.0.9:8080",
            },
            "https://api.example.com/api/me",
        ),
    ],
)
def test_x_forwarded_values(headers: dict[str, str], url: str | None) -> None:
    expected = url or "https://[2001:db8::1]/api/me"
    assert url_of(environ(**headers), PROXIES) == expected


def test_x_forwarded_for_walks_from_the_right() -> None:
    # 203.0.113.9 is the client; "10.0.0.1" before it is what the client claimed, never trusted.
    values = environ(
        x_forwarded_for="10.0.0.1, 203.0.113.9, 10.0.0.2",
        x_forwarded_host="spoof.example, real.example, inner.example",
    )
    assert url_of(values, PROXIES) == "http://real.example/api/me"


def test_an_untrusted_or_missing_peer_is_the_direct_url() -> None:
    spoof = {"x_forwarded_proto": "https", "x_forwarded_host": "api.example.com"}
    assert url_of(environ("192.0.2.1", **spoof), PROXIES) == "http://10.0.0.9:8080/api/me"
    assert url_of(environ(None, **spoof), PROXIES) == "http://10.0.0.9:8080/api/me"
    assert url_of(environ("not an address", **spoof), PROXIES) == "http://10.0.0.9:8080/api/me"


@pytest.mark.parametrize(
    "peer", ["2001:db8::5", "[2001:db8::5]", "[2001:db8::5]:443", "::ffff:10.1.2.3", "10.1.2.3:80"]
)
def test_peer_forms(peer: str) -> None:
    assert url_of(environ(peer, x_forwarded_proto="https"), PROXIES).startswith("https://")


@pytest.mark.parametrize(
    ("forwarded", "url"),
    [
        ('for=203.0.113.7;proto=https;host="api.example.com"', "https://api.example.com/api/me"),
        ("for=203.0.113.7;proto=https", "https://10.0.0.9:8080/api/me"),
        ('for=203.0.113.7;host="api.example.com:80"', "http://api.example.com/api/me"),
        ("for=203.0.113.7", "http://10.0.0.9:8080/api/me"),
        ("", "http://10.0.0.9:8080/api/me"),
        # Appended by two trusted proxies after a client's own claim: the outer proxy's element.
        (
            "proto=http;host=evil.example, for=203.0.113.7;proto=https;host=api.example.com,"
            ' for="10.0.0.3:4711";proto=http;host=inner',
            "https://api.example.com/api/me",
        ),
        # Every hop trusted: the leftmost element is the nearest to the client there is.
        (
            'for=10.0.0.1;proto=https;host=a.example, for="[2001:db8::1]";host=b.example',
            "https://a.example/api/me",
        ),
        # RFC 7239 §6.2-6.3: an unknown or obfuscated node is never a trusted proxy.
        ('for=unknown;host=a.example, for="_hidden";host=b.example', "http://b.example/api/me"),
    ],
)
def test_forwarded_values(forwarded: str, url: str) -> None:
    assert url_of(environ(forwarded=forwarded), FORWARDED) == url


def test_each_trusted_list_reads_only_its_own_header() -> None:
    values = environ(forwarded="proto=https;host=a.example", x_forwarded_host="b.example")
    assert url_of(values, FORWARDED) == "https://a.example/api/me"
    assert url_of(values, PROXIES) == "http://b.example/api/me"


@pytest.mark.parametrize(
    "forwarded",
    [
        "for",
        "for=",
        'for="unterminated',
        "for=a b=c",
        "for=1;FOR=2",
        "for=a;proto=https;proto=http",
        'host="x"y',
        "=x",
        "for=\u0100",
        "host=a.example:80",
        "for=a,=",
        ";;x",
    ],
)
def test_a_malformed_forwarded_header_is_refused(forwarded: str) -> None:
    with pytest.raises(HTTPProblem, match="Forwarded") as caught:
        url_of(environ(forwarded=forwarded), FORWARDED)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("headers", "origin"),
    [
        ({"forwarded": "proto=ftp"}, FORWARDED),
        ({"forwarded": 'host="api.example.com/api/me?#"'}, FORWARDED),
        ({"forwarded": 'host="a.example:99999"'}, FORWARDED),
        ({"forwarded": 'host="[::1%eth0]"'}, FORWARDED),
        ({"forwarded": 'host=""'}, FORWARDED),
        ({"forwarded": 'proto="https\u00e9"'}, FORWARDED),
        ({"x_forwarded_proto": "javascript"}, PROXIES),
        ({"x_forwarded_proto": "HTTP\u017f"}, PROXIES),
        ({"x_forwarded_host": "a.example@b.example"}, PROXIES),
        ({"x_forwarded_host": "a.example", "x_forwarded_port": "65536"}, PROXIES),
        ({"x_forwarded_host": "a.example", "x_forwarded_port": "\u0661"}, PROXIES),
        ({"x_forwarded_host": "a.example", "x_forwarded_port": "x"}, PROXIES),
    ],
)
def test_a_hostile_forwarded_value_is_refused(
    headers: dict[str, str], origin: TrustedProxies
) -> None:
    with pytest.raises(HTTPProblem, match="from a trusted proxy is malformed") as caught:
        url_of(environ(**headers), origin)
    assert caught.value.status == 400


def test_a_refused_value_reaches_neither_the_app_nor_past_40_characters() -> None:
    ran: list[str] = []

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        ran.append("ran")
        return Reply.text(200, "ok")(start_response)

    guarded = ProtectedResource(app, MemoryCredentialStore([CONSUMER]), None, origin=FORWARDED)
    started: list[str] = []

    def start_response(status: str, headers: object, exc_info: object = None) -> object:
        started.append(status)
        return None

    hostile = environ(forwarded='host="' + "a" * 300 + '/"')
    body = b"".join(guarded(hostile, start_response))  # type: ignore[arg-type]
    assert started == ["400 Bad Request"]
    assert ran == []
    assert b"a" * 41 not in body


def test_parse_forwarded_reads_rfc_7239_examples() -> None:
    assert parse_forwarded('for="_gazonk"') == [{"for": "_gazonk"}]
    assert parse_forwarded('For="[2001:db8:cafe::17]:4711"') == [
        {"for": "[2001:db8:cafe::17]:4711"}
    ]
    assert parse_forwarded("for=192.0.2.60;proto=http;by=203.0.113.43") == [
        {"for": "192.0.2.60", "proto": "http", "by": "203.0.113.43"}
    ]
    assert parse_forwarded("for=192.0.2.43, for=198.51.100.17") == [
        {"for": "192.0.2.43"},
        {"for": "198.51.100.17"},
    ]
    assert parse_forwarded(' for=a ;; , ,host="h\\"q" ') == [{"for": "a"}, {"host": 'h"q'}]
    assert parse_forwarded("") == []


def test_public_origin_ignores_every_header() -> None:
    origin = PublicOrigin("HTTPS://api.example.com:443/")
    spoof = {"x_forwarded_host": "evil.example", "forwarded": "host=evil.example"}
    assert url_of(environ(**spoof), origin) == "https://api.example.com/api/me"
    assert url_of(environ(), PublicOrigin("http://[::1]:8080")) == "http://[::1]:8080/api/me"


@pytest.mark.parametrize(
    "url", ["api.example.com", "ftp://api.example.com", "https://", "https://a/b", "https://a:x"]
)
def test_a_bad_public_origin_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="public origin must be"):
        PublicOrigin(url)


def test_trusted_proxies_are_checked_once() -> None:
    with pytest.raises(TypeError, match="list of networks"):
        TrustedProxies("10.0.0.0/8")
    with pytest.raises(ValueError, match="does not appear to be"):
        TrustedProxies(["10.0.0.0/33"])
    with pytest.raises(ValueError, match="header must be"):
        TrustedProxies(["10.0.0.0/8"], header="x-real-ip")  # type: ignore[arg-type]
    assert PROXIES.trusts("10.200.0.1")
    assert not PROXIES.trusts("11.0.0.1")
    assert not PROXIES.trusts(None)
    assert not PROXIES.trusts("[2001:db8::1")
    assert not PROXIES.trusts("[2001:db8::1]x")


def test_the_endpoints_take_an_origin_too() -> None:
    from transports.wsgi import TokenEndpoints

    store = MemoryCredentialStore([CONSUMER])
    endpoints = TokenEndpoints(store, MemoryNonceStore(), origin=PublicOrigin("https://a.example"))
    assert endpoints.origin == PublicOrigin("https://a.example")


# --- hostile input, all of Unicode ---------------------------------------------------------------

HEADER_TEXT = st.text(st.characters(), max_size=200)
FORWARDED_LIKE = st.lists(
    st.tuples(
        st.sampled_from(["for", "proto", "host", "by", "For", "x"]),
        st.one_of(HEADER_TEXT, st.sampled_from(["https", '"[::1]:8"', "10.0.0.1", '"a\\"b"'])),
    ),
    max_size=6,
).map(lambda pairs: ", ".join(f"{name}={value}" for name, value in pairs))


def _checked(url: str) -> None:
    scheme, _, rest = url.partition("://")
    assert scheme in ("http", "https")
    host_and_port(rest.partition("/")[0])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(HEADER_TEXT, FORWARDED_LIKE))
@example('for=10.0.0.1;host="a.example:1", for=10.0.0.2;proto=https')
@example("host=\ud800")
def test_any_forwarded_header_is_a_checked_url_or_a_400(forwarded: str) -> None:
    try:
        url = url_of(environ(forwarded=forwarded), FORWARDED)
    except HTTPProblem as problem:
        refused = problem
    else:
        _checked(url)
        return
    assert refused.status == 400
    assert forwarded[40:] == "" or forwarded not in refused.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HEADER_TEXT, HEADER_TEXT, HEADER_TEXT, HEADER_TEXT)
def test_any_x_forwarded_headers_are_a_checked_url_or_a_400(
    for_: str, proto: str, host: str, port: str
) -> None:
    values = environ(
        x_forwarded_for=for_, x_forwarded_proto=proto, x_forwarded_host=host, x_forwarded_port=port
    )
    try:
        url = url_of(values, PROXIES)
    except HTTPProblem as problem:
        refused = problem
    else:
        _checked(url)
        return
    assert refused.status == 400


def _refusing_time(size: int) -> float:
    # Valid elements all the way, refused only at the very end: every element is read.
    header = "for=10.0.0.1;proto=https;host=a.example, " * (size // 41) + "x"
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        with pytest.raises(HTTPProblem):
            parse_forwarded(header)
        best = min(best, time.process_time() - started)
    return best


def test_parsing_a_long_forwarded_header_takes_linear_time() -> None:
    # A ratio, not a duration: four times the header must cost about four times as much.
    quarter, whole = _refusing_time(1 << 18), _refusing_time(1 << 20)
    assert whole / quarter < 8.0, (quarter, whole)
