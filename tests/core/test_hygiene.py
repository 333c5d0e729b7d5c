"""Secret hygiene: no secret in any repr, str, error, problem report or log line (RFC 5849 §4).

The secrets are the consumer secret, token secrets (temporary and token credentials), the RSA
private key, the signing key (``secret&secret``), a PLAINTEXT signature (which *is* the signing
key), an expected signature and the verifier, each in its raw and percent-encoded forms. Full
three-legged flows run through every transport against the demo provider, failures included,
with ``logging`` captured at DEBUG from every logger; then every log line, every exception (with
its chained causes), every problem report and the repr/str of every public record are searched.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    PLAINTEXT,
    RSA_SHA256,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    OAuthError,
    Placement,
    Request,
    Token,
    TokenKind,
    check,
    parse,
    sign,
    verify,
)
from oauthcore.base_string import signature_base
from oauthcore.client import TokenResponseError, mask_token_secret, parse_token_response
from oauthcore.encoding import percent_encode
from oauthcore.provider import authorize, issue_temporary_credentials, problem_body
from tests.conftest import key_text
from tests.servers import echo_app, serve
from transports import (
    Client,
    Httplib2Transport,
    Response,
    Transport,
    TransportError,
    Urllib3Transport,
    UrllibTransport,
)
from transports.demo import DemoProvider, Endpoints
from transports.wsgi import WSGITransport

CONSUMER_SECRET = "cs-9Qx/hygiene secret&1"
CONSUMER = Consumer("hygiene-consumer", CONSUMER_SECRET)
PEM = key_text("oauthlib_1024.pem")
RSA_CONSUMER = Consumer("hygiene-rsa", rsa_key=PEM)


class Secrets:
    """Every secret seen so far, in every form it could leak in."""

    def __init__(self) -> None:
        self.forms: set[str] = set()

    def add(self, *values: str) -> None:
        """Remember ``values`` raw, percent-encoded, form-encoded and double-encoded."""
        for value in values:
            if len(value) < 6:
                raise AssertionError(f"a secret too short to search for: {len(value)} chars")
            for form in (value, percent_encode(value), quote_plus(value), quote(value, safe="")):
                self.forms.add(form)
                self.forms.add(percent_encode(form))

    def add_credentials(self, consumer: Consumer, token: Token | None = None) -> None:
        """The secrets of a consumer and token, their signing key and PLAINTEXT signature."""
        self.add(consumer.secret)
        if token is not None and token.secret:
            self.add(token.secret)
        self.add(PLAINTEXT.sign("", consumer, token))

    def assert_absent(self, text: str, where: str) -> None:
        """Fail if any remembered form occurs in ``text``."""
        found = sorted(form for form in self.forms if form in text)
        assert not found, f"a secret appears in {where}: {len(found)} form(s)"


def rsa_key_fragments() -> list[str]:
    """What would betray the RSA private key: its PEM lines and its private exponent."""
    lines = [line for line in PEM.splitlines() if line and not line.startswith("-----")]
    key = RSA_CONSUMER.rsa_key
    assert key is not None
    assert key.private is not None
    numbers = key.private.private_numbers()
    return [*lines, str(numbers.d), format(numbers.d, "x"), str(numbers.p), str(numbers.q)]


def exception_text(error: BaseException) -> str:
    """str, repr, args and the whole formatted traceback (chained causes included)."""
    parts = [str(error), repr(error), repr(error.args)]
    parts.extend(traceback.format_exception(error))
    for name in ("body", "message", "parameter", "problem", "url"):
        parts.append(repr(getattr(error, name, None)))
    return "\n".join(parts)


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record, formatted as a handler would write it (exceptions included)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every logger at DEBUG (urllib3, httplib2 and the standard library included)."""
    caplog.set_level(logging.DEBUG)
    return caplog


# --- the flow -----------------------------------------------------------------------------------

TRANSPORTS: dict[str, Callable[[], Transport]] = {
    "urllib": UrllibTransport,
    "urllib3": Urllib3Transport,
    "httplib2": Httplib2Transport,
}


