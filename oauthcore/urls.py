"""URLs as OAuth reads them: one reading for the wire and the base string URI (RFC 5849 §3.4.1.2).

Theory of operation: ``to_url`` takes a URL as a caller wrote it and returns the URL that goes on
the wire, non-ASCII percent-encoded as UTF-8 and the host through IDNA, once, so that what is
signed is what is sent. ``parse_target`` reads that URL's authority and path with RFC 3986's own
splitting expression and refuses what HTTP libraries could read differently, so the host the
signature (and a redirect's origin check) names is the host every transport connects to. Base
string URIs of recent endpoints are remembered, bounded, without userinfo.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from .encoding import encode_uri

__all__ = ["Target", "parse_target", "to_url"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]").search  # controls other than tab

# A lone surrogate is no character at all: no encoding can put it on the wire.
_SURROGATE = re.compile("[\ud800-\udfff]").search
# Everything printable in ASCII stays as written in a URL; only what cannot go on the wire changes.
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))
_NOT_WIRE_SAFE = re.compile(r"[^\x21-\x7e]").search
# RFC 3986 Appendix B, up to the path: scheme, authority, path (query and fragment split off).
_URI_PARTS = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)").fullmatch
# What an authority may hold (RFC 3986 §3.2): unreserved, sub-delims, ":", "@", brackets and, in
# userinfo only, percent escapes. HTTP libraries end the authority at other characters (urllib3 at
# "\\") or decode escapes in the host (urllib), so they could connect to another host than the one
# read here: such an authority is refused rather than guessed at.
_AUTHORITY = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@\[\]%]*+").fullmatch


def to_url(value: object) -> str:
    """``value`` as it goes on the wire: non-ASCII encoded once, the host as IDNA (RFC 3986 §2.5).

    Raises ``TypeError`` for a non-str and ``ValueError`` for control characters, lone
    surrogates, or a host that is not a domain name.
    """
    if not isinstance(value, str):
        raise TypeError(f"url must be a str, not {type(value).__name__}")
    # Printable ASCII without a space, checked by three C-level string methods.
    if (value.isascii() and value.isprintable() and " " not in value) or not _NOT_WIRE_SAFE(value):
        return value
    # urlsplit silently drops tabs and newlines, which would sign and send another URL.
    if _CTL(value) or "\t" in value:
        raise ValueError(f"url must not contain control characters, got {_short(value)}")
    found = _SURROGATE(value)
    if found:
        raise ValueError(
            f"url holds a lone surrogate (U+{ord(found.group()):04X}) at character"
            f" {found.start()}, which is not text and cannot be encoded for the wire"
        )
    # Non-ASCII (and spaces) cannot go on the wire: encode them as UTF-8 here, once, so the URL
    # that is signed is the URL that is sent (RFC 3986 §2.5). The host goes through IDNA instead.
    parts = urlsplit(value)
    host = parts.hostname or ""
    netloc = parts.netloc
    if not host.isascii():
        # A host name has at most 253 characters (RFC 1035 §2.3.4). Refuse a longer one before
        # IDNA, which costs tens of microseconds a character: a hostile Host must stay cheap.
        if len(host) > 253:
            raise ValueError(
                f"url: the host has {len(host)} characters; a domain name has at most 253"
            )
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"url: the host {host!r} is not a valid domain name") from None
        # Only the host is case-insensitive: userinfo (dropped from the signature) keeps its case.
        userinfo, at, hostport = netloc.rpartition("@")
        netloc = userinfo + at + hostport.lower().replace(host, ascii_host)
    if _NOT_WIRE_SAFE(netloc):
        raise ValueError(
            f"url has a space or non-ASCII text in its userinfo, host or port: {_short(value)}"
        )
    return parts._replace(
        netloc=netloc,
        path=quote(parts.path, safe=_URL_SAFE),
        query=quote(parts.query, safe=_URL_SAFE),
        fragment=quote(parts.fragment, safe=_URL_SAFE),
    ).geturl()


class Target(NamedTuple):
    """What the signature needs from a URL, parsed once: base string URI (§3.4.1.2) and query."""

    uri: str
    encoded_uri: str
    query: str


def parse_target(url: str) -> Target:
    """Split ``url`` into its base string URI (RFC 5849 §3.4.1.2) and its raw query.

    The scheme and host are lower-cased, a default port is dropped, an empty path becomes ``/``,
    the path keeps its case, userinfo and fragment are dropped. Raises ``ValueError`` for a URL
    without scheme or host, with a scheme other than http(s), or with a bad port.
    """
    # The fragment is never signed (nor sent); the query is signed as its parameters.
    endpoint, _, query = (url.partition("#")[0] if "#" in url else url).partition("?")
    # Only short URLs without userinfo are remembered: the cache holds no password, and hostile
    # megabyte-long paths cannot fill memory.
    work_out: Callable[[str], tuple[str, str]] = _endpoint
    if len(endpoint) <= _REMEMBERED_LENGTH and "@" not in endpoint:
        work_out = _remembered_endpoint
    try:
        uri, encoded_uri = work_out(endpoint)
    except ValueError as error:
        raise ValueError(f"{error}: {_short(url)}") from None
    return Target(uri, encoded_uri, query)


def _endpoint(endpoint: str) -> tuple[str, str]:
    """The base string URI of a URL without query or fragment, plain and encoded (§3.4.1.2).

    Raises ``ValueError`` saying what is wrong; ``parse_target`` adds the URL, masked.
    """
    # ``endpoint`` is printable ASCII here (``to_url`` saw to that), so RFC 3986's own splitting
    # expression is exact, and one C-level match replaces ``urlsplit`` and its properties.
    match = _URI_PARTS(endpoint)
    assert match is not None  # every string matches: all its parts are optional
    scheme, authority, path = match.groups()
    scheme = (scheme or "").lower()
    if scheme not in _DEFAULT_PORTS or authority is None:
        raise ValueError("url must be an absolute http:// or https:// URL")
    if not _AUTHORITY(authority):
        raise ValueError(
            "url has a character in its authority that RFC 3986 §3.2 does not allow there"
            " (such as a backslash); HTTP libraries disagree on where such a host ends"
        )
    if "@" in authority:
        authority = authority.partition("@")[2]  # userinfo is never signed (§3.4.1.2)
        if "@" in authority:
            raise ValueError("url has more than one '@' in its authority")
    if "%" in authority:
        raise ValueError("url has a percent-encoded host or port; write the host as it is")
    if authority.startswith("["):
        host, bracket, port_text = authority.partition("]")
        host = host.lower() + bracket
        if not bracket or (port_text and port_text[0] != ":"):
            raise ValueError("url has an invalid IPv6 host")
        port_text = port_text[1:]
    else:
        host, _, port_text = authority.partition(":")
        host = host.lower()
        if "[" in host or "]" in host:  # no reg-name holds a bracket; urlsplit refuses them too
            raise ValueError("url has an invalid host")
    if not host or host == "[]":
        raise ValueError("url has no host")
    if port_text:
        if not (port_text.isdigit() and int(port_text) <= 65535):
            raise ValueError("url has an invalid port")
        if int(port_text) != _DEFAULT_PORTS[scheme]:
            host = f"{host}:{int(port_text)}"
    uri = f"{scheme}://{host}{path or '/'}"
    return uri, encode_uri(uri)


# A provider receives, and a client sends, requests to a handful of endpoints, each with its own
# query: their base string URIs are worked out once. At most 512, each at most 512 characters.
_REMEMBERED_LENGTH = 512
_remembered_endpoint = functools.lru_cache(maxsize=512)(_endpoint)


def _short(url: str) -> str:
    # Error messages show the URL without credentials: no password, no (PLAINTEXT) signature.
    # The redaction module loads with the first refusal or repr: ``import oauthcore`` skips it.
    from .redaction import mask_url, preview

    return preview(mask_url(url), 80)
