"""LTI 1.1 Outcomes messages: POX XML for replaceResult, readResult, deleteResult (LTI 1.1 §6).

Theory of operation: a tool reports a grade by POSTing a small "Plain Old XML" envelope to the
platform's ``lis_outcome_service_url``, signed with an ``oauth_body_hash`` (IMS LTI 1.1 §6.1). The
records here are the request and the response; ``to_xml`` renders one, ``parse_*`` reads one
back. What arrives is hostile: the XML goes through defusedxml with DTDs, entities and external
references all forbidden (so no XXE, no billion laughs), and the score must be a plain decimal
from 0.0 to 1.0. Nothing here touches a socket.
"""

from __future__ import annotations

import enum
import math
import re
from typing import TYPE_CHECKING
from xml.sax import saxutils

from attrs import frozen

from .._extras import missing_extra

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "NAMESPACE",
    "Operation",
    "OutcomeRequest",
    "OutcomeResponse",
    "POXError",
    "parse_outcome_request",
    "parse_outcome_response",
]

NAMESPACE = "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"
"""The XML namespace of LTI 1.1 Outcomes messages (IMS LTI 1.1 §6.1)."""
_NS = "{" + NAMESPACE + "}"
# A score is a decimal in 0.0-1.0 (LTI 1.1 §6.1.1): plain ASCII digits, no exponent, no
# "nan"/"inf", none of the other digits float() would accept.
_SCORE = re.compile(r"[ \t\r\n]*([0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})[ \t\r\n]*").fullmatch

# Characters XML 1.0 cannot carry (§2.2): controls other than tab and newlines, lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]").search
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,100}").fullmatch


def escape(text: str) -> str:
    # A raw carriage return would come back as a newline (XML 1.0 §2.11): send it as a reference.
    return saxutils.escape(text, {"\r": "&#13;"})


def _check_text(*values: str) -> None:
    if any(_NOT_XML(value) for value in values):
        raise ValueError("the text holds characters XML cannot carry (XML 1.0 §2.2)")


class POXError(ValueError):
    """A POX document (IMS LTI 1.1 §6.1) that is not XML, forbids what it holds, or lacks a
    required element."""


class Operation(enum.Enum):
    """The three LTI 1.1 Basic Outcomes operations (IMS LTI 1.1 §6.1)."""

    REPLACE = "replaceResult"
    READ = "readResult"
    DELETE = "deleteResult"


def _score_text(score: float) -> str:
    number = isinstance(score, int | float) and not isinstance(score, bool)
    if not (number and math.isfinite(score) and 0.0 <= score <= 1.0):
        raise ValueError(f"a score is a number from 0.0 to 1.0 (LTI 1.1 §6.1.1), not {score!r}")
    return repr(float(score))


def _parse_score(text: str | None) -> float:
    found = _SCORE(text or "")
    if found is None or float(found.group(1)) > 1.0:
        raise POXError("the score is not a decimal from 0.0 to 1.0 (LTI 1.1 §6.1.1)")
    return float(found.group(1))


@frozen
class OutcomeRequest:
    """One Outcomes request: an operation on the result ``sourcedid`` names (LTI 1.1 §6.1).

    ``score`` is for ``Operation.REPLACE`` only, from 0.0 to 1.0.
    """

    operation: Operation
    sourcedid: str
    message_id: str
    score: float | None = None

    def __attrs_post_init__(self) -> None:
        _check_text(self.sourcedid, self.message_id)
        if (self.score is None) is (self.operation is Operation.REPLACE):
            raise ValueError("replaceResult takes a score, and only replaceResult does")
        if self.score is not None:
            _score_text(self.score)

    def to_xml(self) -> bytes:
        """The ``imsx_POXEnvelopeRequest`` document, UTF-8 (IMS LTI 1.1 §6.1)."""
        result = ""
        if self.score is not None:
            result = (
                "<result><resultScore><language>en</language>"
                f"<textString>{_score_text(self.score)}</textString></resultScore></result>"
            )
        op = self.operation.value
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<imsx_POXEnvelopeRequest xmlns="{NAMESPACE}">'
            "<imsx_POXHeader><imsx_POXRequestHeaderInfo><imsx_version>V1.0</imsx_version>"
            f"<imsx_messageIdentifier>{escape(self.message_id)}</imsx_messageIdentifier>"
            "</imsx_POXRequestHeaderInfo></imsx_POXHeader>"
            f"<imsx_POXBody><{op}Request><resultRecord><sourcedGUID>"
            f"<sourcedId>{escape(self.sourcedid)}</sourcedId></sourcedGUID>{result}"
            f"</resultRecord></{op}Request></imsx_POXBody></imsx_POXEnvelopeRequest>"
        ).encode()


