"""transports.lti: POX documents, safe XML, the outcomes client and the platform's check (§6.1).

XML from the network is hostile: external entities (XXE), entity expansion (billion laughs) and
any DTD are refused before anything is expanded or fetched, and every other byte string is a
``POXError`` or a checked record. The client and the embedded LMS meet over real sockets.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    ParameterAbsent,
    ParameterRejected,
    Request,
    SignatureInvalid,
    sign,
)
from oauthcore.encoding import decode_form
from tests.servers import serve
from transports import UrllibTransport
from transports.demo import DEMO_TOOL, DemoLMS, RunningLMS
from transports.lti import (
    NAMESPACE,
    POX_CONTENT_TYPE,
    Operation,
    OutcomeFailed,
    OutcomeRequest,
    OutcomeResponse,
    OutcomesClient,
    POXError,
    ReceivedOutcome,
    parse_outcome_request,
    parse_outcome_response,
    verify_outcome_request,
)
from transports.wsgi import Reply

SERVICE = "https://lms.example/outcomes"
STORE = MemoryCredentialStore([DEMO_TOOL])


def envelope(body: str, *, kind: str = "Request", header: str | None = None) -> bytes:
    info = f"imsx_POX{kind}HeaderInfo"
    head = header or f"<{info}><imsx_messageIdentifier>m-1</imsx_messageIdentifier></{info}>"
    return (
        f'<imsx_POXEnvelope{kind} xmlns="{NAMESPACE}"><imsx_POXHeader>{head}</imsx_POXHeader>'
        f"<imsx_POXBody>{body}</imsx_POXBody></imsx_POXEnvelope{kind}>"
    ).encode()


# --- documents -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome",
    [
        OutcomeRequest(Operation.REPLACE, "s<&>1", "m-1", 0.92),
        OutcomeRequest(Operation.REPLACE, "s", "m", 0),
        OutcomeRequest(Operation.REPLACE, "s", "m", 1.0),
        OutcomeRequest(Operation.READ, "s \u00e9\U0001f600", "m"),
        OutcomeRequest(Operation.DELETE, "s", "m"),
    ],
)
def test_a_request_document_reads_back(outcome: OutcomeRequest) -> None:
    assert parse_outcome_request(outcome.to_xml()) == outcome


def test_a_response_document_reads_back() -> None:
    answer = OutcomeResponse("success", "readResult", "r-1", "m-1", "the score & more", 0.5)
    assert parse_outcome_response(answer.to_xml()) == answer
    empty = OutcomeResponse("success", "readResult", "r-1", "m-1", "no score")
    assert parse_outcome_response(empty.to_xml()) == empty
    failed = OutcomeResponse("failure", "replaceResult", "r", "m", "unknown sourcedid")
    assert parse_outcome_response(failed.to_xml()) == failed
    assert not failed.ok


def test_the_ims_example_request_reads() -> None:
    # The replaceResult example of IMS LTI 1.1 §6.1.1, spacing and XML declaration as published.
    document = f"""<?xml version = "1.0" encoding = "UTF-8"?>
<imsx_POXEnvelopeRequest xmlns = "{NAMESPACE}">
  <imsx_POXHeader>
    <imsx_POXRequestHeaderInfo>
      <imsx_version>V1.0</imsx_version>
      <imsx_messageIdentifier>999999123</imsx_messageIdentifier>
    </imsx_POXRequestHeaderInfo>
  </imsx_POXHeader>
  <imsx_POXBody>
    <replaceResultRequest>
      <resultRecord>
        <sourcedGUID>
          <sourcedId>3124567</sourcedId>
        </sourcedGUID>
        <result>
          <resultScore>
            <language>en</language>
            <textString>0.92</textString>
          </resultScore>
        </result>
      </resultRecord>
    </replaceResultRequest>
  </imsx_POXBody>
