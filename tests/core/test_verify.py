"""verify(): one call from a received request to a verified one (RFC 5849 §3.2).

Round trips for every signature method in every placement, requests signed by oauthlib's
``Client`` (a dev-only oracle), the LTI 1.1 launch shape, replays, clocks, unknown credentials and
the token policy of each kind of endpoint.
"""

from __future__ import annotations

from typing import Any

import pytest
from attrs import evolve
from oauthlib import oauth1

from oauthcore import (
    HMAC_SHA1,
    METHODS,
    RSA_SHA256,
    Consumer,
    ConsumerKeyUnknown,
    CredentialStore,
    MemoryCredentialStore,
    MemoryNonceStore,
    NonceUsed,
    OAuthError,
    ParameterAbsent,
    ParameterRejected,
    Placement,
    Request,
    SignatureInvalid,
    TimestampRefused,
    Token,
    TokenKind,
    TokenRejected,
    Verified,
    VerifyPolicy,
    sign,
    verify,
)
from oauthcore.methods import SignatureMethod

T = 1_700_000_000
URL = "https://photos.example.net/photos?size=original&file=vacation.jpg"
SECRET = "kd94hf93k423kf44"
TOKEN = Token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")


@pytest.fixture
def store(rsa_public_pem: str) -> MemoryCredentialStore:
    credentials = MemoryCredentialStore(
        [Consumer("dpf43f3p2l4k3l03", SECRET, rsa_key=rsa_public_pem), Consumer("other", "x")]
    )
    credentials.add_token("dpf43f3p2l4k3l03", TOKEN, TokenKind.ACCESS)
    credentials.add_token("dpf43f3p2l4k3l03", Token("request-tk", "request-ts"), TokenKind.REQUEST)
    return credentials


@pytest.fixture
def signer(rsa_private_pem: str) -> Consumer:
    return Consumer("dpf43f3p2l4k3l03", SECRET, rsa_key=rsa_private_pem)


def request_for(placement: Placement) -> Request:
    if placement is Placement.BODY:
        return Request.build(
            "POST", URL, data=[("title", "Hello, world!"), ("tag", "a"), ("tag", "b")]
        )
    return Request("GET", URL)


def run(request: Request, store: CredentialStore, **options: Any) -> Verified:
    options.setdefault("now", T)
    nonces = options.pop("nonces", None)
    return verify(request, store, nonces, **options)


@pytest.mark.parametrize("placement", list(Placement))
@pytest.mark.parametrize("method", list(METHODS.values()), ids=list(METHODS))
def test_round_trip_every_method_and_placement(
    method: SignatureMethod, placement: Placement, store: MemoryCredentialStore, signer: Consumer
) -> None:
    request = sign(request_for(placement), signer, TOKEN, method, placement=placement, timestamp=T)
    verified = run(request, store, nonces=MemoryNonceStore())
    assert verified.consumer.key == "dpf43f3p2l4k3l03"
    assert verified.token == TOKEN
    assert verified.params.placement is placement
    assert verified.params.signature_method == method.name
    # A public key is all the provider holds for RSA: signing happened with the private half.
    assert verified.consumer.rsa_key is not None
    assert not verified.consumer.rsa_key.can_sign


def test_round_trip_with_a_2048_bit_key_and_body_hash(rsa_2048_private_pem: str) -> None:
    pem = rsa_2048_private_pem
    store = MemoryCredentialStore([Consumer("mc", rsa_key=pem)])
    raw = Request(
        "POST",
        "https://api.example.com/pay",
        headers={"Content-Type": "application/json"},
        body=b"{}",
    )
    request = sign(raw, Consumer("mc", rsa_key=pem), None, RSA_SHA256, timestamp=T)
    verified = run(request, store, token_kind=None)
    assert verified.token is None
    assert verified.params.body_hash is not None
    with pytest.raises(SignatureInvalid, match="oauth_body_hash"):
        run(evolve(request, body=b"[]"), store, token_kind=None)


# --- requests signed by oauthlib's Client (test oracle) ---

_OAUTHLIB_TYPES = {
    Placement.HEADER: oauth1.SIGNATURE_TYPE_AUTH_HEADER,
    Placement.QUERY: oauth1.SIGNATURE_TYPE_QUERY,
    Placement.BODY: oauth1.SIGNATURE_TYPE_BODY,
}


