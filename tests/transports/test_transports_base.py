"""Response, TransportError and the package surface, without a network."""

from __future__ import annotations

import ssl
import subprocess
import sys
import urllib.error

import attrs
import pytest

import transports
from oauthcore import Request
from transports import Response, Transport, TransportError, redact_url


def test_response_header_lookup_is_case_insensitive_and_ordered() -> None:
    response = Response(
        200, [("Set-Cookie", "a=1"), ("content-type", "text/plain"), ("set-cookie", "b=2")]
    )
    assert response.header("SET-COOKIE") == "a=1"
    assert response.header_values("Set-Cookie") == ["a=1", "b=2"]
    assert response.header("Content-Type") == "text/plain"
    assert response.header("Location") is None
    assert response.header_values("Location") == []
    assert response.headers[1] == ("content-type", "text/plain")


def test_response_is_frozen() -> None:
    response = Response(200)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        response.status = 500  # type: ignore[misc]


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        (None, "café".encode(), "café"),
        ("text/plain; charset=ISO-8859-1", "café".encode("latin-1"), "café"),
        ('text/plain; charset="utf-16"', "hi".encode("utf-16"), "hi"),
        ("text/plain; charset=no-such-charset", b"ok", "ok"),
        ("text/plain", b"\xff", "\ufffd"),
    ],
)
def test_response_text_follows_the_charset(
    content_type: str | None, body: bytes, text: str
) -> None:
    headers = [] if content_type is None else [("Content-Type", content_type)]
    assert Response(200, headers, body).text == text


def test_response_json() -> None:
    assert Response(200, (), b'{"a": [1, 2]}').json() == {"a": [1, 2]}
    with pytest.raises(ValueError, match="Expecting value"):
        Response(200, (), b"not json").json()


def test_response_json_nested_too_deep_is_a_value_error() -> None:
    # A hostile server's 100,000 nested arrays must not surface as RecursionError.
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ValueError, match="nested too deeply") as caught:
        Response(200, (), deep).json()
    assert not isinstance(caught.value, RecursionError)


def test_response_ok_and_redirect() -> None:
    assert Response(204).ok
    assert not Response(199).ok
    assert not Response(300).ok
    assert Response(302, [("Location", "/x")]).is_redirect
    assert not Response(302).is_redirect
    assert not Response(304, [("Location", "/x")]).is_redirect


def test_response_repr_hides_the_body_and_url_secrets() -> None:
    response = Response(
        200,
        [("Content-Type", "application/x-www-form-urlencoded")],
        bytearray(b"oauth_token=t&oauth_token_secret=very-secret"),
        "https://p.example/x?oauth_signature=k%26s&oauth_verifier=v1",
    )
    assert response.body == b"oauth_token=t&oauth_token_secret=very-secret"
    text = repr(response)
    assert "very-secret" not in text
    assert "k%26s" not in text
    assert "v1" not in text
    assert "body=<44 bytes>" in text
    assert "oauth_signature=***&oauth_verifier=***" in text


@pytest.mark.parametrize(
    ("status", "error"),
    [(True, TypeError), ("200", TypeError), (99, ValueError), (1000, ValueError)],
)
def test_response_status_is_checked(status: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="status"):
        Response(status)


def test_response_headers_and_body_are_checked() -> None:
    with pytest.raises(TypeError, match="pairs"):
        Response(200, [("a", 1)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="body must be bytes"):
        Response(200, (), "text")


def test_redact_url() -> None:
    url = "https://h/p?a=1&oauth_signature=s&oauth_token_secret=t&oauth_verifier=v#f"
    assert redact_url(url) == (
        "https://h/p?a=1&oauth_signature=***&oauth_token_secret=***&oauth_verifier=***#f"
    )
    assert redact_url("https://h/p?oauth_token=public") == "https://h/p?oauth_token=public"


def _raised(cause: BaseException) -> TransportError:
    request = Request("GET", "https://api.example/x?oauth_signature=secret")
    try:
        try:
            raise cause
        except BaseException as exc:
            raise TransportError.wrap(request, exc) from exc
    except TransportError as error:
        return error


def _wrapped(inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise RuntimeError("wrapper") from exc
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    ("cause", "kind"),
    [
        (TimeoutError("timed out"), "timed out"),
        (type("ReadTimeoutError", (Exception,), {})("slow"), "timed out"),
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (ConnectionResetError(104, "reset"), "connection reset"),
        (ssl.SSLCertVerificationError("certificate verify failed"), "TLS failure"),
        (OSError("socket.gaierror lookalike"), "request failed"),
        (type("NameResolutionError", (Exception,), {})("no name"), "host name not resolved"),
        (urllib.error.URLError(ConnectionRefusedError(111, "x")), "connection refused"),
        (urllib.error.URLError("just text"), "request failed"),
        (_wrapped(TimeoutError()), "timed out"),
        (ValueError(), "request failed"),
    ],
)
def test_transport_error_describes_its_cause(cause: BaseException, kind: str) -> None:
    error = _raised(cause)
    assert error.__cause__ is cause
    assert kind in str(error)
    assert str(error).startswith("GET https://api.example/x?oauth_signature=***: ")
    assert "secret" not in str(error)
    assert error.method == "GET"
    assert error.url == "https://api.example/x?oauth_signature=***"


def test_transport_error_without_a_request() -> None:
    assert str(TransportError("plain")) == "plain"


def test_the_protocol_is_a_few_lines() -> None:
    class Canned:
        def send(self, request: Request, *, timeout: float | None = None) -> Response:
            return Response(200, (), request.body, request.url)

    assert isinstance(Canned(), Transport)
    assert not isinstance(object(), Transport)
    canned: Transport = Canned()
    assert canned.send(Request("PUT", "http://h/", body=b"x")).body == b"x"


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="NoSuchTransport"):
        transports.NoSuchTransport  # noqa: B018
    with pytest.raises(AttributeError, match="NoSuchTransport"):
        transports.adapters.NoSuchTransport  # noqa: B018


def test_importing_transports_loads_no_http_library() -> None:
    code = (
        "import sys, transports, transports.client;"
        "bad = [m for m in ('urllib3', 'httplib2', 'http.client', 'ssl', 'urllib.request',"
        " 'socket') if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_wrap_picks_the_class_of_the_cause() -> None:
    assert type(_raised(TimeoutError())) is transports.TransportTimeout
    assert type(_raised(ConnectionRefusedError(111, "x"))) is transports.ConnectionFailed
    assert type(_raised(ssl.SSLError("x"))) is transports.TLSError
    named = type("NameResolutionError", (Exception,), {})("no name")
    assert type(_raised(named)) is transports.NameResolutionError
    assert type(_raised(ValueError())) is TransportError


def test_client_errors_share_one_root() -> None:
    from oauthcore import ClientError
    from oauthcore.client import AuthorizationResponseError, TokenResponseError

    for error in (
        TokenResponseError,
        AuthorizationResponseError,
        transports.RedirectError,
        TransportError,
        transports.TransportTimeout,
        transports.ConnectionFailed,
        transports.TLSError,
        transports.NameResolutionError,
        transports.DeadlineExceeded,
        transports.ResponseTooLarge,
    ):
        assert issubclass(error, ClientError)
    assert issubclass(AuthorizationResponseError, ValueError)
