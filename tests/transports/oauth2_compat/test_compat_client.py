"""transports.oauth2_compat.Client against a local provider that verifies with oauthcore.

The provider binds 127.0.0.1, checks every request with ``oauthcore.parse``/``check`` (nonces
remembered, so each redirect hop must carry a fresh signature) and records what it received.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import httplib2
import pytest
import trustme

import oauthcore
import transports.oauth2_compat as oauth
from oauthcore.header import parse_authorization
from oauthcore.signing import hash_body

CONSUMER = oauth.Consumer("client-key", "client-secret")
TOKEN = oauth.Token("token-key", "token-secret")


class Seen:
    """What the provider received: method, path, headers (lower-cased names) and body."""

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))


class Provider(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[Seen] = []
        self.nonces = oauthcore.MemoryNonceStore()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Provider

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read ``Provider.seen`` instead."""

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.seen.append(Seen(self.command, self.path, headers, body))
        parts = urlsplit(self.path)
        if parts.path.startswith("/redirect/"):
            status = int(parts.path.rsplit("/", 1)[1])
            target = dict(parse_qsl(parts.query)).get("to")
            if target == "echo":
                # Location repeats the whole query, OAuth parameters of this hop included.
                target = "/echoed?" + parts.query
            self._answer(status, b"moved", {"Location": target} if target else {})
            return
        request = oauthcore.Request(
            self.command, self.server.base + self.path, list(self.headers.items()), body
        )
        try:
            params = oauthcore.parse(request)
            token = TOKEN.core() if params.token is not None else None
            oauthcore.check(
                request,
                params,
                CONSUMER.core(),
                token,
                nonces=self.server.nonces,
                policy=oauthcore.VerifyPolicy(allow_plaintext_over_http=True),
            )
        except oauthcore.OAuthError as exc:
            self._answer(exc.status, exc.message.encode("utf-8"))
            return
        self._answer(200, f"ok {params.placement.value}".encode())

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    server = Provider()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def seen(provider: Provider) -> list[Seen]:
    provider.seen.clear()
    return provider.seen


