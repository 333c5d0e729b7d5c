"""The host a redirect is judged by is the host every transport connects to (RFC 5849 §3.5).

The Client signs a hop only when it stays on the first request's origin. That decision is only as
good as its reading of the ``Location``: a reading that differs from the HTTP library's hands a
fresh signature (for PLAINTEXT, the secrets) to a host the attacker picked. Here a live attack
through each transport is refused, and a property compares oauthcore's reading of hostile
authorities with urllib3's, httplib2's and the standard library's.
"""

from __future__ import annotations

import http.client
import urllib.request
from collections.abc import Iterable, Iterator
from urllib.parse import quote
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import httplib2
import httpx
import pytest
import urllib3
import yarl
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import PLAINTEXT, Consumer, Request, Token
from tests.servers import serve
from tests.transports.adapters.test_transports_adapters import make
from transports import Client, RedirectError
from transports.redirects import origin

KINDS = ["urllib3", "httplib2", "urllib", "httpx"]
CONSUMER = Consumer("redirect-consumer", "redirect-consumer-secret")
TOKEN = Token("redirect-token", "redirect-token-secret")


class Recorder:
    """A WSGI app that records every request it receives: the attacker's server."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.seen.append({k: str(v) for k, v in environ.items() if k.isupper()})
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"thanks"]


def redirector(evil_authority: str, separator: str) -> WSGIApplication:
    """The API server: redirects every request to a Location naming itself after the last "@",
    where a naive reading finds the host, while urllib3 ends the authority at the backslash."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        location = f"http://{evil_authority}{separator}@{environ['HTTP_HOST']}/admin?user=alice"
        start_response("302 Found", [("Location", location)])
        return [b""]

    return app


@pytest.fixture
def attacker() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()
    with serve(recorder) as url:
        yield url, recorder


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("separator", ["\\", "\\\\", "%5C\\", "@evil@"])
def test_a_redirect_whose_authority_libraries_read_differently_is_refused(
    kind: str, separator: str, attacker: tuple[str, Recorder]
) -> None:
    evil, recorder = attacker
    app = redirector(evil.partition("://")[2], separator)
    with serve(app) as api, make(kind, timeout=5) as transport:
        client = Client(CONSUMER, TOKEN, transport=transport, method=PLAINTEXT)
        with pytest.raises(RedirectError, match="refusing a redirect") as caught:
            client.request("GET", f"{api}/api/me")
    assert recorder.seen == [], "the attacker's server received a request"
    for secret in (CONSUMER.secret, TOKEN.secret):
        assert secret not in str(caught.value)
        assert quote(secret) not in str(caught.value)


# --- agreement with each library's reading ------------------------------------------------------

# Characters that end, split or escape an authority somewhere, with plain host characters.
_HOSTILE = st.text(
    st.sampled_from(list("ab1.:@\\/?#[]%25 \t\r\n!$&'()*+,;=~_-<>^`{|}\"\x00\u00e9\u3002"))
    | st.characters(),
    max_size=24,
)


def _ours(url: str) -> tuple[str, int] | None:
    try:
        request = Request("GET", url)
    except ValueError:
        return None
    return _split(origin(request.url))


def _split(text: str) -> tuple[str, int]:
    # Our origin is already normal: "scheme://host[:port]", the port only when not the default.
    scheme, _, hostport = text.partition("://")
    if hostport.endswith("]") or ":" not in hostport:
        return hostport, 443 if scheme == "https" else 80
    host, _, port = hostport.rpartition(":")
    return host, int(port)


def _hostport(hostport: str) -> tuple[str, int]:
    # http.client's own reading of "host[:port]": what every transport but urllib3 connects to.
    connection = http.client.HTTPConnection(hostport)
    return connection.host.lower(), connection.port


def _urllib3(url: str) -> tuple[str, int] | None:
    try:
        parsed = urllib3.util.parse_url(url)
    except urllib3.exceptions.LocationParseError:
        return None
    if parsed.host is None:
        return None
    return parsed.host.lower().strip("[]"), 80 if parsed.port is None else parsed.port


