"""Differential: each integration's requests verify in oauthlib's own provider endpoint, and what
requests-oauthlib and authlib sign verifies in oauthcore's provider, all over loopback sockets.

oauthlib's ``ResourceEndpoint`` runs behind a small WSGI app with a validator that knows the
demo credentials; every nonce it sees is kept, so a hop that re-sent one would be refused.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest
import requests
from oauthlib.oauth1 import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_HMAC_SHA256,
    RequestValidator,
    ResourceEndpoint,
)
from requests_oauthlib import OAuth1
from requests_oauthlib import OAuth1Session as TheirSession

from oauthcore import HMAC_SHA256
from oauthcore.credentials import TokenKind
from tests.live.test_client_live import ACCESS, provider_app
from tests.servers import StartResponse, echo_app, environ_url, serve
from tests.transports.integrations.stacks import OPTION_STACKS, STACKS, call
from transports.demo import DEMO_CONSUMER, DemoProvider
from transports.integrations import HttpxAuth, OAuth1Session, RequestsAuth

with warnings.catch_warnings():
    # authlib warns on importing its httpx client (it would rather have httpx2): not ours.
    # Its deprecate module puts an "always" filter first when imported: ours goes after it.
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import OAuth1Auth as AuthlibHttpxAuth
    from authlib.integrations.requests_client import OAuth1Auth as AuthlibRequestsAuth


class _Validator(RequestValidator):
    """oauthlib's validator for the demo consumer and the test access token."""

    def __init__(self) -> None:
        super().__init__()
        self.nonces: set[tuple[str, str]] = set()
        self.lock = threading.Lock()

    enforce_ssl = False
    allowed_signature_methods = (SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256)
    dummy_client = "dummy-client"
    dummy_access_token = "dummy-access-token"
    dummy_secret = "dummy-secret"

    def check_client_key(self, client_key: str) -> bool:
        return True

    def check_access_token(self, request_token: str) -> bool:
        return True

    def check_nonce(self, nonce: str) -> bool:
        # oauthlib allows letters and digits only; oauthcore's nonces are URL-safe base64.
        return bool(nonce)

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key == DEMO_CONSUMER.key

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        return token == ACCESS.key

    def validate_realms(self, *args: Any, **kwargs: Any) -> bool:
        return True

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: Any,
        nonce: str,
        request: Any,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        with self.lock:
            if (timestamp, nonce) in self.nonces:
                return False
            self.nonces.add((timestamp, nonce))
            return True

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return DEMO_CONSUMER.secret

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        return ACCESS.secret


def oauthlib_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """200 ``verified`` when oauthlib's ResourceEndpoint accepts the request, else 401."""
    path = str(environ["PATH_INFO"])
    if path.startswith("/hop/"):
        # /hop/307 redirects to /landed on this same origin, as a provider's API might.
        start_response(f"{path.rsplit('/', 1)[1]} Moved", [("Location", "/landed?via=hop")])
        return [b""]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    headers = {"Content-Type": environ.get("CONTENT_TYPE", "")}
    if "HTTP_AUTHORIZATION" in environ:
        headers["Authorization"] = environ["HTTP_AUTHORIZATION"]
    valid, _ = ENDPOINT.validate_protected_resource_request(
        environ_url(environ), environ["REQUEST_METHOD"], body.decode("latin-1"), headers
    )
    start_response("200 OK" if valid else "401 Unauthorized", [("Content-Type", "text/plain")])
    return [b"verified" if valid else b"refused"]


ENDPOINT = ResourceEndpoint(_Validator())


@pytest.fixture(scope="module")
def oauthlib_base() -> Iterator[str]:
    with serve(oauthlib_app) as url:
        yield url


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    provider = DemoProvider()
    provider.credentials.add_token(DEMO_CONSUMER.key, ACCESS, TokenKind.ACCESS)
    with serve(provider_app(provider)) as url:
        yield url


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/photos?size=original&file=vacation%20one.jpg", {}),
        ("POST", "/statuses?via=form", {"data": {"status": "Hello Ladies + Gentlemen, ü"}}),
        ("POST", "/things", {"json": {"title": "Tür"}}),
        ("PUT", "/things/1", {"content": b"\x00raw bytes"}),
        ("DELETE", "/things/1", {}),
        ("POST", "/hop/307", {"data": {"kept": "yes"}}),
        ("GET", "/hop/302", {}),
    ],
)
def test_oauthlib_verifies_each_integration(
    stack: str, oauthlib_base: str, method: str, path: str, body: dict[str, Any]
) -> None:
    seen = call(stack, method, f"{oauthlib_base}{path}", DEMO_CONSUMER, ACCESS, **body)
    assert (seen.status, seen.body) == (200, b"verified")


