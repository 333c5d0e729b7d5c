"""The ``Authorization: OAuth ...`` header: rendering and strict parsing (RFC 5849 §3.5.1).

Theory of operation: one regular expression checks the whole parameter list against the grammar,
then another lifts out every ``name="value"`` pair; both run in C. Every repetition in them is
possessive or atomic and the quoted-string alternatives, ``[^"\\]`` and ``\\.``, are disjoint, so
nothing is ever retried: time is linear in the header's length whatever the input. Only a header
that fails the check is walked again, parameter by parameter, to say where it goes wrong. Quoted
values are unescaped (quoted-pair) once and percent-decoded once; a comma or the word ``realm``
inside a quoted value is just text. A verifier first tries ``read_plain``: a header in the exact
shape clients send is checked by one expression and split by C-level string methods, and
anything else comes here.
"""

from __future__ import annotations

import re
from typing import NoReturn

from ._lazy import LazyPattern
from .encoding import (
    BASE64_ESCAPED_TEXT,
    CANONICAL_TEXT,
    ITEM_SEPARATOR,
    decode_base64_escapes,
    encode_component,
    percent_decode,
)
from .errors import ParameterRejected

__all__ = [
    "is_oauth_authorization",
    "parse_authorization",
    "parse_authorization_encoded",
    "read_plain",
    "render_authorization",
]

_SCHEME = re.compile(r"[ \t]*OAuth(?:[ \t]+|$)", re.IGNORECASE)
_NAME = r"[A-Za-z0-9\-._~%]++"
# Control characters other than tab, and what no header octet can be (RFC 9110 §5.5: a field
# value is octets, read as Latin-1), lone surrogates included: the grammar refuses them all.
_CTL = r"\x00-\x08\x0a-\x1f\x7f\u0100-\U0010ffff"
# quoted-string (RFC 9110 §5.6.4), loop unrolled: runs of plain characters, each escape then a run.
_QUOTED = rf'"([^"\\{_CTL}]*+(?:\\[^{_CTL}][^"\\{_CTL}]*+)*+)"'
_PARAM = LazyPattern(rf"({_NAME})[ \t]*+=[ \t]*+{_QUOTED}[ \t]*+")
# The whole list after the scheme: name="value" pairs separated by commas (§3.5.1, RFC 2617).
_ONE = rf"(?>{_NAME}[ \t]*+=[ \t]*+{_QUOTED.replace('(', '(?:', 1)})"
_WELL_FORMED = LazyPattern(rf"(?:{_ONE}(?:[ \t]*+,[ \t]*+{_ONE})*+)?+[ \t]*+")
_PAIRS = LazyPattern(rf"({_NAME})[ \t]*+=[ \t]*+{_QUOTED}")
# The same list when every name is plain and every value already canonical (§3.6), as good
# clients send it: then the values need no decode/encode round at all. ``realm`` may be anything.
_CANONICAL_ONE = (
    rf"(?>realm[ \t]*+=[ \t]*+{_QUOTED.replace('(', '(?:', 1)}"
    rf'|[A-Za-z0-9\-._~]++[ \t]*+=[ \t]*+"{CANONICAL_TEXT}")'
)
_CANONICAL_LIST = LazyPattern(
    rf"(?:{_CANONICAL_ONE}(?:[ \t]*+,[ \t]*+{_CANONICAL_ONE})*+)?+[ \t]*+"
)
# The plain header (see ``read_plain``), checked whole in one C-level pass.
_PLAIN_PAIR = rf'(?!realm=)[a-z_]++="{BASE64_ESCAPED_TEXT}"'
_PLAIN_HEADER = re.compile(rf"OAuth {_PLAIN_PAIR}(?:, ?+{_PLAIN_PAIR})*+").fullmatch
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
    """True when an Authorization header value uses the ``OAuth`` scheme (RFC 5849 §3.5.1).

    The scheme name is case-insensitive (RFC 9110 §11.1).
    """
    return value.startswith("OAuth ") or _SCHEME.match(value) is not None


