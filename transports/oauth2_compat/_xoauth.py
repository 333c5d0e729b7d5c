"""``build_xoauth_string``: the XOAUTH string for IMAP/SMTP, signed with HMAC-SHA1 (RFC 5849 §3)."""

from __future__ import annotations

from ._credentials import Consumer, Token
from ._functions import escape
from ._methods import SignatureMethod_HMAC_SHA1
from ._request import Request

__all__ = ["build_xoauth_string"]


def build_xoauth_string(url: str, consumer: Consumer, token: Token | None = None) -> str:
    """``GET url k="v",...``: a signed GET of ``url``, its OAuth parameters sorted (§3.4.2)."""
    request = Request.from_consumer_and_token(consumer, token, "GET", url)
    request.sign_request(SignatureMethod_HMAC_SHA1(), consumer, token)
    params = [f'{name}="{escape(value)}"' for name, value in sorted(request.items())]
    return f"GET {url} {','.join(params)}"
