"""The demo's browser simulator: ``click`` Approve or Deny on its authorization page (§2.2)."""

from __future__ import annotations

import html
import re

from attrs import field, frozen

from oauthcore import Request

from ..base import Transport, redact_url
from ._pages import url_origin

__all__ = ["Decision", "click"]

_HIDDEN_FIELD = re.compile(r'<input type="hidden" name="(oauth_token|csrf)" value="([^"]*)">')
_PIN = re.compile(r'<code id="pin">([^<]*)</code>')


@frozen
class Decision:
    """Where the authorization page sent the browser: a callback ``location``, or a PIN (§2.2).

    ``location`` is the callback URL with ``oauth_token`` and ``oauth_verifier`` (or ``denied``);
    for an ``oob`` client it is ``None`` and ``pin`` holds the verifier shown on the page. The repr
    shows neither verifier.
    """

    status: int
    location: str | None = field(repr=lambda location: repr(_masked(location)))
    pin: str | None = field(default=None, repr=False)


def _masked(location: str | None) -> str | None:
    return None if location is None else redact_url(location)


def click(authorize_url: str, transport: Transport, *, approve: bool = True) -> Decision:
    """Do what a resource owner's browser does on a demo provider's authorization page (§2.2).

    GET the page (keeping its CSRF cookie), post the form with Approve (or Deny), and report
    where that led. For tests and ``oauthcore demo``; a real provider needs a real person.
    """
    page = transport.send(Request("GET", authorize_url))
    fields = dict(_HIDDEN_FIELD.findall(page.text))
    cookie = (page.header("Set-Cookie") or "").partition(";")[0]
    if page.status != 200 or set(fields) != {"oauth_token", "csrf"} or not cookie:
        raise ValueError(f"not a demo authorization page (status {page.status})")
    form = [*fields.items(), ("decision", "approve" if approve else "deny")]
    post = Request.build(
        "POST",
        authorize_url.partition("?")[0],
        data=form,
        headers=[("Cookie", cookie), ("Origin", url_origin(authorize_url))],
    )
    answer = transport.send(post)
    pin = _PIN.search(answer.text)
    return Decision(
        answer.status, answer.header("Location"), html.unescape(pin.group(1)) if pin else None
    )
