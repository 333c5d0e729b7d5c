"""Differential tests: oauthcore against oauthlib, requests-oauthlib and authlib (RFC 5849 §3.4).

Each property draws a hostile but valid request, signs it on one side and verifies it on the other:
oauthcore signs and oauthlib's signature functions verify; oauthlib's ``Client``,
requests-oauthlib's ``OAuth1`` and authlib's ``ClientAuth`` sign and oauthcore verifies. The peers
are oracles only. Where a peer departs from RFC 5849 the inputs that trigger it are kept out of the
property by a named predicate, and tests/interop/test_interop_divergences.py pins both behaviours
(see docs/interoperability.md).
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests as requests_lib
from authlib.oauth1.rfc5849.client_auth import ClientAuth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauthlib.oauth1 import Client as OauthlibClient
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature
from requests_oauthlib import OAuth1

from oauthcore import METHODS, Consumer, Placement, Request, Token, VerifyPolicy, check, parse, sign
from oauthcore.base_string import collect_parameters, signature_base
from tests.conftest import key_text

PRIVATE_PEM = key_text("oauthlib_1024.pem")
PUBLIC_PEM = key_text("oauthlib_1024.pkcs1.pub.pem")
PRIVATE_KEY = Consumer("consumer-key", rsa_key=PRIVATE_PEM).rsa_key
PUBLIC_KEY = Consumer("consumer-key", rsa_key=PUBLIC_PEM).rsa_key
EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ---------------------------------------------------------------------------------

UNRESERVED = string.ascii_letters + string.digits + "-._~"
SUB_DELIMS = "!$&'()*+,;="

SCHEMES = st.sampled_from(["http", "https", "HTTP", "Https", "hTTp"])
HOSTS = st.sampled_from(
    [
        "example.com",
        "Example.COM",
        "API.twitter.COM",
        "127.0.0.1",
        "[::1]",
        "[2001:DB8::1]",
        "[2001:db8:0:0:0:0:0:1]",
        "localhost",
        "xn--bcher-kva.example",
        "bücher.example",
    ]
)
PORTS = st.one_of(st.none(), st.sampled_from([80, 443, 8080]), st.integers(1, 65535))
# Path characters: unreserved, sub-delimiters (";" starts RFC 3986 path parameters), ":" and "@",
# valid percent-escapes (ones that decode to "/" or to unreserved "~" included), and non-ASCII.
PATH_PIECES = st.one_of(
    st.sampled_from(list(UNRESERVED + SUB_DELIMS + ":@")),
    st.sampled_from(["%20", "%2F", "%7E", "%7e", "%25", "%E2%82%AC", "%3B"]),
    st.sampled_from(["é", "中", "𝄞", "\U0001f600"]),
)
SEGMENTS = st.lists(PATH_PIECES, max_size=6).map("".join)
NASTY_PATHS = [
    "/",
    "/a;",
    "/;",
    "/a;b=c",
    "/a;b;c/d;",
    "/%7e/~/%7E",
    "/r%20v/X",
    "/@:!$'()*+,=",
    "//x",
]
PATHS = st.one_of(
    st.just(""),
    st.sampled_from(NASTY_PATHS),
    st.lists(SEGMENTS, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
)
# Parameter text: what form-encoding treats specially, then anything from any Unicode plane.
TEXT_CHARS = st.one_of(
    st.sampled_from(list(UNRESERVED + " +&=%!$'()*,;:@/?#[]\"<>\\^`{|}")),
    st.sampled_from(["é", "€", "中", "𝄞", "\U0001f600", "\U0010fffd", "\x00", "\u2028"]),
    st.characters(exclude_categories=["Cs"]),
)
TEXT = st.text(TEXT_CHARS, max_size=8)
NAMES = TEXT.filter(lambda name: not name.startswith("oauth_"))
# Raw query and form text as browsers and old clients write it: "+" for a space, a literal "%2B",
# empty items, names without "=", "=" inside values.
RAW_PIECES = st.sampled_from(
    ["a", "b", "Z9", "+", "%2B", "%20", "%26", "%3D", "%25", "%E2%82%AC", "~", "-", ".", "_"]
)
RAW_ITEMS = st.tuples(
    st.lists(RAW_PIECES, max_size=3).map("".join),
    st.sampled_from(["=", "", "=="]),
    st.lists(RAW_PIECES, max_size=3).map("".join),
).map("".join)
RAW_QUERY = st.lists(RAW_ITEMS, max_size=4).map("&".join)
BODY_METHODS = ("POST", "PUT", "PATCH", "post")
HTTP_METHODS = st.sampled_from(["GET", "HEAD", "DELETE", "get", *BODY_METHODS])
CALLBACKS = st.one_of(
    st.none(),
    st.just("oob"),
    st.builds(lambda text: "https://client.example/cb?state=" + text, TEXT),
)


# Secrets that encode to themselves, and ones that do not (which matters for PLAINTEXT). A token
# secret may be empty; a consumer without a shared secret signs with RSA only.
SECRETS = st.sampled_from(["kd94hf93k423kf44", "consumer secret&", "sëcret+/=%"])
TOKEN_SECRETS = st.one_of(SECRETS, st.just(""))


@st.composite
def credentials(draw: st.DrawFn) -> tuple[Consumer, Consumer, Token | None]:
    """The client's consumer (private RSA key), the provider's (public key), and a token or None."""
    secret = draw(SECRETS)
    signer = Consumer("consumer-key", secret, rsa_key=PRIVATE_KEY)
    checker = Consumer("consumer-key", secret, rsa_key=PUBLIC_KEY)
    token = draw(st.one_of(st.none(), st.builds(Token, st.just("token-key"), TOKEN_SECRETS)))
    return signer, checker, token


@st.composite
def param_pairs(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Pairs with a fair share of repeated names and empty values."""
    pairs = draw(st.lists(st.tuples(NAMES, TEXT), max_size=4))
    repeat = draw(st.booleans())
    if pairs and repeat:
        pairs.append((pairs[0][0], draw(st.sampled_from(["", pairs[0][1], "z", "+"]))))
    return pairs