@frozen
class OutcomeResponse:
    """The platform's answer to an ``OutcomeRequest`` (IMS LTI 1.1 §6.1, ``imsx_statusInfo``).

    ``code`` is ``imsx_codeMajor``: ``success``, ``processing``, ``failure`` or ``unsupported``;
    ``operation`` is the operation name answered (a platform may answer one it does not know);
    ``score`` is what a successful ``readResult`` read, ``None`` if no score is set.
    """

    code: str
    operation: str
    message_id: str
    message_ref: str
    description: str = ""
    score: float | None = None

    def __attrs_post_init__(self) -> None:
        _check_text(self.code, self.operation, self.message_id, self.message_ref, self.description)
        if self.score is not None:
            _score_text(self.score)

    @property
    def ok(self) -> bool:
        """Whether the platform did what was asked (``imsx_codeMajor`` ``success``)."""
        return self.code == "success"

    def to_xml(self) -> bytes:
        """The ``imsx_POXEnvelopeResponse`` document, UTF-8 (IMS LTI 1.1 §6.1)."""
        result = ""
        if self.score is not None:
            result = (
                "<result><resultScore><language>en</language>"
                f"<textString>{_score_text(self.score)}</textString></resultScore></result>"
            )
        # An operation name a platform does not know came from a hostile document: only a plain
        # XML name becomes an element name here, anything else leaves the body empty.
        op = self.operation if _XML_NAME(self.operation) else ""
        body = f"<{op}Response>{result}</{op}Response>" if op else ""
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<imsx_POXEnvelopeResponse xmlns="{NAMESPACE}">'
            "<imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version>"
            f"<imsx_messageIdentifier>{escape(self.message_id)}</imsx_messageIdentifier>"
            f"<imsx_statusInfo><imsx_codeMajor>{escape(self.code)}</imsx_codeMajor>"
            "<imsx_severity>status</imsx_severity>"
            f"<imsx_description>{escape(self.description)}</imsx_description>"
            f"<imsx_messageRefIdentifier>{escape(self.message_ref)}</imsx_messageRefIdentifier>"
            f"<imsx_operationRefIdentifier>{escape(self.operation)}</imsx_operationRefIdentifier>"
            "</imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader>"
            f"<imsx_POXBody>{body}</imsx_POXBody>"
            "</imsx_POXEnvelopeResponse>"
        ).encode()


def _root(document: bytes, tag: str) -> Element:
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring
    except ImportError:  # pragma: no cover - the dev environment installs the lti extra
        raise missing_extra("the LTI outcomes service", "lti") from None
    try:
        root = fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise POXError(f"the POX document is refused: {type(exc).__name__}") from None
    except ParseError as exc:
        raise POXError(f"the POX document is not well-formed XML: {exc}") from None
    if root.tag != _NS + tag:
        raise POXError(f"the POX document is not an {tag} of the LTI 1.1 namespace")
    return root


def _find(root: Element, path: str) -> str | None:
    found = root.find("./" + "/".join(_NS + part for part in path.split("/")))
    return None if found is None else (found.text or "").strip()


def _text(root: Element, path: str) -> str:
    found = _find(root, path)
    if found is None:
        raise POXError(f"the POX document has no {path.rpartition('/')[2]}")
    return found


def _body(root: Element) -> Element:
    body = root.find(f"./{_NS}imsx_POXBody")
    children = [] if body is None else list(body)
    if len(children) != 1:
        raise POXError("the POX body must hold exactly one operation")
    return children[0]


def parse_outcome_request(document: bytes) -> OutcomeRequest | tuple[str, str]:
    """The ``OutcomeRequest`` in an ``imsx_POXEnvelopeRequest`` (IMS LTI 1.1 §6.1).

    An operation this module does not know returns ``(operation, message_id)`` so that the
    platform can answer ``unsupported``. Raises ``POXError`` for anything malformed.
    """
    root = _root(document, "imsx_POXEnvelopeRequest")
    message_id = _text(root, "imsx_POXHeader/imsx_POXRequestHeaderInfo/imsx_messageIdentifier")
    request = _body(root)
    if not request.tag.startswith(_NS):
        raise POXError("the POX operation is not in the LTI 1.1 namespace")
    name = request.tag.removeprefix(_NS)
    operation = next((op for op in Operation if f"{op.value}Request" == name), None)
    if operation is None:
        return name.removesuffix("Request"), message_id
    sourcedid = _text(request, "resultRecord/sourcedGUID/sourcedId")
    score = None
    if operation is Operation.REPLACE:
        score = _parse_score(_text(request, "resultRecord/result/resultScore/textString"))
    return OutcomeRequest(operation, sourcedid, message_id, score)


def parse_outcome_response(document: bytes) -> OutcomeResponse:
    """The ``OutcomeResponse`` in an ``imsx_POXEnvelopeResponse`` (IMS LTI 1.1 §6.1).

    Raises ``POXError`` for anything malformed, a score out of range included.
    """
    root = _root(document, "imsx_POXEnvelopeResponse")
    header = "imsx_POXHeader/imsx_POXResponseHeaderInfo/"
    status = header + "imsx_statusInfo/"
    code = _text(root, status + "imsx_codeMajor")
    message_id = _find(root, header + "imsx_messageIdentifier") or ""
    message_ref = _find(root, status + "imsx_messageRefIdentifier") or ""
    operation = _find(root, status + "imsx_operationRefIdentifier") or ""
    description = _find(root, status + "imsx_description") or ""
    score = None
    if code == "success":
        answer = _body(root)
        text = _find(answer, "result/resultScore/textString")
        score = _parse_score(text) if text else None
    return OutcomeResponse(code, operation, message_id, message_ref, description, score)
