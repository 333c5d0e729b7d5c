"""transports.flow: the client flow without I/O, driven by hand and by drive/drive_async.

The Client's tests (test_client.py) run the same rules through a transport; here the flow's own
API is checked as the integrations and the AsyncClient use it: Signer, build_request, may_sign,
next_hop -> Hop, send_flow and the three-legged flows, with every signed request verified by the
provider side.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from oauthcore import PLAINTEXT, Consumer, Placement, Request, Token
from oauthcore.client import TokenResponseError
from oauthcore.credentials import MemoryCredentialStore, TokenKind
from oauthcore.nonces import MemoryNonceStore
from oauthcore.verification import parse, verify
from transports import RedirectError, Response
from transports.flow import (
    DEFAULT_MAX_REDIRECTS,
    REDIRECT_STATUSES,
    Hop,
    Signer,
    access_token_flow,
    build_request,
    check_max_redirects,
    drive,
    drive_async,
    may_sign,
    next_hop,
    request_token_flow,
    send_flow,
)

CONSUMER = Consumer("flow-consumer", "flow-consumer-secret")
TOKEN = Token("flow-token", "flow-token-secret")
HOME = "https://api.example.net"


def moved(status: int, location: str) -> Response:
    return Response(status, [("Location", location)])


@pytest.fixture
def store() -> MemoryCredentialStore:
    credentials = MemoryCredentialStore([CONSUMER])
    credentials.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
    return credentials


def test_the_redirect_statuses_and_default() -> None:
    assert frozenset({301, 302, 303, 307, 308}) == REDIRECT_STATUSES
    assert DEFAULT_MAX_REDIRECTS == 5


# Signer.


def test_the_signer_signs_afresh_each_time(store: MemoryCredentialStore) -> None:
    signer = Signer(CONSUMER, TOKEN)
    request = Request("GET", f"{HOME}/a")
    first, second = signer(request), signer(request)
    nonces = MemoryNonceStore()
    assert verify(first, store, nonces).params.nonce != verify(second, store, nonces).params.nonce


@pytest.mark.parametrize(("method", "placement"), [("GET", "query"), ("HEAD", "query")])
def test_body_placement_on_a_bodiless_method_uses_the_query(method: str, placement: str) -> None:
    signed = Signer(CONSUMER, TOKEN, placement=Placement.BODY)(Request(method, f"{HOME}/a"))
    assert parse(signed).placement.value == placement
    posted = Signer(CONSUMER, TOKEN, placement=Placement.BODY)(Request("POST", f"{HOME}/a"))
    assert parse(posted).placement is Placement.BODY


def test_the_signer_passes_its_options_to_sign(store: MemoryCredentialStore) -> None:
    signer = Signer(CONSUMER, TOKEN, method=PLAINTEXT, realm="Photos", body_hash=False)
    signed = signer(Request("PUT", f"{HOME}/a", body=b"raw"))
    params = parse(signed)
    assert (params.realm, params.signature_method, params.body_hash) == (
        "Photos",
        "PLAINTEXT",
        None,
    )
    quiet = Signer(CONSUMER, version=False)(Request("GET", f"{HOME}/a"))
    assert "oauth_version" not in str(quiet.header("Authorization"))
    flow = Signer(CONSUMER, callback="oob", verifier="v-secret")
    assert "v-secret" not in repr(flow)
    assert CONSUMER.secret not in repr(flow)
    renewing = Signer(CONSUMER, TOKEN, session_handle="h-secret")
    assert parse(renewing(Request("POST", f"{HOME}/a"))).session_handle == "h-secret"
    assert "h-secret" not in repr(renewing)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"consumer": "key"}, TypeError, "consumer must be a Consumer"),
        ({"token": "t"}, TypeError, "token must be a Token or None"),
        ({"method": "PLAINTEXT"}, TypeError, "method must be a SignatureMethod"),
        ({"placement": "header"}, TypeError, "placement must be a Placement"),
        ({"realm": 1}, TypeError, "realm must be a str"),
        ({"callback": 1}, TypeError, "callback must be a str"),
        ({"verifier": b"v"}, TypeError, "verifier must be a str"),
        ({"body_hash": 1}, TypeError, "body_hash must be a bool or None"),
        ({"version": None}, TypeError, "version must be a bool"),
        ({"session_handle": 1}, TypeError, "session_handle must be a str"),
        ({"realm": "R", "placement": Placement.QUERY}, ValueError, "realm is only sent"),
    ],
)
def test_the_signer_checks_its_options(
    options: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {"consumer": CONSUMER}
    arguments.update(options)
    with pytest.raises(error, match=message):
        Signer(**arguments)  # type: ignore[arg-type]


# build_request.


def test_build_request_shapes_each_kind_of_body() -> None:
    query = build_request("GET", f"{HOME}/a", params=[("q", "a b")])
    assert (query.url, query.body) == (f"{HOME}/a?q=a%20b", b"")
    form = build_request("POST", f"{HOME}/a", data={"a": "1"})
    assert form.is_form
    raw = build_request("PUT", f"{HOME}/a", body=b"\x00")
    assert (raw.body, raw.header("Content-Type")) == (b"\x00", None)
    document = build_request("POST", f"{HOME}/a", json={"t": "Tür"})
    assert (document.body, document.header("Content-Type")) == (
        '{"t":"Tür"}'.encode(),
        "application/json",
    )
    typed = build_request("POST", f"{HOME}/a", json=[], headers={"content-type": "text/x"})
    assert typed.header_values("Content-Type") == ["text/x"]
    with pytest.raises(ValueError, match="one of data=, body= or json="):
        build_request("POST", f"{HOME}/a", json=1, body=b"")


# may_sign and next_hop.


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{HOME}/other?x=1", True),
        ("HTTPS://API.example.net:443/x", True),
        ("https://api.example.net:8443/x", False),
        ("http://api.example.net/x", False),
        ("https://cdn.example.net/x", False),
    ],
)
def test_may_sign_on_the_first_origin_only(url: str, expected: bool) -> None:
    assert may_sign(f"{HOME}/a", url) is expected
    assert may_sign(f"{HOME}/a", url, cross_origin_credentials=True)


@pytest.mark.parametrize(
    ("status", "method", "then", "keeps_body"),
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (303, "HEAD", "HEAD", True),
        (301, "PUT", "PUT", True),
        (307, "POST", "POST", True),
        (308, "DELETE", "DELETE", True),
    ],
)
def test_next_hop_method_and_body(status: int, method: str, then: str, keeps_body: bool) -> None:
    request = Request.build(
        method, f"{HOME}/a", data={"a": "1"}, headers={"X-Keep": "1", "Authorization": "mine"}
    )
    hop = next_hop(request.url, request, moved(status, "/b?oauth_nonce=old&k=1&raw=%FF"))
    assert isinstance(hop, Hop)
    assert hop.sign
    assert (hop.request.method, hop.request.url) == (then, f"{HOME}/b?k=1&raw=%FF")
    assert hop.request.header("X-Keep") == "1"
    assert hop.request.header("Authorization") == "mine"  # same origin: the caller's stays
    if keeps_body:
        assert (hop.request.body, hop.request.is_form) == (b"a=1", True)
    else:
        assert (hop.request.body, hop.request.header("Content-Type")) == (b"", None)


def test_next_hop_elsewhere_is_unsigned_and_stays_so() -> None:
    first = Request("GET", f"{HOME}/a", (("Authorization", "Bearer mine"),))
    away = next_hop(first.url, first, moved(302, "https://cdn.example.net/x"))
    assert not away.sign
    assert away.request.header("Authorization") is None
    back = next_hop(first.url, away.request, moved(302, f"{HOME}/b"), redirects=1, signed=False)
    assert (back.request.url, back.sign) == (f"{HOME}/b", False)
    trusted = next_hop(
        first.url, first, moved(307, "https://cdn.example.net/x"), cross_origin_credentials=True
    )
    assert trusted.sign
    assert trusted.request.header("Authorization") == "Bearer mine"


def test_next_hop_refusals() -> None:
    request = Request("GET", f"{HOME}/a")
    with pytest.raises(RedirectError, match="stopped after 2 redirects") as caught:
        next_hop(request.url, request, moved(302, "/b"), redirects=2, max_redirects=2)
    assert caught.value.response.header("Location") == "/b"
    with pytest.raises(RedirectError, match="from https to http"):
        next_hop(request.url, request, moved(302, "http://api.example.net/a"))
    down = next_hop(
        request.url, request, moved(302, "http://api.example.net/a"), allow_downgrade=True
    )
    assert not down.sign
    with pytest.raises(RedirectError, match="not a valid http"):
        next_hop(request.url, request, moved(302, "ftp://api.example.net/a"))
    with pytest.raises(ValueError, match="a 200 response with no Location is not a redirect"):
        next_hop(request.url, request, Response(200))


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (True, TypeError, "must be an int"),
        ("3", TypeError, "must be an int"),
        (-1, ValueError, "0 or more"),
    ],
)
def test_check_max_redirects(value: object, error: type[Exception], message: str) -> None:
    assert check_max_redirects(0) == 0
    with pytest.raises(error, match=message):
        check_max_redirects(value)


# send_flow, driven by hand.


def test_send_flow_yields_signed_hops_and_returns_the_last_response(
    store: MemoryCredentialStore,
) -> None:
    flow = send_flow(Request("POST", f"{HOME}/a", body=b"x"), Signer(CONSUMER, TOKEN))
    nonces = MemoryNonceStore()
    first = next(flow)
    verify(first, store, nonces)
    second = flow.send(moved(307, "/b"))
    assert (second.method, second.url, second.body) == ("POST", f"{HOME}/b", b"x")
    verify(second, store, nonces)
    with pytest.raises(StopIteration) as done:
        flow.send(Response(200, body=b"ok", url="ignored"))
    final: Response = done.value.value
    assert (final.body, final.url) == (b"ok", f"{HOME}/b")


def test_send_flow_without_following_returns_the_redirect() -> None:
    flow = send_flow(Request("GET", f"{HOME}/a"), Signer(CONSUMER), follow_redirects=False)
    next(flow)
    with pytest.raises(StopIteration) as done:
        flow.send(moved(302, "/b"))
    assert done.value.value.status == 302


def test_send_flow_refuses_what_is_not_a_response() -> None:
    flow = send_flow(Request("GET", f"{HOME}/a"), Signer(CONSUMER))
    next(flow)
    with pytest.raises(TypeError, match=r"must return a transports\.Response, not dict"):
        flow.send({})  # type: ignore[arg-type]


def test_send_flow_checks_max_redirects_at_once() -> None:
    with pytest.raises(ValueError, match="max_redirects must be 0 or more"):
        next(send_flow(Request("GET", f"{HOME}/a"), Signer(CONSUMER), max_redirects=-1))


def test_any_callable_signs_a_hop() -> None:
    seen: list[Request] = []

    def mark(request: Request) -> Request:
        seen.append(request)
        return request

    response = drive(send_flow(Request("GET", f"{HOME}/a"), mark), lambda request: Response(204))
    assert (response.status, [request.url for request in seen]) == (204, [f"{HOME}/a"])


# The three-legged flows, driven by drive() and drive_async().


REPLY = b"oauth_token=rt&oauth_token_secret=rs&oauth_callback_confirmed=true"


def test_request_token_flow(store: MemoryCredentialStore) -> None:
    sent: list[Request] = []

    def send(request: Request) -> Response:
        sent.append(request)
        return Response(200, body=REPLY)

    # The signer's own token and verifier play no part in asking for a request token.
    signer = Signer(CONSUMER, TOKEN, verifier="stale")
    token = drive(request_token_flow(f"{HOME}/initiate", signer, "https://c.example/cb"), send)
    assert token == Token("rt", "rs", callback_confirmed=True)
    verified = verify(sent[0], store, MemoryNonceStore(), token_kind=None)
    assert (verified.token, verified.params.callback) == (None, "https://c.example/cb")
    assert verified.params.verifier is None


def test_access_token_flow(store: MemoryCredentialStore) -> None:
    request_token = Token("rt", "rs")
    store.add_token(CONSUMER.key, request_token, TokenKind.REQUEST)
    sent: list[Request] = []

    def send(request: Request) -> Response:
        sent.append(request)
        return Response(200, body=b"oauth_token=at&oauth_token_secret=as&user_id=7")

    access = drive(access_token_flow(f"{HOME}/token", Signer(CONSUMER), request_token, "vv"), send)
    assert (access.key, access.get("user_id")) == ("at", "7")
    verify(sent[0], store, MemoryNonceStore(), token_kind=TokenKind.REQUEST, verifier="vv")
    with pytest.raises(TypeError, match="request_token must be a Token"):
        drive(access_token_flow(f"{HOME}/token", Signer(CONSUMER), "rt", "v"), send)  # type: ignore[arg-type]
    refused = access_token_flow(f"{HOME}/token", Signer(CONSUMER), request_token, "vv")
    with pytest.raises(TokenResponseError):
        drive(refused, lambda request: Response(401, body=b"oauth_problem=token_rejected"))


@pytest.mark.anyio
async def test_drive_async_runs_the_same_flow() -> None:
    async def send(request: Request) -> Response:
        if request.url == f"{HOME}/initiate":
            return moved(307, "/initiate2")
        return Response(200, body=REPLY)

    flow = request_token_flow(f"{HOME}/initiate", Signer(CONSUMER))
    assert (await drive_async(flow, send)).key == "rt"


def test_a_failing_send_closes_the_flow() -> None:
    closed: list[bool] = []

    def flow() -> Generator[Request, Response, Response]:
        try:
            yield Request("GET", f"{HOME}/a")
        finally:
            closed.append(True)
        raise AssertionError("not reached")  # pragma: no cover - the flow is closed first

    def send(request: Request) -> Response:
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        drive(flow(), send)
    assert closed == [True]
