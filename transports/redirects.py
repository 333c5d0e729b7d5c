"""The redirect policy both clients share: which hops keep credentials, which are refused.

A redirect to another origin (RFC 6454: scheme, host, port) is followed without OAuth
credentials unless the caller opts in, and one from https to http is refused by default, since
the request would travel in the clear (RFC 5849 §4.2 leaves confidentiality to TLS).
"""

from __future__ import annotations

from oauthcore.base_string import base_string_uri

__all__ = ["is_downgrade", "origin"]


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, normalised as oauthcore does (RFC 5849 §3.4.1.2)."""
    scheme, _, rest = base_string_uri(url).partition("://")
    return f"{scheme}://{rest.partition('/')[0]}"


def is_downgrade(source: str, target: str) -> bool:
    """True for a hop from an https URL to an http one, where the request would travel in the clear
    (RFC 5849 §4.2)."""
    return _scheme(source) == "https" and _scheme(target) == "http"


def _scheme(url: str) -> str:
    return url.partition(":")[0].lower()