</imsx_POXEnvelopeRequest>""".encode()
    assert parse_outcome_request(document) == OutcomeRequest(
        Operation.REPLACE, "3124567", "999999123", 0.92
    )


def test_an_unknown_operation_is_named_for_an_unsupported_answer() -> None:
    assert parse_outcome_request(envelope("<readMembershipRequest/>")) == (
        "readMembership",
        "m-1",
    )
    answer = OutcomeResponse("unsupported", "readMembership", "r", "m")
    assert b"<readMembershipResponse></readMembershipResponse>" in answer.to_xml()
    # A name that is no plain XML name is not made an element.
    odd = OutcomeResponse("unsupported", "{urn:x}a b", "r", "m").to_xml()
    assert b"<imsx_POXBody></imsx_POXBody>" in odd
    assert parse_outcome_response(odd).operation == "{urn:x}a b"


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<imsx_POXEnvelopeRequest xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
<imsx_POXHeader><imsx_POXRequestHeaderInfo>
<imsx_messageIdentifier>&xxe;</imsx_messageIdentifier>
</imsx_POXRequestHeaderInfo></imsx_POXHeader></imsx_POXEnvelopeRequest>"""

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)

EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:1/x.dtd"><r/>'
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p">%p;]><r/>'
)


@pytest.mark.parametrize("document", [XXE, LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_dtds_entities_and_external_references_are_refused(document: bytes) -> None:
    with pytest.raises(POXError, match="refused: DTDForbidden"):
        parse_outcome_request(document)
    with pytest.raises(POXError, match="refused"):
        parse_outcome_response(document)


def test_no_external_reference_is_fetched() -> None:
    # A real server that counts requests: neither the DTD nor the entity is ever asked for.
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for document in (
            f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{base}/dtd"><r/>'.encode(),
            f'<!DOCTYPE r [<!ENTITY e SYSTEM "{base}/e">]><r>&e;</r>'.encode(),
        ):
            with pytest.raises(POXError):
                parse_outcome_request(document)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert hits == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "not well-formed"),
        (b"<a>", "not well-formed"),
        (b"\xff\xfe<", "not well-formed"),
        (b"<imsx_POXEnvelopeRequest/>", "not an imsx_POXEnvelopeRequest"),
        (envelope("", header="<x/>"), "no imsx_messageIdentifier"),
        (envelope(""), "exactly one operation"),
        (envelope("<a/><b/>"), "exactly one operation"),
        (
            envelope("").replace(b"<imsx_POXBody></imsx_POXBody>", b""),
            "exactly one operation",
        ),
        (envelope('<replaceResultRequest xmlns="urn:other"/>'), "not in the LTI 1.1 namespace"),
        (envelope("<deleteResultRequest/>"), "no sourcedId"),
        (
            envelope(
                "<replaceResultRequest><resultRecord><sourcedGUID><sourcedId>s</sourcedId>"
                "</sourcedGUID></resultRecord></replaceResultRequest>"
            ),
            "no textString",
        ),
    ],
)
def test_malformed_requests_are_refused(document: bytes, message: str) -> None:
    with pytest.raises(POXError, match=message):
        parse_outcome_request(document)


def score_document(score: str) -> bytes:
    return envelope(
        "<replaceResultRequest><resultRecord><sourcedGUID><sourcedId>s</sourcedId></sourcedGUID>"
        f"<result><resultScore><textString>{score}</textString></resultScore></result>"
        "</resultRecord></replaceResultRequest>"
    )


@pytest.mark.parametrize(
    "score", ["1.01", "-0.1", "nan", "inf", "1e-1", "\u0660.5", "", "0x1", "2", "0. 5"]
)
def test_a_score_outside_zero_to_one_is_refused(score: str) -> None:
    with pytest.raises(POXError, match=r"from 0\.0 to 1\.0"):
        parse_outcome_request(score_document(score))


@pytest.mark.parametrize(("score", "value"), [(".5", 0.5), (" 1 ", 1.0), ("0.", 0.0)])
def test_plain_decimal_scores(score: str, value: float) -> None:
    outcome = parse_outcome_request(score_document(score))
    assert isinstance(outcome, OutcomeRequest)
    assert outcome.score == value


