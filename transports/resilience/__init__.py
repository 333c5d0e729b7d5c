"""Resilience for the client flow: clock-skew correction and retries that re-sign (§3.3).

``ClockSkew`` learns each origin's clock from a ``timestamp_refused`` reply; ``RetryPolicy``
says which failures are tried again; ``call_flow`` is the sans-I/O call that applies both, the
one ``Client`` and ``AsyncClient`` drive.
"""

from __future__ import annotations

from .calls import ResilientFlow, call_flow
from .retry import IDEMPOTENT_METHODS, RETRY_STATUSES, RetryPolicy, retry_after
from .skew import ClockSkew, SkewedSigner, problem_report, server_time

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "ClockSkew",
    "ResilientFlow",
    "RetryPolicy",
    "SkewedSigner",
    "call_flow",
    "problem_report",
    "retry_after",
    "server_time",
]
