"""The provider side of the three-legged flow (RFC 5849 §2) and the answer to a refused request.

Theory of operation: the provider keeps one ``TemporaryCredentials`` per pending authorization.
``issue_temporary_credentials`` makes it from a verified temporary-credentials request (§2.1,
``oauth_callback`` required); ``authorize`` adds the verifier once the resource owner agrees
(§2.2) and ``callback_url`` says where to send the owner back; ``exchange`` checks the
token-credentials request against it, the verifier in constant time, and returns the new token
credentials (§2.3). Storage is the application's: it saves each new record and, so that a request
token works once, passes ``consume`` to ``exchange`` to remove it atomically. Tokens, secrets and
verifiers come from ``secrets`` unless given, and only here, at the edge of the flow. A refused
request is answered with ``problem_response`` (§3.2 and OAuth Problem Reporting, defined in
``oauthcore.problems``). Tokens that expire and are renewed with a session handle (OAuth Session
1.0: ``start_session``, ``check_fresh``, ``refresh_session``) are defined in ``oauthcore.sessions``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from attrs import evolve, field, frozen

from .encoding import append_query, encode_form
from .errors import ParameterAbsent, ParameterRejected, TokenRejected
from .nonces import NonceStore
from .policy import DEFAULT_POLICY, VerifyPolicy
from .problems import ProblemResponse, problem_body, problem_response, www_authenticate
from .records import Consumer, Request, Token
from .sessions import Session, check_fresh, refresh_session, session_response, start_session
from .verification import OAuthParams, check

__all__ = [
    "ProblemResponse",
    "Session",
    "TemporaryCredentials",
    "authorize",
    "callback_url",
    "check_fresh",
    "exchange",
    "issue_temporary_credentials",
    "make_token",
    "make_verifier",
    "problem_body",
    "problem_response",
    "refresh_session",
    "session_response",
    "start_session",
    "token_response",
    "www_authenticate",
]

#: The ``oauth_callback`` value of a client that cannot receive a redirect (§2.1).
OOB = "oob"
# An absolute URI starts with a scheme (RFC 3986 §3.1); nothing in it may be blank or a control.
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20\x7f]+").fullmatch
# Schemes that run code or read local files instead of reaching the client.
_UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript", "file"})


def make_token(*, key: str | None = None, secret: str | None = None) -> Token:
    """New credentials: 128-bit key, 256-bit secret, from ``secrets`` (RFC 5849 §2.1, §2.3)."""
    return Token(
        secrets.token_urlsafe(16) if key is None else key,
        secrets.token_urlsafe(32) if secret is None else secret,
    )


def make_verifier() -> str:
    """A new verification code: 128 random bits from ``secrets``, URL-safe (RFC 5849 §2.2)."""
    return secrets.token_urlsafe(16)


@frozen
class TemporaryCredentials:
    """A pending authorization: the request token, its consumer, callback and verifier (§2.1-§2.3).

    ``verifier`` is ``None`` until the resource owner authorizes; it never shows in the repr.
    """

    consumer_key: str
    token: Token
    callback: str
    verifier: str | None = field(default=None, repr=False)

    @property
    def is_oob(self) -> bool:
        """True when the client takes the verifier out of band instead of by redirect (§2.1)."""
        return self.callback == OOB

    @property
    def authorized(self) -> bool:
        """True once the resource owner has authorized and a verifier was issued (§2.2)."""
        return self.verifier is not None


def _check_callback(callback: str) -> None:
    if callback == OOB:
        return
    match = _ABSOLUTE_URI(callback)
    if match is None or callback.partition(":")[0].lower() in _UNSAFE_SCHEMES:
        preview = callback if len(callback) <= 60 else callback[:60] + "..."
        raise ParameterRejected(
            f"oauth_callback must be an absolute URI or 'oob', got {preview!r} (RFC 5849 §2.1)",
            parameter="oauth_callback",
        )


def issue_temporary_credentials(
    params: OAuthParams,
    *,
    token: Token | None = None,
    callback_allowed: Callable[[str], bool] | None = None,
) -> TemporaryCredentials:
    """Temporary credentials for a verified temporary-credentials request (RFC 5849 §2.1).

    ``oauth_callback`` is required (OAuth 1.0a): an absolute URI or ``oob``; ``callback_allowed``
    may refuse URIs the consumer did not register. ``token`` defaults to ``make_token()``; the
    record's token says ``callback_confirmed`` so ``token_response`` confirms the callback.
    """
    if params.token is not None:
        raise ParameterRejected(
            "a temporary-credentials request carries no oauth_token (RFC 5849 §2.1)",
            parameter="oauth_token",
        )
    if params.callback is None:
        raise ParameterAbsent(
            "oauth_callback is required: an absolute URI to return to, or 'oob' (RFC 5849 §2.1)",
            parameter="oauth_callback",
        )
    _check_callback(params.callback)
    if (
        params.callback != OOB
        and callback_allowed is not None
        and not callback_allowed(params.callback)
    ):
        raise ParameterRejected(
            "oauth_callback is not a callback registered for this consumer (RFC 5849 §2.1)",
            parameter="oauth_callback",
        )
    issued = make_token() if token is None else token
    return TemporaryCredentials(
        params.consumer_key, evolve(issued, callback_confirmed=True), params.callback
    )


def authorize(
    temporary: TemporaryCredentials, *, verifier: str | None = None
) -> TemporaryCredentials:
    """The resource owner said yes: the same credentials with a verifier (RFC 5849 §2.2).

    ``verifier`` defaults to ``make_verifier()``. Save the result in place of ``temporary``.
    """
    if temporary.verifier is not None:
        raise ValueError("these temporary credentials are already authorized")
    if verifier is not None and not verifier:
        raise ValueError("verifier must not be empty")
    return evolve(temporary, verifier=make_verifier() if verifier is None else verifier)


def callback_url(temporary: TemporaryCredentials) -> str | None:
    """Where to send the resource owner back: the callback plus ``oauth_token`` and
    ``oauth_verifier`` (RFC 5849 §2.2), or ``None`` for ``oob`` (show the verifier instead).
    """
    if temporary.verifier is None:
        raise ValueError("authorize() the temporary credentials before redirecting back")
    if temporary.is_oob:
        return None
    return append_query(
        temporary.callback,
        [("oauth_token", temporary.token.key), ("oauth_verifier", temporary.verifier)],
    )


def exchange(
    request: Request,
    params: OAuthParams,
    consumer: Consumer,
    temporary: TemporaryCredentials,
    *,
    nonces: NonceStore | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
    now: float | None = None,
    consume: Callable[[], bool] | None = None,
    access_token: Token | None = None,
) -> Token:
    """Check a token-credentials request and return the new token credentials (RFC 5849 §2.3).

    ``params`` is ``parse(request)``; ``temporary`` the saved record for ``params.token``. The
    request is checked as ``check`` does under ``policy``, with the verifier compared in constant
    time before the nonce is used; then ``consume()`` (for example ``store.remove_token``) must
    return ``True``, or the request token was already used. ``access_token`` defaults to
    ``make_token()``.
    """
    if params.consumer_key != temporary.consumer_key or params.token != temporary.token.key:
        raise TokenRejected(
            "oauth_token is not the temporary credentials issued to this consumer (RFC 5849 §2.3)",
            parameter="oauth_token",
        )
    if temporary.verifier is None:
        raise TokenRejected(
            "these temporary credentials were not authorized by the resource owner (yet)"
            " (RFC 5849 §2.2)",
            parameter="oauth_token",
        )
    check(
        request,
        params,
        consumer,
        temporary.token,
        nonces=nonces,
        policy=policy,
        now=now,
        verifier=temporary.verifier,
    )
    if consume is not None and not consume():
        raise TokenRejected(
            "these temporary credentials were already exchanged; a request token works once"
            " (RFC 5849 §2.3)",
            parameter="oauth_token",
        )
    return make_token() if access_token is None else access_token


def token_response(token: Token) -> bytes:
    """The form-encoded body of a credentials response (RFC 5849 §2.1, §2.3).

    ``oauth_token`` and ``oauth_token_secret``, ``oauth_callback_confirmed=true`` when the token
    says so (temporary credentials, §2.1), then ``token.extra``. Serve it as
    ``application/x-www-form-urlencoded``.
    """
    pairs = [("oauth_token", token.key), ("oauth_token_secret", token.secret)]
    if token.callback_confirmed:
        pairs.append(("oauth_callback_confirmed", "true"))
    pairs.extend(token.extra)
    return encode_form(pairs).encode("ascii")
