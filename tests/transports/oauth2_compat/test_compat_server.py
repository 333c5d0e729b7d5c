"""transports.oauth2_compat.Server: python-oauth2's provider API on oauthcore's verification."""

from __future__ import annotations

import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

import pytest

import oauthcore
import transports.oauth2_compat as oauth
from oauthcore.signing import hash_body
from tests.servers import StartResponse, environ_url, serve

CONSUMER = oauth.Consumer(key="consumer-key", secret="consumer-secret")
TOKEN = oauth.Token(key="token-key", secret="token-secret")
URL = "http://sp.example.com/"


def signed(
    method: Any = None,
    *,
    url: str = URL,
    http_method: str = "GET",
    token: oauth.Token | None = TOKEN,
    **changes: Any,
) -> oauth.Request:
    """python-oauth2's TestServer request: the current time, mixed values, a fresh nonce.

    (python-oauth2's test fixed the nonce; every Server now refuses a nonce it has seen.)
    """
    params: dict[str, Any] = {
        "oauth_version": "1.0",
        "oauth_nonce": secrets.token_hex(16),
        "oauth_timestamp": int(time.time()),
        "bar": "blerg",
        "multi": ["FOO", "BAR"],
        "foo": 59,
        "oauth_consumer_key": CONSUMER.key,
    }
    if token is not None:
        params["oauth_token"] = token.key
    params.update(changes)
    params = {name: value for name, value in params.items() if value is not None}
    request = oauth.Request(method=http_method, url=url, parameters=params)
    request.sign_request(method or oauth.SignatureMethod_HMAC_SHA1(), CONSUMER, token)
    return request


def hmac_server(**options: Any) -> oauth.Server:
    server = oauth.Server(**options)
    server.add_signature_method(oauth.SignatureMethod_HMAC_SHA1())
    return server


def test_init_and_add_signature_method() -> None:
    server = oauth.Server(signature_methods={"HMAC-SHA1": oauth.SignatureMethod_HMAC_SHA1()})
    assert isinstance(server.signature_methods["HMAC-SHA1"], oauth.SignatureMethod_HMAC_SHA1)
    empty = oauth.Server()
    assert empty.signature_methods == {}
    assert empty.timestamp_threshold == 300
    assert isinstance(empty.nonce_store, oauthcore.MemoryNonceStore)
    methods = empty.add_signature_method(oauth.SignatureMethod_HMAC_SHA1())
    assert list(methods) == ["HMAC-SHA1"]
    methods = empty.add_signature_method(oauth.SignatureMethod_PLAINTEXT())
    assert list(methods) == ["HMAC-SHA1", "PLAINTEXT"]


def test_verify_request_returns_the_other_parameters() -> None:
    parameters = hmac_server().verify_request(signed(), CONSUMER, TOKEN)
    assert parameters == {"bar": "blerg", "multi": ["FOO", "BAR"], "foo": 59}


def test_verify_request_without_version_or_token() -> None:
    assert hmac_server().verify_request(signed(oauth_version=None), CONSUMER, TOKEN)
    assert hmac_server().verify_request(signed(token=None), CONSUMER, None)


def test_verify_request_missing_signature() -> None:
    server = oauth.Server()
    server.add_signature_method(oauth.SignatureMethod_PLAINTEXT())
    request = signed()
    del request["oauth_signature_method"]
    del request["oauth_signature"]
    with pytest.raises(oauth.MissingSignature):
        server.verify_request(request, CONSUMER, TOKEN)


def test_verify_request_missing_method_is_refused() -> None:
    # python-oauth2 assumed PLAINTEXT; RFC 5849 §3.1 makes oauth_signature_method required.
    request = signed()
    del request["oauth_signature_method"]
    with pytest.raises(oauth.Error, match="oauth_signature_method") as caught:
        hmac_server().verify_request(request, CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.ParameterAbsent)


def test_verify_request_invalid_signature() -> None:
    request = signed()
    request["oauth_signature"] = "BOGUS"
    with pytest.raises(oauth.Error, match="Invalid signature") as caught:
        hmac_server().verify_request(request, CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.SignatureInvalid)
    assert "signature_base()" in str(caught.value)
    assert CONSUMER.secret not in str(caught.value)


def test_verify_request_wrong_secret() -> None:
    with pytest.raises(oauth.Error, match="Invalid signature"):
        hmac_server().verify_request(signed(), oauth.Consumer("consumer-key", "other"), TOKEN)


@pytest.mark.parametrize("offset", [-86400, -301, 301, 86400])
def test_verify_request_refuses_timestamps_outside_the_window(offset: int) -> None:
    # python-oauth2 only refused timestamps in the past: one a day ahead passed.
    request = signed(oauth_timestamp=int(time.time()) + offset)
    with pytest.raises(oauth.Error, match="seconds") as caught:
        hmac_server().verify_request(request, CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.TimestampRefused)


def test_timestamp_threshold_is_the_window() -> None:
    server = hmac_server()
    server.timestamp_threshold = 2 * 86400
    assert server.verify_request(signed(oauth_timestamp=int(time.time()) + 86400), CONSUMER, TOKEN)