@pytest.mark.parametrize("placement", list(Placement))
@pytest.mark.parametrize("method", list(METHODS))
def test_requests_signed_by_oauthlib_verify(
    method: str, placement: Placement, store: MemoryCredentialStore, rsa_private_pem: str
) -> None:
    client = oauth1.Client(
        "dpf43f3p2l4k3l03",
        client_secret=SECRET,
        resource_owner_key=TOKEN.key,
        resource_owner_secret=TOKEN.secret,
        signature_method=method,
        signature_type=_OAUTHLIB_TYPES[placement],
        rsa_key=rsa_private_pem if method.startswith("RSA") else None,
        realm="Photos" if placement is Placement.HEADER else None,
    )
    if placement is Placement.BODY:
        uri, headers, body = client.sign(
            URL,
            "POST",
            body="title=Hello%2C%20world%21&tag=a&tag=b",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    else:
        uri, headers, body = client.sign(URL, "GET")
    request = Request("POST" if body else "GET", uri, headers=headers, body=(body or "").encode())
    verified = verify(request, store, MemoryNonceStore())
    assert verified.params.placement is placement
    assert verified.params.signature_method == method
    assert verified.params.realm == ("Photos" if placement is Placement.HEADER else None)


# --- LTI 1.1 basic launch: a form POST with many parameters, HMAC-SHA1, no token ---

LTI_LAUNCH = [
    ("lti_message_type", "basic-lti-launch-request"),
    ("lti_version", "LTI-1p0"),
    ("resource_link_id", "88391-e1919-bb3456"),
    ("resource_link_title", "Weekly Blog"),
    ("user_id", "0ae836b9-7fc9-4060-006f-27b2066ac545"),
    ("roles", "Instructor,urn:lti:instrole:ims/lis/Administrator"),
    ("lis_person_name_full", "Jane Q. Public"),
    ("lis_person_contact_email_primary", "user@school.edu"),
    ("context_id", "8213060-006f-27b2066ac545"),
    ("context_title", "Design of Personal Environments"),
    ("context_label", "SI182"),
    ("tool_consumer_instance_guid", "lmsng.school.edu"),
    ("launch_presentation_locale", "en-US"),
    ("launch_presentation_return_url", "https://lms.school.edu/return?course=si182&x=1"),
    ("custom_keyname", "Value with spaces & symbols: ü/€"),
    ("custom_empty", ""),
]


def test_lti_1_1_launch_signed_by_oauthlib_verifies() -> None:
    store = MemoryCredentialStore([Consumer("12345", "secret")])
    client = oauth1.Client(
        "12345", client_secret="secret", signature_type=oauth1.SIGNATURE_TYPE_BODY
    )
    launch = Request.build("POST", "https://tool.example.com/lti/launch", data=LTI_LAUNCH)
    uri, headers, body = client.sign(
        launch.url, "POST", body=launch.body.decode(), headers=dict(launch.headers)
    )
    request = Request("POST", uri, headers=headers, body=body.encode())
    verified = verify(request, store, MemoryNonceStore(), token_kind=None)
    assert verified.params.placement is Placement.BODY
    assert verified.token is None


def test_lti_1_1_launch_round_trip_and_tampering() -> None:
    store = MemoryCredentialStore([Consumer("12345", "secret")])
    launch = Request.build("POST", "https://tool.example.com/lti/launch", data=LTI_LAUNCH)
    request = sign(launch, Consumer("12345", "secret"), placement=Placement.BODY, timestamp=T)
    run(request, store, token_kind=None)
    promoted = evolve(request, body=request.body.replace(b"roles=Instructor", b"roles=Learner"))
    with pytest.raises(SignatureInvalid):
        run(promoted, store, token_kind=None)


# --- replay and clock (§3.3) ---


def test_replayed_request_is_refused(store: MemoryCredentialStore, signer: Consumer) -> None:
    nonces = MemoryNonceStore()
    request = sign(Request("GET", URL), signer, TOKEN, timestamp=T)
    run(request, store, nonces=nonces)
    with pytest.raises(NonceUsed):
        run(request, store, nonces=nonces)


@pytest.mark.parametrize("skew", [-301, 301, -(10**6), 10**9])
def test_stale_and_future_timestamps_are_refused(
    skew: int, store: MemoryCredentialStore, signer: Consumer
) -> None:
    request = sign(Request("GET", URL), signer, TOKEN, timestamp=T + skew)
    nonces = MemoryNonceStore()
    with pytest.raises(TimestampRefused):
        run(request, store, nonces=nonces)
    assert len(nonces) == 0


def test_verify_draws_now_from_the_clock(store: MemoryCredentialStore, signer: Consumer) -> None:
    verify(sign(Request("GET", URL), signer, TOKEN), store, None)


# --- unknown credentials: same work, same answer (§3.2) ---


def test_unknown_consumer_answers_like_a_bad_signature(store: MemoryCredentialStore) -> None:
    request = sign(Request("GET", URL), Consumer("nobody", SECRET), None, timestamp=T)
    with pytest.raises(SignatureInvalid, match="does not match") as info:
        run(request, store, token_kind=None)
    assert isinstance(info.value.__cause__, ConsumerKeyUnknown)
    bad = sign(Request("GET", URL), Consumer("other", "wrong"), None, timestamp=T)
    with pytest.raises(SignatureInvalid) as same:
        run(bad, store, token_kind=None)
    assert (str(same.value), same.value.problem) == (str(info.value), info.value.problem)


def test_unknown_consumer_can_be_revealed(store: MemoryCredentialStore) -> None:
    request = sign(Request("GET", URL), Consumer("nobody", SECRET), None, timestamp=T)
    with pytest.raises(ConsumerKeyUnknown, match="'nobody'") as info:
        run(request, store, token_kind=None, policy=VerifyPolicy(reveal_unknown_consumer=True))
    assert (info.value.status, info.value.problem) == (401, "consumer_key_unknown")


def test_unknown_consumer_with_rsa_is_refused(
    store: MemoryCredentialStore, rsa_private_pem: str
) -> None:
    request = sign(
        Request("GET", URL),
        Consumer("nobody", rsa_key=rsa_private_pem),
        None,
        RSA_SHA256,
        timestamp=T,
    )
    with pytest.raises(SignatureInvalid):
        run(request, store, token_kind=None)


def test_a_signature_made_with_the_stand_in_secret_is_still_refused(
    store: MemoryCredentialStore,
) -> None:
    from oauthcore.verification import _DUMMY_SECRET

    request = sign(Request("GET", URL), Consumer("nobody", _DUMMY_SECRET), None, timestamp=T)
    with pytest.raises(SignatureInvalid):
        run(request, store, token_kind=None)


def test_unknown_token_is_rejected_whether_or_not_the_consumer_exists(
    store: MemoryCredentialStore, signer: Consumer
) -> None:
    for consumer in (signer, Consumer("nobody", SECRET)):
        request = sign(Request("GET", URL), consumer, Token("stolen", "x"), timestamp=T)
        with pytest.raises(TokenRejected, match="unknown") as info:
            run(request, store)
        assert (info.value.status, info.value.problem) == (401, "token_rejected")


def test_a_refused_request_stores_nothing(store: MemoryCredentialStore, signer: Consumer) -> None:
    nonces = MemoryNonceStore()
    good = sign(Request("GET", URL), signer, TOKEN, timestamp=T, nonce="once")
    for bad in (
        evolve(good, url=URL + "&more=1"),
        sign(Request("GET", URL), Consumer("nobody", SECRET), TOKEN, timestamp=T, nonce="once"),
        sign(Request("GET", URL), signer, Token("stolen", "x"), timestamp=T, nonce="once"),
    ):
        with pytest.raises(OAuthError):
            run(bad, store, nonces=nonces)
    assert len(nonces) == 0
    run(good, store, nonces=nonces)


# --- token policy per endpoint (§2, §3.1) ---


def test_access_tokens_and_request_tokens_are_kept_apart(
    store: MemoryCredentialStore, signer: Consumer
) -> None:
    access = sign(Request("GET", URL), signer, TOKEN, timestamp=T)
    request_token = Token("request-tk", "request-ts")
    temporary = sign(Request("POST", URL), signer, request_token, timestamp=T, verifier="v")
    assert run(temporary, store, token_kind=TokenKind.REQUEST).token == request_token
    with pytest.raises(TokenRejected):
        run(access, store, token_kind=TokenKind.REQUEST)
    with pytest.raises(TokenRejected):
        run(temporary, store, token_kind=TokenKind.ACCESS)


def test_token_policy(store: MemoryCredentialStore, signer: Consumer) -> None:
    two_legged = sign(Request("GET", URL), signer, None, timestamp=T)
    three_legged = sign(Request("GET", URL), signer, TOKEN, timestamp=T)
    with pytest.raises(ParameterAbsent, match="needs token credentials") as info:
        run(two_legged, store)
    assert info.value.parameter == "oauth_token"
    assert run(two_legged, store, token_optional=True).token is None
    assert run(three_legged, store, token_optional=True).token == TOKEN
    assert run(two_legged, store, token_kind=None).token is None
    with pytest.raises(ParameterRejected, match="takes no oauth_token"):
        run(three_legged, store, token_kind=None)
    with pytest.raises(TypeError, match="TokenKind"):
        run(two_legged, store, token_kind="access")


def test_verifier_through_verify(store: MemoryCredentialStore, signer: Consumer) -> None:
    request = sign(
        Request("POST", URL), signer, Token("request-tk", "request-ts"), timestamp=T, verifier="v"
    )
    run(request, store, token_kind=TokenKind.REQUEST, verifier="v")
    with pytest.raises(OAuthError, match="oauth_verifier does not match"):
        run(request, store, token_kind=TokenKind.REQUEST, verifier="w")


def test_methods_restrict_what_verify_accepts(
    store: MemoryCredentialStore, signer: Consumer
) -> None:
    request = sign(Request("GET", URL), signer, TOKEN, RSA_SHA256, timestamp=T)
    with pytest.raises(OAuthError, match="not accepted"):
        run(request, store, policy=VerifyPolicy([HMAC_SHA1]))


# --- MemoryCredentialStore ---


def test_memory_credential_store() -> None:
    store = MemoryCredentialStore()
    assert isinstance(store, CredentialStore)
    store.add_consumer(Consumer("ck", "cs"))
    store.add_token("ck", Token("tk", "ts"), TokenKind.REQUEST)
    assert store.consumer("ck") == Consumer("ck", "cs")
    assert store.consumer("nope") is None
    assert store.token("ck", "tk", TokenKind.ACCESS) is None
    assert store.token("other", "tk", TokenKind.REQUEST) is None
    assert store.token("ck", "tk", TokenKind.REQUEST) == Token("tk", "ts")
    assert repr(store) == "MemoryCredentialStore(consumers=1, tokens=1)"
    assert "cs" not in repr(store)
    assert store.remove_token("ck", "tk", TokenKind.REQUEST) is True
    assert store.remove_token("ck", "tk", TokenKind.REQUEST) is False
    with pytest.raises(TypeError, match="Consumer"):
        store.add_consumer("ck")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Token"):
        store.add_token("ck", "tk", TokenKind.ACCESS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="TokenKind"):
        store.add_token("ck", Token("tk"), "access")  # type: ignore[arg-type]


def test_swapping_in_other_known_credentials_breaks_the_signature(
    store: MemoryCredentialStore, signer: Consumer
) -> None:
    store.add_token("dpf43f3p2l4k3l03", Token("other-tk", "other-ts"), TokenKind.ACCESS)
    store.add_token("other", TOKEN, TokenKind.ACCESS)
    request = sign(Request("GET", URL), signer, TOKEN, timestamp=T, nonce="n")
    value = request.header("Authorization")
    assert value is not None
    for old, new in (
        ('oauth_consumer_key="dpf43f3p2l4k3l03"', 'oauth_consumer_key="other"'),
        ('oauth_token="nnch734d00sl2jdk"', 'oauth_token="other-tk"'),
    ):
        tampered = evolve(request, headers=[("Authorization", value.replace(old, new))])
        with pytest.raises(SignatureInvalid):
            run(tampered, store)
    run(request, store)


@pytest.mark.parametrize("method", ["HMAC-SHA1", "HMAC-SHA512", "PLAINTEXT"])
def test_an_rsa_only_consumer_cannot_be_forged_with_the_empty_secret(
    method: str, rsa_private_pem: str, rsa_public_pem: str
) -> None:
    store = MemoryCredentialStore([Consumer("rsa-only", rsa_key=rsa_public_pem)])
    forged = sign(Request("GET", URL), Consumer("rsa-only"), None, METHODS[method], timestamp=T)
    with pytest.raises(SignatureInvalid):
        run(forged, store, token_kind=None)
    genuine = sign(
        Request("GET", URL),
        Consumer("rsa-only", rsa_key=rsa_private_pem),
        None,
        RSA_SHA256,
        timestamp=T,
    )
    assert run(genuine, store, token_kind=None).consumer.key == "rsa-only"
