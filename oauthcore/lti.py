"""LTI 1.1 launches, tool side: verify a launch and read it into a typed record (RFC 5849 §3.2).

Theory of operation: an LTI 1.1 basic launch is an HTML form the platform (the tool consumer, an
LMS) makes the browser POST to the tool, signed with HMAC-SHA1 by the consumer key and shared
secret, with the OAuth parameters in the form body and no token (IMS LTI 1.1 §4, RFC 5849
§3.5.2). ``verify_launch`` checks exactly that shape, runs the core's ``verify`` and reads the
form into a ``Launch``: the user and its LIS roles (``Role``, from short names such as
``Instructor`` or URNs such as ``urn:lti:instrole:ims/lis/Administrator``), the context, the
resource link, the outcomes service and the return URL. Every value the record holds was covered
by the signature; ``params`` keeps the whole form for what the record does not name.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

from attrs import field, frozen

from .credentials import CredentialStore
from .encoding import append_query, decode_form
from .errors import ParameterAbsent, ParameterRejected
from .nonces import NonceStore
from .policy import DEFAULT_POLICY, VerifyPolicy
from .records import Request
from .signing import Placement
from .verification import verify

__all__ = [
    "LAUNCH_MESSAGE_TYPE",
    "LTI_VERSIONS",
    "Launch",
    "LaunchContext",
    "Role",
    "RoleScope",
    "parse_launch",
    "parse_roles",
    "return_url",
    "verify_launch",
]

LAUNCH_MESSAGE_TYPE = "basic-lti-launch-request"
"""The ``lti_message_type`` of a basic launch (IMS LTI 1.1 §4.3)."""
LTI_VERSIONS = frozenset({"LTI-1p0", "LTI-1p2"})
"""The ``lti_version`` values of LTI 1.x launches (IMS LTI 1.1 §4.3): 1.0 and 1.1 both send
``LTI-1p0``; ``LTI-1p2`` is accepted too."""


class RoleScope(enum.Enum):
    """Where an LIS role applies: the context, institution or system (IMS LTI 1.1 §4.3 roles)."""

    CONTEXT = "role"
    INSTITUTION = "instrole"
    SYSTEM = "sysrole"


# IMS LTI 1.1 Appendix A.1-A.3: the role names of each vocabulary, in their published case.
_NAMES = {
    RoleScope.CONTEXT: (
        "Learner Instructor ContentDeveloper Member Manager Mentor Administrator TeachingAssistant"
    ),
    RoleScope.INSTITUTION: (
        "Student Faculty Member Learner Instructor Mentor Staff Alumni ProspectiveStudent Guest"
        " Other Administrator Observer None"
    ),
    RoleScope.SYSTEM: "SysAdmin SysSupport Creator AccountAdmin User Administrator None",
}
_CANONICAL = {
    scope: {name.lower(): name for name in names.split()} for scope, names in _NAMES.items()
}
_URN_PREFIX = "urn:lti:"
_LIS = "ims/lis/"


@frozen
class Role:
    """One LIS role of the launching user, from the ``roles`` parameter (IMS LTI 1.1 §4.3,
    vocabularies in Appendix A).

    ``scope`` is ``None`` for a role outside the LIS vocabularies (kept as sent in ``name``).
    Known names are in their published case whatever case was sent: ``instructor`` and
    ``urn:lti:role:ims/lis/instructor`` are both ``Role(RoleScope.CONTEXT, "Instructor")``.
    """

    scope: RoleScope | None
    name: str
    sub_role: str | None = None

    @property
    def urn(self) -> str:
        """The role's full URN (``urn:lti:role:ims/lis/Instructor``), or its name if it has none."""
        if self.scope is None:
            return self.name
        sub = f"/{self.sub_role}" if self.sub_role else ""
        return f"{_URN_PREFIX}{self.scope.value}:{_LIS}{self.name}{sub}"