def test_verify_request_refuses_replays_given_a_nonce_store() -> None:
    server = hmac_server(nonce_store=oauthcore.MemoryNonceStore())
    request = signed()
    assert server.verify_request(request, CONSUMER, TOKEN)
    with pytest.raises(oauth.Error, match="nonce") as caught:
        server.verify_request(request, CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.NonceUsed)


def test_a_server_made_without_a_store_refuses_a_replay() -> None:
    # python-oauth2 code never passes a store: the one-line migration must not bring
    # CVE-2013-4346 back (RFC 5849 §3.3).
    server = hmac_server()
    request = signed()
    assert server.verify_request(request, CONSUMER, TOKEN)
    with pytest.raises(oauth.Error, match="nonce") as caught:
        server.verify_request(request, CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.NonceUsed)
    assert caught.value.oauth_error.problem == "nonce_used"


def test_the_default_store_is_shared_by_every_server_in_the_process() -> None:
    # A python-oauth2 provider typically makes a Server per request: the store must outlive it.
    request = signed()
    assert hmac_server().verify_request(request, CONSUMER, TOKEN)
    with pytest.raises(oauth.Error, match="nonce") as caught:
        hmac_server().verify_request(request, CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.NonceUsed)
    assert hmac_server().nonce_store is hmac_server().nonce_store


def test_the_default_store_covers_the_servers_window() -> None:
    # A lenient Server (a day of clock skew) gets a store of its own window: a far-future
    # timestamp it accepts must not make the 300-second store refuse every current request.
    lenient = hmac_server()
    lenient.timestamp_threshold = 2 * 86400
    store = lenient.nonce_store
    assert isinstance(store, oauthcore.MemoryNonceStore)
    assert store.window == 2 * 86400
    assert store is not hmac_server().nonce_store
    assert lenient.verify_request(signed(oauth_timestamp=int(time.time()) + 86400), CONSUMER, TOKEN)
    assert hmac_server().verify_request(signed(), CONSUMER, TOKEN)


def test_concurrent_replays_pass_once() -> None:
    request = signed()
    passed: list[bool] = []

    def attempt() -> None:
        try:
            hmac_server().verify_request(request, CONSUMER, TOKEN)
        except oauth.Error:
            passed.append(False)
        else:
            passed.append(True)

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(passed) == [False] * 15 + [True]


def test_replay_protection_is_off_only_when_said() -> None:
    off = hmac_server(nonce_store=None)
    assert off.nonce_store is None
    request = signed()
    assert off.verify_request(request, CONSUMER, TOKEN)
    assert off.verify_request(request, CONSUMER, TOKEN)
    # A store given, or set afterwards, is the one used.
    own = oauthcore.MemoryNonceStore()
    off.nonce_store = own
    assert off.nonce_store is own
    assert off.verify_request(request, CONSUMER, TOKEN)
    with pytest.raises(oauth.Error, match="nonce"):
        off.verify_request(request, CONSUMER, TOKEN)


def _provider(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """A protected resource written as python-oauth2's users wrote one: a Server per request."""
    headers = {"Authorization": environ["HTTP_AUTHORIZATION"]}
    received = oauth.Request.from_request(environ["REQUEST_METHOD"], environ_url(environ), headers)
    assert received is not None
    server = oauth.Server()
    server.add_signature_method(oauth.SignatureMethod_HMAC_SHA1())
    try:
        server.verify_request(received, CONSUMER, TOKEN)
    except oauth.Error as exc:
        start_response("401 Unauthorized", [("Content-Type", "text/plain")])
        return [str(exc).encode()]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"welcome"]


def test_a_replay_captured_on_the_wire_is_refused() -> None:
    with serve(_provider) as base:
        url = f"{base}/photos?size=original"
        request = oauth.Request.from_consumer_and_token(CONSUMER, TOKEN, "GET", url)
        request.sign_request(oauth.SignatureMethod_HMAC_SHA1(), CONSUMER, TOKEN)
        # What an eavesdropper captured: the URL and the Authorization header, sent again.
        captured = urllib.request.Request(url, headers=request.to_header())
        with urllib.request.urlopen(captured, timeout=10) as answer:
            assert answer.read() == b"welcome"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(captured, timeout=10)
        with refused.value:
            assert refused.value.code == 401
            assert b"oauth_nonce was already used" in refused.value.read()


def test_verify_request_invalid_version() -> None:
    with pytest.raises(oauth.Error, match=r"1\.0") as caught:
        hmac_server().verify_request(signed(oauth_version="222.9922"), CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.VersionRejected)


class SignatureMethodBad(oauth.SignatureMethod):
    name = "BAD"

    def signing_base(self, request: Any, consumer: Any, token: Any) -> str:
        return ""

    def sign(self, request: Any, consumer: Any, token: Any) -> str:
        return "invalid-signature"


