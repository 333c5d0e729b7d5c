"""The demo provider's pages: HTML, cookies and form fields of its authorization page (§2.2)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit
from wsgiref.types import WSGIEnvironment

from oauthcore import OAuthError
from oauthcore.encoding import decode_form

from ..provider import HTTPProblem, Reply

__all__ = ["FORM", "cookie_value", "form_fields", "html_message", "html_page", "url_origin"]

_PAGE_HEADERS = (
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    ),
    # No Referrer-Policy: with "no-referrer" (and "strict-origin") Chromium sends "Origin: null"
    # on the form post, which the CSRF check refuses; the default policy,
    # strict-origin-when-cross-origin, gives other sites only the origin anyway.
)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; }}
button {{ font-size: 1rem; padding: .5rem 1.5rem; margin-right: .5rem; }}
code {{ font-size: 1.5rem; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""

#: The authorization form: Approve / Deny, with the request token and the CSRF value.
FORM = """<h1>Authorize <span id="app">{app}</span>?</h1>
<p><strong>{app}</strong> would like to use your account <strong id="user">{user}</strong>
on the oauthcore demo provider.</p>
<form method="post" action="{action}">
<input type="hidden" name="oauth_token" value="{token}">
<input type="hidden" name="csrf" value="{csrf}">
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
"""


def html_page(status: int, title: str, body: str, headers: Iterable[tuple[str, str]] = ()) -> Reply:
    text = _PAGE.format(title=html.escape(title), body=body)
    return Reply(status, [*_PAGE_HEADERS, *headers], text.encode("utf-8"))


def html_message(status: int, title: str, message: str) -> Reply:
    return html_page(
        status, title, f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(message)}</p>\n"
    )


def cookie_value(environ: WSGIEnvironment, name: str) -> str | None:
    # SimpleCookie skips what it cannot parse instead of raising: a bad header means no cookie.
    morsel = SimpleCookie(str(environ.get("HTTP_COOKIE", ""))).get(name)
    return morsel.value if morsel is not None and morsel.value else None


def form_fields(text: bytes | str, what: str) -> dict[str, str]:
    try:
        pairs = decode_form(text if isinstance(text, str) else text.decode("utf-8"))
    except (UnicodeDecodeError, OAuthError):
        raise HTTPProblem(400, f"the {what} is not valid UTF-8 form data") from None
    return dict(pairs)


def url_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
