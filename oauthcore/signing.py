"""``sign()``: add OAuth protocol parameters and a signature to a request (RFC 5849 §3.1).

Theory of operation: the protocol parameters are built once, already percent-encoded. Those same
encoded pairs feed the base string (with the request's own query and form parameters) and then the
Authorization header, query or form body: nothing is rendered and parsed back. The only impure
inputs, nonce and timestamp, are drawn here, at the boundary, and only when the caller gave none.
"""

from __future__ import annotations

import enum
import time
from binascii import b2a_base64
from bisect import bisect_left
from typing import TYPE_CHECKING, NoReturn

from .base_string import assemble_encoded, body_text, encoded_form_items, encoded_parameters
from .encoding import FORM_CONTENT_TYPE, ITEM_SEPARATOR, OAUTH_ITEMS_END, percent_encode
from .header import is_oauth_authorization, render_authorization
from .methods import HMAC_SHA1, HmacMethod, PlaintextMethod, RsaMethod, SignatureMethod
from .records import Consumer, Request, Token

if TYPE_CHECKING:  # pragma: no cover - typing only; a streamed body's digest loads its module
    from .bodies import BodyDigest

__all__ = ["Placement", "hash_body", "make_nonce", "make_timestamp", "sign"]

# A runtime Protocol check walks the protocol's members on every call; the built-in methods skip it.
_BUILTIN_METHOD_TYPES = (HmacMethod, PlaintextMethod, RsaMethod)


class Placement(enum.Enum):
    """Where the protocol parameters go (RFC 5849 §3.5): header, query string or form body."""

    HEADER = "header"
    QUERY = "query"
    BODY = "body"


# Enum members looked up once: attribute access on an Enum class is slow before Python 3.12.
_HEADER, _QUERY, _BODY = Placement.HEADER, Placement.QUERY, Placement.BODY


def make_nonce() -> str:
    """A fresh nonce: 128 random bits from ``secrets``, URL-safe base64 (RFC 5849 §3.3)."""
    import secrets  # loaded with the first nonce: ``import oauthcore`` stays light

    return secrets.token_urlsafe(16)


def make_timestamp() -> str:
    """The current time in whole seconds since the epoch (RFC 5849 §3.3)."""
    return str(int(time.time()))


def hash_body(body: bytes, algorithm: str = "sha1") -> str:
    """Base64 of the hash of ``body``: the ``oauth_body_hash`` value (Body Hash extension §3.1)."""
    import hashlib  # loaded with the first body hash: ``import oauthcore`` stays light

    return b2a_base64(hashlib.new(algorithm, body).digest(), newline=False).decode("ascii")


def _timestamp_text(timestamp: int | str) -> str:
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, str)):
        raise TypeError(
            f"timestamp must be an int or a str of digits, not {type(timestamp).__name__}"
        )
    text = str(timestamp)
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"timestamp must be a non-negative whole number of seconds, got {text!r}")
    return text


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


def sign(
    request: Request,
    consumer: Consumer,
    token: Token | None = None,
    method: SignatureMethod = HMAC_SHA1,
    *,
    placement: Placement = Placement.HEADER,
    realm: str | None = None,
    callback: str | None = None,
    verifier: str | None = None,
    nonce: str | None = None,
    timestamp: int | str | None = None,
    body_hash: bool | BodyDigest | None = None,
    version: bool = True,
    session_handle: str | None = None,
) -> Request:
    """Return a copy of ``request`` signed for ``consumer`` (and ``token``) (RFC 5849 §3.1-§3.5).

    ``placement`` puts the parameters in the Authorization header (default), the query or a form
    body. ``callback`` and ``verifier`` add ``oauth_callback``/``oauth_verifier`` (§2.1, §2.3);
    ``realm`` goes in the header unsigned; ``body_hash`` adds ``oauth_body_hash`` (by default for
    a non-form body, ``True`` always, ``False`` never, or a ``BodyDigest`` of a body streamed
    apart from the request, see ``oauthcore.bodies``); ``version=False`` omits ``oauth_version``.
    ``session_handle`` adds ``oauth_session_handle``, to refresh a token (OAuth Session 1.0 §5.3).

    >>> signed = sign(Request("GET", "https://api.example.com/photos"), Consumer("key", "secret"))
    >>> signed.header("Authorization").startswith('OAuth oauth_consumer_key="key"')
    True
    """
    _check_arguments(request, consumer, token, method, placement)
    is_form = request.is_form
    if placement is _BODY and not is_form:
        request, is_form = _as_form(request), True
    items = _own_items(request, is_form)
    _check_placement(request, placement, realm)
    oauth = _protocol_parameters(
        request,
        is_form,
        consumer,
        token,
        method,
        body_hash=body_hash,
        callback=callback,
        verifier=verifier,
        nonce=nonce,
        timestamp=timestamp,
        version=version,
        session_handle=session_handle,
    )
    base = _base_string(request, is_form, items, oauth)
    oauth.append(("oauth_signature", percent_encode(method.sign(base, consumer, token))))
    return _place(request, oauth, placement, realm)