@st.composite
def urls(draw: st.DrawFn) -> str:
    """An absolute http(s) URL without query."""
    scheme, host, port, path = draw(SCHEMES), draw(HOSTS), draw(PORTS), draw(PATHS)
    netloc = host if port is None else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"


@st.composite
def unsigned_requests(draw: st.DrawFn, *, form_only: bool = False) -> Request:
    """An unsigned request: URL, query (built and raw), and for body methods a form or JSON body."""
    method = draw(HTTP_METHODS)
    url = draw(urls())
    raw_query = draw(st.one_of(st.just(""), RAW_QUERY))
    if raw_query:
        url = f"{url}?{raw_query}"
    kinds = ["none"]
    if method in BODY_METHODS:
        kinds += ["form", "raw-form"] + ([] if form_only else ["json"])
    kind = draw(st.sampled_from(kinds))
    data: list[tuple[str, str]] | None = None
    body: bytes | None = None
    headers: list[tuple[str, str]] = []
    if kind == "form":
        data = draw(param_pairs())
    elif kind == "raw-form":
        body = draw(RAW_QUERY).encode("ascii")
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    elif kind == "json":
        document: Any = draw(st.dictionaries(TEXT, TEXT, max_size=3))
        body = json.dumps(document).encode("utf-8")
        headers.append(("Content-Type", "application/json"))
    return Request.build(
        method, url, params=draw(param_pairs()), data=data, body=body, headers=headers
    )


# --- oauthcore as the verifier ------------------------------------------------------------------


