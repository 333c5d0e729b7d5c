"""Percent-encoding (RFC 5849 §3.6) and form/query decoding (§3.4.1.3.1).

Theory of operation: OAuth signs *encoded* parameters, and most real parameters (keys, nonces,
timestamps, ids) are made only of unreserved characters, for which decoding and encoding are both
the identity. A precompiled regular expression recognises those in one C-level pass, so the common
case costs no decode/encode round at all; everything else goes through ``urllib.parse`` exactly
once in each direction.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, unquote_plus

from .errors import ParameterRejected

__all__ = ["decode_form", "percent_decode", "percent_encode"]

# RFC 3986 unreserved characters: the only ones RFC 5849 §3.6 leaves bare.
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]*").fullmatch
# What ``encode`` can leave in a normalized parameter string besides unreserved characters.
_PCT_ESCAPE = {ord("%"): "%25", ord("&"): "%26", ord("="): "%3D"}


def percent_encode(value: str) -> str:
    """Percent-encode ``value`` as UTF-8; only unreserved characters stay bare (RFC 5849 §3.6)."""
    if _UNRESERVED(value):
        return value
    # ``quote`` with nothing extra marked safe leaves exactly ALPHA DIGIT - . _ ~ (RFC 3986).
    return quote(value, safe="", encoding="utf-8", errors="strict")


def encode_encoded(encoded: str) -> str:
    """Percent-encode a string already made of unreserved characters, ``%``, ``&`` and ``=``.

    The base string (§3.4.1.1) encodes the normalized parameter string a second time; that string
    can only hold those four kinds of character, so a translation table does it in one pass.
    """
    return encoded.translate(_PCT_ESCAPE)


def percent_decode(value: str) -> str:
    """Decode one percent-encoded (§3.6) value as UTF-8; ``+`` stays a plus sign.

    Raises ``ParameterRejected`` for percent-escapes that are not valid UTF-8.
    """
    if "%" not in value:
        return value
    try:
        return _strict_unquote(value)
    except UnicodeDecodeError:
        raise ParameterRejected(
            f"percent-encoded value is not valid UTF-8: {_preview(value)}"
        ) from None


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


def _form_unquote(value: str) -> str:
    if "%" not in value and "+" not in value:
        return value
    try:
        return _strict_unquote_plus(value)
    except UnicodeDecodeError:
        raise ParameterRejected(
            f"percent-encoded value is not valid UTF-8: {_preview(value)}"
        ) from None


def _strict_unquote(value: str) -> str:
    return unquote(value, encoding="utf-8", errors="strict")


def _strict_unquote_plus(value: str) -> str:
    return unquote_plus(value, encoding="utf-8", errors="strict")


def _preview(value: str, limit: int = 40) -> str:
    # Error messages quote a bounded prefix: a 1 MB value must not become a 1 MB message.
    return repr(value if len(value) <= limit else value[:limit] + "...")


def is_unreserved(value: str) -> bool:
    """True when ``value`` holds only unreserved characters, so encoding leaves it unchanged."""
    return _UNRESERVED(value) is not None
