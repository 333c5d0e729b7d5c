"""The Client through each transport against the embedded demo provider on 127.0.0.1.

Everything signed here is checked by the real provider code (``transports.demo`` on top of
``transports.wsgi`` and ``oauthcore.verification``), nonce store included: a hop re-sent with an
old nonce, a body hash that does not match or a wrong secret would come back 401.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
import trustme

from oauthcore import HMAC_SHA256, Consumer, Placement, Request, Token
from oauthcore.client import TokenResponseError, parse_authorization_response
from oauthcore.credentials import TokenKind
from oauthcore.provider import callback_url
from tests.servers import closed_port, echo_app, serve
from tests.transports.adapters.test_transports_adapters import AnyTransport, make
from transports import Client, RedirectError, Response, TransportError
from transports.demo import DEMO_CONSUMER, DEMO_USER, DemoProvider, Endpoints
from transports.wsgi import ProtectedResource, verified

KINDS = ["urllib3", "httplib2", "urllib", "httpx"]
ACCESS = Token("live-access-token", "live-access-secret", extra=[("screen_name", "demo-user")])


def _test_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Behind ProtectedResource: echo what was verified, or redirect as ``/test/hop/3xx?to=``."""
    path = str(environ["PATH_INFO"])
    if path.startswith("/test/hop/"):
        target = dict(parse_qsl(str(environ["QUERY_STRING"])))["to"]
        start_response(f"{path.rsplit('/', 1)[1]} Moved", [("Location", target)])
        return [b""]
    result = verified(environ)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    document = {
        "method": environ["REQUEST_METHOD"],
        "body": base64.b64encode(body).decode("ascii"),
        "content_type": environ.get("CONTENT_TYPE", ""),
        "query": environ["QUERY_STRING"],
        "token": None if result.token is None else result.token.key,
        "placement": result.params.placement.value,
        "body_hash": result.params.body_hash is not None,
        "signature_method": result.params.signature_method,
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(document).encode()]


def provider_app(provider: DemoProvider) -> WSGIApplication:
    """The demo provider, plus ``/test/...`` routes protected with the provider's own stores."""
    protected = ProtectedResource(_test_app, provider.credentials, provider.nonces)

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith("/test/"):
            return protected(environ, start_response)
        return provider(environ, start_response)

    return app


@pytest.fixture(scope="module")
def provider() -> DemoProvider:
    made = DemoProvider()
    made.credentials.add_token(DEMO_CONSUMER.key, ACCESS, TokenKind.ACCESS)
    return made


@pytest.fixture(scope="module")
def base(provider: DemoProvider) -> Iterator[str]:
    with serve(provider_app(provider)) as url:
        yield url


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[str]:
    with serve(echo_app) as url:
        yield url


@pytest.fixture(params=KINDS)
def transport(request: pytest.FixtureRequest) -> Iterator[AnyTransport]:
    with make(str(request.param), timeout=5) as made:
        yield made


def client(transport: AnyTransport, **options: Any) -> Client:
    return Client(DEMO_CONSUMER, ACCESS, transport=transport, **options)


def echo(response: Response) -> dict[str, Any]:
    assert response.status == 200, response.text
    data: dict[str, Any] = response.json()
    data["body"] = base64.b64decode(data["body"])
    return data


def test_signed_get_with_params(transport: AnyTransport, base: str) -> None:
    data = echo(
        client(transport).request("GET", f"{base}/test/echo", params=[("q", "a b&c"), ("q", "ü")])
    )
    assert data["method"] == "GET"
    assert data["token"] == ACCESS.key
    assert dict(parse_qsl(data["query"])) == {"q": "ü"}