def oauthcore_verifies(request: Request, consumer: Consumer, token: Token | None) -> bool:
    """Verify ``request`` as an oauthcore provider does: ``parse`` then ``check`` (§3.2).

    The timestamp is checked against itself and no nonce store is used: what is compared is the
    signature (and body hash), not the clock. Raises the ``OAuthError`` a provider would answer.
    """
    params = parse(request)
    check(
        request,
        params,
        consumer,
        token,
        now=params.timestamp,
        policy=VerifyPolicy(allow_plaintext_over_http=True),
    )
    return True


def as_request(method: str, url: str, headers: Any, body: str | bytes | None) -> Request:
    """A peer's signed output as the oauthcore Request a provider would receive."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    pairs = [
        (str(name), value.decode("ascii") if isinstance(value, bytes) else str(value))
        for name, value in dict(headers or {}).items()
    ]
    return Request(method, url, pairs, body or b"")


# --- oauthlib as the verifier -------------------------------------------------------------------

OAUTHLIB_VERIFY = {
    "HMAC-SHA1": oauthlib_signature.verify_hmac_sha1,
    "HMAC-SHA256": oauthlib_signature.verify_hmac_sha256,
    "HMAC-SHA512": oauthlib_signature.verify_hmac_sha512,
    "PLAINTEXT": oauthlib_signature.verify_plaintext,
}
OAUTHLIB_VERIFY_RSA = {
    "RSA-SHA1": oauthlib_signature.verify_rsa_sha1,
    "RSA-SHA256": oauthlib_signature.verify_rsa_sha256,
    "RSA-SHA512": oauthlib_signature.verify_rsa_sha512,
}


def oauthlib_verifies(
    request: Request, method: str, consumer: Consumer, token: Token | None
) -> bool:
    """Verify ``request`` with oauthlib's collect/normalize/base-string and verify functions."""
    headers = {name: value for name, value in request.headers if name.lower() == "authorization"}
    body = request.body.decode("utf-8") if request.is_form else None
    params = oauthlib_signature.collect_parameters(
        uri_query=urlsplit(request.url).query,
        body=body,
        headers=headers,
        exclude_oauth_signature=False,
    )
    signatures = [value for name, value in params if name == "oauth_signature"]
    assert len(signatures) == 1, params
    peer_request = SimpleNamespace(
        uri=request.url,
        http_method=request.method,
        params=[pair for pair in params if pair[0] != "oauth_signature"],
        signature=signatures[0],
    )
    if method in OAUTHLIB_VERIFY_RSA:
        return bool(OAUTHLIB_VERIFY_RSA[method](peer_request, PUBLIC_PEM))
    token_secret = token.secret if token is not None else None
    return bool(OAUTHLIB_VERIFY[method](peer_request, consumer.secret, token_secret))


# --- known divergences (each pinned in tests/interop/test_interop_divergences.py) ---------------


def peers_drop_empty_path_params(url: str) -> bool:
    """oauthlib and authlib rebuild the URI with ``urlunparse``, which drops an empty ``;``."""
    return urlsplit(url).path.endswith(";")


def oauthlib_compresses_ipv6(url: str) -> bool:
    """oauthlib rewrites an IPv6 literal into its compressed form; the Host header keeps it."""
    return "0:0:0" in urlsplit(url).netloc


def oauthlib_double_decodes(request: Request) -> bool:
    """oauthlib decodes ``oauth_*`` values from the query or a form body a second time.

    So a ``%`` left after the first decoding changes the value: an ``oauth_callback`` holding an
    escape, a PLAINTEXT signature whose secrets need encoding. Header values are decoded once.
    """
    if parse(request).placement is Placement.HEADER:
        return False
    return any(
        name.startswith("oauth_") and "%" in value
        for name, value in collect_parameters(request, with_signature=True)
    )


