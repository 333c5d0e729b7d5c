"""Answering a refused request: the ``WWW-Authenticate`` challenge and the problem report body.

RFC 5849 §3.2 picks the status (400 or 401, carried by each ``OAuthError``); RFC 7235 §4.1 wants a
challenge with every 401, here ``OAuth realm="..."`` (RFC 5849 §3.5.1); the body follows the OAuth
Problem Reporting extension: ``oauth_problem=signature_invalid&oauth_problem_advice=...``,
form-encoded, with ``oauth_parameters_absent``/``_rejected``, ``oauth_acceptable_timestamps`` or
``oauth_acceptable_versions`` where they apply. Error messages never hold secrets, so the advice
can be sent as it is. ``read_problem_report`` is the other end: a client reading such an answer.
"""

from __future__ import annotations

from attrs import frozen

from .encoding import FORM_CONTENT_TYPE, decode_form, encode_form
from .errors import OAuthError, ParameterAbsent, ParameterRejected, TimestampRefused
from .header import parse_authorization, render_authorization

__all__ = [
    "BASE_STRING_FIELD",
    "FORM_CONTENT_TYPE",
    "MAX_PROBLEM_REPORT",
    "ProblemResponse",
    "problem_body",
    "problem_pairs",
    "problem_response",
    "read_problem_report",
    "www_authenticate",
]

BASE_STRING_FIELD = "oauth_signature_base_string"
"""The problem report field a provider in development mode puts its base string in (§3.4.1),
for the client to compare with its own (``oauthcore.diagnosis``)."""

MAX_PROBLEM_REPORT = 16 * 1024
"""The longest problem report body or challenge ``read_problem_report`` reads, in bytes (in
characters for text): a report is a few short fields, anything longer is a page, not a report
(RFC 5849 §3.2, OAuth Problem Reporting)."""


@frozen
class ProblemResponse:
    """Status, headers and body that answer a refused request (RFC 5849 §3.2, Problem Reporting)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def www_authenticate(realm: str | None = None) -> str:
    """The challenge ``OAuth realm="..."`` (or plain ``OAuth``) for a 401 (RFC 5849 §3.5.1)."""
    return render_authorization([], realm).rstrip()


def problem_pairs(
    error: OAuthError, *, advice: bool = True, base_string: str | None = None
) -> list[tuple[str, str]]:
    """The Problem Reporting fields of ``error``, decoded, ``oauth_problem`` first (§3.2).

    A ``base_string`` (development mode only, see ``VerifyPolicy.reveal_base_string``) is
    added last as ``BASE_STRING_FIELD``, ``oauth_signature_base_string`` (§3.4.1).
    """
    pairs = [("oauth_problem", error.problem)]
    if error.parameter is not None:
        if isinstance(error, ParameterAbsent):
            pairs.append(("oauth_parameters_absent", error.parameter))
        elif isinstance(error, ParameterRejected):
            pairs.append(("oauth_parameters_rejected", error.parameter))
    if isinstance(error, TimestampRefused) and error.acceptable is not None:
        oldest, newest = error.acceptable
        pairs.append(("oauth_acceptable_timestamps", f"{oldest}-{newest}"))
    if error.problem == "version_rejected":
        pairs.append(("oauth_acceptable_versions", "1.0-1.0"))
    if advice:
        pairs.append(("oauth_problem_advice", error.message))
    if base_string is not None:
        pairs.append((BASE_STRING_FIELD, base_string))
    return pairs


def problem_body(
    error: OAuthError, *, advice: bool = True, base_string: str | None = None
) -> bytes:
    """``error`` as a form-encoded problem report (§3.2), e.g. ``oauth_problem=nonce_used&...``.

    ``advice=False`` leaves out ``oauth_problem_advice`` (the human-readable message);
    ``base_string`` adds the provider's (development mode only).
    """
    pairs = problem_pairs(error, advice=advice, base_string=base_string)
    return encode_form(pairs).encode("ascii")


def problem_response(
    error: OAuthError,
    *,
    realm: str | None = None,
    advice: bool = True,
    base_string: str | None = None,
) -> ProblemResponse:
    """The whole answer to a refused request: ``error.status``, headers and problem body (§3.2).

    A 401 carries ``WWW-Authenticate: OAuth realm="..."`` (RFC 7235 §4.1); every answer carries
    ``Content-Type: application/x-www-form-urlencoded`` and ``Cache-Control: no-store``.
    ``base_string`` is for development mode only (``VerifyPolicy.reveal_base_string``).
    """
    headers = [("Content-Type", FORM_CONTENT_TYPE), ("Cache-Control", "no-store")]
    if error.status == 401:
        headers.append(("WWW-Authenticate", www_authenticate(realm)))
    body = problem_body(error, advice=advice, base_string=base_string)
    return ProblemResponse(error.status, tuple(headers), body)


def read_problem_report(body: bytes | str, challenge: str | None = None) -> dict[str, str]:
    """The OAuth Problem Reporting fields of a refusal (RFC 5849 §3.2), decoded, by name.

    ``body`` is the reply's body, ``challenge`` its ``WWW-Authenticate`` header, if any. The
    body's form fields are the report when they hold ``oauth_problem``; else the parameters of
    an ``OAuth ...`` challenge (§3.5.1, its realm left out); else ``{}``. A body or challenge
    longer than ``MAX_PROBLEM_REPORT``, a body whose bytes are not UTF-8 and anything that does
    not parse are not read. A repeated field keeps its last value.
    """
    if len(body) <= MAX_PROBLEM_REPORT:
        try:
            text = body if isinstance(body, str) else body.decode("utf-8")
            found = dict(decode_form(text))
        except (UnicodeDecodeError, ParameterRejected):
            found = {}
        if "oauth_problem" in found:
            return found
    if challenge is not None and len(challenge) <= MAX_PROBLEM_REPORT:
        try:
            return dict(parse_authorization(challenge)[1])
        except ParameterRejected:
            pass
    return {}
