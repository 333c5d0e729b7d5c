"""Answers to refused requests: statuses (RFC 5849 §3.2), challenge (§3.5.1), problem reports."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from oauthcore import (
    ConsumerKeyUnknown,
    NonceUsed,
    OAuthError,
    ParameterAbsent,
    ParameterRejected,
    SignatureInvalid,
    SignatureMethodRejected,
    TimestampRefused,
    TokenRejected,
    VerifierInvalid,
    VersionRejected,
)
from oauthcore.problems import MAX_PROBLEM_REPORT, problem_pairs, read_problem_report
from oauthcore.provider import ProblemResponse, problem_body, problem_response, www_authenticate


def fields(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True))


def test_challenge() -> None:
    assert www_authenticate() == "OAuth"
    assert www_authenticate("Photos") == 'OAuth realm="Photos"'
    assert www_authenticate('a "quoted" \\ realm') == 'OAuth realm="a \\"quoted\\" \\\\ realm"'
    with pytest.raises(ValueError, match="control characters"):
        www_authenticate("evil\r\nSet-Cookie: x=1")


@pytest.mark.parametrize(
    ("error", "status", "problem"),
    [
        (ParameterAbsent("m", parameter="oauth_nonce"), 400, "parameter_absent"),
        (ParameterRejected("m", parameter="oauth_colour"), 400, "parameter_rejected"),
        (SignatureMethodRejected("m"), 400, "signature_method_rejected"),
        (VersionRejected("m"), 400, "version_rejected"),
        (SignatureInvalid("m"), 401, "signature_invalid"),
        (TimestampRefused("m"), 401, "timestamp_refused"),
        (NonceUsed("m"), 401, "nonce_used"),
        (ConsumerKeyUnknown("m"), 401, "consumer_key_unknown"),
        (TokenRejected("m"), 401, "token_rejected"),
        (VerifierInvalid("m"), 401, "permission_denied"),
    ],
)
def test_status_and_problem_code(error: OAuthError, status: int, problem: str) -> None:
    response = problem_response(error, realm="api")
    assert isinstance(response, ProblemResponse)
    assert response.status == status
    headers = dict(response.headers)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Cache-Control"] == "no-store"
    assert ("WWW-Authenticate" in headers) == (status == 401)
    if status == 401:
        assert headers["WWW-Authenticate"] == 'OAuth realm="api"'
    assert fields(response.body)["oauth_problem"] == problem
    assert fields(response.body)["oauth_problem_advice"] == "m"


def test_absent_and_rejected_parameters_are_named() -> None:
    body = problem_body(ParameterAbsent("oauth_nonce is missing", parameter="oauth_nonce"))
    assert body.startswith(b"oauth_problem=parameter_absent&oauth_parameters_absent=oauth_nonce&")
    body = problem_body(ParameterRejected("x", parameter="oauth_colour"), advice=False)
    assert body == b"oauth_problem=parameter_rejected&oauth_parameters_rejected=oauth_colour"
    # A parameter named by a 401 is not a "rejected parameter" in the problem report's sense.
    assert (
        problem_body(NonceUsed("x", parameter="oauth_nonce"), advice=False)
        == b"oauth_problem=nonce_used"
    )


def test_timestamp_refused_tells_the_acceptable_range() -> None:
    error = TimestampRefused("too old", acceptable=(1699999700, 1700000300))
    assert error.parameter == "oauth_timestamp"
    assert fields(problem_body(error))["oauth_acceptable_timestamps"] == "1699999700-1700000300"
    assert "oauth_acceptable_timestamps" not in fields(problem_body(TimestampRefused("x")))


def test_version_rejected_tells_the_acceptable_versions() -> None:
    assert ("oauth_acceptable_versions", "1.0-1.0") in problem_pairs(VersionRejected("x"))


def test_advice_is_encoded_once() -> None:
    body = problem_body(SignatureInvalid("a&b=c d §"))
    assert body == b"oauth_problem=signature_invalid&oauth_problem_advice=a%26b%3Dc%20d%20%C2%A7"
    assert fields(body)["oauth_problem_advice"] == "a&b=c d §"


def test_a_report_is_read_from_the_form_body() -> None:
    body = problem_body(TimestampRefused("too old", acceptable=(1, 3)))
    assert read_problem_report(body) == {
        "oauth_problem": "timestamp_refused",
        "oauth_acceptable_timestamps": "1-3",
        "oauth_problem_advice": "too old",
    }
    # The body wins over the challenge when it holds a report.
    assert read_problem_report(body, 'OAuth oauth_problem="nonce_used"')["oauth_problem"] == (
        "timestamp_refused"
    )


def test_text_is_read_as_it_is() -> None:
    assert read_problem_report(
        "oauth_problem=signature_invalid&oauth_problem_advice=a%20%C2%A7"
    ) == {
        "oauth_problem": "signature_invalid",
        "oauth_problem_advice": "a §",
    }
    assert read_problem_report("oauth_problem=x&oauth_problem=y") == {"oauth_problem": "y"}


def test_without_a_report_in_the_body_the_challenge_is_read() -> None:
    challenge = (
        'OAuth realm="api", oauth_problem="timestamp_refused", oauth_acceptable_timestamps="1-3"'
    )
    expected = {"oauth_problem": "timestamp_refused", "oauth_acceptable_timestamps": "1-3"}
    assert read_problem_report(b"<html>refused</html>", challenge) == expected
    assert read_problem_report(b"error=x", challenge) == expected
    assert read_problem_report(b"%ff=oauth_problem", challenge) == expected
    # A challenge's parameters are returned whatever they are, its realm left out.
    assert read_problem_report(b"", 'OAuth realm="api"') == {}
    assert read_problem_report(b"", 'OAuth oauth_error="x"') == {"oauth_error": "x"}


def test_neither_a_report_nor_a_challenge_is_nothing() -> None:
    assert read_problem_report(b"") == {}
    assert read_problem_report(b"oauth_token=t&oauth_token_secret=s") == {}
    assert read_problem_report(b"oauth_problem=x%ff") == {}
    assert read_problem_report(b"refused", 'Basic realm="api"') == {}
    assert read_problem_report(b"refused", 'OAuth oauth_problem="unterminated') == {}


def test_a_body_or_challenge_over_the_cap_is_not_read() -> None:
    report = b"oauth_problem=signature_invalid&oauth_problem_advice="
    fits = report + b"a" * (MAX_PROBLEM_REPORT - len(report))
    assert read_problem_report(fits)["oauth_problem"] == "signature_invalid"
    assert read_problem_report(fits + b"a") == {}
    assert read_problem_report(fits.decode("ascii") + "a") == {}
    challenge = 'OAuth oauth_problem="nonce_used", oauth_problem_advice="'
    fits_challenge = challenge + "a" * (MAX_PROBLEM_REPORT - len(challenge) - 1) + '"'
    assert read_problem_report(b"", fits_challenge)["oauth_problem"] == "nonce_used"
    assert read_problem_report(b"", fits_challenge[:-1] + 'a"') == {}
    # An oversized body still lets the challenge speak.
    assert read_problem_report(fits + b"a", 'OAuth oauth_problem="nonce_used"') == {
        "oauth_problem": "nonce_used"
    }


def test_bytes_that_are_not_utf8_are_not_a_report() -> None:
    assert read_problem_report(b"oauth_problem=signature_invalid\xff") == {}
    assert read_problem_report("oauth_problem=signature_invalid&oauth_problem_advice=\xff") == {
        "oauth_problem": "signature_invalid",
        "oauth_problem_advice": "\xff",
    }
    assert read_problem_report("oauth_problem=caf\u00e9".encode()) == {"oauth_problem": "café"}