def oauthlib_hashes_body_with_sha1(request: Request) -> bool:
    """oauthlib's ``oauth_body_hash`` is always SHA-1; oauthcore uses the method's own hash.

    So a body hash signed with HMAC-SHA256/512 or RSA-SHA256/512 does not match, and one sent
    with PLAINTEXT (which has no body hash) is refused.
    """
    params = parse(request)
    if params.body_hash is None:
        return False
    return METHODS[params.signature_method].body_hash_algorithm != "sha1"


def oauthlib_diverges(request: Request) -> bool:
    """Any of oauthlib's documented departures from RFC 5849 applies to this request."""
    return (
        peers_drop_empty_path_params(request.url)
        or oauthlib_compresses_ipv6(request.url)
        or oauthlib_double_decodes(request)
        or oauthlib_hashes_body_with_sha1(request)
    )


# --- oauthcore signs, oauthlib verifies ---------------------------------------------------------


@EXAMPLES
@given(
    request=unsigned_requests(),
    keys=credentials(),
    method=st.sampled_from(sorted(METHODS)),
    placement=st.sampled_from(list(Placement)),
    callback=CALLBACKS,
    realm=st.one_of(st.none(), st.sampled_from(["", "Photos", 'quote " and \\ back'])),
)
def test_oauthcore_signs_oauthlib_verifies(
    request: Request,
    keys: tuple[Consumer, Consumer, Token | None],
    method: str,
    placement: Placement,
    callback: str | None,
    realm: str | None,
) -> None:
    signer, checker, token = keys
    if placement is Placement.BODY and request.body and not request.is_form:
        placement = Placement.HEADER  # a raw body cannot carry the parameters (§3.5.2)
    signed = sign(
        request,
        signer,
        token,
        METHODS[method],
        placement=placement,
        realm=realm if placement is Placement.HEADER else None,
        callback=callback,
    )
    assert oauthcore_verifies(signed, checker, token)
    if oauthlib_diverges(signed):
        return
    assert oauthlib_verifies(signed, method, checker, token), signature_base(signed).base_string


# --- oauthlib's Client signs, oauthcore verifies ------------------------------------------------

OAUTHLIB_PLACEMENTS = {
    Placement.HEADER: "AUTH_HEADER",
    Placement.QUERY: "QUERY",
    Placement.BODY: "BODY",
}


def peer_input(request: Request) -> tuple[str, dict[str, str], str | None]:
    """What a peer is handed: the wire URL, headers as a dict, the body as text (or None).

    oauthlib refuses a form Content-Type without a body, so an empty form goes without one.
    """
    headers = dict(request.headers)
    if not request.body:
        headers.pop("Content-Type", None)
    body = request.body.decode("utf-8") if request.body else None
    return request.url, headers, body


@EXAMPLES
@given(
    request=unsigned_requests(),
    keys=credentials(),
    method=st.sampled_from(sorted(METHODS)),
    placement=st.sampled_from(list(Placement)),
    callback=CALLBACKS,
    verifier=st.one_of(st.none(), st.sampled_from(["hfdp7dh39dks9884", "a b+c"])),
)
def test_oauthlib_client_signs_oauthcore_verifies(
    request: Request,
    keys: tuple[Consumer, Consumer, Token | None],
    method: str,
    placement: Placement,
    callback: str | None,
    verifier: str | None,
) -> None:
    signer, checker, token = keys
    if placement is Placement.BODY and not (request.is_form and request.body):
        placement = Placement.HEADER  # oauthlib puts parameters only into a non-empty form
    url, headers, body = peer_input(request)
    client = OauthlibClient(
        signer.key,
        client_secret=signer.secret,
        resource_owner_key=token.key if token else None,
        resource_owner_secret=token.secret if token else None,
        callback_uri=callback,
        verifier=verifier,
        signature_method=method,
        signature_type=OAUTHLIB_PLACEMENTS[placement],
        rsa_key=PRIVATE_PEM,
    )
    http_method: Any = request.method  # the stubs list the methods; ours is one of them
    signed_url, signed_headers, signed_body = client.sign(url, http_method, body, headers)
    signed = as_request(request.method, signed_url, signed_headers, signed_body)
    if oauthlib_diverges(signed):
        return
    assert oauthcore_verifies(signed, checker, token), signature_base(signed).base_string


