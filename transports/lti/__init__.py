"""The LTI 1.1 kit's I/O edge: the Outcomes service client and the platform's check (LTI 1.1 §6).

Launch verification is pure and lives in the core (``oauthcore.lti``); here are the grade
pass-back pieces, which need the ``lti`` extra (defusedxml) to read XML safely: POX records in
``pox``, ``OutcomesClient`` and ``verify_outcome_request`` in ``outcomes``.
"""

from __future__ import annotations

from .outcomes import (
    POX_CONTENT_TYPE,
    OutcomeFailed,
    OutcomesClient,
    ReceivedOutcome,
    verify_outcome_request,
)
from .pox import (
    NAMESPACE,
    Operation,
    OutcomeRequest,
    OutcomeResponse,
    POXError,
    parse_outcome_request,
    parse_outcome_response,
)

__all__ = [
    "NAMESPACE",
    "POX_CONTENT_TYPE",
    "Operation",
    "OutcomeFailed",
    "OutcomeRequest",
    "OutcomeResponse",
    "OutcomesClient",
    "POXError",
    "ReceivedOutcome",
    "parse_outcome_request",
    "parse_outcome_response",
    "verify_outcome_request",
]