def test_init_refuses_what_is_not_a_consumer_or_token() -> None:
    with pytest.raises(ValueError, match="Invalid consumer"):
        oauth.Client(object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid token"):
        oauth.Client(CONSUMER, object())  # type: ignore[arg-type]


def test_init_passes_options_to_httplib2() -> None:
    client = oauth.Client(CONSUMER, None, timeout=3)
    assert client.timeout == 3
    assert isinstance(client, httplib2.Http)
    assert isinstance(client.method, oauth.SignatureMethod_HMAC_SHA1)


def test_set_signature_method() -> None:
    client = oauth.Client(CONSUMER)
    with pytest.raises(ValueError, match="Invalid signature method"):
        client.set_signature_method(object())  # type: ignore[arg-type]
    plaintext = oauth.SignatureMethod_PLAINTEXT()
    client.set_signature_method(plaintext)
    assert client.method is plaintext


def test_get_is_signed_in_the_query(provider: Provider, seen: list[Seen]) -> None:
    client = oauth.Client(CONSUMER)
    response, content = client.request(provider.base + "/foo/bar/?show=thundercats&empty=")
    assert (response.status, content) == (200, b"ok query")
    (hop,) = seen
    assert hop.path.startswith("/foo/bar/?show=thundercats&empty=&oauth_")
    assert hop.query["oauth_consumer_key"] == "client-key"
    assert "oauth_body_hash" not in hop.query  # python-oauth2 sent one with every GET
    assert "authorization" not in hop.headers


def test_post_defaults_to_a_signed_form(provider: Provider, seen: list[Seen]) -> None:
    client = oauth.Client(CONSUMER, TOKEN)
    headers = {"X-Trace": "1"}
    body = "multi=2&multi=1&blank=&name=a+b"
    response, content = client.request(provider.base + "/form", "POST", body=body, headers=headers)
    assert (response.status, content) == (200, b"ok body")
    assert headers == {"X-Trace": "1"}  # the caller's dict is not changed
    (hop,) = seen
    assert hop.headers["content-type"] == "application/x-www-form-urlencoded"
    assert hop.headers["x-trace"] == "1"
    pairs = parse_qsl(hop.body.decode("ascii"), keep_blank_values=True)
    assert [pair for pair in pairs if not pair[0].startswith("oauth_")] == [
        ("blank", ""),
        ("multi", "2"),
        ("multi", "1"),
        ("name", "a b"),
    ]
    assert dict(pairs)["oauth_token"] == "token-key"
    assert "oauth_body_hash" not in dict(pairs)


def test_empty_post_carries_the_parameters_in_the_body(
    provider: Provider, seen: list[Seen]
) -> None:
    response, content = oauth.Client(CONSUMER).request(provider.base + "/token", "POST")
    assert (response.status, content) == (200, b"ok body")
    # Token-less: oauth_callback=oob, as OAuth 1.0a's temporary-credentials request needs (§2.1).
    assert seen[0].body.startswith(b"oauth_callback=oob&oauth_consumer_key=client-key&")


def test_callback_is_only_added_where_missing(provider: Provider, seen: list[Seen]) -> None:
    client = oauth.Client(CONSUMER)
    client.request(provider.base + "/t", "POST", body="oauth_callback=https%3A%2F%2Fc.example%2F")
    client.request(provider.base + "/t?oauth_callback=https%3A%2F%2Fc.example%2F", "PUT")
    oauth.Client(CONSUMER, TOKEN).request(provider.base + "/t", "POST")
    client.callback = None
    response, _ = client.request(provider.base + "/t", "POST")
    assert response.status == 200
    bodies = [parse_qsl(hop.body.decode("ascii")) for hop in seen]
    assert [value for name, value in bodies[0] if name == "oauth_callback"] == [
        "https://c.example/"
    ]
    header_params = dict(parse_authorization(seen[1].headers["authorization"])[1])
    assert "oauth_callback" not in header_params
    assert "oauth_consumer_key" in header_params
    assert "oauth_callback" not in dict(bodies[2])
    assert "oauth_callback" not in dict(bodies[3])


@pytest.mark.parametrize(
    "content_type",
    ["Application/X-WWW-Form-URLEncoded; charset=UTF-8", "application/x-www-form-urlencoded"],
)
def test_form_content_type_is_matched_case_insensitively(
    provider: Provider, seen: list[Seen], content_type: str
) -> None:
    response, _ = oauth.Client(CONSUMER).request(
        provider.base + "/form", "PUT", body=b"a=1", headers={"content-type": content_type}
    )
    assert response.status == 200
    assert seen[0].body.startswith(b"a=1&oauth_")


def test_json_body_is_never_replaced(provider: Provider, seen: list[Seen]) -> None:
    # python-oauth2 missed a lower-case "content-type", added its own form type and rewrote the
    # JSON as a form.
    body = b'{"status": "hello & goodbye"}'
    response, content = oauth.Client(CONSUMER, TOKEN).request(
        provider.base + "/json", "POST", body=body, headers={"content-type": "application/json"}
    )
    assert (response.status, content) == (200, b"ok header")
    (hop,) = seen
    assert hop.body == body
    assert hop.headers["content-type"] == "application/json"
    realm, params = parse_authorization(hop.headers["authorization"])
    assert realm == provider.base
    assert dict(params)["oauth_body_hash"] == hash_body(body)


def test_multipart_body_is_left_alone(provider: Provider, seen: list[Seen]) -> None:
    content_type = "multipart/form-data; boundary=---Boundary-7"
    body = b'---Boundary-7\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n---Boundary-7--'
    response, _ = oauth.Client(CONSUMER).request(
        provider.base + "/upload", "POST", body=body, headers={"Content-Type": content_type}
    )
    assert response.status == 200
    assert seen[0].body == body


def test_head_and_delete_are_signed_in_the_header(provider: Provider, seen: list[Seen]) -> None:
    client = oauth.Client(CONSUMER, TOKEN)
    head, _ = client.request(provider.base + "/thing", "HEAD", headers="ignored")  # type: ignore[arg-type]
    delete, content = client.request(provider.base + "/thing", "DELETE")
    assert (head.status, delete.status, content) == (200, 200, b"ok header")
    head_params = dict(parse_authorization(seen[0].headers["authorization"])[1])
    delete_params = dict(parse_authorization(seen[1].headers["authorization"])[1])
    assert "oauth_body_hash" not in head_params  # Body Hash §4.1.1: none on HEAD
    assert delete_params["oauth_body_hash"] == hash_body(b"")


def test_plaintext_client(provider: Provider, seen: list[Seen]) -> None:
    client = oauth.Client(CONSUMER, TOKEN)
    client.set_signature_method(oauth.SignatureMethod_PLAINTEXT())
    response, _ = client.request(provider.base + "/plain", "PUT", body=b"raw")
    assert response.status == 200
    params = dict(parse_authorization(seen[0].headers["authorization"])[1])
    assert params["oauth_signature"] == "client-secret&token-secret"
    assert "oauth_body_hash" not in params


def test_wrong_secret_is_refused(provider: Provider) -> None:
    client = oauth.Client(oauth.Consumer("client-key", "wrong"))
    response, content = client.request(provider.base + "/foo")
    assert response.status == 401
    assert b"oauth_signature does not match" in content


# --- redirects ----------------------------------------------------------------------------------


def hop_signatures(seen: list[Seen]) -> list[str]:
    return [hop.query.get("oauth_signature", "") for hop in seen]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_get_redirects_are_signed_again(provider: Provider, seen: list[Seen], status: int) -> None:
    client = oauth.Client(CONSUMER, TOKEN)
    response, content = client.request(f"{provider.base}/redirect/{status}?to=/target%3Fa%3D1")
    assert (response.status, content) == (200, b"ok query")
    assert response.previous is not None
    assert response.previous.status == status
    first, second = seen
    assert second.path.startswith("/target?a=1&oauth_")
    assert first.query["oauth_nonce"] != second.query["oauth_nonce"]
    assert len(set(hop_signatures(seen))) == 2


def test_redirect_echoing_the_oauth_parameters(provider: Provider, seen: list[Seen]) -> None:
    # The Location repeats the first hop's oauth_* parameters: they are dropped before signing the
    # next hop (python-oauth2 signed them along with its new ones, which no provider accepts).
    response, content = oauth.Client(CONSUMER).request(
        provider.base + "/redirect/302?to=echo&keep=1"
    )
    assert (response.status, content) == (200, b"ok query")
    second = seen[1]
    assert second.path.startswith("/echoed?to=echo&keep=1&oauth_")
    assert second.path.count("oauth_nonce=") == 1


def test_absolute_location(provider: Provider, seen: list[Seen]) -> None:
    location = f"{provider.base}/elsewhere"
    response, _ = oauth.Client(CONSUMER).request(
        f"{provider.base}/redirect/301?to={location}", "HEAD"
    )
    assert response.status == 200
    assert seen[1].path == "/elsewhere"
    assert seen[1].method == "HEAD"


def test_post_303_becomes_a_signed_get(provider: Provider, seen: list[Seen]) -> None:
    response, content = oauth.Client(CONSUMER).request(
        provider.base + "/redirect/303?to=/result", "POST", body="a=1"
    )
    assert (response.status, content) == (200, b"ok query")
    assert (seen[1].method, seen[1].body) == ("GET", b"")
    assert "content-type" not in seen[1].headers


def test_post_307_is_not_followed_unless_asked(provider: Provider, seen: list[Seen]) -> None:
    client = oauth.Client(CONSUMER)
    response, _ = client.request(provider.base + "/redirect/307?to=/again", "POST", body="a=1")
    assert response.status == 307
    assert len(seen) == 1
    client.follow_all_redirects = True
    response, content = client.request(
        provider.base + "/redirect/307?to=/again", "POST", body="a=1"
    )
    assert (response.status, content) == (200, b"ok body")
    assert (seen[2].method, seen[2].path) == ("POST", "/again")
    assert seen[2].body.startswith(b"a=1&oauth_")


def test_follow_redirects_off(provider: Provider, seen: list[Seen]) -> None:
    client = oauth.Client(CONSUMER)
    client.follow_redirects = False
    response, _ = client.request(provider.base + "/redirect/302?to=/x")
    assert response.status == 302
    assert client.follow_redirects is False
    assert len(seen) == 1


def test_cross_origin_hops_go_unsigned(provider: Provider, seen: list[Seen]) -> None:
    port = provider.server_address[1]
    other = f"http://localhost:{port}/elsewhere"
    client = oauth.Client(CONSUMER, TOKEN)
    response, _ = client.request(f"{provider.base}/redirect/302?to={other}")
    assert response.status == 400  # the provider sees an unsigned request
    assert seen[1].path == "/elsewhere"
    assert "authorization" not in seen[1].headers
    client.cross_origin_credentials = True
    response, _ = client.request(f"{provider.base}/redirect/302?to={other}")
    assert response.status == 401  # signed for localhost, checked against 127.0.0.1
    assert seen[3].path.startswith("/elsewhere?oauth_")


@pytest.fixture(scope="module")
def tls_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Provider, str]]:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = Provider()
    server.socket = context.wrap_socket(server.socket, server_side=True)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, str(ca_file)
    server.shutdown()
    server.server_close()


