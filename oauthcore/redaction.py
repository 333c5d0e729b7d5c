"""What never reaches a repr, a message or a log line: secret values masked, long values cut.

Theory of operation: a secret can surface wherever a request or a response is shown. A PLAINTEXT
signature *is* the two secrets (RFC 5849 §3.4.4), a verifier completes the exchange with the
request token (§2.3), a token secret signs (§2.1, §2.3): ``SECRET_NAMES``. ``mask`` finds their
values in any text a parser would read them from (a URL, a header value, a message, JSON);
``mask_form`` in a form body, where only ``&`` ends a value; ``mask_header`` shows a header as a
repr may (credentials headers keep only their scheme, cookies only their names and attributes);
``preview`` quotes a value with a bounded length. Every expression compiles on first use:
``import oauthcore`` pays nothing for them.
"""

from __future__ import annotations

from ._lazy import LazyPattern

__all__ = ["SECRET_NAMES", "mask", "mask_form", "mask_header", "mask_url", "preview"]

SECRET_NAMES = ("oauth_signature", "oauth_verifier", "oauth_token_secret")
"""Parameters whose values are secrets: the signature (a PLAINTEXT one is the secrets, §3.4.4),
the verifier (§2.2, §2.3) and the token secret (§2.1, §2.3)."""

_MASKED = "***"


def _spellings(name: str) -> str:
    """A pattern for ``name`` with any of its characters percent-encoded, as decoders accept."""
    return "".join(
        f"(?:{char}|%{code[0]}[{code[1]}{code[1].lower()}])"
        for char, code in ((char, f"{ord(char):02X}") for char in name)
    )


_ANY_SPELLING = "(?:" + "|".join(map(_spellings, SECRET_NAMES)) + ")"
# A secret name then "=": spaces around it (§3.5.1), percent-encoded characters (§3.6), and a URL
# encoded inside another's query ("%3D").
_ASSIGNED = _ANY_SPELLING + r"[ \t]*(?:=|%3[Dd])[ \t]*"
# In text: a quoted value ends at its quote; any other where a parameter, a header parameter or
# a URL does ("#" begins a fragment).
_IN_TEXT = LazyPattern(f'({_ASSIGNED}"?)(?:(?<=")[^"]*|[^&",\\s#]*)')
# In a form body nothing but "&" (or a line's end) ends a value.
_IN_FORM = LazyPattern(f"({_ASSIGNED})[^&\\s]*")
# A JSON member ``"oauth_token_secret": "..."``, escapes included.
_IN_JSON = LazyPattern('("(?:' + "|".join(SECRET_NAMES) + r')"\s*:\s*")(?:[^"\\]|\\.)*')
_USERINFO = LazyPattern(r"//[^/?#@]*@")

# Headers that are credentials in themselves (RFC 9110 §11.6, RFC 6265 §4): their scheme, cookie
# names and cookie attributes stay readable, what proves identity does not.
_CREDENTIALS_HEADERS = frozenset(("authorization", "proxy-authorization"))
_SCHEME = LazyPattern(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+ ")
_COOKIE_VALUE = LazyPattern(r"((?:^|;)[ \t]*[^=;]*=)[^;]*")


def mask(text: str) -> str:
    """``text`` with every secret parameter's value shown as ``***`` (RFC 5849 §3.5, §3.6).

    For URLs, header values, messages and JSON: any spelling a parser accepts is found.
    """
    return _IN_JSON.compiled.sub(r"\1***", _IN_TEXT.compiled.sub(r"\1***", text))


def mask_form(text: str) -> str:
    """A form-encoded (or JSON) body with every secret value shown as ``***`` (§3.4.1.3.1)."""
    return _IN_JSON.compiled.sub(r"\1***", _IN_FORM.compiled.sub(r"\1***", text))


def mask_url(url: str) -> str:
    """``url`` with its userinfo and every secret value shown as ``***`` (§3.4.1.2, §3.5.3)."""
    return mask(_USERINFO.compiled.sub("//***@", url, count=1))


def mask_header(name: str, value: str, *, oauth_params: bool = False) -> str:
    """A header value as a repr may show it (RFC 9110 §11.6, RFC 6265 §4, RFC 5849 §3.5.1).

    ``Authorization`` and ``Proxy-Authorization`` keep only their scheme (with ``oauth_params``,
    an ``OAuth`` one keeps its parameters, secrets masked); cookies keep names and attributes.
    """
    lowered = name.lower()
    if lowered in _CREDENTIALS_HEADERS:
        scheme = _SCHEME.compiled.match(value)
        shown = scheme.group() if scheme else ""
        if oauth_params and shown.lower() == "oauth ":
            return mask(value)
        return f"{shown}{_MASKED}"
    if lowered == "set-cookie":
        return _COOKIE_VALUE.compiled.sub(r"\1***", value, count=1)
    if lowered == "cookie":
        return _COOKIE_VALUE.compiled.sub(r"\1***", value)
    return mask(value)


def preview(value: str, limit: int = 40) -> str:
    """``value`` quoted for a message, cut after ``limit`` characters (RFC 5849 §3.2 errors).

    A 1 MB value must not become a 1 MB message; mask the value first if it may hold a secret.
    """
    return repr(value if len(value) <= limit else value[:limit] + "...")
