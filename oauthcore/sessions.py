"""OAuth Session 1.0 (Draft 1): access tokens that expire, renewed with a session handle.

Theory of operation: with the token credentials (RFC 5849 §2.3) the provider hands out an
``oauth_session_handle``, how long the token lives (``oauth_expires_in``) and how long the
authorization does (``oauth_authorization_expires_in``), §5.1. A request with an expired token
is refused with ``TokenExpired`` (``oauth_problem=token_expired``, §5.2); the client then signs a
request to the Access Token URL with the expired token and ``oauth_session_handle`` (§5.3) and
gets new token credentials and the same fields again (§5.4). ``Session`` is the provider's record
of one authorization; the functions here are pure: the clock comes in as ``now``, new tokens and
handles from ``secrets`` unless given.
"""

from __future__ import annotations

import math
import secrets

from attrs import evolve, field, frozen

from .encoding import encode_form
from .errors import ParameterAbsent, TokenExpired, TokenRejected
from .nonces import NonceStore
from .policy import DEFAULT_POLICY, VerifyPolicy
from .records import Consumer, Request, Token
from .verification import OAuthParams, check

__all__ = [
    "Session",
    "check_fresh",
    "make_session_handle",
    "refresh_session",
    "session_fields",
    "session_response",
    "start_session",
]


def make_session_handle() -> str:
    """A new session handle: 192 random bits from ``secrets``, URL-safe (OAuth Session §5.1)."""
    return secrets.token_urlsafe(24)


@frozen
class Session:
    """One authorization session: its handle, consumer, current access token and expiries (§4).

    ``expires_at`` (the token's) and ``authorization_expires_at`` are seconds since the epoch,
    ``None`` for never; ``lifetime`` is what each new token lives. The handle is not in the repr.
    """

    handle: str = field(repr=False)
    consumer_key: str
    token: Token
    lifetime: float | None
    expires_at: float | None
    authorization_expires_at: float | None = None


def start_session(
    consumer_key: str,
    token: Token,
    *,
    now: float,
    lifetime: float | None,
    authorization_lifetime: float | None = None,
    handle: str | None = None,
) -> Session:
    """The session for newly issued token credentials (OAuth Session 1.0 §5.1)."""
    return Session(
        make_session_handle() if handle is None else handle,
        consumer_key,
        token,
        lifetime,
        None if lifetime is None else now + lifetime,
        None if authorization_lifetime is None else now + authorization_lifetime,
    )


def _seconds_left(moment: float | None, now: float) -> list[str]:
    return [] if moment is None else [str(max(0, math.ceil(moment - now)))]


def session_response(session: Session, *, now: float) -> bytes:
    """The credentials reply with the session fields (RFC 5849 §2.3, OAuth Session §5.1, §5.4).

    ``oauth_token``, ``oauth_token_secret``, the token's ``extra``, then ``oauth_session_handle``
    and, where they apply, ``oauth_expires_in`` and ``oauth_authorization_expires_in``.
    """
    token = session.token
    pairs = [("oauth_token", token.key), ("oauth_token_secret", token.secret), *token.extra]
    pairs.append(("oauth_session_handle", session.handle))
    pairs += [("oauth_expires_in", left) for left in _seconds_left(session.expires_at, now)]
    pairs += [
        ("oauth_authorization_expires_in", left)
        for left in _seconds_left(session.authorization_expires_at, now)
    ]
    return encode_form(pairs).encode("ascii")


def check_fresh(session: Session, *, now: float) -> None:
    """Raise ``TokenExpired`` if the session's access token has expired (OAuth Session §5.2)."""
    if session.expires_at is not None and now >= session.expires_at:
        raise TokenExpired(
            "the access token has expired; renew it at the Access Token URL with"
            " oauth_session_handle (OAuth Session 1.0 §5.3)",
            parameter="oauth_token",
        )


def refresh_session(
    request: Request,
    params: OAuthParams,
    consumer: Consumer,
    session: Session,
    *,
    now: float,
    nonces: NonceStore | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
    token: Token | None = None,
) -> Session:
    """Check a token renewal (OAuth Session 1.0 §5.3) and return the session with a new token.

    ``params`` is ``parse(request)``, signed with the session's current token (expired or not)
    and carrying its ``oauth_session_handle`` (compared in constant time). A renewal after the
    authorization expired, or with a token the session has already replaced, raises
    ``TokenRejected``: the client must ask the user again, or use the token it was given. The
    new token is ``token``, else ``make_token``-style random credentials.
    """
    if params.session_handle is None:
        raise ParameterAbsent(
            "a token renewal needs oauth_session_handle (OAuth Session 1.0 §5.3)",
            parameter="oauth_session_handle",
        )
    if (
        params.consumer_key != session.consumer_key
        or params.token != session.token.key
        or not secrets.compare_digest(params.session_handle.encode(), session.handle.encode())
    ):
        raise TokenRejected(
            "oauth_token and oauth_session_handle are not this session's current ones; renew"
            " with the latest token (OAuth Session 1.0 §5.3)",
            parameter="oauth_session_handle",
        )
    if session.authorization_expires_at is not None and now >= session.authorization_expires_at:
        raise TokenRejected(
            "the authorization session has expired: the user must authorize again"
            " (OAuth Session 1.0 §5.4)",
            parameter="oauth_session_handle",
        )
    check(request, params, consumer, session.token, nonces=nonces, policy=policy, now=now)
    new = (
        Token(secrets.token_urlsafe(16), secrets.token_urlsafe(32), extra=session.token.extra)
        if token is None
        else token
    )
    return evolve(
        session, token=new, expires_at=None if session.lifetime is None else now + session.lifetime
    )


def session_fields(token: Token) -> tuple[str | None, int | None, int | None]:
    """``oauth_session_handle``, ``oauth_expires_in`` and ``oauth_authorization_expires_in`` of
    a credentials reply read into ``token`` (OAuth Session 1.0 §5.1); ``None`` where absent or
    not a whole number of seconds."""
    fields = dict(token.extra)

    def seconds(name: str) -> int | None:
        text = fields.get(name, "")
        return int(text) if text.isdigit() and text.isascii() and len(text) <= 12 else None

    return (
        fields.get("oauth_session_handle") or None,
        seconds("oauth_expires_in"),
        seconds("oauth_authorization_expires_in"),
    )
