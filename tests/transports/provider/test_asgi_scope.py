"""transports.provider.scope: the request an ASGI scope describes, by the rules of the environ."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transports.provider.replies import HTTPProblem
from transports.provider.scope import (
    ScopeDisconnected,
    read_body,
    request_from_scope,
    scope_origin,
    url_from_scope,
)


def scope_for(**values: Any) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": "/r",
        "raw_path": b"/r",
        "query_string": b"",
        "headers": [(b"host", b"h.test")],
        "server": ("127.0.0.1", 8000),
    }
    scope.update(values)
    return scope


def test_rebuilds_url_headers_and_body() -> None:
    scope = scope_for(
        method="POST",
        scheme="https",
        raw_path=b"/caf%C3%A9/100%25/a%2Fb",
        path="/café/100%/a/b",
        query_string=b"x=%41&y",
        headers=[
            (b"host", b"API.example.com:8443"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"x-thing", b"caf\xe9"),
        ],
    )
    request = request_from_scope(scope, b"a=1")
    assert request.method == "POST"
    # raw_path is what the client sent: its escapes stay as they are.
    assert request.url == "https://API.example.com:8443/caf%C3%A9/100%25/a%2Fb?x=%41&y"
    assert request.header("x-thing") == "caf\xe9"
    assert request.is_form
    assert request.body == b"a=1"


def test_without_raw_path_the_decoded_path_is_encoded_again() -> None:
    scope = scope_for(path="/café/100%/a b", raw_path=None)
    assert url_from_scope(scope) == "http://h.test/caf%C3%A9/100%25/a%20b"


def test_what_cannot_stand_in_a_url_is_encoded() -> None:
    scope = scope_for(raw_path=b"/a b#c?d\xff", query_string=b"q=a b#\xe9")
    assert url_from_scope(scope) == "http://h.test/a%20b%23c%3Fd%FF?q=a%20b%23%E9"


@pytest.mark.parametrize(
    ("scheme", "server", "expected"),
    [
        ("http", ("example.org", 80), "http://example.org/r"),
        ("https", ("example.org", 443), "https://example.org/r"),
        ("http", ("example.org", 8080), "http://example.org:8080/r"),
        (None, ("::1", 8080), "http://[::1]:8080/r"),
    ],
)
def test_without_host_header_uses_the_server(
    scheme: str | None, server: tuple[str, int], expected: str
) -> None:
    assert url_from_scope(scope_for(scheme=scheme, server=server, headers=[])) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"scheme": "ws"}, "the ASGI scheme must be http or https, not 'ws'"),
        ({"headers": [], "server": None}, "the request has no Host header"),
        ({"headers": [], "server": ("/run/app.sock", None)}, "the request has no Host header"),
        ({"headers": [], "server": ("a b", 80)}, "the ASGI server address does not make"),
        ({"headers": [(b"host", b"h.test:x")]}, "the Host header is not a host name"),
        ({"raw_path": b"*"}, "the request path must start with '/'"),
        ({"raw_path": None, "path": "http://x/"}, "the request path must start with '/'"),
        ({"raw_path": None, "path": "/\udc80"}, "the request path is not text"),
        ({"method": "G ET"}, "malformed request: method must be an HTTP method"),
    ],
)
def test_unreadable_scopes_are_a_400(values: dict[str, Any], message: str) -> None:
    with pytest.raises(HTTPProblem) as caught:
        request_from_scope(scope_for(**values), b"")
    assert caught.value.status == 400
    assert caught.value.message.startswith(message)


@given(st.text(st.characters(), max_size=80))
def test_any_host_header_is_a_checked_host_or_a_400(text: str) -> None:
    # Hostile Host values from all of Unicode: either a host the URL keeps, or a clean 400.
    scope = scope_for(headers=[(b"host", text.encode("utf-8", "surrogatepass"))])
    try:
        scheme, authority = scope_origin(scope)
    except HTTPProblem as problem:
        refused: HTTPProblem | None = problem
    else:
        refused = None
        assert scheme == "http"
        assert not set(authority) & set("/?#@ \\%")
    assert refused is None or refused.status == 400


def read(scope: dict[str, Any], events: list[dict[str, Any]], max_body: int = 10) -> bytes:
    async def receive() -> MutableMapping[str, Any]:
        return events.pop(0)

    return asyncio.run(read_body(scope, receive, max_body=max_body))


def test_body_arrives_in_pieces() -> None:
    events: list[dict[str, Any]] = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "more_body": True},
        {"type": "http.request", "body": b"cd"},
    ]
    assert read(scope_for(headers=[(b"content-length", b"4")]), events) == b"abcd"


@pytest.mark.parametrize(
    ("length", "status", "message"),
    [
        (b"ten", 400, "Content-Length must be a whole number of bytes"),
        (b"\xd9\xa3", 400, "Content-Length must be a whole number of bytes"),
        (b"11", 413, "the request body is over 10 bytes"),
    ],
)
def test_content_length_is_checked_before_reading(length: bytes, status: int, message: str) -> None:
    with pytest.raises(HTTPProblem) as caught:
        read(scope_for(headers=[(b"content-length", length)]), [])
    assert (caught.value.status, caught.value.message) == (status, message)


def test_disconnect_before_the_end() -> None:
    with pytest.raises(ScopeDisconnected):
        read(scope_for(), [{"type": "http.disconnect"}])


@given(
    raw_path=st.binary(max_size=60),
    query=st.binary(max_size=60),
    method=st.text(st.characters(), min_size=1, max_size=10),
    headers=st.lists(st.tuples(st.binary(max_size=20), st.binary(max_size=40)), max_size=4),
)
def test_hostile_scopes_are_a_request_on_the_same_origin_or_a_400(
    raw_path: bytes, query: bytes, method: str, headers: list[tuple[bytes, bytes]]
) -> None:
    headers = [(name.lower(), value) for name, value in headers if name.lower() != b"host"]
    scope = scope_for(
        raw_path=raw_path, query_string=query, method=method, headers=[(b"host", b"h.test")]
    )
    scope["headers"] += headers
    try:
        request = request_from_scope(scope, b"")
    except HTTPProblem as problem:
        refused: HTTPProblem | None = problem
    else:
        refused = None
        # Whatever the path and query held, the signed URL stays on the host the client named.
        assert request.base_string_uri.startswith("http://h.test/")
        assert "#" not in request.url
    assert refused is None or refused.status == 400
