"""oauthcore.lti: LTI 1.1 launches verified and read into a typed record (IMS LTI 1.1 §4).

The published vectors: signed launches from two LTI libraries' test suites, with their consumer
key, secret, nonce and timestamp. IMS itself publishes no signed LTI 1.1 launch that could be
found, so these stand in, and oauthlib (through requests-oauthlib, as the Python ``lti`` library
signs) is the oracle for one more.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oauthlib.oauth1 import SIGNATURE_TYPE_BODY
from requests import Request as RequestsRequest
from requests_oauthlib import OAuth1

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    NonceUsed,
    OAuthError,
    ParameterAbsent,
    ParameterRejected,
    Placement,
    Request,
    SignatureInvalid,
    sign,
    verify,
)
from oauthcore.encoding import FORM_CONTENT_TYPE, decode_form, encode_form
from oauthcore.lti import (
    Launch,
    LaunchContext,
    Role,
    RoleScope,
    parse_launch,
    parse_roles,
    return_url,
    verify_launch,
)


def form_request(url: str, pairs: list[tuple[str, str]], method: str = "POST") -> Request:
    return Request(method, url, [("Content-Type", FORM_CONTENT_TYPE)], encode_form(pairs).encode())


# --- published vectors ---------------------------------------------------------------------------

# The Python ``lti`` library (github.com/pylti/lti), tests/test_tool_consumer.py: its
# ToolConsumer signs with consumer key "client_key" and secret "client_secret". Its message
# types and versions ("foo", "bar") are placeholders, so these check the OAuth signature of a
# body-signed launch; parse_launch then refuses them as LTI.
PYLTI = Consumer("client_key", "client_secret")
PYLTI_VECTORS = [
    (
        "http://example.edu/",
        [("lti_version", "foo"), ("lti_message_type", "bar"), ("resource_link_id", "baz")],
        "abcd1234",
        "1234567890",
        "u2xlj+1gF4y+6gKHNeiL9cN3tOI=",
    ),
    (
        "http://example.edu/foo?bar=1",
        [("lti_version", "abc"), ("lti_message_type", "def"), ("resource_link_id", "123")],
        "wxyz7890",
        "2345678901",
        "UH2l86Wq/g5Mu64GpCRcec6tEYY=",
    ),
    (
        "http://example.edu/",
        [("lti_version", "abc"), ("lti_message_type", "def"), ("resource_link_id", "123")],
        "wxyz7890",
        "2345678901",
        "gXIAk60dLsrh6YQGT5ZGK6tHDGY=",
    ),
]


def _oauth(key: str, nonce: str, timestamp: str) -> list[tuple[str, str]]:
    return [
        ("oauth_consumer_key", key),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", timestamp),
        ("oauth_nonce", nonce),
        ("oauth_version", "1.0"),
    ]


@pytest.mark.parametrize(("url", "params", "nonce", "timestamp", "signature"), PYLTI_VECTORS)
def test_the_pylti_signed_launches_verify(
    url: str, params: list[tuple[str, str]], nonce: str, timestamp: str, signature: str
) -> None:
    pairs = [*params, *_oauth(PYLTI.key, nonce, timestamp), ("oauth_signature", signature)]
    request = form_request(url, pairs)
    store = MemoryCredentialStore([PYLTI])
    assert verify(request, store, None, token_kind=None, now=int(timestamp)).consumer == PYLTI
    with pytest.raises(ParameterRejected, match="lti_message_type"):
        verify_launch(request, store, None, now=int(timestamp))
    # And signing the same launch gives the same signature.
    unsigned = form_request(url, params)
    signed = sign(unsigned, PYLTI, placement=Placement.BODY, nonce=nonce, timestamp=timestamp)
    assert ("oauth_signature", signature) in decode_form(signed.body.decode())


def test_a_query_parameter_repeated_in_the_body_is_signed_twice_as_oauthlib_does() -> None:
    # The lti library's own test of this case expects a signature that today's oauthlib no
    # longer makes; oauthlib, the library it signs with, is the oracle here.
    url = "http://example.edu/foo?bar=1&custom_value=123"
    params = {
        "lti_version": "abc",
        "lti_message_type": "def",
        "resource_link_id": "123",
        "custom_value": "123",
    }
    prepared = RequestsRequest("POST", url, data=params).prepare()
    signer = OAuth1(
        PYLTI.key,
        PYLTI.secret,
        signature_type=SIGNATURE_TYPE_BODY,
        nonce="wxyz7890",
        timestamp="2345678901",
    )
    body = signer(prepared).body
    assert isinstance(body, bytes)
    request = Request("POST", url, [("Content-Type", FORM_CONTENT_TYPE)], body)
    store = MemoryCredentialStore([PYLTI])
    assert verify(request, store, None, token_kind=None, now=2345678901).consumer == PYLTI


# harvard-edtech/caccl-lti, test/examples/launches/valid.js: launches signed by Instructure's
# learn-lti signature checker for https://localhost:8080/launch.
CACCL = Consumer("5b6ee40cc9fcdaede550654a93307dcd", "c64d84750dcb21febd995058588f019f")
CACCL_URL = "https://localhost:8080/launch"
CACCL_RETURN = "https://learn-lti.herokuapp.com/tool_return/signature_check/2/"
CACCL_VECTORS = [
    (
        "1536162928",
        "1rC2NGlkEacq5jD0u7msfCT0mRfOaFMz4jJyvHM4MsQ",
        "e05c24be1e",
        "Section 955",
        "6862",
        "Dong Miller",
        "30fd061cfe",
        "",
        "Organization 738",
        "b029d74d0a",
        "/tuo1sYQB8oKiKfbR7xB7ayuv0s=",
    ),
    (
        "1536162929",
        "gF0HZHJPGyeicNv8eW0NFlhLyv0l60mkT7albdBaws",
        "b716c3bf45",
        "Course 517",
        "628",
        "Dong Jones",
        "ca96a54273",
        "urn:lti:instrole:ims/lis/administrator",
        "Class 465",
        "b0a13934a8",
        "s182wI2czmouKeqG5Bj7aX7N5BQ=",
    ),
    (
        "1536162929",
        "hLYPgIlBWXsgzvloT8TVz7vFmgYFBVhCa7IEbFV8hDI",
        "68277c8004",
        "Class 192",
        "4734",
        "Wei Johnson",
        "98808b973e",
        "urn:lti:instrole:ims/lis/administrator,contentdeveloper",
        "Organization 694",
        "e95b64247c",
        "euAsrxNdIgeVyfNuFekHvxiG6R4=",
    ),
    (
        "1536162930",
        "NI6wUmCPbfNGmz4ppRMT1JmwnpNjxbr6ZNGDfozWDlQ",
        "13ca5fc8da",
        "Course 763",
        "3333",
        "Dan Williams",
        "a29c2b3302",
        "instructor",
        "Hippo 227",
        "f818c65b43",
        "Q8FTwKppPq4dUeWaDAIQxQK6fJ4=",
    ),
]


def caccl_request(vector: tuple[str, ...], **changed: str) -> Request:
    timestamp, nonce, context, title, back, name, link, roles, org, user, signature = vector
    pairs = [
        *_oauth(CACCL.key, nonce, timestamp),
        ("context_id", context),
        ("context_title", title),
        ("launch_presentation_return_url", CACCL_RETURN + back),
        ("lis_person_name_full", name),
        ("lti_message_type", "basic-lti-launch-request"),
        ("lti_version", "LTI-1p0"),
        ("resource_link_id", link),
        ("roles", roles),
        ("tool_consumer_instance_name", org),
        ("user_id", user),
        ("oauth_signature", signature),
    ]
    return form_request(CACCL_URL, [(k, changed.get(k, v)) for k, v in pairs])


EXPECTED_ROLES = [
    (),
    (Role(RoleScope.INSTITUTION, "Administrator"),),
    (Role(RoleScope.INSTITUTION, "Administrator"), Role(RoleScope.CONTEXT, "ContentDeveloper")),
    (Role(RoleScope.CONTEXT, "Instructor"),),
]


@pytest.mark.parametrize(("vector", "roles"), list(zip(CACCL_VECTORS, EXPECTED_ROLES, strict=True)))
def test_the_caccl_signed_launches_verify_and_read(
    vector: tuple[str, ...], roles: tuple[Role, ...]
) -> None:
    store = MemoryCredentialStore([CACCL])
    launch = verify_launch(caccl_request(vector), store, MemoryNonceStore(), now=int(vector[0]))
    assert launch.consumer_key == CACCL.key
    assert launch.user_id == vector[9]
    assert launch.person_name == vector[5]
    assert launch.resource_link_id == vector[6]
    assert launch.context == LaunchContext(vector[2], None, vector[3], ())
    assert launch.roles == roles
    assert launch.return_url == CACCL_RETURN + vector[4]
    assert not launch.accepts_grades
    assert ("tool_consumer_instance_name", vector[8]) in launch.params
    assert not any(name.startswith("oauth_") for name, _ in launch.params)


@pytest.mark.parametrize("changed", [{"roles": "Instructor"}, {"user_id": "someone-else"}])
def test_a_changed_caccl_launch_is_refused(changed: dict[str, str]) -> None:
    vector = CACCL_VECTORS[0]
    store = MemoryCredentialStore([CACCL])
    with pytest.raises(SignatureInvalid):
        verify_launch(caccl_request(vector, **changed), store, None, now=int(vector[0]))


def test_a_replayed_caccl_launch_is_refused() -> None:
    vector = CACCL_VECTORS[1]
    store, nonces = MemoryCredentialStore([CACCL]), MemoryNonceStore()
    verify_launch(caccl_request(vector), store, nonces, now=int(vector[0]))
    with pytest.raises(NonceUsed):
        verify_launch(caccl_request(vector), store, nonces, now=int(vector[0]))


# --- the shape of a launch -----------------------------------------------------------------------

TOOL = Consumer("lms-key", "lms-secret")
STORE = MemoryCredentialStore([TOOL])
LAUNCH = [
    ("lti_message_type", "basic-lti-launch-request"),
    ("lti_version", "LTI-1p0"),
    ("resource_link_id", "link-1"),
    ("user_id", "u-1"),
]


def signed_launch(pairs: list[tuple[str, str]], **options: object) -> Request:
    return sign(form_request("https://tool.example/launch", pairs), TOOL, **options)  # type: ignore[arg-type]


def test_a_launch_must_be_a_form_post_with_the_parameters_in_the_body() -> None:
    in_body = signed_launch(LAUNCH, placement=Placement.BODY)
    assert verify_launch(in_body, STORE, None).user_id == "u-1"
    in_header = signed_launch(LAUNCH)
    with pytest.raises(ParameterRejected, match="in the form body"):
        verify_launch(in_header, STORE, None)
    get = sign(Request("GET", "https://tool.example/launch?" + encode_form(LAUNCH)), TOOL)
    with pytest.raises(ParameterRejected, match="form POST"):
        verify_launch(get, STORE, None)
    json_post = Request("POST", "https://tool.example/launch", [("Content-Type", "text/json")])
    with pytest.raises(ParameterRejected, match="form POST"):
        verify_launch(json_post, STORE, None)


@pytest.mark.parametrize(
    ("pairs", "error", "parameter"),
    [
        (LAUNCH[1:], ParameterAbsent, "lti_message_type"),
        ([LAUNCH[0], *LAUNCH[2:]], ParameterAbsent, "lti_version"),
        ([*LAUNCH[:2], ("resource_link_id", "")], ParameterAbsent, "resource_link_id"),
        (
            [("lti_message_type", "ContentItemSelectionRequest"), *LAUNCH[1:]],
            ParameterRejected,
            "lti_message_type",
        ),
        ([LAUNCH[0], ("lti_version", "1.3.0"), *LAUNCH[2:]], ParameterRejected, "lti_version"),
        ([*LAUNCH, ("roles", "Learner"), ("roles", "Instructor")], ParameterRejected, "roles"),
    ],
)
def test_an_lti_launch_is_checked(
    pairs: list[tuple[str, str]], error: type[Exception], parameter: str
) -> None:
    with pytest.raises(error) as caught:
        parse_launch("key", pairs)
    assert getattr(caught.value, "parameter", None) == parameter
    assert caught.value.status == 400  # type: ignore[attr-defined]


def test_a_launch_reads_every_field() -> None:
    launch = parse_launch(
        "key",
        [
            *LAUNCH,
            ("resource_link_title", "Quiz 1"),
            ("roles", "urn:lti:role:ims/lis/Instructor/TeachingAssistant, Learner"),
            ("context_id", "c-1"),
            ("context_label", "CS101"),
            ("context_title", "Intro"),
            ("context_type", "CourseSection, urn:lti:context-type:ims/lis/Group"),
            ("lis_person_name_full", "Ada Lovelace"),
            ("lis_person_contact_email_primary", "ada@example.edu"),
            ("launch_presentation_return_url", "javascript:alert(1)"),
            ("lis_outcome_service_url", "https://lms.example/outcomes"),
            ("lis_result_sourcedid", "s-1"),
            ("custom_chapter", "3"),
            ("ext_lms", "demo"),
            ("oauth_consumer_key", "key"),
        ],
    )
    assert launch.resource_link_title == "Quiz 1"
    assert launch.roles == (
        Role(RoleScope.CONTEXT, "Instructor", "TeachingAssistant"),
        Role(RoleScope.CONTEXT, "Learner"),
    )
    assert launch.is_instructor
    assert launch.is_learner
    assert launch.context == LaunchContext(
        "c-1", "CS101", "Intro", ("CourseSection", "urn:lti:context-type:ims/lis/Group")
    )
    assert launch.person_email == "ada@example.edu"
    assert launch.return_url is None  # only http(s) URLs are kept
    assert launch.accepts_grades
    assert launch.custom == (("chapter", "3"),)
    assert ("ext_lms", "demo") in launch.params
    assert ("oauth_consumer_key", "key") not in launch.params
    assert return_url(launch, message="done") is None


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("", ()),
        (" , ", ()),
        ("Instructor", (Role(RoleScope.CONTEXT, "Instructor"),)),
        ("learner", (Role(RoleScope.CONTEXT, "Learner"),)),
        ("urn:lti:role:ims/lis/Learner", (Role(RoleScope.CONTEXT, "Learner"),)),
        ("URN:LTI:SYSROLE:IMS/LIS/sysadmin", (Role(RoleScope.SYSTEM, "SysAdmin"),)),
        ("urn:lti:instrole:ims/lis/Observer", (Role(RoleScope.INSTITUTION, "Observer"),)),
        ("urn:lti:role:ims/lis/Mentor/Advisor", (Role(RoleScope.CONTEXT, "Mentor", "Advisor"),)),
        ("urn:lti:role:ims/lis/Wizard", (Role(None, "urn:lti:role:ims/lis/Wizard"),)),
        ("urn:lti:grouprole:ims/lis/Member", (Role(None, "urn:lti:grouprole:ims/lis/Member"),)),
        ("urn:lti:role", (Role(None, "urn:lti:role"),)),
        ("urn:lti:role:other/Learner", (Role(None, "urn:lti:role:other/Learner"),)),
        ("Wizard", (Role(None, "Wizard"),)),
    ],
)
def test_roles(text: str, roles: tuple[Role, ...]) -> None:
    assert parse_roles(text) == roles


def test_role_urns() -> None:
    assert Role(RoleScope.CONTEXT, "Instructor").urn == "urn:lti:role:ims/lis/Instructor"
    assert Role(RoleScope.CONTEXT, "Mentor", "Advisor").urn == "urn:lti:role:ims/lis/Mentor/Advisor"
    assert Role(RoleScope.SYSTEM, "SysAdmin").urn == "urn:lti:sysrole:ims/lis/SysAdmin"
    assert Role(None, "Wizard").urn == "Wizard"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters()))
def test_any_roles_text_parses_and_known_roles_round_trip(text: str) -> None:
    for role in parse_roles(text):
        if role.scope is not None:
            assert parse_roles(role.urn) == (role,)


def test_administrator_is_an_instructor_and_nobody_else_is() -> None:
    admin = parse_launch("k", [*LAUNCH, ("roles", "Administrator")])
    assert admin.is_instructor
    assert not admin.is_learner
    nobody = parse_launch("k", LAUNCH)
    assert not nobody.is_instructor
    assert nobody.roles == ()
    assert nobody.context is None
    assert not nobody.has_role("Instructor", RoleScope.INSTITUTION)


def test_the_return_url_carries_the_tool_messages() -> None:
    launch = Launch("k", "link", return_url="https://lms.example/return?course=1#top")
    assert return_url(launch) == "https://lms.example/return?course=1#top"
    assert (
        return_url(launch, message="Saved & graded", log="ok", error="none", error_log="e")
        == "https://lms.example/return?course=1&lti_msg=Saved%20%26%20graded&lti_log=ok"
        "&lti_errormsg=none&lti_errorlog=e#top"
    )


LTI_NAMES = st.sampled_from(
    [
        "lti_message_type",
        "lti_version",
        "resource_link_id",
        "roles",
        "context_id",
        "context_type",
        "launch_presentation_return_url",
        "lis_outcome_service_url",
        "custom_x",
        "oauth_nonce",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(LTI_NAMES, st.text(st.characters())), st.text(st.characters())))
)
def test_any_form_is_a_launch_or_an_oauth_error(pairs: list[tuple[str, str]]) -> None:
    try:
        launch = parse_launch("key", [*LAUNCH, *pairs])
    except OAuthError as error:
        refused = error
    else:
        assert launch.return_url is None or launch.return_url.lower().startswith("http")
        assert all(role.name for role in launch.roles)
        return
    assert refused.status == 400


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_posted_body_is_refused_with_an_oauth_error(body: bytes) -> None:
    request = Request(
        "POST", "https://tool.example/launch", [("Content-Type", FORM_CONTENT_TYPE)], body
    )
    with pytest.raises(OAuthError):
        verify_launch(request, STORE, None)