# --- requests-oauthlib's OAuth1 signs (a prepared requests.Request, no network) -----------------


@EXAMPLES
@given(
    request=unsigned_requests(),
    keys=credentials(),
    method=st.sampled_from(sorted(METHODS)),
    placement=st.sampled_from(list(Placement)),
)
def test_requests_oauthlib_signs_oauthcore_verifies(
    request: Request,
    keys: tuple[Consumer, Consumer, Token | None],
    method: str,
    placement: Placement,
) -> None:
    signer, checker, token = keys
    if placement is Placement.BODY and not (request.is_form and request.body):
        placement = Placement.HEADER
    url, headers, body = peer_input(request)
    auth = OAuth1(
        signer.key,
        client_secret=signer.secret,
        resource_owner_key=token.key if token else None,
        resource_owner_secret=token.secret if token else None,
        signature_method=method,
        signature_type=OAUTHLIB_PLACEMENTS[placement],
        rsa_key=PRIVATE_PEM,
    )
    prepared = requests_lib.Request(
        request.method, url, headers=headers, data=body or None, auth=auth
    ).prepare()
    assert prepared.url is not None
    assert prepared.method is not None
    sent: Any = prepared.body  # str or bytes once prepared
    signed = as_request(prepared.method, prepared.url, prepared.headers, sent)
    if oauthlib_diverges(signed):
        return
    assert oauthcore_verifies(signed, checker, token), signature_base(signed).base_string


# --- authlib's ClientAuth signs -----------------------------------------------------------------

AUTHLIB_PLACEMENTS = {Placement.HEADER: "HEADER", Placement.QUERY: "QUERY", Placement.BODY: "BODY"}


@pytest.fixture(scope="module", autouse=True)
def _authlib_allows_http() -> Iterator[None]:
    # authlib refuses http:// URLs unless told otherwise; the differential needs both schemes.
    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    yield
    if previous is None:
        del os.environ["AUTHLIB_INSECURE_TRANSPORT"]
    else:
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = previous


def authlib_keeps_ipv6_default_port(url: str) -> bool:
    """authlib splits the port at the first ``:``, so IPv6 literals keep a default port."""
    return "[" in urlsplit(url).netloc


def authlib_diverges(request: Request) -> bool:
    """Any of authlib's documented departures from RFC 5849 applies to this request."""
    return authlib_keeps_ipv6_default_port(request.url) or peers_drop_empty_path_params(request.url)


@EXAMPLES
@given(
    request=unsigned_requests(),
    keys=credentials(),
    method=st.sampled_from(["HMAC-SHA1", "RSA-SHA1", "PLAINTEXT"]),  # all authlib's client signs
    placement=st.sampled_from(list(Placement)),
)
def test_authlib_signs_oauthcore_verifies(
    request: Request,
    keys: tuple[Consumer, Consumer, Token | None],
    method: str,
    placement: Placement,
) -> None:
    signer, checker, token = keys
    if placement is Placement.BODY and not request.is_form:
        placement = Placement.HEADER
    url, headers, body = peer_input(request)
    auth = ClientAuth(
        signer.key,
        client_secret=signer.secret,
        token=token.key if token else None,
        token_secret=token.secret if token else None,
        signature_method=method,
        signature_type=AUTHLIB_PLACEMENTS[placement],
        rsa_key=PRIVATE_PEM,
    )
    signed_url, signed_headers, signed_body = auth.prepare(request.method, url, headers, body)
    signed = as_request(request.method, signed_url, signed_headers, signed_body)
    if authlib_diverges(signed):
        return
    assert oauthcore_verifies(signed, checker, token), signature_base(signed).base_string
