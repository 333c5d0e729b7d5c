"""check(): the two-phase provider API, parse then check against your secrets (RFC 5849 §3.2)."""

from __future__ import annotations

from typing import Any

import pytest
from attrs import evolve

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    PLAINTEXT,
    RSA_SHA1,
    Consumer,
    ConsumerKeyUnknown,
    MemoryNonceStore,
    NonceUsed,
    OAuthError,
    ParameterAbsent,
    ParameterRejected,
    Placement,
    Request,
    SignatureInvalid,
    SignatureMethodRejected,
    TimestampRefused,
    Token,
    TokenRejected,
    VerifierInvalid,
    VerifyPolicy,
    VersionRejected,
    check,
    parse,
    sign,
)
from oauthcore.methods import HmacMethod, SignatureMethod

T = 1_700_000_000
URL = "https://api.example.com:8443/photos?size=original&tags=a%20b"
CONSUMER = Consumer("ck", "consumer-secret")
TOKEN = Token("tk", "token-secret")


def signed(request: Request | None = None, **options: Any) -> Request:
    options.setdefault("nonce", "n0nce")
    options.setdefault("timestamp", T)
    method = options.pop("method", HMAC_SHA1)
    token = options.pop("token", TOKEN)
    consumer = options.pop("consumer", CONSUMER)
    return sign(request or Request("GET", URL), consumer, token, method, **options)


def run(request: Request, **options: Any) -> None:
    options.setdefault("now", T)
    consumer = options.pop("consumer", CONSUMER)
    token = options.pop("token", TOKEN)
    check(request, parse(request), consumer, token, **options)


def refused(request: Request, error: type[OAuthError], match: str, **options: Any) -> OAuthError:
    with pytest.raises(error, match=match) as info:
        run(request, **options)
    return info.value


def replace_in_header(request: Request, old: str, new: str) -> Request:
    value = request.header("Authorization")
    assert value is not None
    assert old in value
    return evolve(request, headers=[("Authorization", value.replace(old, new))])


def test_a_signed_request_passes() -> None:
    run(signed())
    run(signed(token=None), token=None)


def test_check_uses_the_clock_when_now_is_not_given() -> None:
    request = sign(Request("GET", URL), CONSUMER, TOKEN)
    check(request, parse(request), CONSUMER, TOKEN)


def test_params_from_an_equal_request_are_accepted() -> None:
    request = signed()
    copy = evolve(request)
    check(copy, parse(request), CONSUMER, TOKEN, now=T)


def test_params_from_another_request_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"pass parse\(request\)"):
        check(signed(), parse(signed(nonce="other")), CONSUMER, TOKEN, now=T)


# --- tampering: every part of the request is covered (§3.4.1) ---


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("method", "POST"),
        ("url", "http://api.example.com:8443/photos?size=original&tags=a%20b"),  # scheme
        ("url", "https://api.example.org:8443/photos?size=original&tags=a%20b"),  # host
        ("url", "https://api.example.com:8444/photos?size=original&tags=a%20b"),  # port
        ("url", "https://api.example.com/photos?size=original&tags=a%20b"),  # default port
        ("url", "https://api.example.com:8443/Photos?size=original&tags=a%20b"),  # path
        ("url", "https://api.example.com:8443/photos?size=original&tags=a%20c"),  # query value
        ("url", "https://api.example.com:8443/photos?size=original&tagz=a%20b"),  # query name
        ("url", "https://api.example.com:8443/photos?size=original"),  # query removed
        ("url", "https://api.example.com:8443/photos?size=original&tags=a%20b&x=1"),  # added
    ],
)
def test_tampering_with_the_request_breaks_the_signature(field: str, value: str) -> None:
    changes: dict[str, Any] = {field: value}
    refused(evolve(signed(), **changes), SignatureInvalid, "does not match")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('oauth_nonce="n0nce"', 'oauth_nonce="n0ncf"'),
        (f'oauth_timestamp="{T}"', f'oauth_timestamp="{T + 1}"'),
        ('oauth_signature_method="HMAC-SHA1"', 'oauth_signature_method="HMAC-SHA256"'),
        ('oauth_version="1.0"', 'oauth_version="1.0", oauth_callback="oob"'),
        (', oauth_version="1.0"', ""),
    ],
)
def test_tampering_with_protocol_parameters_breaks_the_signature(old: str, new: str) -> None:
    refused(replace_in_header(signed(), old, new), SignatureInvalid, "does not match")


