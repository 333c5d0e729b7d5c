"""Reading a WSGI environ: the ``oauthcore.Request`` the client signed, rebuilt (§3.4.1.2).

Theory of operation: ``request_from_environ`` rebuilds the ``oauthcore.Request`` the client
signed, from the environ alone: scheme, ``Host`` header (validated: pasted in raw, it could
move the real path into a fragment), the path re-encoded from PATH_INFO (which WSGI hands over
decoded), the raw query and the body. Everything after that is the core's ``verify`` and the
provider functions; the provider modules only move bytes between them and WSGI.
"""

from __future__ import annotations

from urllib.parse import quote
from wsgiref.types import WSGIEnvironment

from oauthcore import Request

from ._reading import (
    PATH_SAFE,
    check_scheme,
    host_authority,
    malformed,
    server_authority,
)
from ._reading import content_length as _content_length
from .proxies import OriginPolicy
from .replies import HTTPProblem

__all__ = ["DEFAULT_MAX_BODY", "content_length", "request_from_environ"]

DEFAULT_MAX_BODY = 1 << 20
"""Largest request body read, in bytes (a form body is signed, §3.4.1.3): a provider must not
buffer whatever it is sent."""


def _authority(environ: WSGIEnvironment, scheme: str) -> str:
    """The authority the client sent: ``Host``, else SERVER_NAME and SERVER_PORT (RFC 9110 §7.2).

    Servers pass both on unchecked (a proxy may fill them from X-Forwarded-Host).
    """
    if environ.get("HTTP_HOST") is not None:
        return host_authority(str(environ["HTTP_HOST"]))
    return server_authority(
        str(environ["SERVER_NAME"]),
        str(environ["SERVER_PORT"]),
        scheme,
        "SERVER_NAME and SERVER_PORT do not make a host and port",
    )


def _headers(environ: WSGIEnvironment) -> list[tuple[str, str]]:
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = key.replace("_", "-").title()
        else:
            continue
        headers.append((name, str(value)))
    return headers


def content_length(environ: WSGIEnvironment) -> int:
    """The body's length from ``CONTENT_LENGTH`` (RFC 3875 §4.1.2), 0 if absent; 400 if it is not
    a number."""
    return _content_length(environ.get("CONTENT_LENGTH") or "0")


def _body(environ: WSGIEnvironment, max_body: int) -> bytes:
    length = content_length(environ)
    if length > max_body:
        raise HTTPProblem(413, f"the request body is over {max_body} bytes")
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    return body


def request_from_environ(
    environ: WSGIEnvironment,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    origin: OriginPolicy | None = None,
    read_body: bool = True,
) -> Request:
    """The ``oauthcore.Request`` a WSGI environ describes, as the client signed it (§3.4.1.2).

    The URL is rebuilt from ``wsgi.url_scheme`` (http or https), the ``Host`` header (else
    SERVER_NAME and SERVER_PORT), each validated, SCRIPT_NAME + PATH_INFO re-encoded and
    QUERY_STRING as received. Behind a proxy, ``origin`` (``TrustedProxies`` or
    ``PublicOrigin``) gives the public scheme and host instead, from REMOTE_ADDR and the
    headers. Raises ``HTTPProblem`` 400 for an invalid scheme, host, port or path, a malformed
    header from a trusted proxy, or a body that cannot be read, and 413 for a body over
    ``max_body``. With ``read_body=False`` the body is left in ``wsgi.input``, to be read as a
    stream.
    """
    scheme = str(environ["wsgi.url_scheme"]).lower()
    check_scheme(scheme, "wsgi.url_scheme")
    authority = _authority(environ, scheme)
    headers = _headers(environ)
    if origin is not None:
        peer = environ.get("REMOTE_ADDR")
        named = {name.lower(): value for name, value in headers}
        scheme, authority = origin.origin(
            None if peer is None else str(peer), named, scheme, authority
        )
    raw_path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    if raw_path[:1] not in ("", "/"):
        # PEP 3333: both are empty or start with "/"; anything else would extend the authority.
        raise HTTPProblem(400, "the request path must start with '/'")
    # PEP 3333: environ strings are latin-1 decodings of the raw bytes; undo that first.
    try:
        raw_bytes = raw_path.encode("latin-1")
    except UnicodeEncodeError:
        # Only a server that breaks PEP 3333 hands over more than latin-1: no bytes to verify.
        raise HTTPProblem(400, "the request path is not latin-1 text (PEP 3333)") from None
    path = quote(raw_bytes, safe=PATH_SAFE) or "/"
    query = str(environ.get("QUERY_STRING", ""))
    url = f"{scheme}://{authority}{path}" + (f"?{query}" if query else "")
    try:
        return Request(
            str(environ["REQUEST_METHOD"]),
            url,
            headers,
            _body(environ, max_body) if read_body else b"",
        )
    except ValueError as exc:
        raise malformed(exc) from None