def _check_arguments(
    request: Request,
    consumer: Consumer,
    token: Token | None,
    method: SignatureMethod,
    placement: Placement,
) -> None:
    """Refuse an argument of the wrong type before anything is drawn or signed (RFC 5849 §3.1)."""
    if not isinstance(request, Request):
        raise TypeError(f"request must be an oauthcore.Request, not {type(request).__name__}")
    if not isinstance(consumer, Consumer):
        raise TypeError(f"consumer must be an oauthcore.Consumer, not {type(consumer).__name__}")
    if token is not None and not isinstance(token, Token):
        raise TypeError(f"token must be an oauthcore.Token or None, not {type(token).__name__}")
    if type(method) not in _BUILTIN_METHOD_TYPES and not isinstance(method, SignatureMethod):
        raise TypeError(f"method must be a SignatureMethod such as HMAC_SHA1, not {method!r}")
    if not isinstance(placement, Placement):
        raise TypeError(f"placement must be a Placement, not {placement!r}")


def _as_form(request: Request) -> Request:
    """The empty request made a form, to carry the parameters in its body (RFC 5849 §3.5.2)."""
    if request.body or request.content_type is not None:
        raise ValueError(
            "placement=Placement.BODY needs an application/x-www-form-urlencoded request"
            f" (this one is {request.content_type or 'raw bytes without a Content-Type'})"
        )
    return request._derive(headers=(*request.headers, ("Content-Type", FORM_CONTENT_TYPE)))


def _own_items(request: Request, is_form: bool) -> list[str]:
    """The request's own query and form parameters as encoded items (RFC 5849 §3.4.1.3.1)."""
    items = encoded_form_items(request.query)
    if is_form:
        items.extend(encoded_form_items(body_text(request)))
    return items


def _check_placement(request: Request, placement: Placement, realm: str | None) -> None:
    """Refuse an Authorization header or realm that clashes with the placement (RFC 5849 §3.5)."""
    if placement is _HEADER:
        if request.header("Authorization") is not None:
            raise ValueError(
                "request already has an Authorization header; sign a request without one"
                " (or use placement=Placement.QUERY)"
            )
    else:
        if realm is not None:
            raise ValueError("realm is only sent in the Authorization header (placement=HEADER)")
        # Parameters in an OAuth header and elsewhere would be two sets, and a provider would
        # count the header's in the base string too (§3.5): refuse rather than sign wrongly.
        if any(is_oauth_authorization(value) for value in request.header_values("Authorization")):
            raise ValueError("request already has an OAuth Authorization header; sign it once")