def test_tampering_with_the_signature() -> None:
    request = signed()
    params = parse(request)
    forged = params.signature[:-2] + ("AA" if not params.signature.endswith("AA=") else "BB")
    value = request.header("Authorization")
    assert value is not None
    start = value.index('oauth_signature="') + len('oauth_signature="')
    end = value.index('"', start)
    tampered = evolve(request, headers=[("Authorization", value[:start] + forged + value[end:])])
    error = refused(tampered, SignatureInvalid, "signature_base")
    assert (error.status, error.problem) == (401, "signature_invalid")
    # The message never holds what the right signature would have been.
    assert params.signature not in str(error)


def test_tampering_with_the_form_body() -> None:
    form = Request.build("POST", URL, data={"title": "Holiday", "n": "1"})
    for placement in Placement:
        request = signed(form, placement=placement)
        tampered = evolve(request, body=request.body.replace(b"Holiday", b"Holidav"))
        refused(tampered, SignatureInvalid, "does not match")


def test_tampering_with_a_raw_body_breaks_the_body_hash() -> None:
    raw = Request("PUT", URL, headers=[("Content-Type", "application/json")], body=b'{"a": 1}')
    request = signed(raw)
    assert parse(request).body_hash is not None
    run(request)
    error = refused(evolve(request, body=b'{"a": 2}'), SignatureInvalid, "oauth_body_hash")
    assert error.parameter == "oauth_body_hash"


def test_wrong_secrets_break_the_signature() -> None:
    refused(signed(), SignatureInvalid, "does not match", consumer=Consumer("ck", "other"))
    refused(signed(), SignatureInvalid, "does not match", token=Token("tk", "other"))


# --- structural checks, all before the signature (§3.2) ---


def test_version_other_than_1_0_is_refused() -> None:
    request = replace_in_header(signed(), 'oauth_version="1.0"', 'oauth_version="2.0"')
    error = refused(request, VersionRejected, "must be 1.0")
    assert (error.status, error.problem) == (400, "version_rejected")


def test_version_may_be_left_out() -> None:
    run(signed(version=False))


def test_methods_not_accepted_are_refused() -> None:
    error = refused(
        signed(),
        SignatureMethodRejected,
        "use one of: HMAC-SHA256",
        policy=VerifyPolicy([HMAC_SHA256]),
    )
    assert (error.status, error.problem) == (400, "signature_method_rejected")
    refused(
        signed(),
        SignatureMethodRejected,
        "HMAC-SHA256",
        policy=VerifyPolicy({"HMAC-SHA256": HMAC_SHA256}),
    )
    run(signed(), policy=VerifyPolicy([HMAC_SHA256, HMAC_SHA1]))


def test_a_custom_method_can_be_accepted() -> None:
    custom = HmacMethod("HMAC-SHA384", "sha384")
    run(signed(method=custom), policy=VerifyPolicy([custom]))
    refused(signed(method=custom), SignatureMethodRejected, "HMAC-SHA384")


def test_plaintext_over_plain_http_is_refused_unless_allowed() -> None:
    http = signed(Request("GET", "http://api.example.com/"), method=PLAINTEXT)
    error = refused(http, SignatureMethodRejected, "refused over plain http")
    assert error.status == 400
    run(http, policy=VerifyPolicy(allow_plaintext_over_http=True))
    run(signed(method=PLAINTEXT))  # https


def test_plaintext_compares_in_full() -> None:
    request = signed(method=PLAINTEXT)
    refused(request, SignatureInvalid, "does not match", token=Token("tk", "token-secreT"))


def test_body_hash_with_a_form_body_is_refused() -> None:
    form = Request.build("POST", URL, data={"a": "b"})
    request = signed(form, placement=Placement.QUERY)
    tampered = evolve(
        request, url=request.url + "&oauth_body_hash=2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D"
    )
    error = refused(tampered, ParameterRejected, "form-encoded body")
    assert error.parameter == "oauth_body_hash"


def test_body_hash_with_plaintext_is_refused() -> None:
    request = replace_in_header(
        signed(method=PLAINTEXT),
        'oauth_nonce="',
        'oauth_body_hash="2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D", oauth_nonce="',
    )
    refused(request, ParameterRejected, "cannot be used with PLAINTEXT")


