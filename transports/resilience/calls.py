"""One call with the resilience rules: clock-skew correction and retries, sans I/O (§3.3).

Theory of operation: ``call_flow`` wraps ``transports.flow.send_flow``, which signs each hop and
follows redirects. Each try runs a fresh ``send_flow``, so every request on the wire is signed
anew (new nonce and timestamp, RFC 5849 §3.3) and the redirect rules hold on every try. A
``401 timestamp_refused`` teaches the ``ClockSkew`` the origin's clock and the call is signed
and sent once more, with that clock. A failure the ``RetryPolicy`` names (thrown into the flow
by its driver) or a reply it names is tried again after a ``Pause``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from oauthcore import Request

from ..base import Response
from ..errors import TransportError
from ..flow import DEFAULT_MAX_REDIRECTS, REDIRECT_STATUSES, Flow, Signer, may_sign, send_flow
from ..pause import Pause
from .retry import RetryPolicy
from .session import RENEW, WAIT, TokenSession, is_token_expired, renew_flow
from .skew import ClockSkew, SkewedSigner

__all__ = ["ResilientFlow", "acts_on", "call_flow"]

ResilientFlow = Generator[Request | Pause, Response, Response]
"""A flow (RFC 5849 §3) that may also yield a ``Pause``: ``drive`` and ``drive_async`` sleep
it."""


def acts_on(status: int, retry: RetryPolicy | None) -> bool:
    """Whether ``call_flow`` does more with a first reply of ``status`` than return it (§3.3).

    A redirect (RFC 9110 §15.4), a ``401`` (a refused timestamp, an expired token) or a status
    ``retry`` tries again. A driver may return any other first reply as it came, unread and
    unconverted, and close the flow: the flow would have returned it.
    """
    return (
        status in REDIRECT_STATUSES
        or status == 401
        or (retry is not None and status in retry.statuses)
    )


def call_flow(
    request: Request,
    signer: Signer,
    *,
    clock_skew: ClockSkew | None = None,
    retry: RetryPolicy | None = None,
    session: TokenSession | None = None,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    follow_redirects: bool = True,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
) -> ResilientFlow:
    """``send_flow`` with clock-skew correction and, if given, a ``RetryPolicy`` (§3.3).

    Returns the final ``Response``; a failure the policy does not retry (or the last one)
    propagates. ``clock_skew=None`` signs with the client's clock as it is. With a ``session``
    each try signs with its current token, renewed once per expiry (OAuth Session 1.0 §5).
    ``follow_redirects=False`` returns a redirect as it came (a stack that follows them itself).
    """
    sign_hop: Callable[[Request], Request] = (
        signer if clock_skew is None else SkewedSigner(signer, clock_skew)
    )
    options = {
        "max_redirects": max_redirects,
        "follow_redirects": follow_redirects,
        "cross_origin_credentials": cross_origin_credentials,
        "allow_downgrade": allow_downgrade,
    }

    def attempt() -> ResilientFlow:
        if session is not None:
            return _with_session(request, signer, clock_skew, session, options)
        return _signed_once(
            request,
            sign_hop,
            clock_skew,
            max_redirects=max_redirects,
            follow_redirects=follow_redirects,
            cross_origin_credentials=cross_origin_credentials,
            allow_downgrade=allow_downgrade,
        )

    if retry is None or not retry.retries_method(request.method):
        return (yield from attempt())
    tries = 1
    while True:
        try:
            response = yield from attempt()
        except TransportError as error:
            delay = retry.failure_delay(error, tries - 1) if tries < retry.attempts else None
            if delay is None:
                raise
        else:
            delay = retry.response_delay(response, tries - 1) if tries < retry.attempts else None
            if delay is None:
                return response
        tries += 1
        yield Pause(delay, retry.sleep)


def _signed_once(
    request: Request,
    sign_hop: Callable[[Request], Request],
    clock_skew: ClockSkew | None,
    *,
    max_redirects: int,
    follow_redirects: bool,
    cross_origin_credentials: bool,
    allow_downgrade: bool,
) -> Flow[Response]:
    # One try: the call, and once more if the provider refused our clock and said its own.
    def send() -> Flow[Response]:
        return send_flow(
            request,
            sign_hop,
            max_redirects=max_redirects,
            follow_redirects=follow_redirects,
            cross_origin_credentials=cross_origin_credentials,
            allow_downgrade=allow_downgrade,
        )

    response = yield from send()
    if (
        clock_skew is None
        or response.status != 401
        # Only a hop we signed can have had its timestamp refused.
        or not may_sign(
            request.url, response.url, cross_origin_credentials=cross_origin_credentials
        )
        or not clock_skew.learn(response)
    ):
        return response
    return (yield from send())


# A call meets at most this many expiries (its token renewed, or replaced by another's renewal)
# before the refusal is returned: tokens that expire faster than a round trip would loop.
_MAX_RENEWALS = 3


def _with_session(
    request: Request,
    signer: Signer,
    clock_skew: ClockSkew | None,
    session: TokenSession,
    options: dict[str, Any],
) -> ResilientFlow:
    # Each try signs with the session's token of the moment; token_expired renews it once.
    expiries = 0
    while True:
        used, current = session.signer(signer)
        sign_hop = current if clock_skew is None else SkewedSigner(current, clock_skew)
        response = yield from _signed_once(request, sign_hop, clock_skew, **options)
        if expiries == _MAX_RENEWALS or not is_token_expired(response):
            return response
        expiries += 1
        claimed = session.claim(used)
        if claimed == WAIT:
            yield session.pause()
        elif claimed == RENEW:
            renewed = None
            try:
                renewed = yield from renew_flow(
                    session.url, signer, used, session.handle, clock_skew
                )
            finally:
                session.release(renewed)