def _role(text: str) -> Role:
    if text[: len(_URN_PREFIX)].lower() != _URN_PREFIX:
        # A simple name is a context role (IMS LTI 1.1 §A.2).
        known = _CANONICAL[RoleScope.CONTEXT].get(text.lower())
        return Role(RoleScope.CONTEXT, known) if known else Role(None, text)
    kind, colon, path = text[len(_URN_PREFIX) :].partition(":")
    scope = next((s for s in RoleScope if s.value == kind.lower()), None)
    if scope is None or not colon or path[: len(_LIS)].lower() != _LIS:
        return Role(None, text)
    name, _, sub_role = path[len(_LIS) :].partition("/")
    known = _CANONICAL[scope].get(name.lower())
    if known is None:
        return Role(None, text)
    return Role(scope, known, sub_role or None)


def parse_roles(text: str) -> tuple[Role, ...]:
    """The roles of an LTI ``roles`` parameter: comma-separated names or URNs (IMS LTI 1.1 §4.3)."""
    return tuple(_role(item.strip()) for item in text.split(",") if item.strip())


@frozen
class LaunchContext:
    """The course or group the launch comes from (IMS LTI 1.1 §4.3 ``context_*``)."""

    id: str
    label: str | None = None
    title: str | None = None
    types: tuple[str, ...] = ()


def _pairs(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(text)) for name, text in value)


@frozen
class Launch:
    """A verified LTI 1.1 basic launch (IMS LTI 1.1 §4.3), signed per RFC 5849 §3.4.

    ``return_url`` is ``launch_presentation_return_url`` when it is an http(s) URL, else
    ``None``; ``custom`` holds the ``custom_*`` parameters without their prefix; ``params`` is
    the whole form without the ``oauth_*`` parameters.
    """

    consumer_key: str
    resource_link_id: str
    user_id: str | None = None
    roles: tuple[Role, ...] = ()
    context: LaunchContext | None = None
    resource_link_title: str | None = None
    person_name: str | None = None
    person_email: str | None = None
    return_url: str | None = None
    outcome_service_url: str | None = None
    result_sourcedid: str | None = None
    lti_version: str = "LTI-1p0"
    custom: tuple[tuple[str, str], ...] = field(default=(), converter=_pairs)
    params: tuple[tuple[str, str], ...] = field(default=(), converter=_pairs, repr=False)

    def has_role(self, name: str, scope: RoleScope = RoleScope.CONTEXT) -> bool:
        """Whether the user holds role ``name`` in ``scope`` (IMS LTI 1.1 Appendix A)."""
        return any(role.scope is scope and role.name == name for role in self.roles)

    @property
    def is_instructor(self) -> bool:
        """An Instructor or Administrator of the context: may see every grade (LTI 1.1 §A.2)."""
        return self.has_role("Instructor") or self.has_role("Administrator")

    @property
    def is_learner(self) -> bool:
        """A Learner of the context (IMS LTI 1.1 Appendix A.2)."""
        return self.has_role("Learner")

    @property
    def accepts_grades(self) -> bool:
        """Whether the platform takes a grade for this launch (LTI 1.1 Outcomes §6)."""
        return bool(self.outcome_service_url and self.result_sourcedid)


# The parameters a Launch reads: each may appear once, or the record would pick one of two.
_READ = (
    "lti_message_type",
    "lti_version",
    "resource_link_id",
    "resource_link_title",
    "user_id",
    "roles",
    "context_id",
    "context_label",
    "context_title",
    "context_type",
    "lis_person_name_full",
    "lis_person_contact_email_primary",
    "launch_presentation_return_url",
    "lis_outcome_service_url",
    "lis_result_sourcedid",
)


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    scheme, sep, rest = value.partition("://")
    return value if sep and rest and scheme.lower() in ("http", "https") else None


