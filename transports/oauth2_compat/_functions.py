"""python-oauth2's module-level helpers, each a thin call into oauthcore (RFC 5849 §3.3, §3.6)."""

from __future__ import annotations

import secrets

from oauthcore.encoding import percent_encode
from oauthcore.header import render_authorization
from oauthcore.signing import make_timestamp

from ._values import text

__all__ = [
    "build_authenticate_header",
    "escape",
    "generate_nonce",
    "generate_timestamp",
    "generate_verifier",
]

_DIGITS = "0123456789"


def escape(s: str | bytes) -> str:
    """Percent-encode ``s`` as UTF-8, ``/`` included; only unreserved characters stay (§3.6)."""
    return percent_encode(text(s))


def generate_timestamp() -> int:
    """Seconds since the epoch, as an int (RFC 5849 §3.3)."""
    return int(make_timestamp())


def _digits(length: int) -> str:
    return "".join(secrets.choice(_DIGITS) for _ in range(length))


def generate_nonce(length: int = 8) -> str:
    """``length`` random decimal digits from ``secrets`` (a nonce, RFC 5849 §3.3)."""
    return _digits(length)


def generate_verifier(length: int = 8) -> str:
    """``length`` random decimal digits from ``secrets`` (a verification code, RFC 5849 §2.2)."""
    return _digits(length)


def build_authenticate_header(realm: str = "") -> dict[str, str]:
    """``{'WWW-Authenticate': 'OAuth realm="..."'}`` for a 401 answer (RFC 5849 §3.5.1)."""
    return {"WWW-Authenticate": render_authorization([], realm)}
