"""Provider-side verification: oauthcore parse + check vs oauthlib and a straightforward version.

Each operation takes one received request as raw pieces (method, URL, headers, body), reads its
OAuth parameters and checks it: signature (HMAC-SHA1, §3.4.2) in constant time, timestamp window,
nonce (§3.3). The requests are the two shapes of the signing benchmark, header-signed, each
signed just before its repeat with a fresh nonce and the current time. Before timing, every
implementation must accept a good request and refuse the same request with one byte of its
signature changed.

Then ``MemoryNonceStore.use`` on its own: fresh nonces, timestamps advancing like a clock.
"""

from __future__ import annotations

import cProfile
import hmac
import io
import pstats
import re
import secrets
import time
from typing import Any, NamedTuple
from urllib.parse import unquote

from oauthlib.oauth1 import RequestValidator
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature
from oauthlib.oauth1.rfc5849.endpoints import BaseEndpoint, ResourceEndpoint

from oauthcore import Consumer, Request, Token, sign, urls
from oauthcore.credentials import MemoryCredentialStore, TokenKind
from oauthcore.errors import OAuthError
from oauthcore.nonces import MemoryNonceStore
from oauthcore.verification import VerifyPolicy, check, parse, verify

from . import straightforward
from .common import Contender, Settings, by_name, compare, fresh, print_table, verdict
from .sign import CASES, Case

__all__ = ["main", "profile_report", "straightforward_verify"]

# Key, token and nonce shapes that oauthlib's default format checks accept (20-30 alphanumerics).
CONSUMER = ("9djdj82h48djs9d2dpf43f3p", "kd94hf93k423kf44")
TOKEN = ("nnch734d00sl2jdkkyyz9182", "pfkkdhi9sl3r4s00")
WINDOW = 300
POLICY = VerifyPolicy(window=WINDOW)

OAUTHCORE = "oauthcore Request()+parse()+check()"
OAUTHCORE_ONLY = "oauthcore parse()+check() on a built Request"
OAUTHCORE_NEW_ENDPOINT = "oauthcore, endpoint cache cleared each time"
OAUTHCORE_VERIFY = "oauthcore Request()+verify() (store look-up)"
STRAIGHTFORWARD = "straightforward stdlib"
OAUTHLIB = "oauthlib parse + verify_hmac_sha1"
OAUTHLIB_ENDPOINT = "oauthlib ResourceEndpoint (full checks)"


class Received(NamedTuple):
    """A signed request as it arrives: the pieces every implementation gets."""

    method: str
    url: str
    authorization: str
    content_type: str | None
    body: str
    raw: bytes


def _received(case: Case, count: int, *, tamper: bool = False) -> list[Received]:
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    items = []
    for _ in range(count):
        item = case.make(fresh())
        headers = (("Content-Type", case.content_type),) if case.content_type else ()
        signed = sign(
            Request(case.method, item.url, headers, item.raw),
            consumer,
            token,
            nonce=secrets.token_hex(12),
        )
        header = signed.header("Authorization") or ""
        if tamper:
            # Change one character of the signature: every implementation must refuse it.
            start = header.index('oauth_signature="') + len('oauth_signature="')
            header = header[:start] + ("B" if header[start] == "A" else "A") + header[start + 1 :]
        items.append(
            Received(case.method, item.url, header, case.content_type, item.body, item.raw)
        )
    return items


# --- The straightforward standard-library verifier -------------------------------------------

_HEADER_PARAM = re.compile(r'([A-Za-z0-9_.~%-]+)="([^"]*)"')
_REQUIRED = ("oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method")