def run_flow(
    provider: DemoProvider,
    endpoints: Endpoints,
    transport: Transport,
    secrets: Secrets,
    placement: Placement,
) -> tuple[list[BaseException], list[Response]]:
    """A three-legged flow with every failure a client meets on the way; what came back."""
    errors: list[BaseException] = []
    refusals: list[Response] = []
    app = Client(CONSUMER, transport=transport, placement=placement)
    secrets.add_credentials(CONSUMER)

    request_token = app.fetch_request_token(endpoints.request_token, callback="oob")
    secrets.add_credentials(CONSUMER, request_token)
    # A wrong verifier, before the owner approves and after.
    with pytest.raises(TokenResponseError) as early:
        app.fetch_access_token(endpoints.access_token, request_token, "not-the-verifier")
    errors.append(early.value)
    approved = provider.approve(request_token.key)
    assert approved.verifier is not None
    secrets.add(approved.verifier)
    with pytest.raises(TokenResponseError) as wrong:
        app.fetch_access_token(endpoints.access_token, request_token, "not-the-verifier")
    errors.append(wrong.value)

    access = app.fetch_access_token(endpoints.access_token, request_token, approved.verifier)
    secrets.add_credentials(CONSUMER, access)
    # The request token works once.
    with pytest.raises(TokenResponseError) as replay:
        app.fetch_access_token(endpoints.access_token, request_token, approved.verifier)
    errors.append(replay.value)

    user = app.with_token(access)
    assert user.request("GET", endpoints.resource, params=[("q", "1")]).status == 200
    assert user.request("POST", endpoints.resource, data=[("a", "b")]).status == 200
    # Refused: a wrong consumer secret, a wrong token secret, a made-up token, PLAINTEXT over
    # plain http, an unknown consumer.
    impostor = Consumer(CONSUMER.key, "wrong-consumer-secret")
    secrets.add_credentials(impostor, access)
    for client in (
        Client(impostor, access, transport=transport, placement=placement),
        Client(CONSUMER, Token(access.key, "wrong-token-secret"), transport=transport),
        Client(CONSUMER, Token("made-up-token", "made-up-secret"), transport=transport),
        Client(CONSUMER, access, transport=transport, method=PLAINTEXT),
        Client(Consumer("nobody-key", "nobody-secret"), access, transport=transport),
    ):
        secrets.add_credentials(client.consumer, client.token)
        response = client.request("GET", endpoints.resource)
        assert response.status in (400, 401)
        refusals.append(response)
    if not isinstance(transport, WSGITransport):
        # A transport failure: nothing listens there.
        with pytest.raises(TransportError) as unreachable:
            user.request("GET", "http://127.0.0.1:9/api/me", params=[("q", "1")])
        errors.append(unreachable.value)
    for shown in (app, user, access, request_token, approved):
        secrets.assert_absent(repr(shown), f"repr of {type(shown).__name__}")
        secrets.assert_absent(str(shown), f"str of {type(shown).__name__}")
    return errors, refusals


def check_flow_output(
    secrets: Secrets,
    errors: list[BaseException],
    refusals: list[Response],
    caplog: pytest.LogCaptureFixture,
    extra: list[object],
) -> None:
    """Search everything the flow produced."""
    for error in errors:
        secrets.assert_absent(exception_text(error), f"an error: {type(error).__name__}")
    for response in refusals:
        secrets.assert_absent(response.body.decode("utf-8", "replace"), "a problem report")
        secrets.assert_absent(repr(response.headers), "a refusal's headers")
        secrets.assert_absent(repr(response), "a Response repr")
    for obj in extra:
        secrets.assert_absent(repr(obj), f"repr of {type(obj).__name__}")
        secrets.assert_absent(str(obj), f"str of {type(obj).__name__}")
    secrets.assert_absent(log_text(caplog), "the log")


@pytest.mark.parametrize("name", sorted(TRANSPORTS))
@pytest.mark.parametrize("placement", [Placement.HEADER, Placement.BODY])
def test_flow_over_loopback_leaks_no_secret(
    name: str, placement: Placement, debug_logs: pytest.LogCaptureFixture
) -> None:
    secrets = Secrets()
    provider = DemoProvider(consumers=[(CONSUMER, "hygiene app")])
    transport = TRANSPORTS[name]()
    try:
        with serve(provider) as base:
            endpoints = Endpoints.at(base)
            errors, refusals = run_flow(provider, endpoints, transport, secrets, placement)
    finally:
        close = getattr(transport, "close", None)
        if close is not None:
            close()
    if name == "urllib3":  # it logs every request line at DEBUG: the capture works
        assert any(record.name.startswith("urllib3") for record in debug_logs.records)
    check_flow_output(secrets, errors, refusals, debug_logs, [transport, provider])


def test_flow_in_process_leaks_no_secret(debug_logs: pytest.LogCaptureFixture) -> None:
    secrets = Secrets()
    provider = DemoProvider(consumers=[(CONSUMER, "hygiene app")])
    transport = WSGITransport(provider)
    endpoints = Endpoints.at("http://provider.test")
    errors, refusals = run_flow(provider, endpoints, transport, secrets, Placement.HEADER)
    check_flow_output(
        secrets,
        errors,
        refusals,
        debug_logs,
        [transport, provider, provider.credentials, provider.nonces],
    )


