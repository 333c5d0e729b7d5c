"""The client side of the three-legged flow as pure functions (RFC 5849 §2).

Theory of operation: the flow's I/O (two signed POSTs) belongs to a transport; everything else
is text in and records out, and lives here: reading a credentials reply (§2.1, §2.3), building
the resource-owner authorization URL (§2.2) and reading the callback the provider redirects to.
A reply the client cannot trust raises ``TokenResponseError``, carrying the status and the body
with every secret value masked (``oauthcore.redaction``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .encoding import append_query, decode_form
from .errors import ClientError, ParameterRejected
from .problems import read_problem_report
from .records import Token
from .redaction import mask_form, preview

__all__ = [
    "AuthorizationResponseError",
    "TokenResponseError",
    "authorization_url",
    "mask_token_secret",
    "parse_authorization_response",
    "parse_token_response",
]

# How much of a refused reply a message quotes.
_PREVIEW = 200


def mask_token_secret(text: str) -> str:
    """A form or JSON reply with every ``oauth_token_secret`` (and other secret) masked (§2.3).

    ``oauthcore.redaction.mask_form``, under the name the client flow has always exported.
    """
    return mask_form(text)


class TokenResponseError(ClientError):
    """A credentials request was refused or its reply cannot be used (RFC 5849 §2.1, §2.3).

    ``status`` is the HTTP status received, ``body`` the reply text with token secrets masked,
    and ``problem`` the provider's ``oauth_problem`` code when it sent one.
    """

    def __init__(self, message: str, *, status: int, body: str) -> None:
        self.status = status
        self.body = mask_token_secret(body)
        self.problem = _problem(self.body)
        detail = f" (oauth_problem={self.problem})" if self.problem else ""
        super().__init__(f"{message}{detail}; status {status}, body {preview(self.body, _PREVIEW)}")


class AuthorizationResponseError(ClientError, ValueError):
    """The callback URL does not carry a usable authorization result (RFC 5849 §2.2)."""


def _problem(body: str) -> str | None:
    return read_problem_report(body).get("oauth_problem")


def _text(body: bytes | str) -> str:
    return body if isinstance(body, str) else body.decode("utf-8", errors="replace")


def parse_token_response(
    body: bytes | str, *, status: int = 200, require_callback_confirmed: bool = False
) -> Token:
    """Read a temporary or token credentials reply into a ``Token`` (RFC 5849 §2.1, §2.3).

    The body is form-encoded (``oauth_token``, ``oauth_token_secret``, any extra fields, which
    land in ``Token.extra``). A non-2xx ``status``, a missing or repeated credential, or (with
    ``require_callback_confirmed``, as §2.1 asks of a request token) no
    ``oauth_callback_confirmed=true`` raises ``TokenResponseError``.
    """
    text = _text(body)
    if not 200 <= status < 300:
        raise TokenResponseError(
            "the provider refused the credentials request", status=status, body=text
        )
    try:
        pairs = decode_form(text.strip())
    except ParameterRejected:
        raise TokenResponseError(
            "the credentials reply is not a valid form-encoded body", status=status, body=text
        ) from None
    found: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    for name, value in pairs:
        if name in ("oauth_token", "oauth_token_secret", "oauth_callback_confirmed"):
            if name in found:
                raise TokenResponseError(
                    f"the credentials reply repeats {name}", status=status, body=text
                )
            found[name] = value
        else:
            extra.append((name, value))
    # The secret may be empty (§3.4.2 allows it), the token may not.
    if not found.get("oauth_token"):
        raise TokenResponseError(
            "the credentials reply has no oauth_token", status=status, body=text
        )
    if "oauth_token_secret" not in found:
        raise TokenResponseError(
            "the credentials reply has no oauth_token_secret", status=status, body=text
        )
    confirmed = found.get("oauth_callback_confirmed") == "true"
    if require_callback_confirmed and not confirmed:
        raise TokenResponseError(
            "the request token reply lacks oauth_callback_confirmed=true, so the provider does"
            " not speak OAuth 1.0a (RFC 5849 §2.1); refusing it",
            status=status,
            body=text,
        )
    return Token(
        found["oauth_token"],
        found["oauth_token_secret"],
        callback_confirmed=confirmed,
        extra=extra,
    )


def authorization_url(url: str, token: Token | str, **extra: str) -> str:
    """The URL to send the resource owner to, with ``oauth_token`` and ``extra`` (RFC 5849 §2.2).

    ``url`` may already have a query; ``extra`` (such as ``force_login="true"``) is appended in
    the order given. Pure: nothing is sent.
    """
    key = token.key if isinstance(token, Token) else token
    if not isinstance(key, str) or not key:
        raise TypeError("token must be a Token or a non-empty str")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"url must be an absolute http:// or https:// URL, got {url!r}")
    for name, value in extra.items():
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return append_query(url, [("oauth_token", key), *extra.items()])


def parse_authorization_response(
    url: str, request_token: Token | str | None = None
) -> tuple[str, str]:
    """The ``(oauth_token, oauth_verifier)`` pair from the callback URL (RFC 5849 §2.2).

    With ``request_token``, the token in the URL must be that one (so a callback meant for
    another flow is refused). Raises ``AuthorizationResponseError`` when the owner denied access
    or a parameter is missing or repeated; the verifier never appears in a message.
    """
    query = urlsplit(url).query
    try:
        pairs = decode_form(query)
    except ParameterRejected:
        raise AuthorizationResponseError("the callback URL's query is not valid UTF-8") from None
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    if "denied" in values and "oauth_verifier" not in values:
        raise AuthorizationResponseError("the resource owner denied access")
    result: list[str] = []
    for name in ("oauth_token", "oauth_verifier"):
        found = values.get(name, [])
        if len(found) != 1 or not found[0]:
            state = "repeated" if len(found) > 1 else "missing"
            raise AuthorizationResponseError(f"the callback URL has {state} {name}")
        result.append(found[0])
    if request_token is not None:
        expected = request_token.key if isinstance(request_token, Token) else request_token
        if result[0] != expected:
            raise AuthorizationResponseError(
                f"the callback is for token {result[0]!r}, not the request token {expected!r}"
            )
    return result[0], result[1]
