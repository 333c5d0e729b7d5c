"""What reading a WSGI environ and an ASGI scope share: the URL a client signed (§3.4.1.2).

Both rebuild the URL a client signed from a scheme, a ``Host`` header (else the server's own
name and port) and a path, and both read ``Content-Length``: the same input gets the same
answer, and the same ``HTTPProblem`` 400, from either.
"""

from __future__ import annotations

from .hosts import DEFAULT_PORTS, host_and_port
from .replies import HTTPProblem

# What may stay unescaped in a decoded path (WSGI's PATH_INFO, an ASGI scope's ``path``): RFC
# 3986 pchar and "/". Anything else (a "%" included: it was "%25" on the wire) is encoded again,
# as the client had it.
PATH_SAFE = "/:@!$&'()*+,;="
_SHOWN = 40


def shown(text: str) -> str:
    """``text`` quoted for a message, cut after 40 characters: input is hostile, and large."""
    return repr(text[:_SHOWN]) + ("..." if len(text) > _SHOWN else "")


def check_scheme(scheme: str, what: str) -> None:
    """Refuse (400) a scheme other than http and https (RFC 9110 §4.2); ``what`` names it."""
    if scheme not in DEFAULT_PORTS:
        raise HTTPProblem(400, f"{what} must be http or https, not {shown(scheme)}")


def host_authority(text: str) -> str:
    """The authority a ``Host`` header names, validated; 400 for anything else (RFC 9110 §7.2).

    Servers pass it on unchecked: pasted in raw, ``Host: h/other?path#`` would move the real
    path into a fragment of the URL verified.
    """
    try:
        host, port = host_and_port(text)
    except ValueError:
        raise HTTPProblem(
            400,
            "the Host header is not a host name, IPv4 address or [IPv6] literal with an"
            f" optional port (RFC 9110 §7.2): {shown(text)}",
        ) from None
    return f"{host}:{port}" if port else host


def server_authority(name: str, port: str, scheme: str, what: str) -> str:
    """The authority of the server's own name and port, the scheme's default left out (§7.2).

    For a request without ``Host``; ``what`` names the two in the 400 for a bad pair.
    """
    # A server listening on IPv6 names itself with the bare address (werkzeug, gunicorn).
    bare_ipv6 = ":" in name and not name.startswith("[")
    try:
        host, number = host_and_port(f"[{name}]:{port}" if bare_ipv6 else f"{name}:{port}")
    except ValueError:
        raise HTTPProblem(
            400,
            f"{what} (RFC 9110 §7.2): {shown(name)}, {shown(port)}",
        ) from None
    return host if number == DEFAULT_PORTS[scheme] else f"{host}:{number}"


def content_length(text: str) -> int:
    """A ``Content-Length`` value (RFC 9110 §8.6): ASCII digits only, else a 400."""
    # str.isdigit() alone takes "²" and other non-ASCII digits, which int() refuses or reads.
    if not (text.isascii() and text.isdigit()):
        raise HTTPProblem(400, "Content-Length must be a whole number of bytes")
    return int(text)


def malformed(error: ValueError) -> HTTPProblem:
    """The 400 for a request ``oauthcore.Request`` refuses to hold (a bad method, header)."""
    return HTTPProblem(400, f"malformed request: {error}")