def _protocol_parameters(
    request: Request,
    is_form: bool,
    consumer: Consumer,
    token: Token | None,
    method: SignatureMethod,
    *,
    body_hash: bool | BodyDigest | None,
    callback: str | None,
    verifier: str | None,
    nonce: str | None,
    timestamp: int | str | None,
    version: bool,
    session_handle: str | None,
) -> list[tuple[str, str]]:
    """Every ``oauth_*`` parameter but the signature, encoded, in sorted order (RFC 5849 §3.1)."""
    # Encoded once, and sorted by construction: the names are fixed and unreserved.
    oauth = _body_hash_parameter(request, is_form, method, body_hash)
    if callback is not None:
        oauth.append(("oauth_callback", percent_encode(_text("callback", callback))))
    oauth.append(("oauth_consumer_key", consumer._encoded_key))
    # A drawn nonce is URL-safe base64, unreserved already (§3.6): only a given one is encoded.
    nonce = make_nonce() if nonce is None else percent_encode(_text("nonce", nonce))
    oauth.append(("oauth_nonce", nonce))
    if session_handle is not None:
        handle = percent_encode(_text("session_handle", session_handle))
        oauth.append(("oauth_session_handle", handle))
    oauth.append(("oauth_signature_method", percent_encode(method.name)))
    timestamp_text = make_timestamp() if timestamp is None else _timestamp_text(timestamp)
    oauth.append(("oauth_timestamp", timestamp_text))
    if token is not None:
        oauth.append(("oauth_token", token._encoded_key))
    if verifier is not None:
        oauth.append(("oauth_verifier", percent_encode(_text("verifier", verifier))))
    if version:
        oauth.append(("oauth_version", "1.0"))
    return oauth


def _body_hash_parameter(
    request: Request, is_form: bool, method: SignatureMethod, body_hash: bool | BodyDigest | None
) -> list[tuple[str, str]]:
    """``[oauth_body_hash]`` if the body is hashed, else ``[]`` (RFC 5849 §3.1, Body Hash §3.1)."""
    hash_algorithm = method.body_hash_algorithm
    if body_hash is None:
        body_hash = bool(request.body) and not is_form and hash_algorithm is not None
    if not body_hash:
        return []
    if is_form:
        raise ValueError("oauth_body_hash must not be sent with a form body (Body Hash §4.1.1)")
    if hash_algorithm is None:
        raise ValueError(f"{method.name} has no body hash; use body_hash=None or False")
    if body_hash is True:
        return [("oauth_body_hash", percent_encode(hash_body(request.body, hash_algorithm)))]
    return [("oauth_body_hash", percent_encode(_streamed_hash(request, body_hash, hash_algorithm)))]


def _streamed_hash(request: Request, digest: object, algorithm: str) -> str:
    """The hash of a body streamed apart from ``request`` (Body Hash §3.1): a ``BodyDigest``."""
    from .bodies import _streamed_digest

    checked = _streamed_digest(
        request.body,
        digest,
        "body_hash",
        accepted="None, a bool or an oauthcore.bodies.BodyDigest",
        carried="body_hash=BodyDigest is for a body streamed apart from the Request, but this"
        " request carries its body: use body_hash=True, or a Request without a body",
    )
    return checked.value(algorithm)


def _base_string(
    request: Request, is_form: bool, items: list[str], oauth: list[tuple[str, str]]
) -> str:
    """The signature base string of the request's own parameters and ours (RFC 5849 §3.4.1)."""
    items.extend(map(ITEM_SEPARATOR.join, oauth))
    items.sort()
    # Sorted, every oauth_* item sits in one run: more there than we added means the request
    # already carried a protocol parameter. Two bisections instead of a test per parameter.
    if bisect_left(items, OAUTH_ITEMS_END) - bisect_left(items, "oauth_") != len(oauth):
        _refuse_carried(request, is_form)
    parameters = encoded_parameters(items)
    return assemble_encoded(request.method, request.encoded_base_string_uri, parameters)


def _refuse_carried(request: Request, is_form: bool) -> NoReturn:
    """Name the protocol parameter the request already carries, sent once only (RFC 5849 §3.5)."""
    # Found again from the request, not kept from the hot path: the first one, in request order.
    own = _own_items(request, is_form)
    name = next(item for item in own if item.startswith("oauth_")).partition(ITEM_SEPARATOR)[0]
    raise ValueError(f"request already carries the protocol parameter {name}; sign it once")


def _place(
    request: Request, oauth: list[tuple[str, str]], placement: Placement, realm: str | None
) -> Request:
    """A copy of the request carrying the parameters where placement says (RFC 5849 §3.5.1-3)."""
    if placement is _HEADER:
        header = render_authorization(oauth, realm)
        return request._derive(headers=(*request.headers, ("Authorization", header)))
    encoded = "&".join([f"{name}={value}" for name, value in oauth])
    if placement is _QUERY:
        return request._derive(query_suffix=encoded)
    body = encoded.encode("ascii")
    return request._derive(body=request.body + b"&" + body if request.body else body)