def straightforward_verify(
    received: Received,
    secrets_by_key: dict[str, str],
    seen: set[tuple[str, str, str, str]],
    now: float | None = None,
) -> bool:
    """Parse the Authorization header, rebuild the base string, compare, check time and nonce.

    The way a careful developer writes it from RFC 5849 §3.2 with ``re``, ``urllib.parse`` and
    ``hmac``: duplicates refused, required parameters present, ±300 s window, constant-time
    comparison, nonce remembered in a set. Returns ``True`` for an authentic, fresh request.
    """
    header = received.authorization
    if not header.startswith("OAuth "):
        return False
    oauth = [(unquote(name), unquote(value)) for name, value in _HEADER_PARAM.findall(header)]
    params = dict(oauth)
    if len(params) != len(oauth) or any(name not in params for name in _REQUIRED):
        return False
    if params["oauth_signature_method"] != "HMAC-SHA1":
        return False
    timestamp = params.get("oauth_timestamp", "")
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > WINDOW:
        return False
    consumer_key, token = params["oauth_consumer_key"], params.get("oauth_token", "")
    consumer_secret = secrets_by_key.get(consumer_key)
    token_secret = secrets_by_key.get(token) if token else ""
    if consumer_secret is None or token_secret is None:
        return False
    signed = [(n, v) for n, v in oauth if n not in ("oauth_signature", "realm")]
    base = straightforward.base_string(
        received.method, received.url, received.content_type, received.body, signed
    )
    expected = straightforward.hmac_sha1(
        straightforward.signing_key(consumer_secret, token_secret), base
    )
    if not hmac.compare_digest(expected.encode(), params["oauth_signature"].encode()):
        return False
    nonce_key = (consumer_key, token, timestamp, params["oauth_nonce"])
    if nonce_key in seen:
        return False
    seen.add(nonce_key)
    return True


# --- oauthlib ------------------------------------------------------------------------------