def test_https_to_http_is_refused_unless_allowed(
    tls_provider: tuple[Provider, str], provider: Provider, seen: list[Seen]
) -> None:
    server, ca_file = tls_provider
    https = f"https://127.0.0.1:{server.server_address[1]}"
    down = f"{https}/redirect/302?to={provider.base}/plain"
    client = oauth.Client(CONSUMER, ca_certs=ca_file)
    with pytest.raises(oauth.Error, match="https to http"):
        client.request(down)
    assert seen == []
    client.allow_downgrade = True
    response, _ = client.request(down)
    assert response.status == 400  # the provider sees an unsigned request
    assert seen[0].path == "/plain"  # another origin: followed, but unsigned


def test_redirect_limit(provider: Provider) -> None:
    client = oauth.Client(CONSUMER)
    loop = "/redirect/302?to=/redirect/302%3Fto%3D/x"
    with pytest.raises(httplib2.RedirectLimit):
        client.request(provider.base + loop, redirections=1)
    assert client.follow_redirects is True


def test_redirect_without_location(provider: Provider) -> None:
    client = oauth.Client(CONSUMER)
    with pytest.raises(httplib2.RedirectMissingLocation):
        client.request(provider.base + "/redirect/302")
    response, content = client.request(provider.base + "/redirect/300")
    assert (response.status, content) == (300, b"moved")