def parse_authorization(value: str) -> tuple[str | None, list[tuple[str, str]]]:
    """Parse an ``OAuth`` Authorization header into its realm and decoded parameters (§3.5.1).

    Returns ``(realm, pairs)``, the pairs in header order with ``realm`` taken out. Raises
    ``ParameterRejected`` for anything that is not the RFC grammar: another scheme, unquoted or
    unterminated values, missing commas, a repeated ``realm``, escapes that are not UTF-8.
    """
    realm, raw, _ = _split(value)
    return realm, [(percent_decode(name), percent_decode(text)) for name, text in raw]


def parse_authorization_encoded(value: str) -> tuple[str | None, list[tuple[str, str]]]:
    """``parse_authorization`` with each name and value in its canonical encoding (§3.6).

    What a verifier needs for the base string (§3.4.1.3.2): a value sent already canonical is
    used as it stands, anything else is decoded once and encoded once.
    """
    realm, raw, canonical = _split(value)
    if canonical:
        return realm, raw
    return realm, [(encode_component(name), encode_component(text)) for name, text in raw]


def read_plain(value: str) -> tuple[list[str], dict[str, str]] | None:
    """A plain header's encoded items, and its values by name, decoded (§3.5.1).

    Plain is the shape clients send: ``OAuth `` and ``name="value"`` pairs joined by ``,`` or
    ``, ``, names of lower-case letters and ``_`` (as every protocol parameter's), values of
    unreserved characters and a base64 value's escapes, so already canonical (§3.6); no realm.
    An item is ``name``, ``ITEM_SEPARATOR``, encoded ``value``. A repeated name shows as fewer
    names than items. ``None`` for any other header: ``parse_authorization_encoded`` reads it.
    """
    if not _PLAIN_HEADER(value):
        return None
    # The shape is proven: each opening quote follows "=", each closing one precedes "," or the
    # end, and no value holds either, so C-level passes over the whole header take it apart.
    text = value[6:-1].replace('", ', '",').replace('="', ITEM_SEPARATOR)
    items = text.split('",')
    if "%" in text:  # the escapes of a base64 value, the only ones a plain header holds
        text = decode_base64_escapes(text)
    # Names and values alternate: one iterator zipped with itself pairs them without copies.
    flat = iter(text.replace('",', ITEM_SEPARATOR).split(ITEM_SEPARATOR))
    return items, dict(zip(flat, flat))  # noqa: B905 - an even count by the shape


def _split(value: str) -> tuple[str | None, list[tuple[str, str]], bool]:
    """The realm, the raw (still percent-encoded, quoted-pairs undone) parameters, and whether
    every one of them is already in canonical encoding."""
    scheme = _SCHEME.match(value)
    if scheme is None:
        raise ParameterRejected("Authorization header does not use the OAuth scheme")
    start = scheme.end()
    canonical = _CANONICAL_LIST.compiled.fullmatch(value, start) is not None
    if not canonical and not _WELL_FORMED.compiled.fullmatch(value, start):
        _locate_error(value, start)
    realm: str | None = None
    pairs: list[tuple[str, str]] = []
    for name, quoted in _PAIRS.compiled.findall(value, start):
        text = _QUOTED_PAIR.sub(r"\1", quoted) if "\\" in quoted else quoted
        if name == "realm":
            if realm is not None:
                raise ParameterRejected("Authorization header has more than one realm")
            realm = text
        else:
            pairs.append((name, text))
    return realm, pairs, canonical


def _locate_error(value: str, position: int) -> NoReturn:
    """Walk a header that failed the grammar check to say where it goes wrong; always raises."""
    # Measured once: trimming inside the loop copied the header once per parameter (quadratic).
    end = len(value.rstrip(" \t"))
    while True:
        match = _PARAM.compiled.match(value, position)
        if match is None:
            raise ParameterRejected(
                f"malformed OAuth Authorization header at character {position}:"
                ' expected name="value"'
            )
        position = match.end()
        separator = _SEPARATOR.match(value, position)
        if separator is None:
            raise ParameterRejected(
                f"malformed OAuth Authorization header at character {position}:"
                " expected a comma between parameters"
            )
        position = separator.end()
        if position == end:
            raise ParameterRejected("Authorization header ends with a comma")