class _Validator(RequestValidator):
    """The least an oauthlib resource endpoint needs: in-memory secrets and a nonce set."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str, str, str | None]] = set()

    @property
    def dummy_client(self) -> str:
        return "dummyclientdummyclient00"

    @property
    def dummy_access_token(self) -> str:
        return "dummytokendummytoken0000"

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key == CONSUMER[0]

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        return token == TOKEN[0]

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        key = (client_key, timestamp, nonce, access_token)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def validate_realms(self, *args: Any, **kwargs: Any) -> bool:
        return True

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return CONSUMER[1]

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        return TOKEN[1]


def _oauthlib_headers(received: Received) -> dict[str, str]:
    headers = {"Authorization": received.authorization}
    if received.content_type:
        headers["Content-Type"] = received.content_type
    return headers


def _parse_oauthlib(endpoint: BaseEndpoint, r: Received, headers: dict[str, str]) -> Any:
    # oauthlib's own request parsing, the first step of each of its endpoints' validate methods.
    return endpoint._create_request(r.url, r.method, r.body, headers)  # type: ignore[attr-defined]


# --- The contenders ------------------------------------------------------------------------


def contenders(case: Case) -> list[Contender]:
    """Each verifier, given fresh requests signed a moment before its repeat."""
    consumers = {CONSUMER[0]: Consumer(*CONSUMER)}
    tokens = {TOKEN[0]: Token(*TOKEN)}
    store = MemoryCredentialStore([consumers[CONSUMER[0]]])
    store.add_token(CONSUMER[0], tokens[TOKEN[0]], TokenKind.ACCESS)
    oauthcore_nonces = MemoryNonceStore(WINDOW)
    verify_nonces = MemoryNonceStore(WINDOW)
    plain_secrets = {CONSUMER[0]: CONSUMER[1], TOKEN[0]: TOKEN[1]}
    plain_seen: set[tuple[str, str, str, str]] = set()
    base_endpoint = BaseEndpoint(_Validator())
    resource_endpoint = ResourceEndpoint(_Validator())
    form = straightforward.FORM

    def headers_of(received: Received) -> tuple[tuple[str, str], ...]:
        if received.content_type:
            return (("Authorization", received.authorization), ("Content-Type", form))
        return (("Authorization", received.authorization),)

    def make_with_headers(count: int) -> list[tuple[Received, tuple[tuple[str, str], ...]]]:
        # Headers in the shape Request takes, built before timing as oauthlib's dict is.
        return [(r, headers_of(r)) for r in _received(case, count)]

    def run_oauthcore(items: list[tuple[Received, tuple[tuple[str, str], ...]]]) -> None:
        for r, headers in items:
            request = Request(r.method, r.url, headers, r.raw)
            params = parse(request)
            # The application's own look-up of the secrets by the keys the request names.
            consumer = consumers[params.consumer_key]
            token = tokens[params.token] if params.token is not None else None
            check(request, params, consumer, token, nonces=oauthcore_nonces, policy=POLICY)

    def run_oauthcore_new_endpoint(
        items: list[tuple[Received, tuple[tuple[str, str], ...]]],
    ) -> None:
        # As if every request went to an endpoint not among the 512 last seen: the worst case.
        forget = urls._remembered_endpoint.cache_clear
        for r, headers in items:
            forget()
            request = Request(r.method, r.url, headers, r.raw)
            params = parse(request)
            consumer = consumers[params.consumer_key]
            token = tokens[params.token] if params.token is not None else None
            check(request, params, consumer, token, nonces=oauthcore_nonces, policy=POLICY)

    def make_built(count: int) -> list[Request]:
        return [Request(r.method, r.url, headers_of(r), r.raw) for r in _received(case, count)]

    def run_oauthcore_only(items: list[Request]) -> None:
        for request in items:
            params = parse(request)
            consumer = consumers[params.consumer_key]
            token = tokens[params.token] if params.token is not None else None
            check(request, params, consumer, token, nonces=oauthcore_nonces, policy=POLICY)

    def run_oauthcore_verify(items: list[tuple[Received, tuple[tuple[str, str], ...]]]) -> None:
        for r, headers in items:
            verify(Request(r.method, r.url, headers, r.raw), store, verify_nonces)

    def run_straightforward(items: list[Received]) -> None:
        for r in items:
            if not straightforward_verify(r, plain_secrets, plain_seen):
                raise AssertionError("straightforward verifier refused a good request")

    def make_oauthlib(count: int) -> list[tuple[Received, dict[str, str]]]:
        return [(r, _oauthlib_headers(r)) for r in _received(case, count)]

    def run_oauthlib(items: list[tuple[Received, dict[str, str]]]) -> None:
        for r, headers in items:
            request = _parse_oauthlib(base_endpoint, r, headers)
            if not oauthlib_signature.verify_hmac_sha1(request, CONSUMER[1], TOKEN[1]):
                raise AssertionError("oauthlib refused a good request")

    def run_oauthlib_endpoint(items: list[tuple[Received, dict[str, str]]]) -> None:
        for r, headers in items:
            valid, _ = resource_endpoint.validate_protected_resource_request(
                r.url, r.method, r.body, headers
            )
            if not valid:
                raise AssertionError("oauthlib's endpoint refused a good request")

    def make(count: int) -> list[Received]:
        return _received(case, count)

    return [
        Contender(OAUTHCORE, run_oauthcore, make_with_headers),
        Contender(OAUTHCORE_ONLY, run_oauthcore_only, make_built),
        Contender(OAUTHCORE_NEW_ENDPOINT, run_oauthcore_new_endpoint, make_with_headers),
        Contender(OAUTHCORE_VERIFY, run_oauthcore_verify, make_with_headers),
        Contender(STRAIGHTFORWARD, run_straightforward, make),
        Contender(OAUTHLIB, run_oauthlib, make_oauthlib),
        Contender(OAUTHLIB_ENDPOINT, run_oauthlib_endpoint, make_oauthlib),
    ]


def check_agreement(case: Case) -> None:
    """Every verifier accepts a good request and refuses it with one signature character changed."""
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    plain_secrets = {CONSUMER[0]: CONSUMER[1], TOKEN[0]: TOKEN[1]}
    for tamper in (False, True):
        (r,) = _received(case, 1, tamper=tamper)
        headers: tuple[tuple[str, str], ...] = (("Authorization", r.authorization),)
        if r.content_type:
            headers += (("Content-Type", r.content_type),)
        request = Request(r.method, r.url, headers, r.raw)
        try:
            check(request, parse(request), consumer, token, nonces=MemoryNonceStore(WINDOW))
            ours = True
        except OAuthError:
            ours = False
        plain = straightforward_verify(r, plain_secrets, set())
        lib_request = _parse_oauthlib(BaseEndpoint(_Validator()), r, _oauthlib_headers(r))
        lib = bool(oauthlib_signature.verify_hmac_sha1(lib_request, CONSUMER[1], TOKEN[1]))
        endpoint, _ = ResourceEndpoint(_Validator()).validate_protected_resource_request(
            r.url, r.method, r.body, _oauthlib_headers(r)
        )
        answers = {
            OAUTHCORE: ours,
            STRAIGHTFORWARD: plain,
            OAUTHLIB: lib,
            OAUTHLIB_ENDPOINT: endpoint,
        }
        if set(answers.values()) != {not tamper}:
            raise AssertionError(f"verifiers disagree ({case.title}, tampered={tamper}): {answers}")


def verify_benchmark(settings: Settings) -> None:
    """Time verification of both request shapes and judge the issue's targets."""
    for case in CASES:
        check_agreement(case)
        timings = by_name(compare(contenders(case), settings))
        print_table(
            f"Verification (parse + check), HMAC-SHA1, {case.title}"
            "\n  (all verifiers accept the good request and refuse a tampered signature)",
            list(timings.values()),
            OAUTHCORE,
        )
        ours = timings[OAUTHCORE].best
        vs_oauthlib = timings[OAUTHLIB].best / ours
        vs_plain = timings[STRAIGHTFORWARD].best / ours
        verdict(
            f"verify {case.key}: >= 6x faster than oauthlib",
            vs_oauthlib >= 6,
            f"{vs_oauthlib:.2f}x ({ours * 1e6:.2f} vs {timings[OAUTHLIB].best * 1e6:.2f} µs)",
        )
        verdict(
            f"verify {case.key}: >= 2x faster than straightforward stdlib",
            vs_plain >= 2,
            f"{vs_plain:.2f}x ({ours * 1e6:.2f} vs {timings[STRAIGHTFORWARD].best * 1e6:.2f} µs)",
        )