def test_a_response_needs_a_code_and_a_valid_score() -> None:
    with pytest.raises(POXError, match="no imsx_codeMajor"):
        parse_outcome_response(envelope("", kind="Response"))
    bad = OutcomeResponse("success", "readResult", "r", "m", "", 0.5).to_xml()
    with pytest.raises(POXError, match=r"from 0\.0 to 1\.0"):
        parse_outcome_response(bad.replace(b">0.5<", b">7<"))


@pytest.mark.parametrize("score", [1.5, -0.0001, float("nan"), float("inf"), "0.5", True])
def test_a_request_refuses_a_score_outside_zero_to_one(score: object) -> None:
    with pytest.raises(ValueError, match=r"from 0\.0 to 1\.0"):
        OutcomeRequest(Operation.REPLACE, "s", "m", score)  # type: ignore[arg-type]


def test_a_request_is_checked_at_construction() -> None:
    with pytest.raises(ValueError, match="only replaceResult"):
        OutcomeRequest(Operation.READ, "s", "m", 0.5)
    with pytest.raises(ValueError, match="only replaceResult"):
        OutcomeRequest(Operation.REPLACE, "s", "m")
    for bad in ("s\x00", "s\ud800", "s\x1b"):
        with pytest.raises(ValueError, match="XML cannot carry"):
            OutcomeRequest(Operation.DELETE, bad, "m")
        with pytest.raises(ValueError, match="XML cannot carry"):
            OutcomeRequest(Operation.DELETE, "s", bad)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(st.characters(), max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
)
def test_any_bytes_are_a_record_or_a_pox_error(document: bytes) -> None:
    for parse in (parse_outcome_request, parse_outcome_response):
        with suppress(POXError):
            parse(document)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(), max_size=50))
def test_any_text_in_a_response_is_escaped(description: str) -> None:
    # What a platform writes must not break its own XML: text is escaped, carriage returns
    # included, and what XML cannot carry (controls, lone surrogates) is refused up front.
    try:
        answer = OutcomeResponse("failure", "readResult", "r", "m", description, None)
    except ValueError:
        assert any(
            (c < " " and c not in "\t\n\r") or "\ud800" <= c <= "\udfff" or c in "\ufffe\uffff"
            for c in description
        )
        return
    assert parse_outcome_response(answer.to_xml()).description == description.strip()


# --- the platform's check ------------------------------------------------------------------------


def outcome_post(document: bytes, **options: object) -> Request:
    request = Request("POST", SERVICE, [("Content-Type", POX_CONTENT_TYPE)], document)
    return sign(request, DEMO_TOOL, **options)  # type: ignore[arg-type]


def test_verify_outcome_request() -> None:
    outcome = OutcomeRequest(Operation.READ, "s-1", "m-1")
    received = verify_outcome_request(outcome_post(outcome.to_xml()), STORE, None)
    assert received == ReceivedOutcome(DEMO_TOOL.key, outcome)


def test_an_outcome_request_needs_its_body_hash() -> None:
    document = OutcomeRequest(Operation.READ, "s-1", "m-1").to_xml()
    with pytest.raises(ParameterAbsent, match="oauth_body_hash"):
        verify_outcome_request(outcome_post(document, body_hash=False), STORE, None)
    signed = outcome_post(document)
    tampered = Request(signed.method, signed.url, signed.headers, document.replace(b"s-1", b"s-2"))
    with pytest.raises(SignatureInvalid):
        verify_outcome_request(tampered, STORE, None)


def test_an_outcome_request_is_an_xml_post() -> None:
    with pytest.raises(ParameterRejected, match="XML POST"):
        verify_outcome_request(sign(Request("GET", SERVICE), DEMO_TOOL), STORE, None)
    form = Request("POST", SERVICE, [("Content-Type", "application/x-www-form-urlencoded")])
    with pytest.raises(ParameterRejected, match="XML POST"):
        verify_outcome_request(sign(form, DEMO_TOOL), STORE, None)


