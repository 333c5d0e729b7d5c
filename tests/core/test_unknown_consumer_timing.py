"""An unknown consumer key costs ``verify`` the same time as a known one with a bad signature.

RFC 5849 §4.4 leaves timing to the implementation; docs/security.md promises that the work done
does not tell which consumer keys exist. A promise about time needs a measurement of time: the
two kinds of refusal are timed interleaved, many times over, and their medians compared, which a
busy machine shifts alike. This asserts a relation between two paths, not a speed.
"""

from __future__ import annotations

import contextlib
import statistics
import time

import pytest

from oauthcore import (
    HMAC_SHA1,
    RSA_SHA1,
    Consumer,
    MemoryCredentialStore,
    OAuthError,
    Request,
    sign,
    verify,
)
from oauthcore.methods import SignatureMethod

NOW = 1_700_000_000
SAMPLES = 1500  # pairs of samples; each sample times CALLS refusals
CALLS = 8
ROUNDS = 3  # a difference that is real shows in every round; noise does not


def _refusals(method: SignatureMethod, key: str) -> tuple[MemoryCredentialStore, Request, Request]:
    # Two-legged (no token): a token is bound to its consumer, so with one the unknown consumer
    # would be refused for its token first, a path of its own.
    known = Consumer("timing-known-consumer", "timing-secret", rsa_key=key)
    store = MemoryCredentialStore([known])
    stranger = Consumer("timing-other-consumer", "timing-secret", rsa_key=key)  # same length

    def signed_for_another_path(consumer: Consumer) -> Request:
        # Signed for one resource and sent to another: a bad signature whatever the method.
        original = Request("GET", "https://api.example.com/photos?size=original")
        signed = sign(original, consumer, None, method, timestamp=NOW, nonce="n" * 22)
        return Request("GET", "https://api.example.com/photos?size=largest", signed.headers)

    return store, signed_for_another_path(known), signed_for_another_path(stranger)


def _time(store: MemoryCredentialStore, request: Request) -> int:
    started = time.perf_counter_ns()
    for _ in range(CALLS):
        with contextlib.suppress(OAuthError):
            verify(request, store, None, token_kind=None, now=NOW)
    return time.perf_counter_ns() - started


def _relative_difference(method: SignatureMethod, key: str) -> float:
    store, bad_signature, unknown = _refusals(method, key)
    for request in (bad_signature, unknown):  # both refused, and for the reasons intended
        with pytest.raises(OAuthError) as caught:
            verify(request, store, None, token_kind=None, now=NOW)
        assert caught.value.problem == "signature_invalid"
    known_times: list[int] = []
    unknown_times: list[int] = []
    for turn in range(SAMPLES):
        # Interleaved, alternating which goes first, so drift and caches weigh on both alike.
        order = ((bad_signature, known_times), (unknown, unknown_times))
        for request, times in order if turn % 2 else order[::-1]:
            times.append(_time(store, request))
    known_median = statistics.median(known_times)
    return abs(statistics.median(unknown_times) - known_median) / known_median


@pytest.mark.parametrize("method", [HMAC_SHA1, RSA_SHA1], ids=["HMAC-SHA1", "RSA-SHA1"])
def test_an_unknown_consumer_takes_as_long_as_a_bad_signature(
    method: SignatureMethod, rsa_2048_private_pem: str
) -> None:
    differences = []
    for _ in range(ROUNDS):
        differences.append(_relative_difference(method, rsa_2048_private_pem))
        if differences[-1] < 0.05:
            break
    assert min(differences) < 0.05, [f"{difference:.1%}" for difference in differences]
