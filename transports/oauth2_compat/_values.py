"""Parameter values as python-oauth2 held them (str, bytes, numbers, lists) turned into text.

python-oauth2 kept whatever the caller stored in a ``Request`` and converted it only when
signing or serialising: bytes are UTF-8, a list or tuple stands for a repeated parameter, anything
else is written as ``str(value)``. These helpers do that conversion once, the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["stored", "text", "text_pairs", "values"]


def text(value: object) -> str:
    """``value`` as text: bytes decoded as UTF-8 (RFC 5849 §3.6 encodes UTF-8), others str()."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise TypeError(
                "bytes parameter values must be UTF-8 (RFC 5849 §3.6): decode them first"
            ) from None
    return str(value)


def values(value: object) -> list[str]:
    """The text value(s) of one parameter; a list or other iterable is a repeated parameter."""
    if isinstance(value, (str, bytes, bytearray)):
        return [text(value)]
    if isinstance(value, Iterable):
        return [text(item) for item in value]
    return [text(value)]


def stored(value: object) -> object:
    """What a ``Request`` keeps for ``value``: bytes become str, iterables lists, others as is."""
    if isinstance(value, (str, bytes, bytearray)):
        return text(value)
    if isinstance(value, Iterable):
        return [text(item) if isinstance(item, (bytes, bytearray)) else item for item in value]
    return value


def text_pairs(params: Mapping[str, object]) -> list[tuple[str, str]]:
    """Decoded (name, value) pairs, one per value, in the mapping's order (RFC 5849 §3.4.1.3)."""
    return [(name, item) for name, value in params.items() for item in values(value)]