def test_the_client_signs_with_a_body_hash() -> None:
    client = OutcomesClient(DEMO_TOOL, UrllibTransport())
    signed = client.signed(SERVICE, OutcomeRequest(Operation.DELETE, "s", "m"))
    authorization = signed.header("Authorization")
    assert authorization is not None
    assert "oauth_body_hash=" in authorization
    assert signed.header("Content-Type") == POX_CONTENT_TYPE


# --- the client against real servers -------------------------------------------------------------


@pytest.fixture
def lms() -> Iterator[RunningLMS]:
    with DemoLMS().serve() as running:
        yield running


@contextmanager
def answering(status: int, body: bytes) -> Iterator[str]:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return Reply(status, [("Content-Type", POX_CONTENT_TYPE)], body)(start_response)

    with serve(app) as url:
        yield f"{url}/outcomes"


def test_a_server_error_that_is_not_pox_is_an_outcome_failure() -> None:
    client = OutcomesClient(DEMO_TOOL, UrllibTransport(timeout=5))
    with answering(500, b"Internal Server Error") as url, pytest.raises(OutcomeFailed) as caught:
        client.delete_result(url, "s")
    assert caught.value.status == 500
    assert caught.value.response.code == "failure"


def test_a_success_that_is_not_pox_is_a_pox_error() -> None:
    client = OutcomesClient(DEMO_TOOL, UrllibTransport(timeout=5))
    with answering(200, b"<html>ok</html>") as url, pytest.raises(POXError):
        client.delete_result(url, "s")


def test_an_unsupported_answer_is_an_outcome_failure() -> None:
    answer = OutcomeResponse("unsupported", "deleteResult", "r", "m", "no deletes here")
    client = OutcomesClient(DEMO_TOOL, UrllibTransport(timeout=5))
    with answering(200, answer.to_xml()) as url, pytest.raises(OutcomeFailed, match="unsupported"):
        client.delete_result(url, "s")


def test_the_lms_answers_unsupported_operations_and_refuses_bad_documents(
    lms: RunningLMS,
) -> None:
    transport = UrllibTransport(timeout=5)
    service = f"{lms.url}/outcomes"
    membership = envelope("<readMembershipRequest/>")
    answer = transport.send(_post(service, membership))
    assert answer.status == 200
    assert parse_outcome_response(answer.body).code == "unsupported"
    refused = transport.send(_post(service, XXE))
    assert refused.status == 400
    assert b"DTDForbidden" in refused.body
    unsigned = transport.send(Request("POST", service, [("Content-Type", POX_CONTENT_TYPE)], b"x"))
    assert unsigned.status == 400
    too_big = transport.send(_post(service, b"<a>" + b"x" * 70_000 + b"</a>"))
    assert too_big.status == 413
    assert transport.send(Request("GET", f"{lms.url}/nowhere")).status == 404
    home = transport.send(Request("GET", f"{lms.url}/return?lti_errormsg=Oops"))
    assert home.body == b"Oops\n"
    assert transport.send(Request("GET", f"{lms.url}/return")).body == b"Welcome back\n"


def _post(service: str, document: bytes) -> Request:
    request = Request("POST", service, [("Content-Type", POX_CONTENT_TYPE)], document)
    return sign(request, DEMO_TOOL)


def test_the_lms_keeps_each_users_grade(lms: RunningLMS) -> None:
    first = lms.launch("https://tool.example/launch", user_id="a")
    lms.launch("https://tool.example/launch", user_id="b")
    client = OutcomesClient(Consumer(DEMO_TOOL.key, DEMO_TOOL.secret), UrllibTransport(timeout=5))
    sourcedid = dict(_form(first))["lis_result_sourcedid"]
    client.replace_result(f"{lms.url}/outcomes", sourcedid, 0.25)
    assert lms.lms.grade("a") == 0.25
    assert lms.lms.grade("b") is None
    assert lms.lms.grade("a", "another-link") is None


def _form(request: Request) -> list[tuple[str, str]]:
    return decode_form(request.body.decode())