def test_signed_post_form(transport: AnyTransport, base: str) -> None:
    data = echo(
        client(transport).request(
            "POST", f"{base}/test/echo", data=[("status", "Hello Ladies + Gentlemen")]
        )
    )
    assert data["body"] == b"status=Hello%20Ladies%20%2B%20Gentlemen"
    assert data["content_type"] == "application/x-www-form-urlencoded"
    assert not data["body_hash"]


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_signed_json_with_body_hash(transport: AnyTransport, base: str, method: str) -> None:
    data = echo(
        client(transport, method=HMAC_SHA256).request(
            method, f"{base}/test/echo", json={"title": "Tür", "n": [1, 2]}
        )
    )
    assert data["method"] == method
    assert json.loads(data["body"]) == {"title": "Tür", "n": [1, 2]}
    assert data["content_type"] == "application/json"
    assert data["body_hash"]
    assert data["signature_method"] == "HMAC-SHA256"


def test_signed_delete_with_body_hash(transport: AnyTransport, base: str) -> None:
    body = bytes(range(256))
    data = echo(client(transport).request("DELETE", f"{base}/test/echo/1", body=body))
    assert (data["method"], data["body"], data["body_hash"]) == ("DELETE", body, True)


@pytest.mark.parametrize("placement", list(Placement))
def test_each_placement(transport: AnyTransport, base: str, placement: Placement) -> None:
    data = echo(
        client(transport, placement=placement).request("POST", f"{base}/test/echo", data={"a": "1"})
    )
    assert data["placement"] == placement.value


def test_a_wrong_secret_is_refused(transport: AnyTransport, base: str) -> None:
    wrong = Client(Consumer(DEMO_CONSUMER.key, "wrong"), ACCESS, transport=transport)
    response = wrong.request("GET", f"{base}/test/echo")
    assert response.status == 401
    assert str(response.header("WWW-Authenticate")).startswith("OAuth")
    assert "signature_invalid" in response.text


@pytest.mark.parametrize(
    ("status", "method", "then"),
    [
        (301, "POST", "GET"),
        (302, "POST", "GET"),
        (303, "PUT", "GET"),
        (302, "GET", "GET"),
        (307, "POST", "POST"),
        (308, "PUT", "PUT"),
    ],
)
def test_redirects_are_re_signed(
    transport: AnyTransport, base: str, status: int, method: str, then: str
) -> None:
    hop = f"{base}/test/hop/{status}?to=/test/echo%3Fafter%3D1"
    data = echo(client(transport).request(method, hop, data={"kept": "yes"}))
    assert data["method"] == then
    assert data["query"] == "after=1"
    assert data["body"] == (b"kept=yes" if then == method else b"")


def test_a_chain_of_redirects(transport: AnyTransport, base: str) -> None:
    inner = "/test/hop/307%3Fto%3D/test/echo"
    data = echo(client(transport).request("GET", f"{base}/test/hop/302?to={inner}"))
    assert data["method"] == "GET"
    with pytest.raises(RedirectError, match="stopped after 1 redirects"):
        client(transport, max_redirects=1).request("GET", f"{base}/test/hop/302?to={inner}")


def test_cross_origin_redirect_goes_unsigned(
    transport: AnyTransport, base: str, elsewhere: str
) -> None:
    hop = f"{base}/test/hop/307?to={elsewhere}/landed"
    response = client(transport).request("POST", hop, body=b"payload")
    seen = response.json()
    assert seen["method"] == "POST"
    assert base64.b64decode(seen["body"]) == b"payload"
    names = [name.lower() for name, _ in seen["headers"]]
    assert "authorization" not in names
    assert "oauth_" not in seen["query"]
    signed = client(transport, cross_origin_credentials=True).request("GET", hop).json()
    assert "authorization" in [name.lower() for name, _ in signed["headers"]]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_base(provider: DemoProvider, ca: trustme.CA) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serve(provider_app(provider), ssl_context=context) as url:
        yield url