def test_query_placement_through_urllib3_leaks_no_secret(
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    secrets = Secrets()
    provider = DemoProvider(consumers=[(CONSUMER, "hygiene app")])
    with Urllib3Transport() as transport, serve(provider) as base:
        run_flow(provider, Endpoints.at(base), transport, secrets, Placement.QUERY)
    secrets.assert_absent(log_text(debug_logs), "the log")


# --- records, errors and problem reports, one by one --------------------------------------------


def test_records_never_show_secrets() -> None:
    secrets = Secrets()
    token = Token("hygiene-token", "ts-7Yq/token secret=2")
    secrets.add_credentials(CONSUMER, token)
    shown: list[object] = [CONSUMER, token, RSA_CONSUMER, RSA_CONSUMER.rsa_key]
    for method in (PLAINTEXT, HMAC_SHA1):
        for placement in Placement:
            signed = sign(
                Request.build("POST", "https://api.example/r?x=1", data=[("a", "b")]),
                CONSUMER,
                token,
                method,
                placement=placement,
                verifier="hygiene-verifier-1",
            )
            params = parse(signed)
            shown += [signed, params]
            secrets.add(params.signature if method is PLAINTEXT else "hygiene-verifier-1")
            store = MemoryCredentialStore([CONSUMER])
            store.add_token(CONSUMER.key, token, TokenKind.ACCESS)
            shown += [store, verify(signed, store, MemoryNonceStore(), now=params.timestamp)]
    initiate = sign(Request("POST", "https://api.example/initiate"), CONSUMER, callback="oob")
    temporary = authorize(
        issue_temporary_credentials(parse(initiate), token=Token("rt-key", "rt-secret-xyz")),
        verifier="hygiene-verifier-2",
    )
    secrets.add("rt-secret-xyz", "hygiene-verifier-2")
    shown += [temporary, temporary.token]
    shown.append(
        Response(200, [("Content-Type", "text/plain")], b"oauth_token_secret=rt-secret-xyz")
    )
    for obj in shown:
        secrets.assert_absent(repr(obj), f"repr of {type(obj).__name__}")
        secrets.assert_absent(str(obj), f"str of {type(obj).__name__}")
    for fragment in rsa_key_fragments():
        for obj in shown:
            assert fragment not in repr(obj)
            assert fragment not in str(obj)


def test_errors_never_show_secrets_or_the_expected_signature() -> None:
    secrets = Secrets()
    token = Token("hygiene-token", "ts-7Yq/token secret=2")
    secrets.add_credentials(CONSUMER, token)
    errors: list[BaseException] = []

    def expect(kind: type[BaseException], call: Callable[[], object]) -> None:
        with pytest.raises(kind) as caught:
            call()
        errors.append(caught.value)

    request = Request.build("POST", "https://api.example/r", data=[("a", "b")])
    for method in (HMAC_SHA1, HMAC_SHA256, PLAINTEXT):
        signed = sign(request, Consumer(CONSUMER.key, "not-the-secret"), token, method)
        params = parse(signed)
        right = sign(
            request, CONSUMER, token, method, nonce=params.nonce, timestamp=params.timestamp
        )
        secrets.add(parse(right).signature)  # the expected signature
        for now in (params.timestamp, params.timestamp + 10_000):  # bad signature, stale
            with pytest.raises(OAuthError) as caught:
                check(signed, params, CONSUMER, token, now=now)
            errors.append(caught.value)
    plain = sign(Request("GET", "http://api.example/r"), CONSUMER, token, PLAINTEXT)
    expect(OAuthError, lambda: check(plain, parse(plain), CONSUMER, token))
    body = sign(
        Request("POST", "https://api.example/r", [("Content-Type", "application/json")], b"{}"),
        CONSUMER,
        token,
        HMAC_SHA256,
    )
    tampered = Request(body.method, body.url, body.headers, b"[]")
    expect(OAuthError, lambda: check(tampered, parse(tampered), CONSUMER, token))
    initiate = sign(Request("POST", "https://api.example/initiate"), CONSUMER, callback="oob")
    temporary = authorize(issue_temporary_credentials(parse(initiate)), verifier="verifier-abc-123")
    secrets.add("verifier-abc-123")
    exchange_request = sign(
        Request("POST", "https://api.example/token"),
        CONSUMER,
        temporary.token,
        verifier="wrong-verifier-456",
    )
    from oauthcore.provider import exchange

    expect(
        OAuthError,
        lambda: exchange(
            exchange_request,
            parse(exchange_request),
            CONSUMER,
            temporary,
            now=parse(exchange_request).timestamp,
        ),
    )
    expect(ValueError, lambda: sign(request, CONSUMER, token, RSA_SHA256))
    broken_pem = PEM.replace("A", "B", 5)
    expect(ValueError, lambda: Consumer("k", rsa_key=broken_pem))
    for error in errors:
        text = exception_text(error)
        secrets.assert_absent(text, f"{type(error).__name__}")
        for fragment in rsa_key_fragments():
            assert fragment not in text
        if isinstance(error, OAuthError):
            secrets.assert_absent(problem_body(error).decode("ascii"), "a problem report")


@settings(max_examples=200, deadline=None)
@given(
    secret=st.text(min_size=8, max_size=40).filter(lambda s: s.strip() == s and "\x00" not in s),
    others=st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=8)), max_size=3),
    status=st.sampled_from([200, 400, 401, 500]),
    as_json=st.booleans(),
)
def test_token_secrets_in_credentials_replies_are_masked(
    secret: str, others: list[tuple[str, str]], status: int, as_json: bool
) -> None:
    import json
    from urllib.parse import urlencode

    fields = [*others, ("oauth_token_secret", secret)]
    body = json.dumps(dict(fields)) if as_json else urlencode(fields, quote_via=quote)
    masked = mask_token_secret(body)
    encoded = quote(secret, safe="") if not as_json else json.dumps(secret)[1:-1]
    # Only the secret's own field may hold it: other fields, and field names, must not.
    assume(encoded not in body.replace(encoded, "", 1))
    assume(encoded not in "oauth_token_secret")
    # A short generated secret may be a piece of the library's own wording ("credenti"): seen
    # with a neutral secret in its place, the message would hold it too, and that is no leak.
    neutral = _token_reply_error_text(body.replace(encoded, "0" * len(encoded)), status)
    assume(encoded not in neutral)
    assert encoded not in masked.replace("oauth_token_secret", "")
    text = _token_reply_error_text(body, status)
    assert encoded not in text.replace("oauth_token_secret", "")


