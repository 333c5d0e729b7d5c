"""The straightforward standard-library OAuth 1.0a HMAC-SHA1 signer the benchmarks compare with.

Written the way a careful developer would write it from RFC 5849 in an afternoon, with no tuning:
collect the query and form parameters with ``parse_qsl``, put every name and value through
``quote(safe="~")`` (§3.6), sort, join, build the base string (§3.4.1), HMAC it (§3.4.2), base64
the digest and render the ``Authorization`` header (§3.5.1). The benchmarks first check that it
produces exactly the signature every other implementation produces.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import parse_qsl, quote, urlsplit

__all__ = ["FORM", "base_string", "hmac_sha1", "sign_header", "signing_key"]

FORM = "application/x-www-form-urlencoded"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _enc(text: str) -> str:
    return quote(text, safe="~")


def base_string(
    method: str,
    url: str,
    content_type: str | None,
    body: str,
    oauth_params: list[tuple[str, str]],
) -> str:
    """The signature base string of a request plus its ``oauth_*`` parameters (§3.4.1)."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    if content_type == FORM:
        params += parse_qsl(body, keep_blank_values=True)
    params += oauth_params
    encoded = sorted((_enc(name), _enc(value)) for name, value in params)
    normalized = "&".join(f"{name}={value}" for name, value in encoded)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    uri = f"{scheme}://{host}{parts.path or '/'}"
    return f"{method.upper()}&{_enc(uri)}&{_enc(normalized)}"


def signing_key(consumer_secret: str, token_secret: str) -> bytes:
    """Encoded consumer secret ``&`` encoded token secret, as UTF-8 (§3.4.2)."""
    return f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()


def hmac_sha1(key: bytes, base: str) -> str:
    """Base64 of HMAC-SHA1 of the base string (§3.4.2)."""
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


def sign_header(
    method: str,
    url: str,
    content_type: str | None,
    body: str,
    consumer: tuple[str, str],
    token: tuple[str, str],
    nonce: str | None = None,
    timestamp: str | None = None,
) -> str:
    """The ``Authorization`` header value of a HMAC-SHA1 signed request (§3.4.2, §3.5.1)."""
    oauth = [
        ("oauth_consumer_key", consumer[0]),
        ("oauth_nonce", nonce or secrets.token_urlsafe(16)),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", timestamp or str(int(time.time()))),
        ("oauth_token", token[0]),
        ("oauth_version", "1.0"),
    ]
    base = base_string(method, url, content_type, body, oauth)
    oauth.append(("oauth_signature", hmac_sha1(signing_key(consumer[1], token[1]), base)))
    return "OAuth " + ", ".join(f'{_enc(name)}="{_enc(value)}"' for name, value in oauth)
