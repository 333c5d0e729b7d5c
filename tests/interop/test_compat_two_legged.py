"""A two-legged call (no token) through the compat ``Client``, beside python-oauth2's own.

The compat ``Client`` adds ``oauth_callback=oob`` to every request without a token, because it
cannot tell a temporary-credentials request (where OAuth 1.0a requires it, RFC 5849 §2.1) from
a two-legged call to an API. docs/migrating-from-python-oauth2.md says so and gives the switch:
``client.callback = None`` sends what python-oauth2 sent. Both are checked here on the wire,
against python-oauth2 1.9 itself, and a provider that verifies per RFC 5849 accepts either.
"""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest

import transports.oauth2_compat as compat
from oauthcore import Consumer, MemoryCredentialStore, MemoryNonceStore, Request, verify
from oauthcore.header import parse_authorization
from tests.servers import echo_app, serve

with warnings.catch_warnings():
    # oauth2/_version.py builds its __version__ with distutils' LooseVersion, which warns.
    warnings.filterwarnings(
        "ignore", "distutils Version classes are deprecated", DeprecationWarning, "oauth2"
    )
    import oauth2

KEY, SECRET = "two-legged-key", "two-legged-secret"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve(echo_app) as url:
        yield url


def _received(content: bytes) -> tuple[Request, dict[str, str]]:
    echo: dict[str, Any] = json.loads(content)
    headers = [(name, value) for name, value in echo["headers"]]
    request = Request(echo["method"], echo["url"], headers, base64.b64decode(echo["body"]))
    params = dict(parse_qsl(echo["query"]))
    authorization = request.header("Authorization")
    if authorization is not None:
        params.update(parse_authorization(authorization)[1])
    return request, {name: value for name, value in params.items() if name.startswith("oauth_")}


def _call(client: Any, url: str) -> tuple[Request, dict[str, str]]:
    try:
        response, content = client.request(url, "GET")
    finally:
        client.close()  # an httplib2.Http keeps the connection open
    assert int(response["status"]) == 200
    return _received(content)


def test_two_legged_calls_carry_oob_unless_told_and_then_match_python_oauth2(base: str) -> None:
    url = f"{base}/api/items?page=2"
    _, theirs = _call(oauth2.Client(oauth2.Consumer(KEY, SECRET)), url)
    client = compat.Client(compat.Consumer(KEY, SECRET))
    _, ours = _call(client, url)
    client.callback = None
    _, told = _call(client, url)
    # python-oauth2 also hashed the empty body of a GET; the guide's signing table says why not.
    expected = set(theirs) - {"oauth_body_hash"}
    assert "oauth_callback" not in theirs
    assert set(told) == expected
    assert set(ours) == expected | {"oauth_callback"}
    assert ours["oauth_callback"] == "oob"


@pytest.mark.parametrize("callback", ["oob", None])
def test_a_provider_following_the_rfc_accepts_both(base: str, callback: str | None) -> None:
    client = compat.Client(compat.Consumer(KEY, SECRET))
    client.callback = callback
    request, _ = _call(client, f"{base}/api/items")
    store = MemoryCredentialStore([Consumer(KEY, SECRET)])
    verified = verify(request, store, MemoryNonceStore(), token_kind=None)
    assert verified.params.callback == callback


def test_body_hashes_are_str_where_python_oauth2_gave_bytes() -> None:
    # The same Python 3 change as for signatures: req["oauth_body_hash"] is text, equal to
    # python-oauth2's bytes decoded; on the wire both send the same value.
    hashes = []
    for library in (oauth2, compat):
        consumer = library.Consumer(KEY, SECRET)
        request = library.Request.from_consumer_and_token(
            consumer,
            None,
            "POST",
            "https://api.example.com/items",
            body=b'{"name": "x"}',
            is_form_encoded=False,
        )
        request.sign_request(library.SignatureMethod_HMAC_SHA1(), consumer, None)
        hashes.append(request["oauth_body_hash"])
    theirs, ours = hashes
    assert isinstance(theirs, bytes)
    assert isinstance(ours, str)
    assert ours == theirs.decode("ascii")