def _nonce_inputs(count: int) -> list[tuple[str, str, int, str]]:
    # 1,000 requests a second on a clock that only moves forward: buckets fill and expire.
    start = 1_700_000_000
    out = []
    for _ in range(count):
        serial = fresh()
        out.append((CONSUMER[0], TOKEN[0], start + serial // 1000, secrets.token_urlsafe(16)))
    return out


def nonce_benchmark(settings: Settings) -> None:
    """Time ``MemoryNonceStore.use`` against a bare ``set`` membership test and insert."""
    store = MemoryNonceStore(WINDOW)
    use = store.use
    seen: set[tuple[str, str, int, str]] = set()

    def run_store(items: list[tuple[str, str, int, str]]) -> None:
        for consumer_key, token, timestamp, nonce in items:
            use(consumer_key, token, timestamp, nonce)

    def run_set(items: list[tuple[str, str, int, str]]) -> None:
        for item in items:
            if item in seen:
                raise AssertionError("replay")
            seen.add(item)

    def run_loop(items: list[tuple[str, str, int, str]]) -> None:
        for _consumer_key, _token, _timestamp, _nonce in items:
            pass

    timings = by_name(
        compare(
            [
                Contender("MemoryNonceStore.use", run_store, _nonce_inputs),
                Contender("bare set: in + add (unbounded)", run_set, _nonce_inputs),
                Contender("empty loop (harness cost)", run_loop, _nonce_inputs),
            ],
            settings,
        )
    )
    print_table(
        "Nonce check, fresh nonces, 1,000 requests/s clock",
        list(timings.values()),
        "bare set: in + add (unbounded)",
    )
    ours = timings["MemoryNonceStore.use"].best
    verdict("MemoryNonceStore check under 1 µs", ours < 1e-6, f"{ours * 1e6:.3f} µs per check")


def profile_report(calls: int = 10000, top: int = 25) -> str:
    """cProfile of oauthcore's Request()+parse()+check() for each case, by own time."""
    consumer, token = Consumer(*CONSUMER), Token(*TOKEN)
    out = io.StringIO()
    for case in CASES:
        items = _received(case, calls)
        nonces = MemoryNonceStore(WINDOW)
        profiler = cProfile.Profile()
        profiler.enable()
        for r in items:
            headers: tuple[tuple[str, str], ...] = (("Authorization", r.authorization),)
            if r.content_type:
                headers += (("Content-Type", r.content_type),)
            request = Request(r.method, r.url, headers, r.raw)
            check(request, parse(request), consumer, token, nonces=nonces, policy=POLICY)
        profiler.disable()
        title = f"oauthcore Request()+parse()+check(), {case.title}, {calls} calls"
        out.write(f"\n=== cProfile: {title} ===\n")
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(settings: Settings, *, profile: bool = False) -> None:
    """Run the verification and nonce-store benchmarks (and, on request, the profile)."""
    verify_benchmark(settings)
    nonce_benchmark(settings)
    if profile:
        print(profile_report())
