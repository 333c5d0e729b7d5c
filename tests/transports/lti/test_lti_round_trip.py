"""An LTI 1.1 launch and grade pass-back, round trip, against the embedded LMS over loopback.

The LMS (``transports.demo.DemoLMS``) and a tool built from the kit (``oauthcore.lti`` for the
launch, ``transports.lti.OutcomesClient`` for the grade) each run on a real socket: the launch
goes LMS -> tool, the grade tool -> LMS while the launch is still being answered, then the
browser follows the tool's redirect to the LMS's return page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest

from oauthcore import Consumer, MemoryCredentialStore, MemoryNonceStore, OAuthError, Request
from oauthcore.lti import Launch, return_url, verify_launch
from tests.servers import serve
from transports import UrllibTransport
from transports.demo import DEMO_TOOL, DemoLMS, RunningLMS
from transports.lti import OutcomeFailed, OutcomesClient
from transports.wsgi import Reply, request_from_environ


class Tool:
    """An LTI tool: verifies each launch, passes a grade back, sends the user home."""

    def __init__(self, score: float) -> None:
        self.score = score
        self.launches: list[Launch] = []
        self.tools = MemoryCredentialStore([DEMO_TOOL])
        self.nonces = MemoryNonceStore()
        self.transport = UrllibTransport(timeout=5)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            launch = verify_launch(request_from_environ(environ), self.tools, self.nonces)
        except OAuthError as error:
            return Reply.problem(error)(start_response)
        self.launches.append(launch)
        assert launch.outcome_service_url is not None
        assert launch.result_sourcedid is not None
        outcomes = OutcomesClient(DEMO_TOOL, self.transport)
        outcomes.replace_result(launch.outcome_service_url, launch.result_sourcedid, self.score)
        home = return_url(launch, message=f"Graded {launch.user_id}: {self.score}")
        assert home is not None
        return Reply(303, [("Location", home)])(start_response)


@pytest.fixture
def lms() -> Iterator[RunningLMS]:
    with DemoLMS().serve() as running:
        yield running


def test_a_launch_and_a_grade_pass_back_round_trip(lms: RunningLMS) -> None:
    tool = Tool(0.85)
    browser = UrllibTransport(timeout=5)
    with serve(tool) as tool_url:
        launch = lms.launch(
            f"{tool_url}/launch", user_id="ada", roles="Learner,urn:lti:instrole:ims/lis/Student"
        )
        answer = browser.send(launch)
    assert answer.status == 303, answer.body
    [seen] = tool.launches
    assert seen.user_id == "ada"
    assert seen.is_learner
    assert seen.context is not None
    assert seen.context.label == "DEMO101"
    assert lms.lms.grade("ada") == 0.85
    location = answer.header("Location")
    assert location is not None
    assert location.startswith(f"{lms.url}/return?")
    home = browser.send(Request("GET", location))
    assert home.body == b"Graded ada: 0.85\n"
    assert lms.lms.returns == [[("lti_msg", "Graded ada: 0.85")]]
    # The same sourcedid read back and deleted through the outcomes service.
    outcomes = OutcomesClient(DEMO_TOOL, browser)
    service, sourcedid = seen.outcome_service_url, seen.result_sourcedid
    assert service is not None
    assert sourcedid is not None
    assert outcomes.read_result(service, sourcedid) == 0.85
    assert outcomes.delete_result(service, sourcedid).ok
    assert outcomes.read_result(service, sourcedid) is None
    assert lms.lms.grade("ada") is None


def test_a_replayed_launch_is_refused(lms: RunningLMS) -> None:
    tool = Tool(1.0)
    browser = UrllibTransport(timeout=5)
    with serve(tool) as tool_url:
        launch = lms.launch(f"{tool_url}/launch")
        assert browser.send(launch).status == 303
        replay = browser.send(launch)
    assert replay.status == 401
    assert b"nonce_used" in replay.body


def test_a_tool_cannot_grade_with_another_tools_key_or_sourcedid(lms: RunningLMS) -> None:
    other = Consumer("other-tool", "other-secret")
    lms.lms.credentials.add_consumer(other)
    transport = UrllibTransport(timeout=5)
    launch = lms.launch("https://tool.example/launch", tool=other)
    sourcedid = dict(parse_qsl(launch.body.decode()))["lis_result_sourcedid"]
    service = f"{lms.url}/outcomes"
    with pytest.raises(OutcomeFailed, match="failure") as caught:
        OutcomesClient(DEMO_TOOL, transport).replace_result(service, sourcedid, 0.5)
    assert caught.value.response.description == "unknown sourcedid"
    wrong = OutcomesClient(Consumer(DEMO_TOOL.key, "not-the-secret"), transport)
    with pytest.raises(OutcomeFailed, match="HTTP 401"):
        wrong.replace_result(service, sourcedid, 0.5)
    assert OutcomesClient(other, transport).replace_result(service, sourcedid, 0.5).ok
    assert urlsplit(service).path == "/outcomes"
