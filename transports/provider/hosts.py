"""Host and port as a provider accepts them: one validation for Host, SERVER_NAME and proxies.

A Host is pasted into the URL a signature is verified against (RFC 5849 §3.4.1.2), so anything
but a host name, an IPv4 address or a bracketed IPv6 literal with an optional port is refused:
``Host: h/other?path#`` would otherwise move the real path into a fragment. The same rules hold
for what a trusted proxy reports in ``Forwarded`` or ``X-Forwarded-Host``.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["DEFAULT_PORTS", "host_and_port"]

DEFAULT_PORTS = {"http": "80", "https": "443"}
"""The port each scheme a provider serves implies (RFC 9110 §4.2)."""
# A Host is a host name, an IPv4 address or a bracketed IPv6 literal, and an optional port
# (RFC 9110 §7.2, RFC 3986 §3.2.2-3.2.3). The reg-name is narrowed to RFC 3986's unreserved
# characters: DNS has no use for sub-delims or %-escapes, and parsers disagree about them.
_REG_NAME = re.compile(r"[A-Za-z0-9._~-]+").fullmatch
_PORT = re.compile(r"[0-9]{1,5}").fullmatch
# A domain name has at most 253 characters (RFC 1035 §2.3.4); then ":" and five digits.
_MAX_AUTHORITY = 253 + 6


def host_and_port(authority: str) -> tuple[str, str]:
    """The host and port (``""`` if none) of an RFC 9110 §7.2 ``uri-host [":" port]``.

    Raises ``ValueError`` for anything else: userinfo, a path, query or fragment, whitespace,
    control or non-ASCII characters, an empty host, a bad port or bracket, a zone identifier.
    """
    if len(authority) > _MAX_AUTHORITY:
        raise ValueError("too long")
    if authority.startswith("["):
        literal, bracket, rest = authority[1:].partition("]")
        if not bracket or "%" in literal or (rest and rest[0] != ":"):
            raise ValueError("not an IPv6 literal")
        ipaddress.IPv6Address(literal)  # AddressValueError is a ValueError
        host, colon, port = f"[{literal}]", rest[:1], rest[1:]
    else:
        host, colon, port = authority.partition(":")
        if not _REG_NAME(host):
            raise ValueError("not a host name")
        if host.rpartition(".")[2].isdigit():
            # Browsers and resolvers read a name ending in a number as IPv4: it must be one.
            ipaddress.IPv4Address(host)
    if colon and not (_PORT(port) and int(port) <= 65535):
        raise ValueError("not a port")
    return host, port
