"""The three-legged calls with the resilience rules: clock skew and retries, sans I/O (§2).

``request_token_call`` and ``access_token_call`` are ``transports.flow``'s
``request_token_flow`` and ``access_token_flow`` sent through ``call_flow``: a
``timestamp_refused`` reply to either teaches the ``ClockSkew`` the provider's clock and the
call is signed and sent once more; a ``RetryPolicy`` tries them again only if its ``methods``
name ``POST`` (both are POSTs, RFC 9110 §9.2.2: a provider may issue a token per try).
"""

from __future__ import annotations

from collections.abc import Generator

from oauthcore import Request, Token
from oauthcore.client import parse_token_response

from ..base import Response
from ..flow import (
    DEFAULT_MAX_REDIRECTS,
    Signer,
    access_token_step,
    read_request_token,
    request_token_step,
)
from ..pause import Pause
from .calls import call_flow
from .retry import RetryPolicy
from .skew import ClockSkew

__all__ = ["TokenFlow", "access_token_call", "request_token_call"]

TokenFlow = Generator[Request | Pause, Response, Token]
"""A three-legged call (RFC 5849 §2.1, §2.3): yields requests (and pauses), returns the token."""


def request_token_call(
    url: str,
    signer: Signer,
    callback: str = "oob",
    *,
    clock_skew: ClockSkew | None = None,
    retry: RetryPolicy | None = None,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
) -> TokenFlow:
    """Obtain temporary credentials (§2.1), on the origin's learned clock, tried as ``retry`` says.

    As ``transports.flow.request_token_flow``: a reply without ``oauth_callback_confirmed=true``
    or a non-2xx one raises ``oauthcore.client.TokenResponseError``.
    """
    response = yield from call_flow(
        *request_token_step(url, signer, callback),
        clock_skew=clock_skew,
        retry=retry,
        max_redirects=max_redirects,
        cross_origin_credentials=cross_origin_credentials,
        allow_downgrade=allow_downgrade,
    )
    return read_request_token(response)


def access_token_call(
    url: str,
    signer: Signer,
    request_token: Token,
    verifier: str,
    *,
    clock_skew: ClockSkew | None = None,
    retry: RetryPolicy | None = None,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
) -> TokenFlow:
    """Exchange ``request_token`` and ``verifier`` for token credentials (§2.3), as
    ``transports.flow.access_token_flow`` does, on the learned clock, tried as ``retry`` says."""
    response = yield from call_flow(
        *access_token_step(url, signer, request_token, verifier),
        clock_skew=clock_skew,
        retry=retry,
        max_redirects=max_redirects,
        cross_origin_credentials=cross_origin_credentials,
        allow_downgrade=allow_downgrade,
    )
    return parse_token_response(response.body, status=response.status)