@pytest.mark.parametrize("stack", OPTION_STACKS)
def test_oauthlib_verifies_hmac_sha256(stack: str, oauthlib_base: str) -> None:
    seen = call(stack, "GET", f"{oauthlib_base}/me", DEMO_CONSUMER, ACCESS, method=HMAC_SHA256)
    assert (seen.status, seen.body) == (200, b"verified")


def requests_oauthlib_auth() -> OAuth1:
    return OAuth1(DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret)


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", {}), ("POST", {"data": {"status": "Hello + ü"}}), ("DELETE", {})],
)
def test_oauthcore_verifies_requests_oauthlib(base: str, method: str, body: dict[str, Any]) -> None:
    with requests.Session() as session:
        reply = session.request(
            method, f"{base}/test/echo?q=1", **body, auth=requests_oauthlib_auth(), timeout=5
        )
    assert reply.status_code == 200, reply.text


@pytest.mark.parametrize(
    ("method", "body"), [("GET", {}), ("POST", {"data": {"status": "Hello + ü"}}), ("DELETE", {})]
)
def test_oauthcore_verifies_authlib(base: str, method: str, body: dict[str, Any]) -> None:
    auth = AuthlibHttpxAuth(DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret)
    with httpx.Client(timeout=5) as client:
        reply = client.request(method, f"{base}/test/echo?q=1", **body, auth=auth)
    assert reply.status_code == 200, reply.text

    async def run() -> int:
        async with httpx.AsyncClient(timeout=5) as client:
            answer = await client.request(method, f"{base}/test/echo", **body, auth=auth)
            return answer.status_code

    assert asyncio.run(run()) == 200
    signed = AuthlibRequestsAuth(DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret)
    with requests.Session() as session:
        again = session.request(method, f"{base}/test/echo", **body, auth=signed, timeout=5)
    assert again.status_code == 200, again.text


@pytest.mark.parametrize("body", [{"json": {"a": 1}}, {"content": b"raw"}])
def test_authlib_httpx_sends_a_raw_body_empty(base: str, body: dict[str, Any]) -> None:
    # A divergence docs/integrations.md names: authlib's httpx OAuth1Auth rebuilds the request
    # without its body, while HttpxAuth sends (and signs) the bytes httpx was given.
    auth = AuthlibHttpxAuth(DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret)
    with httpx.Client(timeout=5) as client:
        theirs = client.put(f"{base}/test/echo", **body, auth=auth).json()
        ours = client.put(f"{base}/test/echo", **body, auth=HttpxAuth(DEMO_CONSUMER, ACCESS))
    assert theirs["body"] == ""
    assert ours.status_code == 200
    assert ours.json()["body"] != ""


def test_requests_oauthlib_redirects_as_docs_integrations_says(base: str) -> None:
    # OAuth1 alone: requests resends its header to the same host, a used nonce, refused (401).
    with requests.Session() as session:
        hop = f"{base}/test/hop/302?to=/test/echo"
        assert session.get(hop, auth=requests_oauthlib_auth(), timeout=5).status_code == 401
        assert session.get(hop, auth=RequestsAuth(DEMO_CONSUMER, ACCESS), timeout=5).ok


def test_requests_oauthlib_session_signs_another_host(base: str) -> None:
    # Its OAuth1Session.rebuild_auth re-signs every hop, to another host too; ours does not.
    with serve(echo_app) as elsewhere:
        hop = f"{base}/test/hop/302?to={elsewhere}/x"
        theirs = TheirSession(DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret)
        ours = OAuth1Session(DEMO_CONSUMER.key, DEMO_CONSUMER.secret, ACCESS.key, ACCESS.secret)
        with theirs, ours:
            signed = dict(theirs.get(hop, timeout=5).json()["headers"])
            unsigned = dict(ours.get(hop, timeout=5).json()["headers"])
    assert signed["Authorization"].startswith("OAuth ")
    assert "Authorization" not in unsigned
