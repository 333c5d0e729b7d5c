"""The public URL behind a proxy: ``Forwarded`` (RFC 7239), ``X-Forwarded-*`` or a fixed origin.

Theory of operation: a client signs the URL it sent to (RFC 5849 §3.4.1.2); behind a proxy that
terminates TLS, the provider sees ``http://10.0.0.5:8080`` instead. A proxy says what it received
in ``Forwarded: for=...;proto=...;host=...`` or in ``X-Forwarded-For/Proto/Host/Port``, but any
client can send those headers too, so ``TrustedProxies`` reads them only when the direct peer
(REMOTE_ADDR, an ASGI ``client``) is in a network the application lists, and then walks the chain
from the right: each proxy appends the address that connected to it, so hops are believed while
that address is itself a trusted proxy, and the first untrusted one is the client. The element
(or list position) of the outermost trusted proxy names the public scheme and host. Every value
is hostile input: a malformed header is refused (``HTTPProblem`` 400), the host and port go
through the same rules as a ``Host`` header, the scheme must be http or https, and parsing is
one left-to-right pass. ``PublicOrigin`` skips all of this: the application states its URL.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Literal, Protocol

from attrs import field, frozen

from ._reading import shown
from .hosts import DEFAULT_PORTS, host_and_port
from .replies import HTTPProblem

__all__ = ["OriginPolicy", "PublicOrigin", "TrustedProxies", "parse_forwarded"]

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# RFC 7230 §3.2.6 token and quoted-string; RFC 7239 §4 forwarded-pair = token "=" value. Each
# alternative consumes distinct characters, so a match (or a failure) is one linear scan.
_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
_PAIR = re.compile(rf"[ \t]*({_TCHARS})=({_TCHARS}|{_QUOTED})[ \t]*")
_SEPARATOR = re.compile(r"[ \t]*([,;])")
_QUOTED_PAIR = re.compile(r"\\(.)")
# What a proxy reported: scheme, host, port (each None if absent) and the header family's name.
_Found = tuple[str | None, str | None, str | None, str]


class OriginPolicy(Protocol):
    """Where the public scheme and authority of a request come from (RFC 5849 §3.4.1.2)."""

    def origin(
        self, peer: str | None, headers: Mapping[str, str], scheme: str, authority: str
    ) -> tuple[str, str]:
        """The public ``(scheme, authority)`` of a request received as ``scheme://authority``.

        ``peer`` is the direct peer's address; ``headers`` maps lower-case header names to
        their values (repeated headers joined with ``", "``).
        """
        ...


def _refuse(what: str, text: str) -> HTTPProblem:
    return HTTPProblem(400, f"{what} from a trusted proxy is malformed: {shown(text)}")


def parse_forwarded(text: str) -> list[dict[str, str]]:
    """The elements of a ``Forwarded`` header, left to right, names lower-cased (RFC 7239 §4).

    Quoted values are unquoted. Raises ``HTTPProblem`` 400 for anything outside the grammar or
    a parameter repeated within one element (§4: it "MUST NOT occur more than once").
    """
    elements: list[dict[str, str]] = [{}]
    text = text.strip(" \t")
    position = 0
    while position < len(text):
        pair = _PAIR.match(text, position)
        if pair is not None:
            name, value = pair.group(1).lower(), pair.group(2)
            if value.startswith('"'):
                value = _QUOTED_PAIR.sub(r"\1", value[1:-1])
            if name in elements[-1]:
                raise _refuse(f"Forwarded (the parameter {name!r} twice)", text)
            elements[-1][name] = value
            position = pair.end()
            if position == len(text):
                break
        # Empty list members and empty pairs are allowed: "a=1,,b=2", "a=1;;b=2" (RFC 7230 §7).
        separator = _SEPARATOR.match(text, position)
        if separator is None:
            raise _refuse("Forwarded", text)
        if separator.group(1) == ",":
            elements.append({})
        position = separator.end()
    return [element for element in elements if element]


# Parsing an address with ipaddress costs microseconds, and a provider sees the same few proxies
# on every request: a bounded cache keeps that cost off the hot path (a flood of new addresses
# only turns it over).
@functools.lru_cache(maxsize=4096)
def _address(node: str) -> _Address | None:
    """The IP address of an RFC 7239 §6 node (``192.0.2.1:80``, ``[2001:db8::1]``), if any."""
    if node.startswith("["):
        node, bracket, port = node[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return None
    elif node.count(":") == 1:
        node = node.partition(":")[0]
    try:
        address = ipaddress.ip_address(node)
    except ValueError:
        return None  # "unknown", an obfuscated "_name", or garbage: never a trusted proxy
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _networks(values: Iterable[str | _Network]) -> tuple[_Network, ...]:
    if isinstance(values, str):
        raise TypeError("trusted must be a list of networks, not one str")
    return tuple(ipaddress.ip_network(value) for value in values)


def _public(scheme: str, host: str | None, port: str | None, what: str) -> tuple[str, str]:
    """``(scheme, authority)`` from a proxy's values, each checked like a Host header."""
    scheme = scheme.strip(" \t")
    if not scheme.isascii() or scheme.lower() not in DEFAULT_PORTS:
        raise _refuse(f"{what} (the scheme must be http or https)", scheme)
    scheme = scheme.lower()
    authority = ""
    if host is not None:
        try:
            name, given = host_and_port(host.strip(" \t"))
        except ValueError:
            raise _refuse(f"{what} (the host)", host) from None
        if port is not None:
            given = port.strip(" \t")
            if not (given.isascii() and given.isdigit() and len(given) <= 5 and int(given) < 65536):
                raise _refuse(f"{what} (the port)", port)
        authority = name if given in ("", DEFAULT_PORTS[scheme]) else f"{name}:{given}"
    return scheme, authority


