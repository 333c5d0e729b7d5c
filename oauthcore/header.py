"""The ``Authorization: OAuth ...`` header: rendering and strict parsing (RFC 5849 §3.5.1).

Theory of operation: the parser walks the header once, left to right, with one anchored regular
expression per parameter whose quoted-string part, ``(?:[^"\\]|\\.)*``, has disjoint alternatives,
so it cannot backtrack: time is linear in the header's length whatever the input. Quoted values are
unescaped (quoted-pair) once and percent-decoded once; a comma or the word ``realm`` inside a quoted
value is just text.
"""

from __future__ import annotations

import re

from .encoding import percent_decode
from .errors import ParameterRejected

__all__ = ["parse_authorization", "render_authorization"]

_SCHEME = re.compile(r"[ \t]*OAuth(?:[ \t]+|$)", re.IGNORECASE)
_PARAM = re.compile(
    r"([A-Za-z0-9\-._~%]+)[ \t]*=[ \t]*"  # name =
    r'"((?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*)"[ \t]*'  # "quoted"
)
_SEPARATOR = re.compile(r",[ \t]*")
_QUOTED_PAIR = re.compile(r"\\(.)")
_REALM_UNSAFE = re.compile(r"[\x00-\x1f\x7f]").search


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def render_authorization(encoded_params: list[tuple[str, str]], realm: str | None = None) -> str:
    """Render ``OAuth realm="...", name="value", ...`` from already-encoded pairs (§3.5.1).

    ``realm`` is written as an escaped quoted-string and is never part of the signature.
    """
    parts = [f'{name}="{value}"' for name, value in encoded_params]
    if realm is not None:
        if _REALM_UNSAFE(realm) or not realm.isascii():
            raise ValueError(
                "realm must be printable ASCII: no control characters such as CR or LF,"
                " nothing a header cannot carry (RFC 5849 §3.5.1)"
            )
        parts.insert(0, f'realm="{_quote(realm)}"')
    return "OAuth " + ", ".join(parts)


def is_oauth_authorization(value: str) -> bool:
    """True when an Authorization header value uses the ``OAuth`` scheme (case-insensitive)."""
    return _SCHEME.match(value) is not None


def parse_authorization(value: str) -> tuple[str | None, list[tuple[str, str]]]:
    """Parse an ``OAuth`` Authorization header into its realm and decoded parameters (§3.5.1).

    Returns ``(realm, pairs)``, the pairs in header order with ``realm`` taken out. Raises
    ``ParameterRejected`` for anything that is not the RFC grammar: another scheme, unquoted or
    unterminated values, missing commas, a repeated ``realm``, escapes that are not UTF-8.
    """
    scheme = _SCHEME.match(value)
    if scheme is None:
        raise ParameterRejected("Authorization header does not use the OAuth scheme")
    realm: str | None = None
    pairs: list[tuple[str, str]] = []
    position = scheme.end()
    end = len(value.rstrip(" \t"))
    while position < end:
        match = _PARAM.match(value, position)
        if match is None:
            raise ParameterRejected(
                f"malformed OAuth Authorization header at character {position}:"
                ' expected name="value"'
            )
        name, quoted = match.group(1), match.group(2)
        text = _QUOTED_PAIR.sub(r"\1", quoted) if "\\" in quoted else quoted
        if name == "realm":
            if realm is not None:
                raise ParameterRejected("Authorization header has more than one realm")
            realm = text
        else:
            pairs.append((percent_decode(name), percent_decode(text)))
        position = match.end()
        if position < end:
            separator = _SEPARATOR.match(value, position)
            if separator is None:
                raise ParameterRejected(
                    f"malformed OAuth Authorization header at character {position}:"
                    " expected a comma between parameters"
                )
            position = separator.end()
            if position >= end:
                raise ParameterRejected("Authorization header ends with a comma")
    return realm, pairs