def _urllib(url: str) -> tuple[str, int] | None:
    try:
        host = urllib.request.Request(url).host  # parsed only, never opened
        return _hostport(host)
    except (ValueError, http.client.InvalidURL):
        return None


def _httpx(url: str) -> tuple[str, int] | None:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return None
    # The host as it goes on the wire (``host`` would decode an IDNA name for display).
    host = parsed.raw_host.decode("ascii")
    if not host:
        return None
    return host.lower(), 80 if parsed.port is None else parsed.port


def _yarl(url: str) -> tuple[str, int] | None:
    # aiohttp's reading of a URL: yarl's.
    try:
        parsed = yarl.URL(url)
    except ValueError:
        return None
    # The host aiohttp connects to (``host`` would decode an IDNA name for display).
    if not parsed.raw_host or parsed.port is None:
        return None
    return parsed.raw_host.lower(), parsed.port


def _httplib2(url: str) -> tuple[str, int] | None:
    try:
        authority = httplib2.urlnorm(url)[1]
        return _hostport(authority)
    except (httplib2.RelativeURIError, http.client.InvalidURL, AttributeError):
        return None


# Hostile text alone, and around an "@" (userinfo, then a host), where readings part most often.
_AUTHORITIES = st.one_of(
    st.builds(str.__add__, _HOSTILE, _HOSTILE),
    st.builds("{}@{}".format, _HOSTILE, _HOSTILE),
    st.builds("{}@127.0.0.1:{}".format, _HOSTILE, st.integers(0, 99999)),
)


@settings(max_examples=2000, deadline=None)
@given(_AUTHORITIES)
def test_every_accepted_authority_is_read_alike_by_every_library(authority: str) -> None:
    url = f"http://{authority}/admin?x=1"
    ours = _ours(url)
    if ours is None:
        return  # refused with a ValueError: no transport ever sees it
    sent = Request("GET", url).url  # what a transport is handed
    host, port = ours
    ours_plain = (host.strip("[]"), port)
    readings = (
        ("urllib3", _urllib3),
        ("urllib", _urllib),
        ("httplib2", _httplib2),
        ("httpx", _httpx),
        ("aiohttp", _yarl),
    )
    for name, reading in readings:
        theirs = reading(sent)
        if theirs is None:
            continue  # the library refuses the URL: it connects nowhere
        if "@" in theirs[0] and name in ("urllib", "httplib2"):
            # http.client is handed userinfo with the host (urllib and httplib2 leave it in);
            # "user@host" is no name a resolver answers, so no connection is made.
            assert theirs[0].endswith("@" + ours[0]), (name, sent, theirs, ours)
            continue
        assert (theirs[0].strip("[]"), theirs[1]) == ours_plain, (name, sent, theirs, ours)


@pytest.mark.parametrize(
    "url",
    [
        "http://evil:8000\\@api.example.com/admin",
        "http://a@b@api.example.com/",
        "http://api.example.com%3A8000/",
        "http://[::1%25eth0]/",
        "http://a<b>.example/",
        "http://a b.example/",
        "http://a\tb.example/",
        "http://a{b}.example/",
    ],
)
def test_authorities_libraries_could_read_differently_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="url") as caught:
        Request("GET", url)
    assert not isinstance(caught.value, UnicodeError)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://API.Example.com:8080/x", "http://api.example.com:8080"),
        ("https://user:p%40ss@api.example.com/x", "https://api.example.com"),
        # An escaped backslash in userinfo: urllib3 and http.client both see api.example.com.
        ("http://evil:8000%5C@api.example.com/", "http://api.example.com"),
        ("http://[2001:DB8::1]:8000/", "http://[2001:db8::1]:8000"),
        ("http://127.0.0.1:80/", "http://127.0.0.1"),
        ("http://a!$&'()*+,;=b.example/", "http://a!$&'()*+,;=b.example"),
    ],
)
def test_valid_authorities_keep_their_origin(url: str, expected: str) -> None:
    assert origin(Request("GET", url).url) == expected