def test_verify_request_unaccepted_method() -> None:
    with pytest.raises(oauth.Error, match="BAD") as caught:
        hmac_server().verify_request(signed(SignatureMethodBad()), CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.SignatureMethodRejected)


def test_custom_signature_methods_sign_and_check_themselves() -> None:
    server = oauth.Server()
    server.add_signature_method(SignatureMethodBad())
    # The request carries the method's own signature, so its own check accepts it...
    request = signed(SignatureMethodBad(), http_method="PUT")
    assert request["oauth_body_hash"] == hash_body(b"")
    assert server.verify_request(request, CONSUMER, TOKEN)
    request["oauth_signature"] = "other"
    with pytest.raises(oauth.Error, match="Invalid signature"):
        server.verify_request(request, CONSUMER, TOKEN)
    method = server._core_method(SignatureMethodBad(), request, CONSUMER, TOKEN)
    assert method.name == "BAD"
    assert method.body_hash_algorithm == "sha1"
    assert method.sign("base", CONSUMER.core(), TOKEN.core()) == "invalid-signature"


def test_plaintext_only_over_https_unless_allowed() -> None:
    server = oauth.Server()
    server.add_signature_method(oauth.SignatureMethod_PLAINTEXT())
    request = signed(oauth.SignatureMethod_PLAINTEXT())
    with pytest.raises(oauth.Error, match="https"):
        server.verify_request(request, CONSUMER, TOKEN)
    assert request.to_header()["Authorization"].count("consumer-secret") == 1
    secure = signed(oauth.SignatureMethod_PLAINTEXT(), url="https://sp.example.com/")
    assert server.verify_request(secure, CONSUMER, TOKEN)
    server.allow_plaintext_over_http = True
    assert server.verify_request(request, CONSUMER, TOKEN)
    request["oauth_signature"] = "consumer-secret&wrong"
    with pytest.raises(oauth.Error, match="Invalid signature") as caught:
        server.verify_request(request, CONSUMER, TOKEN)
    # python-oauth2 put PLAINTEXT's "base string", the secrets themselves, in this message.
    assert "secret" not in str(caught.value)


def test_body_hash_is_checked_against_the_body() -> None:
    request = signed(http_method="PUT")
    request.body = b"tampered"
    with pytest.raises(oauth.Error, match="oauth_body_hash") as caught:
        hmac_server().verify_request(request, CONSUMER, TOKEN)
    assert isinstance(caught.value.oauth_error, oauthcore.SignatureInvalid)


def test_consumer_and_token_must_be_the_ones_named() -> None:
    with pytest.raises(oauth.Error, match="oauth_consumer_key"):
        hmac_server().verify_request(signed(), oauth.Consumer("other", "consumer-secret"), TOKEN)
    with pytest.raises(oauth.Error, match="oauth_token"):
        hmac_server().verify_request(signed(), CONSUMER, oauth.Token("other", "token-secret"))


def test_round_trip_through_the_wire_forms() -> None:
    """A signed request, serialised as python-oauth2 would send it and read back, verifies."""
    # The same signed request is read back in two forms: replay protection off, said outright.
    server = hmac_server(nonce_store=None)
    url = "http://sp.example.com/photos?size=original&tag=b&tag=a"
    request = signed(url=url)
    # Authorization header, with the other parameters in a form body.
    header = request.to_header(realm="http://sp.example.com")
    body = oauth.Request("POST", url, request.get_nonoauth_parameters()).to_postdata()
    received = oauth.Request.from_request("GET", url, header, query_string=body)
    assert received is not None
    assert server.verify_request(received, CONSUMER, TOKEN) == {
        "bar": "blerg",
        "multi": ["FOO", "BAR"],
        "foo": "59",
        "size": "original",
        "tag": ["b", "a"],
    }
    # Everything in the query (python-oauth2's GET): the URL's query is counted once.
    as_url = request.to_url()
    received = oauth.Request.from_request("GET", as_url)
    assert received is not None
    assert server.verify_request(received, CONSUMER, TOKEN)
    # And the received request is what oauthcore itself verifies.
    core = oauthcore.Request("GET", as_url)
    oauthcore.check(core, oauthcore.parse(core), CONSUMER.core(), TOKEN.core())


def test_body_passed_to_from_request_is_checked() -> None:
    request = signed(http_method="PUT")
    request.body = b'{"a": 1}'
    request.sign_request(oauth.SignatureMethod_HMAC_SHA1(), CONSUMER, TOKEN)
    header = request.to_header()
    query = oauth.Request("PUT", URL, request.get_nonoauth_parameters()).to_postdata()
    good = oauth.Request.from_request("PUT", URL + "?" + query, header, body=b'{"a": 1}')
    assert good is not None
    assert hmac_server().verify_request(good, CONSUMER, TOKEN)
    bad = oauth.Request.from_request("PUT", URL + "?" + query, header, body=b'{"a": 2}')
    assert bad is not None
    with pytest.raises(oauth.Error, match="oauth_body_hash"):
        hmac_server().verify_request(bad, CONSUMER, TOKEN)
