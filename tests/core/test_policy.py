"""VerifyPolicy: what a provider accepts, validated once, when it is made (RFC 5849 §3.2)."""

from __future__ import annotations

from typing import Any

import pytest

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    METHODS,
    PLAINTEXT,
    Consumer,
    MemoryCredentialStore,
    Request,
    SignatureMethodRejected,
    VerifyPolicy,
    check,
    parse,
    sign,
    verify,
)
from oauthcore.methods import HmacMethod
from oauthcore.policy import DEFAULT_METHODS, DEFAULT_POLICY

T = 1_700_000_000


def test_the_default_accepts_every_built_in_method_within_300_seconds() -> None:
    assert dict(DEFAULT_POLICY.methods) == dict(METHODS) == dict(DEFAULT_METHODS)
    assert DEFAULT_POLICY.window == 300
    assert not DEFAULT_POLICY.allow_plaintext_over_http
    assert not DEFAULT_POLICY.reveal_unknown_consumer
    assert VerifyPolicy() == DEFAULT_POLICY


def test_methods_are_held_by_name_whatever_was_given() -> None:
    custom = HmacMethod("HMAC-SHA384", "sha384")
    for given in (
        [HMAC_SHA1, custom],
        (HMAC_SHA1, custom),
        {"HMAC-SHA1": HMAC_SHA1, custom.name: custom},
    ):
        policy = VerifyPolicy(given)
        assert dict(policy.methods) == {"HMAC-SHA1": HMAC_SHA1, "HMAC-SHA384": custom}
    assert dict(VerifyPolicy(iter([PLAINTEXT])).methods) == {"PLAINTEXT": PLAINTEXT}


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"methods": "HMAC-SHA1"}, TypeError, "methods must be SignatureMethods or a mapping"),
        ({"methods": 3}, TypeError, "not int"),
        ({"methods": ["HMAC-SHA1"]}, TypeError, "must hold SignatureMethods, not str"),
        ({"methods": {"HMAC-SHA1": HMAC_SHA256}}, ValueError, "listed under another name"),
        ({"window": 1.5}, TypeError, "window must be an int of seconds, not float"),
        ({"window": True}, TypeError, "window must be an int"),
        ({"window": -1}, ValueError, "must not be negative"),
        ({"allow_plaintext_over_http": 1}, TypeError, "allow_plaintext_over_http must be True or"),
        ({"reveal_unknown_consumer": "yes"}, TypeError, "reveal_unknown_consumer must be True or"),
    ],
)
def test_a_bad_policy_is_refused_when_made(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        VerifyPolicy(**options)


def test_a_policy_is_frozen() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_POLICY.window = 10  # type: ignore[misc]


def test_check_and_verify_take_only_a_policy() -> None:
    consumer = Consumer("policy-consumer", "policy-secret")
    signed = sign(Request("GET", "https://api.example.com/r"), consumer, timestamp=T)
    store = MemoryCredentialStore([consumer])
    for call in (
        lambda policy: check(signed, parse(signed), consumer, policy=policy, now=T),
        lambda policy: verify(signed, store, None, token_kind=None, policy=policy, now=T),
    ):
        call(VerifyPolicy([HMAC_SHA1]))
        with pytest.raises(SignatureMethodRejected, match="use one of: HMAC-SHA256"):
            call(VerifyPolicy([HMAC_SHA256]))
        with pytest.raises(TypeError, match="policy must be a VerifyPolicy, not dict"):
            call({"methods": [HMAC_SHA1]})


def test_an_empty_policy_refuses_every_method() -> None:
    consumer = Consumer("policy-consumer", "policy-secret")
    signed = sign(Request("GET", "https://api.example.com/r"), consumer, timestamp=T)
    with pytest.raises(SignatureMethodRejected, match="not accepted here"):
        check(signed, parse(signed), consumer, policy=VerifyPolicy([]), now=T)