def test_without_is_a_no_op_without_a_query() -> None:
    from transports.oauth2_compat._client import _without

    assert _without("http://h/p", frozenset({"a=1"})) == "http://h/p"
    assert _without("http://h/p?a=1&b=2", frozenset()) == "http://h/p?a=1&b=2"
    assert _without("http://h/p?a=1&b=2", frozenset({"a=1"})) == "http://h/p?b=2"


def test_a_patched_httplib2_sees_python_oauth2s_call() -> None:
    # Applications' tests patch httplib2.Http.request as python-oauth2's own tests did: the call
    # (self, uri, method=, body=, headers=, redirections=, connection_type=) and its return value
    # pass through unchanged.
    client = oauth.Client(CONSUMER)
    calls: list[tuple[Any, str, dict[str, Any]]] = []

    def fake(self: Any, uri: str, **kwargs: Any) -> str:
        calls.append((self, uri, kwargs))
        return "patched"

    body = b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--'
    uri = "http://example.com/foo/bar/?show=thundercats&character=snarf"
    with mock.patch("httplib2.Http.request", fake):
        first_result: Any = client.request(
            uri, "POST", body=body, headers={"Content-Type": "multipart/x"}
        )
        second_result: Any = client.request(uri)
    assert first_result == second_result == "patched"
    (first_self, first_uri, first), (_, second_uri, second) = calls
    assert first_self is client
    assert first_uri == uri
    assert set(first) == {"method", "body", "headers", "redirections", "connection_type"}
    assert (first["method"], first["body"], first["redirections"]) == (
        "POST",
        body,
        httplib2.DEFAULT_MAX_REDIRECTS,
    )
    query = dict(parse_qsl(urlsplit(second_uri).query))
    assert (query["show"], query["character"], query["oauth_consumer_key"]) == (
        "thundercats",
        "snarf",
        "client-key",
    )
    assert second["body"] == b""
