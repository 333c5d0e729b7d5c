"""The LTI 1.1 Outcomes service over HTTP: the tool's client and the platform's check (LTI 1.1 §6).

``OutcomesClient`` sends replaceResult, readResult and deleteResult to a platform's
``lis_outcome_service_url``, each a POX document POSTed with an ``Authorization: OAuth`` header
whose signature covers an ``oauth_body_hash`` of the XML (IMS LTI 1.1 §6.1, OAuth Body Hash).
``verify_outcome_request`` is the platform's side: the signature, the body hash (required
here, as the specification requires it) and the document.
"""

from __future__ import annotations

import secrets

from attrs import frozen

from oauthcore import (
    HMAC_SHA1,
    ClientError,
    Consumer,
    CredentialStore,
    NonceStore,
    ParameterAbsent,
    ParameterRejected,
    Request,
    sign,
)
from oauthcore.methods import SignatureMethod
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.verification import parse, verify

from ..base import Transport
from .pox import Operation, OutcomeRequest, OutcomeResponse, POXError, parse_outcome_request
from .pox import parse_outcome_response as _parse_response

__all__ = [
    "POX_CONTENT_TYPE",
    "OutcomeFailed",
    "OutcomesClient",
    "ReceivedOutcome",
    "verify_outcome_request",
]

POX_CONTENT_TYPE = "application/xml"
"""The media type of POX documents (IMS LTI 1.1 §6.1)."""


class OutcomeFailed(ClientError):
    """The platform answered an Outcomes request with something other than success (§6.1)."""

    def __init__(self, response: OutcomeResponse, status: int) -> None:
        super().__init__(
            f"the outcomes service answered {response.code!r} (HTTP {status}) to"
            f" {response.operation or 'the request'}: {response.description[:200]!r}"
        )
        self.response = response
        self.status = status


class OutcomesClient:
    """A tool's client of a platform's LTI 1.1 Basic Outcomes service (IMS LTI 1.1 §6).

    ``consumer`` is the key and shared secret the platform launched the tool with; every
    request goes through ``transport`` (any ``Transport``), signed with ``method`` (HMAC-SHA1
    by default, the one LTI 1.1 names) and an ``oauth_body_hash``.
    """

    def __init__(
        self,
        consumer: Consumer,
        transport: Transport,
        *,
        method: SignatureMethod = HMAC_SHA1,
        timeout: float | None = None,
    ) -> None:
        self.consumer = consumer
        self.transport = transport
        self.method = method
        self.timeout = timeout

    def replace_result(self, service_url: str, sourcedid: str, score: float) -> OutcomeResponse:
        """Set the grade of ``sourcedid`` to ``score``, 0.0 to 1.0 (LTI 1.1 §6.1.1)."""
        return self.send(service_url, self._request(Operation.REPLACE, sourcedid, score))

    def read_result(self, service_url: str, sourcedid: str) -> float | None:
        """The grade of ``sourcedid``, or ``None`` if none is set (LTI 1.1 §6.1.2)."""
        return self.send(service_url, self._request(Operation.READ, sourcedid)).score

    def delete_result(self, service_url: str, sourcedid: str) -> OutcomeResponse:
        """Remove the grade of ``sourcedid`` (LTI 1.1 §6.1.3)."""
        return self.send(service_url, self._request(Operation.DELETE, sourcedid))

    @staticmethod
    def _request(
        operation: Operation, sourcedid: str, score: float | None = None
    ) -> OutcomeRequest:
        return OutcomeRequest(operation, sourcedid, secrets.token_hex(8), score)

    def signed(self, service_url: str, outcome: OutcomeRequest) -> Request:
        """``outcome`` as the signed POST that carries it, body hash included (LTI 1.1 §6.1)."""
        request = Request(
            "POST", service_url, [("Content-Type", POX_CONTENT_TYPE)], outcome.to_xml()
        )
        return sign(request, self.consumer, None, self.method, body_hash=True)

    def send(self, service_url: str, outcome: OutcomeRequest) -> OutcomeResponse:
        """Send ``outcome`` and read the answer; raises ``OutcomeFailed`` unless it succeeded.

        Raises ``POXError`` for an answer that is not a POX response and a ``TransportError``
        if the service cannot be reached (IMS LTI 1.1 §6.1).
        """
        response = self.transport.send(self.signed(service_url, outcome), timeout=self.timeout)
        try:
            answer = _parse_response(response.body)
        except POXError:
            if response.ok:
                raise
            raise OutcomeFailed(
                OutcomeResponse("failure", outcome.operation.value, "", outcome.message_id),
                response.status,
            ) from None
        if not (response.ok and answer.ok):
            raise OutcomeFailed(answer, response.status)
        return answer


@frozen
class ReceivedOutcome:
    """An Outcomes request a platform verified: who sent it and what it asks (LTI 1.1 §6.1).

    ``request`` is the parsed ``OutcomeRequest``, or ``(operation, message_id)`` for an
    operation the platform should answer ``unsupported``.
    """

    consumer_key: str
    request: OutcomeRequest | tuple[str, str]


def verify_outcome_request(
    request: Request,
    credentials: CredentialStore,
    nonces: NonceStore | None,
    *,
    policy: VerifyPolicy = DEFAULT_POLICY,
    now: float | None = None,
) -> ReceivedOutcome:
    """The platform's check of an Outcomes request: signature, body hash, POX (LTI 1.1 §6.1).

    Raises an ``OAuthError`` (``ParameterAbsent`` without ``oauth_body_hash``, which LTI 1.1
    requires; ``SignatureInvalid`` for a body that does not match it) or ``POXError``.
    """
    if request.method != "POST" or request.is_form:
        raise ParameterRejected("an outcomes request is an XML POST (IMS LTI 1.1 §6.1)")
    # verify() checks the hash when present; LTI 1.1 requires one, so its absence is refused
    # first, before verify() uses up the nonce.
    if parse(request).body_hash is None:
        raise ParameterAbsent(
            "an outcomes request must sign its body with oauth_body_hash (IMS LTI 1.1 §6.1)",
            parameter="oauth_body_hash",
        )
    verified = verify(request, credentials, nonces, token_kind=None, policy=policy, now=now)
    return ReceivedOutcome(verified.consumer.key, parse_outcome_request(request.body))