@frozen
class TrustedProxies:
    """Believe ``Forwarded`` or ``X-Forwarded-*`` from these proxies only (RFC 7239 §5, §8.1).

    ``trusted`` lists the proxies' networks (``["10.0.0.0/8", "::1"]``); ``header`` names the
    one family they set: ``"forwarded"`` or ``"x-forwarded"`` (the other is ignored, since a
    proxy that sets one passes a client's copy of the other on untouched).
    """

    trusted: tuple[_Network, ...] = field(converter=_networks)
    header: Literal["forwarded", "x-forwarded"] = "x-forwarded"

    def __attrs_post_init__(self) -> None:
        if self.header not in ("forwarded", "x-forwarded"):
            raise ValueError(f"header must be 'forwarded' or 'x-forwarded', not {self.header!r}")

    def trusts(self, node: str | None) -> bool:
        """Whether ``node`` (an address, maybe with a port) is a listed proxy (RFC 7239 §6)."""
        address = None if node is None else _address(node.strip(" \t"))
        return address is not None and any(address in network for network in self.trusted)

    def origin(
        self, peer: str | None, headers: Mapping[str, str], scheme: str, authority: str
    ) -> tuple[str, str]:
        """The public ``(scheme, authority)``: what the outermost trusted proxy received.

        Headers from an untrusted ``peer`` are ignored: the direct values are returned.
        """
        if not self.trusts(peer):
            return scheme, authority
        if self.header == "forwarded":
            found = self._forwarded(headers.get("forwarded"))
        else:
            found = self._x_forwarded(headers)
        public_scheme, host, port, what = found
        if public_scheme is None and host is None:
            return scheme, authority
        public_scheme, public_authority = _public(public_scheme or scheme, host, port, what)
        return public_scheme, public_authority or authority

    def _forwarded(self, text: str | None) -> _Found:
        elements = parse_forwarded(text or "")
        if not elements:
            return None, None, None, "Forwarded"
        hop = len(elements) - 1
        # Element i was added by proxy i and names who connected to it in "for".
        while hop > 0 and self.trusts(elements[hop].get("for")):
            hop -= 1
        chosen = elements[hop]
        return chosen.get("proto"), chosen.get("host"), None, "Forwarded"

    def _x_forwarded(self, headers: Mapping[str, str]) -> _Found:
        chain = _items(headers.get("x-forwarded-for"))
        hop = len(chain) - 1
        while hop > 0 and self.trusts(chain[hop]):
            hop -= 1
        # The trusted proxies, from the right; each appended (or set) one value to each list.
        depth = len(chain) - hop if chain else 1
        values = [_pick(headers.get(f"x-forwarded-{name}"), depth) for name in _X_NAMES]
        return values[0], values[1], values[2], "X-Forwarded-*"


_X_NAMES = ("proto", "host", "port")


def _items(text: str | None) -> list[str]:
    return [] if text is None else [item.strip(" \t") for item in text.split(",")]


def _pick(text: str | None, depth: int) -> str | None:
    """The value the outermost of ``depth`` trusted proxies set in a comma-separated list."""
    items = _items(text)
    if not items:
        return None
    # A proxy that overwrites leaves one value; one that appends leaves one per hop.
    return items[max(0, len(items) - depth)]


@frozen
class PublicOrigin:
    """The application's public ``scheme://host[:port]``, stated once (RFC 5849 §3.4.1.2).

    Every request is verified against it, whatever headers it carries: the simplest and safest
    choice behind a proxy when the application has one public name.
    """

    url: str

    def __attrs_post_init__(self) -> None:
        scheme, sep, rest = self.url.partition("://")
        if not sep or scheme.lower() not in DEFAULT_PORTS:
            raise ValueError(f"the public origin must be http(s)://host[:port], not {self.url!r}")
        try:
            host_and_port(rest.rstrip("/"))
        except ValueError:
            raise ValueError(
                f"the public origin must be http(s)://host[:port], not {self.url!r}"
            ) from None

    def origin(
        self, peer: str | None, headers: Mapping[str, str], scheme: str, authority: str
    ) -> tuple[str, str]:
        """The stated ``(scheme, authority)``, default port left out (RFC 5849 §3.4.1.2)."""
        public_scheme, _, rest = self.url.partition("://")
        return _public(public_scheme, rest.rstrip("/"), None, "the public origin")
