"""Reading an ASGI scope: the ``oauthcore.Request`` the client signed, rebuilt (§3.4.1.2).

Theory of operation: the ASGI twin of ``environ.py``, by the same rules. The URL a signature is
checked against is built in one place, ``url_from_scope``: ``scope_origin`` gives the scheme and
authority (the scope's ``scheme``; the ``Host`` header, validated as in WSGI, else ``server``),
and ``scope_target`` the path and query. The path is ``raw_path``, the bytes the client sent,
when the server gives it (every common server does); otherwise ``path``, which ASGI hands over
decoded, is encoded again as WSGI's PATH_INFO is. Either way anything that could not stand in a
URL as sent (spaces, controls, non-ASCII, a stray ``#``) is percent-encoded, so it can never
move the path into a query or fragment. ``read_body`` reads at most ``max_body`` bytes, whatever
``Content-Length`` says or omits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from oauthcore import Request

from ._reading import (
    PATH_SAFE,
    check_scheme,
    content_length,
    host_authority,
    malformed,
    server_authority,
)
from .environ import DEFAULT_MAX_BODY
from .proxies import OriginPolicy
from .replies import HTTPProblem

__all__ = [
    "Receive",
    "Scope",
    "ScopeDisconnected",
    "read_body",
    "request_from_scope",
    "scope_origin",
    "scope_target",
    "url_from_scope",
]

Scope = MutableMapping[str, Any]
"""An ASGI connection scope (the ASGI 3 specification's ``scope`` dict): the request a provider
verifies (RFC 5849 §3.2)."""
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
"""The ASGI ``receive`` callable: awaits the next event from the client, the request body's
chunks among them (RFC 9110 §6.4)."""

# What stays as sent: printable ASCII, but "?" and "#" in a path, "#" in a query, which would end
# the part they are in. "%" stays too: raw_path and query_string are still percent-encoded.
_PRINTABLE = "".join(chr(c) for c in range(0x21, 0x7F))
_RAW_PATH_SAFE = _PRINTABLE.replace("?", "").replace("#", "")
_QUERY_SAFE = _PRINTABLE.replace("#", "")


class ScopeDisconnected(Exception):
    """The client left before its whole body (RFC 9110 §6.4) arrived: nobody is left to answer."""


def _headers(scope: Scope) -> list[tuple[str, str]]:
    # ASGI header names are lower-cased bytes; values are bytes as received (latin-1 is lossless).
    return [
        (bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
        for name, value in scope["headers"]
    ]


def scope_origin(scope: Scope) -> tuple[str, str]:
    """The ``(scheme, authority)`` the client sent the request to (RFC 9110 §7.2, §4.2).

    The scheme is the scope's (http or https); the authority its ``Host`` header, else the
    ``server`` address, each validated like a WSGI ``Host``. Raises ``HTTPProblem`` 400.
    """
    scheme = str(scope.get("scheme") or "http").lower()
    check_scheme(scheme, "the ASGI scheme")
    hosts = [value for name, value in scope["headers"] if bytes(name) == b"host"]
    if len(hosts) > 1:
        # RFC 9110 §7.2 has a server answer 400 to more than one Host: which one was signed?
        raise HTTPProblem(400, "the request has more than one Host header (RFC 9110 §7.2)")
    if hosts:
        return scheme, host_authority(bytes(hosts[0]).decode("latin-1"))
    server = scope.get("server")
    if server is None or server[1] is None:
        # No Host (HTTP/1.0) and no address either (a Unix socket): no URL was signed we can know.
        raise HTTPProblem(400, "the request has no Host header (RFC 9110 §7.2)")
    return scheme, server_authority(
        str(server[0]),
        str(server[1]),
        scheme,
        "the ASGI server address does not make a host and port",
    )


def scope_target(scope: Scope) -> str:
    """The path and query the client sent, ``/path?query`` (RFC 9112 §3.2.1 origin-form).

    Raises ``HTTPProblem`` 400 for a path that does not start with ``/`` (``*``, an absolute
    form the server passed on) or a decoded path that is not text.
    """
    raw = scope.get("raw_path")
    if raw is not None:
        raw_path = bytes(raw)
        path = quote(raw_path, safe=_RAW_PATH_SAFE)
    else:
        try:
            raw_path = str(scope["path"]).encode("utf-8")
        except UnicodeEncodeError:
            raise HTTPProblem(400, "the request path is not text") from None
        path = quote(raw_path, safe=PATH_SAFE)
    if not raw_path.startswith(b"/"):
        raise HTTPProblem(400, "the request path must start with '/'")
    query = quote(bytes(scope.get("query_string", b"")), safe=_QUERY_SAFE)
    return f"{path}?{query}" if query else path


def url_from_scope(scope: Scope, origin: OriginPolicy | None = None) -> str:
    """The URL the client signed: ``scheme://authority/path?query`` (RFC 5849 §3.4.1.2).

    Behind a proxy, ``origin`` (``TrustedProxies``, ``PublicOrigin``) gives the public scheme
    and authority, from the scope's ``client`` and headers.
    """
    scheme, authority = scope_origin(scope)
    if origin is not None:
        client = scope.get("client")
        named: dict[str, str] = {}
        for name, value in _headers(scope):
            # Repeated header lines are one comma-separated list (RFC 9110 §5.3), as in WSGI.
            named[name] = f"{named[name]}, {value}" if name in named else value
        peer = None if client is None else str(client[0])
        scheme, authority = origin.origin(peer, named, scheme, authority)
    return f"{scheme}://{authority}{scope_target(scope)}"


def _content_length(scope: Scope, max_body: int) -> None:
    for name, value in scope["headers"]:
        if bytes(name) != b"content-length":
            continue
        if content_length(bytes(value).decode("latin-1")) > max_body:
            raise HTTPProblem(413, f"the request body is over {max_body} bytes")


async def read_body(scope: Scope, receive: Receive, *, max_body: int = DEFAULT_MAX_BODY) -> bytes:
    """The request body (RFC 9110 §6.4), at most ``max_body`` bytes, from ASGI ``http.request``.

    Raises ``HTTPProblem`` 400 for a malformed ``Content-Length``, 413 for a body over
    ``max_body`` (announced or streamed), and ``ScopeDisconnected`` if the client leaves first.
    """
    _content_length(scope, max_body)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ScopeDisconnected
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > max_body:
            # A chunked body has no length to refuse up front: stop reading at the limit.
            raise HTTPProblem(413, f"the request body is over {max_body} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def request_from_scope(scope: Scope, body: bytes, *, origin: OriginPolicy | None = None) -> Request:
    """The ``oauthcore.Request`` an ASGI ``http`` scope and its body describe (§3.4.1.2).

    The URL is ``url_from_scope(scope, origin)``; the headers are the scope's, in order. Raises
    ``HTTPProblem`` 400 for an invalid scheme, host, port or path, or a malformed header from a
    trusted proxy.
    """
    url = url_from_scope(scope, origin)
    try:
        return Request(str(scope["method"]), url, _headers(scope), body)
    except ValueError as exc:
        raise malformed(exc) from None
