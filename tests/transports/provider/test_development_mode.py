"""The provider's development mode: a refused signature's report carries its base string.

Off by default (``VerifyPolicy.reveal_base_string``); on, only ``signature_invalid`` answers
carry ``oauth_signature_base_string``, and it is exactly the base string the provider computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

from oauthcore import (
    Cause,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    Request,
    Token,
    TokenKind,
    VerifyPolicy,
    diff_base_strings,
    parse,
    sign,
)
from oauthcore.base_string import signature_base
from oauthcore.diagnosis import BASE_STRING_FIELD
from oauthcore.encoding import decode_form, percent_encode
from transports.provider import ProtectedResource, Reply, TokenEndpoints
from transports.wsgi import WSGITransport

CONSUMER = Consumer("ck", "consumer-secret-never-shown")
ACCESS = Token("at", "token-secret-never-shown")
DEVELOPMENT = VerifyPolicy(reveal_base_string=True)


def _ok(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return Reply.text(200, "ok")(start_response)


def _protected(policy: VerifyPolicy = DEVELOPMENT) -> WSGITransport:
    store = MemoryCredentialStore([CONSUMER])
    store.add_token(CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return WSGITransport(ProtectedResource(_ok, store, MemoryNonceStore(), policy=policy))


def _report(body: bytes) -> dict[str, str]:
    return dict(decode_form(body.decode("ascii")))


def test_off_by_default_the_report_holds_no_base_string() -> None:
    assert VerifyPolicy().reveal_base_string is False
    signed = sign(Request("GET", "https://api.test/me?q=1"), CONSUMER, Token("at", "wrong"))
    reply = _protected(VerifyPolicy()).send(signed)
    assert reply.status == 401
    assert BASE_STRING_FIELD.encode() not in reply.body


def test_on_a_refused_signature_carries_the_providers_base_string() -> None:
    # Signed for https, received over http: what a TLS-terminating proxy does.
    signed = sign(Request("GET", "https://api.test/me?q=a+b"), CONSUMER, ACCESS)
    received = Request("GET", signed.url.replace("https", "http", 1), signed.headers)
    reply = _protected().send(received)
    assert reply.status == 401
    assert reply.header("Cache-Control") == "no-store"
    report = _report(reply.body)
    assert report["oauth_problem"] == "signature_invalid"
    assert report[BASE_STRING_FIELD] == signature_base(received).base_string
    client = signature_base(signed).base_string
    assert diff_base_strings(client, report[BASE_STRING_FIELD]).cause is Cause.PROXY_SCHEME
    # The secrets never: not the consumer's, not the token's, not the signature.
    signature = parse(signed).signature
    for secret in (CONSUMER.secret, ACCESS.secret, "oauth_signature%253D", signature):
        assert percent_encode(percent_encode(secret)).encode() not in reply.body
        assert percent_encode(secret).encode() not in reply.body


def test_on_other_refusals_carry_no_base_string() -> None:
    transport = _protected()
    signed = sign(Request("GET", "https://api.test/me"), CONSUMER, ACCESS)
    assert transport.send(signed).status == 200
    replay = transport.send(signed)
    assert _report(replay.body)["oauth_problem"] == "nonce_used"
    unsigned = transport.send(Request("GET", "https://api.test/me"))
    assert unsigned.status == 400
    for reply in (replay, unsigned):
        assert BASE_STRING_FIELD not in _report(reply.body)


def test_the_token_endpoints_reveal_it_too() -> None:
    store = MemoryCredentialStore([CONSUMER])
    tokens = TokenEndpoints(store, MemoryNonceStore(), policy=DEVELOPMENT)
    wrong = Consumer(CONSUMER.key, "not-the-secret")
    for app, path, token in (
        (tokens.request_token, "/request_token", None),
        (tokens.access_token, "/access_token", None),
    ):
        signed = sign(Request("POST", f"https://p.test{path}"), wrong, token, callback="oob")
        reply = WSGITransport(app).send(signed)
        report = _report(reply.body)
        if path == "/request_token":
            assert report["oauth_problem"] == "signature_invalid"
            assert report[BASE_STRING_FIELD] == signature_base(signed).base_string
        else:  # no pending request token: refused before any signature is checked
            assert report["oauth_problem"] == "token_rejected"
            assert BASE_STRING_FIELD not in report
    # A real exchange with a bad signature.
    signed = sign(Request("POST", "https://p.test/request_token"), CONSUMER, callback="oob")
    issued = _report(WSGITransport(tokens.request_token).send(signed).body)
    request_token = Token(issued["oauth_token"], issued["oauth_token_secret"])
    authorized = tokens.authorize(request_token.key)
    assert authorized.verifier is not None
    bad = sign(
        Request("POST", "https://p.test/access_token"),
        wrong,
        request_token,
        verifier=authorized.verifier,
    )
    report = _report(WSGITransport(tokens.access_token).send(bad).body)
    assert report["oauth_problem"] == "signature_invalid"
    assert report[BASE_STRING_FIELD] == signature_base(bad).base_string
