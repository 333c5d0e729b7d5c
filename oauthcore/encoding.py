"""Percent-encoding (RFC 5849 §3.6) and form/query decoding (§3.4.1.3.1).

Theory of operation: OAuth signs *encoded* parameters (§3.4.1.3.2), so a query or form component
must be decoded once and encoded once. Most components a client sends are already in exactly the
form that round trip produces: unreserved characters bare, every other byte as an upper-case
``%XX``, the bytes forming valid UTF-8. ``_CANONICAL`` recognises precisely those strings in one
C-level pass (unreserved runs, escapes of non-unreserved ASCII, and escaped UTF-8 sequences as
RFC 3629 §4 defines them), and for them the round trip is skipped because it is the identity.
Anything else (lower-case hex, an escaped unreserved character, a raw reserved character, invalid
UTF-8) goes through ``urllib.parse`` once in each direction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, unquote, unquote_plus

from ._lazy import LazyPattern
from .errors import ParameterRejected

__all__ = [
    "FORM_CONTENT_TYPE",
    "append_query",
    "decode_form",
    "encode_form",
    "percent_decode",
    "percent_encode",
]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
"""The media type of a form body (§3.4.1.3.1), of credentials replies (§2.1, §2.3) and of
problem reports: the one spelling every module compares and sends."""

# RFC 3986 unreserved characters: the only ones RFC 5849 §3.6 leaves bare.
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]*").fullmatch
_ENCODED = re.compile(r"[A-Za-z0-9\-._~%]*+").fullmatch
_CONT = "%[89AB][0-9A-F]"
# One escape that percent-encoding (§3.6) would produce: of an ASCII character that is not
# unreserved, or one of a UTF-8 sequence as RFC 3629 §4 defines them. Commonest first, behind one
# ``%``, so the engine tests the ``%`` once per escape rather than once per alternative.
_ESCAPE = (
    r"%(?:2[0-9A-CF]|[01][0-9A-F]|3[A-F]|40|5[B-E]|60|7[B-DF]"  # ASCII, not unreserved
    rf"|C[2-9A-F]{_CONT}|D[0-9A-F]{_CONT}"  # 2-byte UTF-8
    rf"|E0%[AB][0-9A-F]{_CONT}|E[1-9A-CEF]{_CONT}{_CONT}|ED%[89][0-9A-F]{_CONT}"  # 3-byte
    rf"|F0%[9AB][0-9A-F]{_CONT}{_CONT}|F[1-3]{_CONT}{_CONT}{_CONT}|F4%8[0-9A-F]{_CONT}{_CONT}"
    r")"
)
# A string that percent-encoding (§3.6) would produce: see the theory of operation above. Written
# unrolled, a run of unreserved characters then any number of (escape, run): no alternation
# between runs and escapes, which the engine pays for at every step. Every repetition is
# possessive and an escape starts with the one character a run never holds, so nothing is ever
# retried: linear time whatever the input (``aaaa...%5F`` included).
CANONICAL_TEXT = rf"[A-Za-z0-9\-._~]*+(?:{_ESCAPE}[A-Za-z0-9\-._~]*+)*+"
_CANONICAL = LazyPattern(CANONICAL_TEXT)
# The same for a query or form component, where ``+`` is an encoded space (§3.4.1.3.1): canonical
# once it is written ``%20``.
_FORM_TEXT = rf"[A-Za-z0-9\-._~+]*+(?:{_ESCAPE}[A-Za-z0-9\-._~+]*+)*+"
# A whole query or form string whose every name and value is canonical (at most one ``=`` each).
_CANONICAL_FORM = LazyPattern(
    rf"{_FORM_TEXT}(?:={_FORM_TEXT})?+(?:&{_FORM_TEXT}(?:={_FORM_TEXT})?+)*+"
)
# The commonest query or form: ``name=value`` items of unreserved characters only. Plain
# character classes, which the regular expression engine runs far faster than alternations.
_PLAIN_FORM = re.compile(
    r"[A-Za-z0-9\-._~]*+=[A-Za-z0-9\-._~]*+(?:&[A-Za-z0-9\-._~]*+=[A-Za-z0-9\-._~]*+)*+"
).fullmatch
# Unreserved text whose only escapes are those of base64's ``+``, ``/`` and ``=`` (§3.6): how a
# signature or hash value is sent. Unrolled (a run, then escape-and-run pairs), as above.
BASE64_ESCAPED_TEXT = r"[A-Za-z0-9\-._~]*+(?:%(?:2B|2F|3D)[A-Za-z0-9\-._~]*+)*+"
_BASE64_ESCAPED = re.compile(BASE64_ESCAPED_TEXT).fullmatch
# Unreserved plus the few reserved characters that URIs and base64 values are made of: for these,
# five C-level replacements beat ``quote``'s per-byte loop by an order of magnitude.
_URI_OR_BASE64 = re.compile(r"[A-Za-z0-9\-._~%:/+=]*").fullmatch


def percent_encode(value: str) -> str:
    """Percent-encode ``value`` as UTF-8; only unreserved characters stay bare (RFC 5849 §3.6)."""
    if _UNRESERVED(value):
        return value
    if _URI_OR_BASE64(value):
        return (
            value.replace("%", "%25")
            .replace(":", "%3A")
            .replace("/", "%2F")
            .replace("+", "%2B")
            .replace("=", "%3D")
        )
    # ``quote`` with nothing extra marked safe leaves exactly ALPHA DIGIT - . _ ~ (RFC 3986).
    return quote(value, safe="", encoding="utf-8", errors="strict")


def encode_uri(uri: str) -> str:
    """``percent_encode`` for a base string URI (§3.4.1.1, §3.6), by its usual shape.

    A URI mostly needs only ``%``, ``:`` and ``/`` escaped: three C-level replacements, checked
    by one expression; any other reserved character sends it the general way.
    """
    encoded = uri.replace("%", "%25").replace(":", "%3A").replace("/", "%2F")
    return encoded if _ENCODED(encoded) else percent_encode(uri)


def encode_encoded(encoded: str) -> str:
    """Percent-encode a string already made of unreserved characters, ``%``, ``&`` and ``=``.

    The base string (§3.4.1.1) encodes the normalized parameter string a second time; that string
    can only hold those four kinds of character, so three replacements do it.
    """
    return encoded.replace("%", "%25").replace("&", "%26").replace("=", "%3D")


def percent_decode(value: str) -> str:
    """Decode one percent-encoded (§3.6) value as UTF-8; ``+`` stays a plus sign.

    Raises ``ParameterRejected`` for percent-escapes that are not valid UTF-8.
    """
    if "%" not in value:
        return value
    if _BASE64_ESCAPED(value):  # a base64 signature or hash: three known escapes at most
        return decode_base64_escapes(value)
    return _decoded(_strict_unquote, value)


def decode_base64_escapes(text: str) -> str:
    """Decode ``%2B``, ``%2F`` and ``%3D``, the only escapes of ``BASE64_ESCAPED_TEXT`` (§3.6)."""
    return text.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")


def decode_form(data: str) -> list[tuple[str, str]]:
    """Decode a query string or form body into ordered (name, value) pairs (§3.4.1.3.1).

    Every pair is kept, repeated names and empty values included; ``+`` means a space; each name
    and value is decoded exactly once. Raises ``ParameterRejected`` for escapes that are not UTF-8.
    """
    pairs: list[tuple[str, str]] = []
    if not data:
        return pairs
    for item in data.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((_form_unquote(name), _form_unquote(value)))
    return pairs


def encode_component(raw: str) -> str:
    """The encoded form (§3.6) of one percent-encoded value in which ``+`` is a plus sign.

    For Authorization header values (§3.5.1). Raises ``ParameterRejected`` for invalid UTF-8.
    """
    if _CANONICAL.compiled.fullmatch(raw):
        return raw
    return percent_encode(percent_decode(raw))


def encode_form_component(raw: str) -> str:
    """The encoded form (§3.6) of one raw query/form name or value, decoded exactly once.

    ``+`` is a space (§3.4.1.3.1). Raises ``ParameterRejected`` for escapes that are not UTF-8.
    """
    if "+" in raw:
        raw = raw.replace("+", "%20")
    if _CANONICAL.compiled.fullmatch(raw):
        return raw
    return percent_encode(_decoded(_strict_unquote, raw))


#: Joins an encoded name to its encoded value as one string, an *item*. It sorts below every
#: character encoded text can hold (§3.6), so items sort exactly as (name, value) pairs do
#: (§3.4.1.3.2), and a list of them sorts, joins and splits with C-level string methods.
ITEM_SEPARATOR = "\x01"

#: Where the protocol parameters end in a sorted list of items, ``bisect_left(items, "oauth_")``
#: being where they start: two bisections count them, instead of a test per item. An item begins
#: ``oauth_`` exactly when its name does (a name holds no ``ITEM_SEPARATOR``), and a string begins
#: ``oauth_`` exactly when it sorts at or above ``"oauth_"`` and below this, because "`" (U+0060)
#: is the code point right after "_" (U+005F).
OAUTH_ITEMS_END = "oauth`"


def encode_form_items(data: str) -> list[str]:
    """Encoded ``name\\x01value`` items of a raw query or form string, each decoded exactly once.

    Equivalent to encoding every pair of ``decode_form(data)`` (§3.4.1.3.1, §3.4.1.3.2), but a
    string that is canonical throughout is split without decoding anything.
    """
    if _PLAIN_FORM(data):
        # Every item is exactly ``name=value`` in unreserved characters: each ``=`` becomes the
        # separator and the items come out of one split, without a Python-level loop.
        return data.replace("=", ITEM_SEPARATOR).split("&")
    if _CANONICAL_FORM.compiled.fullmatch(data):
        if "+" in data:
            data = data.replace("+", "%20")  # a plus sign is a space in forms and queries
        # Canonical items hold at most one ``=``; one more ``=`` than ``&`` means every item has
        # exactly one, and no item is empty: the plain split applies.
        if data.count("=") == data.count("&") + 1:
            return data.replace("=", ITEM_SEPARATOR).split("&")
        # ``partition`` gives (name, "=", value); the step-2 slice keeps (name, value).
        return [ITEM_SEPARATOR.join(item.partition("=")[::2]) for item in data.split("&") if item]
    items = []
    for item in data.split("&"):
        if item:
            name, _, value = item.partition("=")
            items.append(
                f"{encode_form_component(name)}{ITEM_SEPARATOR}{encode_form_component(value)}"
            )
    return items


def _form_unquote(value: str) -> str:
    if "%" not in value and "+" not in value:
        return value
    return _decoded(_strict_unquote_plus, value)


def _decoded(unquote: Callable[[str], str], value: str) -> str:
    """``unquote(value)``, or ``ParameterRejected`` for escapes that are not UTF-8 (§3.6)."""
    try:
        return unquote(value)
    except UnicodeDecodeError:
        # The value is not quoted: a malformed one may be a secret, such as a PLAINTEXT signature.
        raise ParameterRejected(
            "a percent-encoded value is not valid UTF-8; encode text as UTF-8 (RFC 5849 §3.6)"
        ) from None


def _strict_unquote(value: str) -> str:
    return unquote(value, encoding="utf-8", errors="strict")


def _strict_unquote_plus(value: str) -> str:
    return unquote_plus(value, encoding="utf-8", errors="strict")


def is_unreserved(value: str) -> bool:
    """True when ``value`` holds only unreserved characters, so encoding leaves it unchanged."""
    return _UNRESERVED(value) is not None


def encode_form(pairs: Iterable[tuple[str, str]]) -> str:
    """``pairs`` as ``name=value&...``, every name and value percent-encoded (§3.6, §3.4.1.3.1).

    The one form encoder: request bodies, credentials replies, problem reports, query strings.
    """
    return "&".join(f"{percent_encode(name)}={percent_encode(value)}" for name, value in pairs)


def append_query(url: str, pairs: Iterable[tuple[str, str]]) -> str:
    """``url`` with ``pairs`` percent-encoded (§3.6) and added to its query, before any fragment.

    The one way oauthcore extends a URL: ``Request.build``, authorization and callback URLs.
    """
    base, hash_sign, fragment = url.partition("#")
    added = encode_form(pairs)
    if not added:
        return url
    if "?" not in base:
        joiner = "?"
    elif base.endswith(("?", "&")):
        joiner = ""
    else:
        joiner = "&"
    return f"{base}{joiner}{added}{hash_sign}{fragment}"
