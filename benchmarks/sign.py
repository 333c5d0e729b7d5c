"""Client-side signing: oauthcore vs oauthlib, authlib and a straightforward stdlib signer.

Two HMAC-SHA1 header-signed requests (RFC 5849 §3.4.2, §3.5.1): (a) a GET with a token and three
query parameters, one of which changes every call, and (b) a form POST with five parameters whose
status text changes every call and holds non-ASCII characters and ``&=+,``. Every implementation
draws its own fresh nonce and timestamp on every call, as it would in use. Before timing, each is
run with a fixed nonce and timestamp and must produce the same signature as all the others.

Then RSA-SHA256 (§3.4.3) with a loaded 2048-bit key, against `cryptography`'s own sign call.
"""

from __future__ import annotations

import base64
import cProfile
import dataclasses
import io
import pstats
import re
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple
from unittest import mock
from urllib.parse import unquote, urlencode

import oauthlib.oauth1
from authlib.oauth1 import ClientAuth
from authlib.oauth1.rfc5849 import client_auth as authlib_client_auth

from oauthcore import RSA_SHA256, Consumer, Request, Token, sign
from oauthcore.base_string import signature_base

from . import straightforward
from .common import Contender, Settings, by_name, compare, fresh, print_table, verdict

__all__ = ["CASES", "Case", "load_rsa_pem", "main", "profile_report"]

