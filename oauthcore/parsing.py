"""Reading a received request's protocol parameters, from exactly one place (RFC 5849 §3.1, §3.5).

Theory of operation: ``parse`` reads the request once. It collects every signed parameter already
percent-encoded (the query, the OAuth Authorization header, a form body) and takes the ``oauth_*``
ones out, insisting that they come from exactly one place (§3.5) and appear once each. The
request most clients send (one plain Authorization header) takes a short path whose result the
full path would give too; anything else is read in full, each fault reported. ``OAuthParams``
keeps the encoded signed parameters, so checking the signature reads nothing again.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from attrs import field, frozen

from .base_string import body_text, encoded_form_items, encoded_parameters
from .encoding import ITEM_SEPARATOR, OAUTH_ITEMS_END, percent_decode
from .errors import ParameterAbsent, ParameterRejected, TimestampRefused
from .header import is_oauth_authorization, parse_authorization_encoded, read_plain
from .records import Request
from .redaction import preview as _preview
from .signing import Placement

__all__ = ["OAuthParams", "parse", "signed_parameters"]

_REQUIRED = (
    "oauth_consumer_key",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
)
_OPTIONAL = (
    "oauth_token",
    "oauth_version",
    "oauth_callback",
    "oauth_verifier",
    "oauth_body_hash",
    # OAuth Session 1.0 §5.3: the handle a token refresh is signed with.
    "oauth_session_handle",
)
_KNOWN = frozenset(_REQUIRED + _OPTIONAL)
_REQUIRED_SET = frozenset(_REQUIRED)
# How the oauth_signature item starts (§3.4.1.3.1: the signature never signs itself).
_SIGNATURE_ITEM = "oauth_signature" + ITEM_SEPARATOR
# Enum members looked up once: attribute access on an Enum class is slow before Python 3.12.
_QUERY, _HEADER, _BODY = Placement.QUERY, Placement.HEADER, Placement.BODY
# More digits than any time this century needs; it also keeps int() far from its slow sizes.
_MAX_TIMESTAMP_DIGITS = 12

_PLACE_NAMES = {
    Placement.HEADER: "the Authorization header",
    Placement.QUERY: "the query string",
    Placement.BODY: "the form body",
}


# Not slotted: a frozen attrs class with a __dict__ gets an __init__ that fills the dict directly,
# several times cheaper than a slot assignment per field, and one is made per received request.
@frozen(slots=False)
class OAuthParams:
    """The protocol parameters of a received request, decoded, from one location (RFC 5849 §3.1).

    Made by ``parse``; ``signature`` and ``verifier`` never show in the repr (a PLAINTEXT
    signature is the secrets themselves).
    """

    consumer_key: str
    token: str | None
    signature_method: str
    signature: str = field(repr=False)
    timestamp: int
    nonce: str
    version: str | None
    callback: str | None
    verifier: str | None = field(repr=False)
    body_hash: str | None
    realm: str | None
    placement: Placement
    #: ``oauth_session_handle`` of a token refresh (OAuth Session 1.0 §5.3); not in the repr.
    session_handle: str | None = field(default=None, repr=False)
    # What parse() saw, so check() need not read the request again: the request itself (to make
    # sure check() gets the same one) and its signed parameters, oauth_signature left out,
    # normalized and encoded as the base string holds them (§3.4.1.1, §3.4.1.3.2).
    _request: Request | None = field(default=None, init=False, repr=False, eq=False)
    _parameters: str = field(default="", init=False, repr=False, eq=False)


def _take_oauth(
    items: list[str],
    placement: Placement,
    found: dict[str, str],
    signed: list[str],
) -> bool:
    """Put a location's encoded items in ``signed`` and its ``oauth_*`` ones, decoded, in ``found``.

    True when the location held any ``oauth_*`` parameter.
    """
    # One pass picks the protocol parameters out; the checks below then run on sets, in C.
    oauth = [item.partition(ITEM_SEPARATOR)[::2] for item in items if item[:6] == "oauth_"]
    if not oauth:
        signed.extend(items)
        return False
    if found:
        raise ParameterRejected(
            "OAuth protocol parameters must be sent in exactly one place, but they are in"
            f" {_PLACE_NAMES[placement]} and in another location too (RFC 5849 §3.5)"
        )
    names = {name for name, _ in oauth}
    if not names <= _KNOWN:
        name = next(name for name, _ in oauth if name not in _KNOWN)
        raise ParameterRejected(
            f"unknown protocol parameter {_preview(name)} (RFC 5849 §3.1)",
            parameter=name if len(name) <= 40 else None,
        )
    if len(names) != len(oauth):
        counts = Counter(name for name, _ in oauth)
        name = next(name for name, count in counts.items() if count > 1)
        raise ParameterRejected(
            f"{name} appears more than once; send each protocol parameter once (RFC 5849 §3.1)",
            parameter=name,
        )
    # Known protocol parameter names are unreserved: encoded and decoded alike.
    for name, value in oauth:
        found[name] = percent_decode(value)
    signed.extend([item for item in items if not item.startswith(_SIGNATURE_ITEM)])
    return True


def _check_presence(found: dict[str, str]) -> None:
    """Say which required protocol parameter is missing or empty, or which optional is empty."""
    for name in _REQUIRED:
        if not found.get(name):
            state = "is empty" if name in found else "is missing"
            raise ParameterAbsent(f"{name} {state}; it is required (RFC 5849 §3.1)", parameter=name)
    for name in _OPTIONAL[1:]:
        if found.get(name) == "":
            raise ParameterRejected(
                f"{name} is empty; leave it out or give it a value (RFC 5849 §3.1)",
                parameter=name,
            )


def _timestamp(found: dict[str, str]) -> int:
    """The value of ``oauth_timestamp``: ASCII digits, and not absurdly many (§3.3)."""
    text = found["oauth_timestamp"]
    if not (text.isascii() and text.isdigit()):
        raise ParameterRejected(
            "oauth_timestamp must be a whole number of seconds since 1970-01-01 in ASCII digits"
            f" (RFC 5849 §3.3), got {_preview(text)}",
            parameter="oauth_timestamp",
        )
    if len(text) > _MAX_TIMESTAMP_DIGITS:
        raise TimestampRefused(
            f"oauth_timestamp has {len(text)} digits, far beyond any current time (RFC 5849 §3.3)"
        )
    return int(text)


def _params(
    request: Request,
    found: dict[str, str],
    signed: list[str],
    placement: Placement,
    realm: str | None,
) -> OAuthParams:
    """The record of a parsed request: ``found`` decoded by name, ``signed`` as encoded items."""
    get = found.get
    # Positional: a call with keywords costs the interpreter a dict of them. An empty
    # oauth_token is how some clients say "no token" (§3.1 lets them leave it out).
    params = OAuthParams(
        found["oauth_consumer_key"],
        get("oauth_token") or None,
        found["oauth_signature_method"],
        found["oauth_signature"],
        _timestamp(found),
        found["oauth_nonce"],
        get("oauth_version"),
        get("oauth_callback"),
        get("oauth_verifier"),
        get("oauth_body_hash"),
        realm,
        placement,
        get("oauth_session_handle"),
    )
    # Filled as attrs' own __init__ fills a frozen record: through its __dict__.
    params.__dict__["_request"] = request
    signed.sort()  # already sorted on the plain path: then one pass to see it
    params.__dict__["_parameters"] = encoded_parameters(signed)
    return params


def _parse_plain(request: Request) -> OAuthParams | None:
    """``parse`` for the request most clients send, or ``None`` to leave it to ``_parse_any``.

    That request has one Authorization header of the plain shape (see ``read_plain``) holding
    every required protocol parameter once, only known ones, none empty, and none in its query
    or form body. Whatever this path accepts, ``_parse_any`` reads the same way (tested).
    """
    header = None
    for name, value in request.headers:
        if name.lower() == "authorization":
            if header is not None:
                return None
            header = value
    plain = None if header is None else read_plain(header)
    # Every value is quoted and none holds a quote: an empty one shows as ="" in the header.
    if header is None or plain is None or '=""' in header:
        return None
    own, found = plain
    if not (len(found) == len(own) and _KNOWN >= found.keys() >= _REQUIRED_SET):
        return None
    signed = encoded_form_items(request.query)
    if request.is_form:
        signed.extend(encoded_form_items(body_text(request)))
    signed.extend(own)
    signed.sort()
    # Sorted, the oauth_* items sit in one run: more there than the header's means a protocol
    # parameter elsewhere too, an error (§3.5) that the full path reports.
    start = bisect_left(signed, "oauth_")
    if bisect_left(signed, OAUTH_ITEMS_END, start) - start != len(own):
        return None
    del signed[bisect_left(signed, _SIGNATURE_ITEM, start)]
    return _params(request, found, signed, _HEADER, None)


def parse(request: Request) -> OAuthParams:
    """Read the OAuth protocol parameters of a received request (RFC 5849 §3.1, §3.5).

    They must come from exactly one of the Authorization header, the query and a form body, each
    at most once, all known; the required ones present and not empty. Raises ``ParameterAbsent``
    or ``ParameterRejected`` (400), or ``TimestampRefused`` (401) for an absurdly large timestamp.
    """
    if not isinstance(request, Request):
        raise TypeError(f"request must be an oauthcore.Request, not {type(request).__name__}")
    return _parse_plain(request) or _parse_any(request)


def _parse_any(request: Request) -> OAuthParams:
    """``parse`` for every request: each location read in full, each fault reported."""
    found: dict[str, str] = {}
    signed: list[str] = []
    placement: Placement | None = None
    realm: str | None = None

    if _take_oauth(encoded_form_items(request.query), _QUERY, found, signed):
        placement = _QUERY
    headers = [v for v in request.header_values("Authorization") if is_oauth_authorization(v)]
    if len(headers) > 1:
        raise ParameterRejected(
            "request has more than one OAuth Authorization header; send exactly one (§3.5.1)"
        )
    if headers:
        realm, header_pairs = parse_authorization_encoded(headers[0])
        items = list(map(ITEM_SEPARATOR.join, header_pairs))
        if _take_oauth(items, _HEADER, found, signed):
            placement = _HEADER
    if request.is_form and _take_oauth(
        encoded_form_items(body_text(request)), _BODY, found, signed
    ):
        placement = _BODY

    if placement is None:
        raise ParameterAbsent(
            "request is not OAuth-signed: no oauth_* parameters in the Authorization header,"
            " the query or a form body (RFC 5849 §3.5)",
            parameter="oauth_consumer_key",
        )
    # The usual case costs two C-level checks; only a failing request walks the names.
    if not (found.keys() >= _REQUIRED_SET and "" not in found.values()):
        _check_presence(found)
    return _params(request, found, signed, placement, realm)


def signed_parameters(request: Request, params: OAuthParams) -> str:
    """The signed parameters of ``request``, encoded as the base string holds them (§3.4.1.3.2).

    ``params`` from ``parse(request)`` carry them already; for any other,
    the request is read again, and ``ValueError`` says so if ``params`` were not parsed from it.
    """
    if params._request is request:
        return params._parameters
    again = parse(request)
    if again != params:
        raise ValueError("params were not parsed from this request: pass parse(request)")
    return again._parameters