def _token_reply_error_text(body: str, status: int) -> str:
    """All the text of the error ``parse_token_response`` raises for ``body``, or ``""``."""
    try:
        parse_token_response(body, status=status)
    except TokenResponseError as error:
        return exception_text(error)
    return ""


def test_signature_base_string_shows_no_secret() -> None:
    # The debugging aid prints the base string; it holds no secret by construction (§3.4.1).
    secrets = Secrets()
    token = Token("hygiene-token", "ts-7Yq/token secret=2")
    secrets.add_credentials(CONSUMER, token)
    signed = sign(Request("GET", "https://api.example/r?x=1"), CONSUMER, token, PLAINTEXT)
    secrets.assert_absent(str(signature_base(signed)), "the base string")
    secrets.assert_absent(repr(signature_base(signed)), "the base string repr")


def test_urllib3_log_redaction_masks_percent_encoded_names(
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    # oauth%5Fsignature is oauth_signature to any parser that decodes names (§3.6): its value is
    # as secret, and urllib3's DEBUG request line must not show it.
    query = "a=1&oauth%5Fsignature=cs-secret%26ts-secret&oauth%5fverifier=verifier-secret-9"
    with Urllib3Transport(timeout=5) as transport, serve(echo_app) as base:
        assert transport.send(Request("GET", f"{base}/r?{query}")).status == 200
    text = log_text(debug_logs)
    assert '"GET /r?a=1&' in text  # the request line was logged
    for secret in ("cs-secret", "ts-secret", "verifier-secret-9"):
        assert secret not in text


def test_urllib3_log_redaction_masks_only_oauth_values() -> None:
    # The filter sees every record of urllib3's connection pool: request lines get their OAuth
    # values masked; records without positional arguments pass through untouched.
    from transports.adapters.urllib3 import _REDACTION

    line = logging.LogRecord(
        "urllib3.connectionpool",
        logging.DEBUG,
        __file__,
        1,
        '%s "%s %s"',
        ("http://h:80", "GET", "/p?a=1&oauth_verifier=v-secret&oauth_signature=s%26t"),
        None,
    )
    assert _REDACTION.filter(line)
    assert "v-secret" not in line.getMessage()
    assert "s%26t" not in line.getMessage()
    assert "/p?a=1&oauth_verifier=***" in line.getMessage()
    plain = logging.LogRecord(
        "urllib3.connectionpool", logging.DEBUG, __file__, 1, "no args", None, None
    )
    assert _REDACTION.filter(plain)
    assert plain.getMessage() == "no args"