def parse_launch(consumer_key: str, params: Sequence[tuple[str, str]]) -> Launch:
    """The ``Launch`` that form ``params`` describe, checked as IMS LTI 1.1 §4.3 requires.

    Does not verify any signature: ``verify_launch`` does, then calls this. Raises
    ``ParameterAbsent`` for a missing ``lti_message_type``, ``lti_version`` or
    ``resource_link_id`` and ``ParameterRejected`` for another message type or version, or a
    parameter the record reads given twice.
    """
    found: dict[str, str] = {}
    custom: list[tuple[str, str]] = []
    for name, value in params:
        if name in _READ:
            if name in found:
                raise ParameterRejected(f"the LTI parameter {name} is given twice", parameter=name)
            found[name] = value
        elif name.startswith("custom_"):
            custom.append((name[len("custom_") :], value))
    for required in ("lti_message_type", "lti_version", "resource_link_id"):
        if not found.get(required):
            raise ParameterAbsent(
                f"an LTI launch needs {required} (IMS LTI 1.1 §4.3)", parameter=required
            )
    if found["lti_message_type"] != LAUNCH_MESSAGE_TYPE:
        raise ParameterRejected(
            f"lti_message_type must be {LAUNCH_MESSAGE_TYPE}", parameter="lti_message_type"
        )
    if found["lti_version"] not in LTI_VERSIONS:
        raise ParameterRejected(
            "lti_version must be LTI-1p0 (LTI 1.0 and 1.1)", parameter="lti_version"
        )
    context = None
    if found.get("context_id"):
        types = found.get("context_type", "")
        context = LaunchContext(
            found["context_id"],
            found.get("context_label"),
            found.get("context_title"),
            tuple(item.strip() for item in types.split(",") if item.strip()),
        )
    return Launch(
        consumer_key,
        found["resource_link_id"],
        user_id=found.get("user_id") or None,
        roles=parse_roles(found.get("roles", "")),
        context=context,
        resource_link_title=found.get("resource_link_title"),
        person_name=found.get("lis_person_name_full"),
        person_email=found.get("lis_person_contact_email_primary"),
        return_url=_http_url(found.get("launch_presentation_return_url")),
        outcome_service_url=_http_url(found.get("lis_outcome_service_url")),
        result_sourcedid=found.get("lis_result_sourcedid") or None,
        lti_version=found["lti_version"],
        custom=custom,
        params=[(name, value) for name, value in params if not name.startswith("oauth_")],
    )


def verify_launch(
    request: Request,
    credentials: CredentialStore,
    nonces: NonceStore | None,
    *,
    policy: VerifyPolicy = DEFAULT_POLICY,
    now: float | None = None,
) -> Launch:
    """Verify an LTI 1.1 basic launch and read it (IMS LTI 1.1 §4, RFC 5849 §3.2, §3.5.2).

    The request must be a form POST with the OAuth parameters in the body and no token; then
    the core's ``verify`` checks signature, timestamp and nonce, and ``parse_launch`` the LTI
    parameters. ``request.url`` must be the launch URL as the platform saw it (behind a proxy,
    the public one). Raises an ``OAuthError``: 400 for a malformed launch, 401 for one not
    signed by a consumer in ``credentials``.
    """
    if request.method != "POST" or not request.is_form:
        raise ParameterRejected(
            "an LTI launch is a form POST (application/x-www-form-urlencoded, IMS LTI 1.1 §4)"
        )
    verified = verify(request, credentials, nonces, token_kind=None, policy=policy, now=now)
    if verified.params.placement is not Placement.BODY:
        raise ParameterRejected(
            "an LTI launch carries its OAuth parameters in the form body (IMS LTI 1.1 §4)"
        )
    # verify() read this body as UTF-8 form data already: decoding it again cannot fail.
    form = decode_form(request.body.decode("utf-8"))
    return parse_launch(verified.consumer.key, form)


def return_url(
    launch: Launch,
    *,
    message: str | None = None,
    log: str | None = None,
    error: str | None = None,
    error_log: str | None = None,
) -> str | None:
    """Where to send the user back, with ``lti_msg``/``lti_log``/``lti_errormsg``/``lti_errorlog``.

    ``None`` when the launch has no (http or https) return URL (IMS LTI 1.1 §4.3
    ``launch_presentation_return_url``). ``message`` and ``error`` are shown to the user;
    ``log`` and ``error_log`` only logged by the platform.
    """
    if launch.return_url is None:
        return None
    added = [
        (name, value)
        for name, value in (
            ("lti_msg", message),
            ("lti_log", log),
            ("lti_errormsg", error),
            ("lti_errorlog", error_log),
        )
        if value is not None
    ]
    return append_query(launch.return_url, added)
