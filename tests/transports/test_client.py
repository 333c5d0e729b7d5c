"""Client: signing, redirects and the three-legged flow over a scripted transport (no sockets).

Every request the client sends is checked with the provider's ``verify``, so "signed" here
means "a provider accepts it", not "it has an Authorization header".
"""

from __future__ import annotations

import json
from collections.abc import Callable

import attrs
import pytest

from oauthcore import (
    HMAC_SHA256,
    PLAINTEXT,
    Consumer,
    Placement,
    Request,
    SignatureInvalid,
    Token,
)
from oauthcore.client import TokenResponseError
from oauthcore.credentials import MemoryCredentialStore, TokenKind
from oauthcore.nonces import MemoryNonceStore
from oauthcore.verification import Verified, parse, verify
from transports import Client, RedirectError, Response

CONSUMER = Consumer("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
TOKEN = Token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
ORIGIN = "https://photos.example.net"

Reply = Response | Callable[[Request], Response]


class Scripted:
    """A transport that records what it is sent and answers from a script."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.sent: list[Request] = []
        self.timeouts: list[float | None] = []

    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        self.sent.append(request)
        self.timeouts.append(timeout)
        reply = self.replies.pop(0)
        return reply if isinstance(reply, Response) else reply(request)


def ok(body: bytes = b"{}") -> Response:
    return Response(200, [("Content-Type", "application/json")], body)


def redirect(status: int, location: str) -> Response:
    return Response(status, [("Location", location)])


@pytest.fixture
def store() -> MemoryCredentialStore:
    credentials = MemoryCredentialStore([CONSUMER])
    credentials.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
    return credentials


def accepted(request: Request, store: MemoryCredentialStore, **options: object) -> Verified:
    """The provider's verdict on ``request``; raises the provider's error if refused."""
    return verify(request, store, MemoryNonceStore(), **options)  # type: ignore[arg-type]


def client(transport: Scripted, **options: object) -> Client:
    return Client(CONSUMER, TOKEN, transport=transport, **options)  # type: ignore[arg-type]


def test_get_with_params_is_signed(store: MemoryCredentialStore) -> None:
    transport = Scripted(ok(b'{"photos": 2}'))
    response = client(transport).request(
        "GET", f"{ORIGIN}/photos", params=[("size", "original"), ("tag", "a b")], timeout=7
    )
    assert response.json() == {"photos": 2}
    (sent,) = transport.sent
    assert sent.url == f"{ORIGIN}/photos?size=original&tag=a%20b"
    assert str(sent.header("Authorization")).startswith("OAuth ")
    assert accepted(sent, store).token == TOKEN
    assert transport.timeouts == [7]


def test_post_form_signs_the_form(store: MemoryCredentialStore) -> None:
    transport = Scripted(ok())
    client(transport).request("post", f"{ORIGIN}/status", data={"status": "hello world"})
    (sent,) = transport.sent
    assert sent.method == "POST"
    assert sent.body == b"status=hello%20world"
    assert sent.is_form
    accepted(sent, store)
    tampered = attrs.evolve(sent, body=b"status=goodbye")
    with pytest.raises(SignatureInvalid):
        accepted(tampered, store)


def test_put_json_carries_a_body_hash(store: MemoryCredentialStore) -> None:
    transport = Scripted(ok())
    client(transport, method=HMAC_SHA256).request(
        "PUT", f"{ORIGIN}/photos/1", json={"title": "Tür", "tags": [1, 2]}
    )
    (sent,) = transport.sent
    assert json.loads(sent.body) == {"title": "Tür", "tags": [1, 2]}
    assert sent.header("Content-Type") == "application/json"
    assert "oauth_body_hash=" in str(sent.header("Authorization"))
    accepted(sent, store)
    with pytest.raises(SignatureInvalid):
        accepted(attrs.evolve(sent, body=b'{"title":"other"}'), store)


def test_json_keeps_a_given_content_type() -> None:
    transport = Scripted(ok())
    client(transport).request(
        "POST", f"{ORIGIN}/x", json=[1], headers={"Content-Type": "application/vnd.x+json"}
    )
    assert transport.sent[0].header_values("Content-Type") == ["application/vnd.x+json"]


def test_json_excludes_data_and_body() -> None:
    with pytest.raises(ValueError, match="one of data=, body= or json="):
        client(Scripted()).request("POST", f"{ORIGIN}/x", json={}, data={"a": "b"})
    with pytest.raises(ValueError, match="one of data=, body= or json="):
        client(Scripted()).request("POST", f"{ORIGIN}/x", json={}, body=b"")


def test_delete_with_body_hash(store: MemoryCredentialStore) -> None:
    transport = Scripted(Response(204))
    response = client(transport).request("DELETE", f"{ORIGIN}/photos/1", body=b"reason=spam")
    assert response.status == 204
    (sent,) = transport.sent
    assert "oauth_body_hash=" in str(sent.header("Authorization"))
    accepted(sent, store)


@pytest.mark.parametrize("placement", list(Placement))
def test_placements(store: MemoryCredentialStore, placement: Placement) -> None:
    transport = Scripted(ok())
    client(transport, placement=placement).request("POST", f"{ORIGIN}/p", data={"a": "1"})
    (sent,) = transport.sent
    assert parse(sent).placement is placement
    accepted(sent, store)


def test_body_placement_on_a_get_uses_the_query(store: MemoryCredentialStore) -> None:
    transport = Scripted(ok())
    client(transport, placement=Placement.BODY).request("GET", f"{ORIGIN}/p")
    (sent,) = transport.sent
    assert sent.body == b""
    assert parse(sent).placement is Placement.QUERY
    accepted(sent, store)


def test_response_url_has_no_signature() -> None:
    transport = Scripted(Response(200, (), b"", "ignored"))
    url = f"{ORIGIN}/p?a=1"
    response = client(transport, placement=Placement.QUERY).request("GET", url)
    assert "oauth_signature" in transport.sent[0].url
    assert response.url == url


def test_realm_goes_in_the_header(store: MemoryCredentialStore) -> None:
    transport = Scripted(ok())
    client(transport, realm="Photos").request("GET", f"{ORIGIN}/p")
    assert parse(transport.sent[0]).realm == "Photos"
    accepted(transport.sent[0], store)


@pytest.mark.parametrize("placement", [Placement.QUERY, Placement.BODY])
def test_realm_needs_the_header(placement: Placement) -> None:
    with pytest.raises(ValueError, match="realm is only sent in the Authorization header"):
        client(Scripted(), realm="Photos", placement=placement)


def test_with_token_makes_a_new_client(store: MemoryCredentialStore) -> None:
    transport = Scripted(ok(), ok())
    anonymous = Client(CONSUMER, transport=transport)
    signed = anonymous.with_token(TOKEN)
    assert anonymous.token is None
    assert signed.token == TOKEN
    assert signed.transport is transport
    anonymous.request("GET", f"{ORIGIN}/public")
    signed.request("GET", f"{ORIGIN}/private")
    assert accepted(transport.sent[0], store, token_kind=None).token is None
    assert accepted(transport.sent[1], store).token == TOKEN


def test_client_is_frozen_and_hides_secrets() -> None:
    made = client(Scripted())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.token = None  # type: ignore[misc]
    text = repr(made)
    assert CONSUMER.secret not in text
    assert TOKEN.secret not in text


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"consumer": "key"}, TypeError, "consumer must be a Consumer"),
        ({"token": "tok"}, TypeError, "token must be a Token or None"),
        ({"transport": object()}, TypeError, "transport must have send"),
        ({"method": "HMAC-SHA1"}, TypeError, "method must be a SignatureMethod"),
        ({"placement": "header"}, TypeError, "placement must be a Placement"),
        ({"realm": 1}, TypeError, "realm must be a str"),
        ({"max_redirects": True}, TypeError, "max_redirects must be an int"),
        ({"max_redirects": -1}, ValueError, "max_redirects must be 0 or more"),
    ],
)
def test_client_checks_its_fields(
    options: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {"consumer": CONSUMER, "transport": Scripted()}
    arguments.update(options)
    with pytest.raises(error, match=message):
        Client(**arguments)  # type: ignore[arg-type]


# Redirects.


def test_each_hop_is_signed_afresh(store: MemoryCredentialStore) -> None:
    transport = Scripted(
        redirect(302, "/b?x=1"), redirect(301, f"{ORIGIN}/c"), redirect(307, "d"), ok()
    )
    response = client(transport).request("GET", f"{ORIGIN}/a/", timeout=3)
    assert response.status == 200
    assert [sent.url.split("?")[0] for sent in transport.sent] == [
        f"{ORIGIN}/a/",
        f"{ORIGIN}/b",
        f"{ORIGIN}/c",
        f"{ORIGIN}/d",
    ]
    assert transport.sent[1].url == f"{ORIGIN}/b?x=1"
    assert response.url == f"{ORIGIN}/d"
    nonces = MemoryNonceStore()
    seen = set()
    for sent in transport.sent:
        params = verify(sent, store, nonces).params
        seen.add(params.nonce)
    assert len(seen) == 4
    assert transport.timeouts == [3, 3, 3, 3]


@pytest.mark.parametrize(
    ("status", "method", "then"),
    [
        (301, "POST", "GET"),
        (302, "POST", "GET"),
        (303, "POST", "GET"),
        (303, "PUT", "GET"),
        (303, "DELETE", "GET"),
        (303, "HEAD", "HEAD"),
        (301, "PUT", "PUT"),
        (302, "PATCH", "PATCH"),
        (307, "POST", "POST"),
        (308, "POST", "POST"),
        (307, "PUT", "PUT"),
    ],
)
def test_redirect_method_and_body(
    store: MemoryCredentialStore, status: int, method: str, then: str
) -> None:
    transport = Scripted(redirect(status, "/next"), ok())
    client(transport).request(method, f"{ORIGIN}/first", data={"a": "1"})
    first, second = transport.sent
    assert second.method == then
    if then != method:
        assert second.body == b""
        assert second.header("Content-Type") is None
    else:
        assert second.body == first.body == b"a=1"
        assert second.is_form
    accepted(second, store)


def test_redirect_to_a_get_with_body_placement(store: MemoryCredentialStore) -> None:
    transport = Scripted(redirect(303, "/result"), ok())
    client(transport, placement=Placement.BODY).request("POST", f"{ORIGIN}/job", data={"a": "1"})
    second = transport.sent[1]
    assert (second.method, second.body) == ("GET", b"")
    assert parse(second).placement is Placement.QUERY
    accepted(second, store)


def test_old_oauth_parameters_in_the_location_are_dropped(store: MemoryCredentialStore) -> None:
    transport = Scripted(
        redirect(302, "/b?oauth_signature=old&keep=1&oauth_nonce=n&oauth%5Fbad=x#frag"),
        redirect(302, "/c?oauth_token=old"),
        ok(),
    )
    client(transport, placement=Placement.QUERY).request("GET", f"{ORIGIN}/a")
    assert transport.sent[1].url.startswith(f"{ORIGIN}/b?keep=1&oauth_")
    assert transport.sent[2].url.startswith(f"{ORIGIN}/c?oauth_")
    assert transport.sent[2].url.count("oauth_token=") == 1
    for sent in transport.sent[1:]:
        accepted(sent, store)


def test_cross_origin_hops_go_unsigned(store: MemoryCredentialStore) -> None:
    transport = Scripted(
        redirect(302, "https://cdn.example.com/img?oauth_verifier=v&raw=%FF"),
        redirect(307, f"{ORIGIN}/back"),
        ok(),
    )
    client(transport, placement=Placement.QUERY).request(
        "GET", f"{ORIGIN}/a", headers={"Authorization": "Bearer mine", "X-Keep": "1"}
    )
    first, elsewhere, back = transport.sent
    accepted(first, store)
    for sent in (elsewhere, back):
        # Once the chain left the origin, nothing is signed, even back at the origin.
        assert "oauth_" not in sent.url
        assert sent.header("Authorization") is None
        assert sent.header("X-Keep") == "1"
    assert elsewhere.url == "https://cdn.example.com/img?raw=%FF"


def test_port_and_scheme_make_another_origin() -> None:
    transport = Scripted(redirect(302, "https://photos.example.net:8443/x"), ok())
    client(transport).request("GET", f"{ORIGIN}/a")
    assert transport.sent[1].header("Authorization") is None
    same = Scripted(redirect(302, "HTTPS://PHOTOS.example.net:443/x"), ok())
    client(same).request("GET", f"{ORIGIN}/a")
    assert same.sent[1].header("Authorization") is not None


def test_cross_origin_credentials_opt_in(store: MemoryCredentialStore) -> None:
    transport = Scripted(redirect(308, "https://api2.example.net/a"), ok())
    client(transport, cross_origin_credentials=True).request("POST", f"{ORIGIN}/a", body=b"x")
    elsewhere = transport.sent[1]
    assert elsewhere.body == b"x"
    accepted(elsewhere, store)


def test_https_to_http_is_refused() -> None:
    transport = Scripted(redirect(301, "http://photos.example.net/a"))
    with pytest.raises(RedirectError, match="from https to http") as caught:
        client(transport).request("GET", f"{ORIGIN}/a?q=1")
    assert caught.value.response.status == 301
    assert f"GET {ORIGIN}/a?q=1" in str(caught.value)
    assert len(transport.sent) == 1


def test_https_to_http_when_allowed() -> None:
    transport = Scripted(redirect(301, "http://photos.example.net/a"), ok())
    client(transport, allow_downgrade=True).request("GET", f"{ORIGIN}/a")
    downgraded = transport.sent[1]
    assert downgraded.url == "http://photos.example.net/a"
    # Another scheme is another origin: the hop in the clear carries no credentials.
    assert downgraded.header("Authorization") is None


def test_http_to_https_is_followed() -> None:
    transport = Scripted(redirect(301, "https://photos.example.net/a"), ok())
    client(transport).request("GET", "http://photos.example.net/a")
    assert transport.sent[1].url == "https://photos.example.net/a"


@pytest.mark.parametrize(
    "location",
    [
        "ftp://photos.example.net/a",
        "javascript:alert(1)",
        "http://[::1/a",
        "https://photos.example.net:99999/a",
        "http:///no-host",
    ],
)
def test_redirect_to_a_bad_url_is_refused(location: str) -> None:
    transport = Scripted(redirect(302, location))
    with pytest.raises(RedirectError, match="not a valid http") as caught:
        client(transport).request("GET", f"{ORIGIN}/a")
    assert caught.value.response.header("Location") == location


def test_a_bad_location_is_masked_in_the_message() -> None:
    transport = Scripted(redirect(302, "ftp://h/?oauth_verifier=v-secret"))
    with pytest.raises(RedirectError) as caught:
        client(transport).request("GET", f"{ORIGIN}/a")
    assert "v-secret" not in str(caught.value)


def test_too_many_redirects() -> None:
    transport = Scripted(*[redirect(302, f"/{n}") for n in range(3)])
    with pytest.raises(RedirectError, match="stopped after 2 redirects") as caught:
        client(transport, max_redirects=2).request("GET", f"{ORIGIN}/a")
    assert caught.value.response.header("Location") == "/2"
    assert len(transport.sent) == 3


def test_no_redirects_followed() -> None:
    transport = Scripted(redirect(302, "/b"))
    with pytest.raises(RedirectError, match="stopped after 0 redirects"):
        client(transport, max_redirects=0).request("GET", f"{ORIGIN}/a")


def test_a_3xx_without_location_is_the_answer() -> None:
    transport = Scripted(Response(304), Response(300))
    assert client(transport).request("GET", f"{ORIGIN}/a").status == 304
    assert client(transport).request("GET", f"{ORIGIN}/a").status == 300


# The three-legged flow, client side.


def test_fetch_request_token(store: MemoryCredentialStore) -> None:
    reply = (
        b"oauth_token=hh5s93j4hdidpola&oauth_token_secret=hdhd0244k9j7ao03"
        b"&oauth_callback_confirmed=true"
    )
    transport = Scripted(Response(200, [], reply))
    token = Client(CONSUMER, TOKEN, transport=transport).fetch_request_token(
        f"{ORIGIN}/initiate", "https://printer.example.com/ready", timeout=2
    )
    assert token == Token("hh5s93j4hdidpola", "hdhd0244k9j7ao03", callback_confirmed=True)
    (sent,) = transport.sent
    assert sent.method == "POST"
    verified = accepted(sent, store, token_kind=None)
    assert verified.params.callback == "https://printer.example.com/ready"
    assert verified.params.token is None
    assert transport.timeouts == [2]


def test_fetch_request_token_defaults_to_oob(store: MemoryCredentialStore) -> None:
    reply = b"oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true"
    transport = Scripted(Response(200, [], reply))
    Client(CONSUMER, transport=transport).fetch_request_token(f"{ORIGIN}/initiate")
    assert accepted(transport.sent[0], store, token_kind=None).params.callback == "oob"


def test_fetch_request_token_refuses_an_unconfirmed_reply() -> None:
    transport = Scripted(Response(200, [], b"oauth_token=t&oauth_token_secret=s"))
    with pytest.raises(TokenResponseError, match="oauth_callback_confirmed"):
        Client(CONSUMER, transport=transport).fetch_request_token(f"{ORIGIN}/initiate")


def test_fetch_request_token_refused() -> None:
    body = b"oauth_problem=consumer_key_unknown"
    transport = Scripted(Response(401, [], body))
    with pytest.raises(TokenResponseError) as caught:
        Client(CONSUMER, transport=transport).fetch_request_token(f"{ORIGIN}/initiate")
    assert caught.value.status == 401
    assert caught.value.problem == "consumer_key_unknown"


def test_authorization_url_is_pure() -> None:
    transport = Scripted()
    url = client(transport).authorization_url(
        f"{ORIGIN}/authorize", Token("hh5s93j4hdidpola", "s"), lang="fr"
    )
    assert url == f"{ORIGIN}/authorize?oauth_token=hh5s93j4hdidpola&lang=fr"
    assert transport.sent == []


def test_fetch_access_token(store: MemoryCredentialStore) -> None:
    request_token = Token("hh5s93j4hdidpola", "hdhd0244k9j7ao03", callback_confirmed=True)
    store.add_token(CONSUMER.key, request_token, TokenKind.REQUEST)
    reply = b"oauth_token=nnch734d00sl2jdk&oauth_token_secret=pfkkdhi9sl3r4s00&user_id=42"
    transport = Scripted(Response(200, [], reply))
    access = Client(CONSUMER, transport=transport).fetch_access_token(
        f"{ORIGIN}/token", request_token, "hfdp7dh39dks9884"
    )
    assert (access.key, access.secret) == ("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
    assert access.get("user_id") == "42"
    verified = accepted(
        transport.sent[0], store, token_kind=TokenKind.REQUEST, verifier="hfdp7dh39dks9884"
    )
    assert verified.token == request_token


def test_fetch_access_token_refused_masks_the_secret() -> None:
    body = b"oauth_problem=permission_denied&oauth_token_secret=should-not-show"
    transport = Scripted(Response(401, [], body))
    with pytest.raises(TokenResponseError) as caught:
        Client(CONSUMER, transport=transport).fetch_access_token(
            f"{ORIGIN}/token", Token("t", "s"), "v"
        )
    assert caught.value.status == 401
    assert "should-not-show" not in str(caught.value)
    assert "should-not-show" not in caught.value.body


def test_fetch_access_token_needs_a_token() -> None:
    with pytest.raises(TypeError, match="request_token must be a Token"):
        Client(CONSUMER, transport=Scripted()).fetch_access_token(
            f"{ORIGIN}/token",
            "t",  # type: ignore[arg-type]
            "v",
        )


def test_plaintext_client(store: MemoryCredentialStore) -> None:
    transport = Scripted(ok())
    client(transport, method=PLAINTEXT).request("GET", f"{ORIGIN}/a")
    accepted(transport.sent[0], store)