@pytest.mark.parametrize("kind", KINDS)
def test_https_to_http_downgrade(
    kind: str, https_base: str, elsewhere: str, ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with make(kind, timeout=5, ca_certs=str(ca_file)) as transport:
        secure = client(transport)
        assert echo(secure.request("GET", f"{https_base}/test/echo"))["method"] == "GET"
        hop = f"{https_base}/test/hop/302?to={elsewhere}/clear"
        with pytest.raises(RedirectError, match="from https to http"):
            secure.request("GET", hop)
        seen = client(transport, allow_downgrade=True).request("GET", hop).json()
    assert seen["path"] == "/clear"
    assert "authorization" not in [name.lower() for name, _ in seen["headers"]]


@pytest.mark.parametrize("callback", ["https://client.example/ready", "oob"])
def test_three_legged_flow(
    transport: AnyTransport, base: str, provider: DemoProvider, callback: str
) -> None:
    endpoints = Endpoints.at(base)
    app = Client(DEMO_CONSUMER, transport=transport)
    request_token = app.fetch_request_token(endpoints.request_token, callback)
    assert request_token.callback_confirmed
    url = app.authorization_url(endpoints.authorize, request_token)
    assert url == f"{endpoints.authorize}?oauth_token={request_token.key}"
    page = transport.send(Request("GET", url))
    assert page.status == 200
    assert "Approve" in page.text
    # The resource owner approves (the page's button), and the provider sends them back.
    authorized = provider.approve(request_token.key)
    back = callback_url(authorized)
    if callback == "oob":
        assert back is None
        token_key, verifier = request_token.key, str(authorized.verifier)
    else:
        assert back is not None
        token_key, verifier = parse_authorization_response(back, request_token)
    assert token_key == request_token.key
    access = app.fetch_access_token(endpoints.access_token, request_token, verifier)
    assert access.get("screen_name") == DEMO_USER.screen_name
    assert access.get("user_id") == DEMO_USER.user_id
    me = app.with_token(access).request("GET", endpoints.resource).json()
    assert me["screen_name"] == DEMO_USER.screen_name
    assert me["consumer_key"] == DEMO_CONSUMER.key
    # A request token works once (§2.3): the provider refuses a second exchange.
    with pytest.raises(TokenResponseError) as caught:
        app.fetch_access_token(endpoints.access_token, request_token, verifier)
    assert caught.value.status == 401
    assert access.secret not in str(caught.value)


def test_flow_errors_carry_the_status(transport: AnyTransport, base: str) -> None:
    endpoints = Endpoints.at(base)
    wrong = Client(Consumer(DEMO_CONSUMER.key, "wrong"), transport=transport)
    with pytest.raises(TokenResponseError) as caught:
        wrong.fetch_request_token(endpoints.request_token)
    assert caught.value.status == 401
    assert caught.value.problem == "signature_invalid"


def test_client_surfaces_transport_errors(transport: AnyTransport) -> None:
    with pytest.raises(TransportError, match="connection refused"):
        client(transport).request("GET", f"http://127.0.0.1:{closed_port()}/x")


def test_eight_threads_share_one_client(transport: AnyTransport, base: str) -> None:
    shared = client(transport)
    failures: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for round_ in range(5):
                body = f"{number}-{round_}".encode()
                data = echo(shared.request("PUT", f"{base}/test/echo", body=body))
                assert data["body"] == body
        except BaseException as error:  # pragma: no cover - reported by the assert below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_the_adapter_in_the_docs_works(base: str) -> None:
    # docs/transports.md shows a transport over requests in a few lines; run it as written.
    text = (Path(__file__).resolve().parents[2] / "docs" / "transports.md").read_text("utf-8")
    blocks = re.findall(r"```python[^\n]*\n(.*?)```", text, re.DOTALL)
    (snippet,) = [block for block in blocks if "class RequestsTransport" in block]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # noqa: S102 - the project's own documentation
    # The block's client has placeholder credentials; the transport it shows is what is tested.
    assert isinstance(namespace["client"].transport, namespace["RequestsTransport"])
    documented = Client(DEMO_CONSUMER, ACCESS, transport=namespace["RequestsTransport"]())
    data = echo(documented.request("PUT", f"{base}/test/echo", json={"via": "requests"}))
    assert json.loads(data["body"]) == {"via": "requests"}
    redirected = documented.request("GET", f"{base}/test/hop/303?to=/test/echo")
    assert echo(redirected)["method"] == "GET"