CONSUMER = ("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
TOKEN = ("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
FIXED_NONCE = "kllo9940pd9333jh"
FIXED_TIMESTAMP = "1191242096"
FORM_HEADERS = (("Content-Type", straightforward.FORM),)

OAUTHCORE = "oauthcore Request()+sign()"
OAUTHCORE_SIGN_ONLY = "oauthcore sign() on a built Request"
STRAIGHTFORWARD = "straightforward stdlib"
OAUTHLIB = "oauthlib Client.sign"
AUTHLIB = "authlib ClientAuth.sign"


class Item(NamedTuple):
    """One request to sign, in the form each library takes it."""

    url: str
    body: str  # form body as text (oauthlib, authlib, stdlib)
    raw: bytes  # the same body as bytes (oauthcore)


class Case(NamedTuple):
    """A request shape: HTTP method, content type and a maker of fresh, unique items."""

    key: str
    title: str
    method: str
    content_type: str | None
    make: Callable[[int], Item]


def _get(serial: int) -> Item:
    url = (
        "https://api.example.com/1.1/statuses/home_timeline.json"
        f"?screen_name=twitterapi&count=20&since_id={serial}"
    )
    return Item(url, "", b"")


def _post(serial: int) -> Item:
    body = urlencode(
        [
            ("status", f"Hello Ladies + Gentlemen, a signed OAuth request! café №{serial} &=+,"),
            ("include_entities", "true"),
            ("lat", "37.7821120598956"),
            ("long", "-122.400612831116"),
            ("place_id", "df51dec6f4ee2b2c"),
        ]
    )
    return Item("https://api.example.com/1.1/statuses/update.json", body, body.encode("ascii"))


CASES = (
    Case("get", "(a) GET, token, 3 query parameters", "GET", None, _get),
    Case(
        "post",
        "(b) form POST, 5 parameters, non-ASCII and &=+,",
        "POST",
        straightforward.FORM,
        _post,
    ),
)


def _items(case: Case, count: int) -> list[Item]:
    return [case.make(fresh()) for _ in range(count)]


def _consumer() -> Consumer:
    return Consumer(*CONSUMER)


def _token() -> Token:
    return Token(*TOKEN)


def _oauthlib_client(nonce: str | None = None, timestamp: str | None = None) -> Any:
    return oauthlib.oauth1.Client(
        CONSUMER[0],
        client_secret=CONSUMER[1],
        resource_owner_key=TOKEN[0],
        resource_owner_secret=TOKEN[1],
        nonce=nonce,
        timestamp=timestamp,
    )


def _authlib_client() -> Any:
    return ClientAuth(CONSUMER[0], CONSUMER[1], token=TOKEN[0], token_secret=TOKEN[1])


def _headers(case: Case) -> dict[str, str]:
    return {"Content-Type": case.content_type} if case.content_type else {}


def _request_headers(case: Case) -> tuple[tuple[str, str], ...]:
    return FORM_HEADERS if case.content_type else ()


_SIGNATURE = re.compile(r'oauth_signature="([^"]+)"')


def _signature(header: str) -> str:
    match = _SIGNATURE.search(header)
    assert match is not None, f"no oauth_signature in {header!r}"
    return unquote(match.group(1))


@contextmanager
def _authlib_fixed() -> Any:
    # authlib draws its nonce and timestamp inside sign() with no way to pass them in.
    with (
        mock.patch.object(authlib_client_auth, "generate_nonce", return_value=FIXED_NONCE),
        mock.patch.object(authlib_client_auth, "generate_timestamp", return_value=FIXED_TIMESTAMP),
    ):
        yield


def check_agreement(case: Case) -> str:
    """Sign one request with a fixed nonce and timestamp everywhere; all signatures must match."""
    item = case.make(fresh())
    signatures: dict[str, str] = {}
    signed = sign(
        Request(case.method, item.url, _request_headers(case), item.raw),
        _consumer(),
        _token(),
        nonce=FIXED_NONCE,
        timestamp=FIXED_TIMESTAMP,
    )
    signatures[OAUTHCORE] = _signature(signed.header("Authorization") or "")
    signatures[STRAIGHTFORWARD] = _signature(
        straightforward.sign_header(
            case.method,
            item.url,
            case.content_type,
            item.body,
            CONSUMER,
            TOKEN,
            FIXED_NONCE,
            FIXED_TIMESTAMP,
        )
    )
    _, headers, _ = _oauthlib_client(FIXED_NONCE, FIXED_TIMESTAMP).sign(
        item.url, case.method, item.body or None, _headers(case)
    )
    signatures[OAUTHLIB] = _signature(headers["Authorization"])
    with _authlib_fixed():
        _, headers, _ = _authlib_client().sign(case.method, item.url, _headers(case), item.body)
    signatures[AUTHLIB] = _signature(headers["Authorization"])
    if len(set(signatures.values())) != 1:
        raise AssertionError(f"implementations disagree on {case.title}: {signatures}")
    return signatures[OAUTHCORE]


def contenders(case: Case) -> list[Contender]:
    """The signing implementations for one case, each drawing its own nonce and timestamp."""
    consumer, token = _consumer(), _token()
    request_headers = _request_headers(case)
    method, content_type = case.method, case.content_type
    oauthlib_client = _oauthlib_client()
    authlib_client = _authlib_client()

    def run_oauthcore(items: list[Item]) -> None:
        for item in items:
            sign(Request(method, item.url, request_headers, item.raw), consumer, token)

    def run_oauthcore_sign_only(requests: list[Request]) -> None:
        for request in requests:
            sign(request, consumer, token)

    def make_requests(count: int) -> list[Request]:
        return [Request(method, i.url, request_headers, i.raw) for i in _items(case, count)]

    def run_straightforward(items: list[Item]) -> None:
        for item in items:
            straightforward.sign_header(method, item.url, content_type, item.body, CONSUMER, TOKEN)

    def make_with_headers(count: int) -> list[tuple[Item, dict[str, str]]]:
        # A fresh headers dict per call: both libraries may add to the dict they are given.
        return [(item, _headers(case)) for item in _items(case, count)]

    def run_oauthlib(items: list[tuple[Item, dict[str, str]]]) -> None:
        for item, headers in items:
            oauthlib_client.sign(item.url, method, item.body or None, headers)

    def run_authlib(items: list[tuple[Item, dict[str, str]]]) -> None:
        for item, headers in items:
            authlib_client.sign(method, item.url, headers, item.body)

    def make(count: int) -> list[Item]:
        return _items(case, count)

    return [
        Contender(OAUTHCORE, run_oauthcore, make),
        Contender(OAUTHCORE_SIGN_ONLY, run_oauthcore_sign_only, make_requests),
        Contender(STRAIGHTFORWARD, run_straightforward, make),
        Contender(OAUTHLIB, run_oauthlib, make_with_headers),
        Contender(AUTHLIB, run_authlib, make_with_headers),
    ]


def hmac_benchmark(settings: Settings) -> None:
    """Time HMAC-SHA1 header signing for both cases and judge the issue's targets."""
    for case in CASES:
        signature = check_agreement(case)
        timings = by_name(compare(contenders(case), settings))
        print_table(
            f"HMAC-SHA1 header signing, {case.title}"
            f"\n  (all 4 implementations agree: oauth_signature={signature!r} for a fixed nonce)",
            list(timings.values()),
            OAUTHCORE,
        )
        ours = timings[OAUTHCORE].best
        vs_oauthlib = timings[OAUTHLIB].best / ours
        vs_plain = timings[STRAIGHTFORWARD].best / ours
        verdict(
            f"sign {case.key}: >= 7x faster than oauthlib",
            vs_oauthlib >= 7,
            f"{vs_oauthlib:.2f}x ({ours * 1e6:.2f} vs {timings[OAUTHLIB].best * 1e6:.2f} µs)",
        )
        verdict(
            f"sign {case.key}: >= 2x faster than straightforward stdlib",
            vs_plain >= 2,
            f"{vs_plain:.2f}x ({ours * 1e6:.2f} vs {timings[STRAIGHTFORWARD].best * 1e6:.2f} µs)",
        )


def load_rsa_pem() -> bytes:
    """The published 2048-bit RSA test key the tests use (its source: tests/keys/README.md)."""
    root = Path(__file__).resolve().parent.parent
    return (root / "tests" / "keys" / "authlib_2048.pem").read_bytes()


def rsa_benchmark(settings: Settings) -> None:
    """Time RSA-SHA256 signing with a loaded key against the bare `cryptography` sign call."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    consumer = Consumer(CONSUMER[0], rsa_key=load_rsa_pem())
    token = _token()
    assert consumer.rsa_key is not None
    assert consumer.rsa_key.private is not None
    private = consumer.rsa_key.private
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
    case = CASES[0]

    # Agreement: PKCS#1 v1.5 is deterministic, so both must give the same bytes.
    item = case.make(fresh())
    request = Request(case.method, item.url)
    signed = sign(
        request, consumer, token, RSA_SHA256, nonce=FIXED_NONCE, timestamp=FIXED_TIMESTAMP
    )
    oauth = [
        ("oauth_consumer_key", CONSUMER[0]),
        ("oauth_nonce", FIXED_NONCE),
        ("oauth_signature_method", "RSA-SHA256"),
        ("oauth_timestamp", FIXED_TIMESTAMP),
        ("oauth_token", TOKEN[0]),
        ("oauth_version", "1.0"),
    ]
    base = str(signature_base(request, oauth)).encode()
    expected = base64.b64encode(private.sign(base, pkcs1, sha256)).decode()
    if _signature(signed.header("Authorization") or "") != expected:
        raise AssertionError("oauthcore RSA-SHA256 disagrees with cryptography's signature")

    def run_oauthcore(items: list[Item]) -> None:
        for item in items:
            sign(Request("GET", item.url), consumer, token, RSA_SHA256)

    def make_bases(count: int) -> list[bytes]:
        # Base strings of the same shape and length as those oauthcore signs, each unique.
        bases = []
        for item in _items(case, count):
            params = [*oauth[:1], ("oauth_nonce", secrets.token_urlsafe(16)), *oauth[2:]]
            bases.append(straightforward.base_string("GET", item.url, None, "", params).encode())
        return bases

    def run_cryptography(bases: list[bytes]) -> None:
        for message in bases:
            private.sign(message, pkcs1, sha256)

    # An RSA operation is slow, so a repeat holds few: three times the repeats to steady the best.
    rsa_settings = dataclasses.replace(settings, repeat=settings.repeat * 3)
    timings = by_name(
        compare(
            [
                Contender("oauthcore Request()+sign() RSA-SHA256", run_oauthcore, _make(case)),
                Contender("cryptography private_key.sign", run_cryptography, make_bases),
            ],
            rsa_settings,
        )
    )
    print_table(
        "RSA-SHA256 header signing, (a) GET, loaded 2048-bit key",
        list(timings.values()),
        "cryptography private_key.sign",
    )
    ours = timings["oauthcore Request()+sign() RSA-SHA256"].best
    bare = timings["cryptography private_key.sign"].best
    verdict(
        "sign RSA-SHA256: within 1.1x of cryptography's sign",
        ours / bare <= 1.1,
        f"{ours / bare:.3f}x ({ours * 1e6:.0f} vs {bare * 1e6:.0f} µs)",
    )


def _make(case: Case) -> Callable[[int], list[Item]]:
    return lambda count: _items(case, count)


def profile_report(calls: int = 20000, top: int = 25) -> str:
    """cProfile of oauthcore's Request()+sign() for each case: the top functions by own time."""
    consumer, token = _consumer(), _token()
    out = io.StringIO()
    for case in CASES:
        items = _items(case, calls)
        headers = _request_headers(case)
        profiler = cProfile.Profile()
        profiler.enable()
        for item in items:
            sign(Request(case.method, item.url, headers, item.raw), consumer, token)
        profiler.disable()
        out.write(f"\n=== cProfile: oauthcore Request()+sign(), {case.title}, {calls} calls ===\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(settings: Settings, *, profile: bool = False, rsa: bool = True) -> None:
    """Run the signing benchmarks (and, on request, the profile of oauthcore's sign())."""
    hmac_benchmark(settings)
    if rsa:
        rsa_benchmark(settings)
    if profile:
        print(profile_report())
