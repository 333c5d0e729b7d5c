"""The embedded LMS: an LTI 1.1 tool consumer that launches a tool and takes its grades (§6).

``DemoLMS`` is the platform side of LTI 1.1 in memory: ``launch()`` builds the signed form POST
a browser would carry to the tool (IMS LTI 1.1 §4, RFC 5849 §3.5.2), with a fresh
``lis_result_sourcedid`` for each launch; its WSGI app serves the Outcomes service at
``/outcomes`` (replaceResult, readResult, deleteResult over POX, body hash required) and the
return page at ``/return``, which records what the tool said. A test double for LTI tools, as
``DemoProvider`` is for OAuth clients: ``DemoLMS().serve()`` in a test.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from wsgiref.simple_server import WSGIServer
from wsgiref.types import StartResponse, WSGIEnvironment

from attrs import frozen

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    OAuthError,
    Placement,
    Request,
    sign,
)
from oauthcore.encoding import decode_form
from oauthcore.lti import LAUNCH_MESSAGE_TYPE, LaunchContext
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy

from ..lti import (
    POX_CONTENT_TYPE,
    Operation,
    OutcomeResponse,
    POXError,
    ReceivedOutcome,
    verify_outcome_request,
)
from ..provider import HTTPProblem, OriginPolicy, Reply, request_from_environ
from .server import make_demo_server, server_url

__all__ = ["DEMO_COURSE", "DEMO_TOOL", "DemoLMS", "RunningLMS"]

DEMO_TOOL = Consumer("demo-tool-key", "demo-tool-secret")
"""The tool every demo LMS knows: its key and shared secret (public on purpose, IMS LTI 1.1 §4)."""
DEMO_COURSE = LaunchContext("course-1", "DEMO101", "Demo course", ("CourseSection",))
"""The course a demo LMS launches from (IMS LTI 1.1 §4.3 ``context_*``)."""
# An outcomes request is a few hundred bytes of XML.
_MAX_OUTCOME_BODY = 64 * 1024


@frozen
class _Slot:
    consumer_key: str
    user_id: str
    resource_link_id: str


class DemoLMS:
    """An LTI 1.1 tool consumer in memory, as a WSGI app (IMS LTI 1.1 §4, §6).

    ``tools`` are the consumer keys and shared secrets it launches tools with. ``grades`` maps
    each ``lis_result_sourcedid`` to the score the tool set (missing: none set); ``returns``
    lists the query of every visit to the return page, in order.
    """

    def __init__(
        self,
        *,
        tools: Iterable[Consumer] = (DEMO_TOOL,),
        course: LaunchContext = DEMO_COURSE,
        policy: VerifyPolicy = DEFAULT_POLICY,
        origin: OriginPolicy | None = None,
    ) -> None:
        self.credentials = MemoryCredentialStore(list(tools))
        self.nonces = MemoryNonceStore(policy.window)
        self.course = course
        self.policy = policy
        self.origin = origin
        self.grades: dict[str, float] = {}
        self.returns: list[list[tuple[str, str]]] = []
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    def launch(
        self,
        tool_url: str,
        base_url: str,
        *,
        tool: Consumer = DEMO_TOOL,
        user_id: str = "learner-1",
        roles: str = "Learner",
        resource_link_id: str = "resource-1",
        custom: Iterable[tuple[str, str]] = (),
    ) -> Request:
        """The signed launch of ``tool_url`` for one user, as the browser posts it (LTI 1.1 §4).

        ``base_url`` is where this LMS is served (its outcomes and return URLs hang off it).
        """
        sourcedid = secrets.token_urlsafe(16)
        with self._lock:
            self._slots[sourcedid] = _Slot(tool.key, user_id, resource_link_id)
        base = base_url.rstrip("/")
        params = [
            ("lti_message_type", LAUNCH_MESSAGE_TYPE),
            ("lti_version", "LTI-1p0"),
            ("resource_link_id", resource_link_id),
            ("user_id", user_id),
            ("roles", roles),
            ("context_id", self.course.id),
            ("context_label", self.course.label or ""),
            ("context_title", self.course.title or ""),
            ("context_type", ",".join(self.course.types)),
            ("launch_presentation_return_url", f"{base}/return"),
            ("lis_outcome_service_url", f"{base}/outcomes"),
            ("lis_result_sourcedid", sourcedid),
            *((f"custom_{name}", value) for name, value in custom),
        ]
        return sign(Request.build("POST", tool_url, data=params), tool, placement=Placement.BODY)

    def grade(self, user_id: str, resource_link_id: str = "resource-1") -> float | None:
        """The last score set for a user on a resource link, or ``None`` (LTI 1.1 §6.1)."""
        with self._lock:
            for sourcedid, slot in self._slots.items():
                if (slot.user_id, slot.resource_link_id) == (user_id, resource_link_id):
                    score = self.grades.get(sourcedid)
                    if score is not None:
                        return score
        return None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Route to ``/outcomes`` and ``/return``: the WSGI entry point."""
        path = str(environ.get("PATH_INFO", "")) or "/"
        if path == "/outcomes" and environ["REQUEST_METHOD"] == "POST":
            return self._outcomes(environ)(start_response)
        if path == "/return":
            query = decode_form(str(environ.get("QUERY_STRING", "")))
            with self._lock:
                self.returns.append(query)
            shown = dict(query).get("lti_msg") or dict(query).get("lti_errormsg") or "Welcome back"
            return Reply.text(200, shown)(start_response)
        return Reply.text(404, f"no such page: {path}")(start_response)

    def _outcomes(self, environ: WSGIEnvironment) -> Reply:
        try:
            request = request_from_environ(environ, max_body=_MAX_OUTCOME_BODY, origin=self.origin)
            received = verify_outcome_request(
                request, self.credentials, self.nonces, policy=self.policy
            )
        except HTTPProblem as problem:
            return Reply.text(problem.status, problem.message)
        except OAuthError as error:
            return Reply.problem(error)
        except POXError as error:
            return Reply.text(400, str(error))
        answer = self.answer(received)
        return Reply(200, [("Content-Type", POX_CONTENT_TYPE)], answer.to_xml())

    def answer(self, received: ReceivedOutcome) -> OutcomeResponse:
        """Carry out a verified Outcomes request and say how it went (IMS LTI 1.1 §6.1)."""
        message_id = secrets.token_hex(8)
        if isinstance(received.request, tuple):
            operation, ref = received.request
            return OutcomeResponse(
                "unsupported", operation, message_id, ref, f"{operation} is not supported"
            )
        outcome = received.request
        op = outcome.operation
        with self._lock:
            slot = self._slots.get(outcome.sourcedid)
            if slot is None or slot.consumer_key != received.consumer_key:
                # Another tool's sourcedid is as unknown as a made-up one.
                return OutcomeResponse(
                    "failure", op.value, message_id, outcome.message_id, "unknown sourcedid"
                )
            score = None
            if op is Operation.REPLACE:
                assert outcome.score is not None  # OutcomeRequest guarantees it
                self.grades[outcome.sourcedid] = outcome.score
                description = f"the score is now {outcome.score}"
            elif op is Operation.READ:
                score = self.grades.get(outcome.sourcedid)
                description = "no score" if score is None else f"the score is {score}"
            else:
                self.grades.pop(outcome.sourcedid, None)
                description = "the score is deleted"
        return OutcomeResponse(
            "success", op.value, message_id, outcome.message_id, description, score
        )

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> RunningLMS:
        """Serve on ``host:port`` (0: a free port) in a thread until ``stop()`` (LTI 1.1 §6)."""
        return RunningLMS(self, make_demo_server(self, host, port, None))


class RunningLMS:
    """A ``DemoLMS`` served on loopback in a thread; ``stop()`` ends it (IMS LTI 1.1 §6)."""

    def __init__(self, lms: DemoLMS, server: WSGIServer) -> None:
        self.lms = lms
        self.server = server
        #: ``http://127.0.0.1:PORT``: where the LMS answers.
        self.url = server_url(server)
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def launch(
        self,
        tool_url: str,
        *,
        tool: Consumer = DEMO_TOOL,
        user_id: str = "learner-1",
        roles: str = "Learner",
        resource_link_id: str = "resource-1",
        custom: Iterable[tuple[str, str]] = (),
    ) -> Request:
        """``DemoLMS.launch`` with this server's URLs for outcomes and return (LTI 1.1 §4)."""
        return self.lms.launch(
            tool_url,
            self.url,
            tool=tool,
            user_id=user_id,
            roles=roles,
            resource_link_id=resource_link_id,
            custom=custom,
        )

    def stop(self) -> None:
        """Stop serving, wait for the serving thread, close the listening socket."""
        self.server.shutdown()
        self._thread.join()
        self.server.server_close()

    def __enter__(self) -> RunningLMS:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
