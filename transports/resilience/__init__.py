"""Resilience for the client flow: clock skew, retries that re-sign, tokens that renew (§3.3).

``ClockSkew`` learns each origin's clock from a ``timestamp_refused`` reply; ``RetryPolicy``
says which failures are tried again; ``TokenSession`` renews an expired access token once
(OAuth Session 1.0); ``call_flow`` is the sans-I/O call that applies both, the
one ``Client`` and ``AsyncClient`` drive.
"""

from __future__ import annotations

from .calls import ResilientFlow, call_flow
from .retry import IDEMPOTENT_METHODS, RETRY_STATUSES, RetryPolicy, retry_after
from .session import TokenSession, is_token_expired, renew_flow
from .skew import ClockSkew, SkewedSigner, problem_report, server_time

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "ClockSkew",
    "ResilientFlow",
    "RetryPolicy",
    "SkewedSigner",
    "TokenSession",
    "call_flow",
    "is_token_expired",
    "problem_report",
    "renew_flow",
    "retry_after",
    "server_time",
]