@pytest.mark.parametrize(("now", "where"), [(T + 301, "in the past"), (T - 301, "in the future")])
def test_timestamps_outside_the_window_are_refused(now: int, where: str) -> None:
    error = refused(signed(), TimestampRefused, f"301 seconds {where}", now=now)
    assert (error.status, error.problem, error.parameter) == (
        401,
        "timestamp_refused",
        "oauth_timestamp",
    )
    assert isinstance(error, TimestampRefused)
    assert error.acceptable == (now - 300, now + 300)


def test_window_edges_and_custom_windows() -> None:
    run(signed(), now=T + 300)
    run(signed(), now=T - 300)
    run(signed(), now=T + 3600, policy=VerifyPolicy(window=3600))
    refused(
        signed(),
        TimestampRefused,
        "10 seconds either way",
        now=T + 11,
        policy=VerifyPolicy(window=10),
    )


def test_window_is_validated() -> None:
    with pytest.raises(TypeError, match="window must be an int"):
        VerifyPolicy(window=True)
    with pytest.raises(ValueError, match="must not be negative"):
        VerifyPolicy(window=-1)


def test_the_credentials_given_must_be_those_named() -> None:
    error = refused(signed(), ConsumerKeyUnknown, "not the one named", consumer=Consumer("x", "y"))
    assert error.status == 401
    refused(signed(), TokenRejected, "not the one named", token=Token("other", "token-secret"))
    refused(signed(), ParameterRejected, "must not carry an oauth_token", token=None)
    refused(signed(token=None), ParameterAbsent, "oauth_token is missing")


def test_rsa_without_a_public_key_is_refused_as_a_bad_signature(rsa_private_pem: str) -> None:
    request = signed(method=RSA_SHA1, consumer=Consumer("ck", rsa_key=rsa_private_pem))
    refused(request, SignatureInvalid, "does not match", consumer=Consumer("ck", "consumer-secret"))


# --- nonces and verifiers: used only by requests that pass (§3.3, §2.3) ---


def test_a_replayed_request_is_refused() -> None:
    nonces = MemoryNonceStore()
    run(signed(), nonces=nonces)
    error = refused(signed(), NonceUsed, "already used", nonces=nonces)
    assert (error.status, error.problem, error.parameter) == (401, "nonce_used", "oauth_nonce")
    run(signed(nonce="fresh"), nonces=nonces)


@pytest.mark.parametrize(
    ("tamper", "options"),
    [
        (lambda r: evolve(r, method="POST"), {}),
        (lambda r: r, {"now": T + 1000}),
        (lambda r: r, {"policy": VerifyPolicy([HMAC_SHA256])}),
        (lambda r: r, {"verifier": "expected"}),
        (lambda r: replace_in_header(r, 'oauth_version="1.0"', 'oauth_version="1.1"'), {}),
    ],
)
def test_a_refused_request_does_not_use_up_its_nonce(tamper: Any, options: dict[str, Any]) -> None:
    nonces = MemoryNonceStore()
    with pytest.raises(OAuthError):
        run(tamper(signed(verifier="wrong")), nonces=nonces, **options)
    assert nonces.use("ck", "tk", T, "n0nce") is True


def test_the_verifier_is_checked_when_expected() -> None:
    run(signed(verifier="v3rifier"), verifier="v3rifier")
    error = refused(
        signed(verifier="v3rifier"), VerifierInvalid, "does not match", verifier="other"
    )
    assert "v3rifier" not in str(error)
    assert "other" not in str(error)
    assert error.status == 401
    refused(signed(), ParameterAbsent, "oauth_verifier is missing", verifier="v3rifier")
    refused(
        signed(verifier="v\u00e9rifier"), VerifierInvalid, "does not match", verifier="verifier"
    )


@pytest.mark.parametrize("method", [HMAC_SHA1, HMAC_SHA256, PLAINTEXT])
def test_a_consumer_without_a_shared_secret_never_passes_a_shared_secret_method(
    method: SignatureMethod, rsa_public_pem: str
) -> None:
    rsa_only = Consumer("ck", rsa_key=rsa_public_pem)
    forged = signed(method=method, consumer=Consumer("ck"), token=None)
    nonces = MemoryNonceStore()
    refused(
        forged, SignatureInvalid, "does not match", consumer=rsa_only, token=None, nonces=nonces
    )
    # Not even with an empty token secret too, and nothing was recorded.
    forged = signed(method=method, consumer=Consumer("ck"), token=Token("tk"))
    refused(forged, SignatureInvalid, "does not match", consumer=rsa_only, token=Token("tk"))
    assert len(nonces) == 0
