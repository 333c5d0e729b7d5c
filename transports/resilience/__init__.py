"""Resilience for the client flow: clock skew, retries that re-sign, tokens that renew (§3.3).

``ClockSkew`` learns each origin's clock from a ``timestamp_refused`` reply; ``RetryPolicy``
says which failures are tried again; ``TokenSession`` renews an expired access token once
(OAuth Session 1.0); ``call_flow`` is the sans-I/O call that applies both, the
one ``Client``, ``AsyncClient`` and the plug-ins of ``transports.integrations`` drive;
``request_token_call`` and ``access_token_call`` are the three-legged steps sent through it.
"""

from __future__ import annotations

from .calls import ResilientFlow, acts_on, call_flow
from .retry import IDEMPOTENT_METHODS, RETRY_STATUSES, RetryPolicy, retry_after
from .session import TokenSession, is_token_expired, renew_flow
from .skew import DATE_TOLERANCE, ClockSkew, SkewedSigner, problem_report, server_time
from .tokens import TokenFlow, access_token_call, request_token_call

__all__ = [
    "DATE_TOLERANCE",
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "ClockSkew",
    "ResilientFlow",
    "RetryPolicy",
    "SkewedSigner",
    "TokenFlow",
    "TokenSession",
    "access_token_call",
    "acts_on",
    "call_flow",
    "is_token_expired",
    "problem_report",
    "renew_flow",
    "request_token_call",
    "retry_after",
    "server_time",
]
