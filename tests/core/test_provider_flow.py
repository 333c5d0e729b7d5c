"""The three-legged flow, provider side (RFC 5849 §2), driven by oauthcore and oauthlib clients."""

from __future__ import annotations

from typing import Any

import pytest
from oauthlib import oauth1

from oauthcore import (
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    ParameterAbsent,
    ParameterRejected,
    Request,
    Token,
    TokenKind,
    TokenRejected,
    VerifierInvalid,
    parse,
    sign,
    verify,
)
from oauthcore.encoding import append_query, decode_form
from oauthcore.provider import (
    TemporaryCredentials,
    authorize,
    callback_url,
    exchange,
    issue_temporary_credentials,
    make_token,
    make_verifier,
    token_response,
)

T = 1_700_000_000
PROVIDER = "https://provider.example.com"
CONSUMER = Consumer("ck", "consumer-secret")
CALLBACK = "https://client.example.net/back?state=xyz#done"


class Provider:
    """A toy provider that keeps its state in memory, as an application would in a database."""

    def __init__(self) -> None:
        self.store = MemoryCredentialStore([CONSUMER])
        self.nonces = MemoryNonceStore()
        self.pending: dict[str, TemporaryCredentials] = {}

    def request_token(self, request: Request) -> bytes:
        verified = verify(request, self.store, self.nonces, token_kind=None, now=T)
        temporary = issue_temporary_credentials(verified.params)
        self.store.add_token("ck", temporary.token, TokenKind.REQUEST)
        self.pending[temporary.token.key] = temporary
        return token_response(temporary.token)

    def authorize(self, token_key: str) -> str | None:
        temporary = authorize(self.pending[token_key])
        self.pending[token_key] = temporary
        return callback_url(temporary)

    def access_token(self, request: Request, **options: Any) -> bytes:
        params = parse(request)
        assert params.token is not None
        consumer = self.store.consumer(params.consumer_key)
        assert consumer is not None
        temporary = self.pending[params.token]
        access = exchange(
            request,
            params,
            consumer,
            temporary,
            nonces=self.nonces,
            now=T,
            consume=lambda: self.store.remove_token("ck", temporary.token.key, TokenKind.REQUEST),
            **options,
        )
        self.store.add_token("ck", access, TokenKind.ACCESS)
        return token_response(access)


def fields(body: bytes) -> dict[str, str]:
    return dict(decode_form(body.decode("ascii")))


def post(url: str, token: Token | None = None, **options: Any) -> Request:
    options.setdefault("timestamp", T)
    return sign(Request("POST", url), CONSUMER, token, **options)


def start(provider: Provider, callback: str = CALLBACK) -> tuple[Token, str]:
    """Run the first two legs; return the request token and the verifier."""
    reply = fields(provider.request_token(post(PROVIDER + "/request_token", callback=callback)))
    assert reply["oauth_callback_confirmed"] == "true"
    token = Token(reply["oauth_token"], reply["oauth_token_secret"])
    redirect = provider.authorize(token.key)
    if callback == "oob":
        assert redirect is None
        verifier = provider.pending[token.key].verifier
        assert verifier is not None
        return token, verifier
    assert redirect is not None
    assert redirect.startswith("https://client.example.net/back?state=xyz&oauth_token=")
    assert redirect.endswith("#done")
    query = dict(decode_form(redirect.partition("?")[2].partition("#")[0]))
    assert query["oauth_token"] == token.key
    return token, query["oauth_verifier"]


def test_the_whole_flow() -> None:
    provider = Provider()
    request_token, verifier = start(provider)
    reply = fields(
        provider.access_token(post(PROVIDER + "/access_token", request_token, verifier=verifier))
    )
    assert set(reply) == {"oauth_token", "oauth_token_secret"}
    access = Token(reply["oauth_token"], reply["oauth_token_secret"])
    resource = sign(Request("GET", PROVIDER + "/photos"), CONSUMER, access, timestamp=T)
    assert verify(resource, provider.store, provider.nonces, now=T).token == access
    # The request token worked once; it is gone now.
    assert provider.store.token("ck", request_token.key, TokenKind.REQUEST) is None


def test_out_of_band_flow() -> None:
    provider = Provider()
    request_token, verifier = start(provider, callback="oob")
    provider.access_token(post(PROVIDER + "/access_token", request_token, verifier=verifier))


def test_a_request_token_works_once() -> None:
    provider = Provider()
    request_token, verifier = start(provider)
    provider.access_token(post(PROVIDER + "/access_token", request_token, verifier=verifier))
    again = post(PROVIDER + "/access_token", request_token, verifier=verifier, nonce="another")
    with pytest.raises(TokenRejected, match="already exchanged"):
        provider.access_token(again)


def test_a_wrong_verifier_uses_up_nothing() -> None:
    provider = Provider()
    request_token, verifier = start(provider)
    wrong = post(PROVIDER + "/access_token", request_token, verifier=verifier + "x", nonce="n1")
    with pytest.raises(VerifierInvalid) as info:
        provider.access_token(wrong)
    assert verifier not in str(info.value)
    assert (info.value.status, info.value.parameter) == (401, "oauth_verifier")
    missing = post(PROVIDER + "/access_token", request_token, nonce="n2")
    with pytest.raises(ParameterAbsent, match="oauth_verifier"):
        provider.access_token(missing)
    # Neither the nonces nor the request token were used up: the right request still works.
    right = post(PROVIDER + "/access_token", request_token, verifier=verifier, nonce="n1")
    provider.access_token(right)


def test_the_flow_driven_by_oauthlib() -> None:
    provider = Provider()
    client = oauth1.Client(
        "ck", client_secret="consumer-secret", callback_uri=CALLBACK, timestamp=str(T), nonce="a1"
    )
    uri, headers, _ = client.sign(PROVIDER + "/request_token", "POST")
    body = provider.request_token(Request("POST", uri, headers=headers))
    reply = fields(body)
    redirect = provider.authorize(reply["oauth_token"])
    assert redirect is not None
    verifier = dict(decode_form(redirect.partition("?")[2].partition("#")[0]))["oauth_verifier"]
    client = oauth1.Client(
        "ck",
        client_secret="consumer-secret",
        resource_owner_key=reply["oauth_token"],
        resource_owner_secret=reply["oauth_token_secret"],
        verifier=verifier,
        timestamp=str(T),
        nonce="a2",
    )
    uri, headers, _ = client.sign(PROVIDER + "/access_token", "POST")
    assert "oauth_token_secret" in fields(
        provider.access_token(Request("POST", uri, headers=headers))
    )


def test_exchange_refuses_unauthorized_or_foreign_credentials() -> None:
    temporary = TemporaryCredentials("ck", Token("rt", "rs"), CALLBACK)
    request = post(PROVIDER + "/access_token", Token("rt", "rs"), verifier="v")
    params = parse(request)
    with pytest.raises(TokenRejected, match="not authorized"):
        exchange(request, params, CONSUMER, temporary, now=T)
    authorized = authorize(temporary, verifier="v")
    assert exchange(
        request, params, CONSUMER, authorized, now=T, access_token=Token("at", "as")
    ) == Token("at", "as")
    for other in (
        TemporaryCredentials("other-ck", Token("rt", "rs"), CALLBACK, verifier="v"),
        TemporaryCredentials("ck", Token("other-rt", "rs"), CALLBACK, verifier="v"),
    ):
        with pytest.raises(TokenRejected, match="not the temporary credentials"):
            exchange(request, params, CONSUMER, other, now=T)


# --- temporary credentials and callbacks (§2.1) ---


def params_with(callback: str | None, token: Token | None = None) -> Any:
    return parse(post(PROVIDER + "/request_token", token, callback=callback))


def test_callback_is_required() -> None:
    with pytest.raises(ParameterAbsent, match="oauth_callback is required") as info:
        issue_temporary_credentials(params_with(None))
    assert info.value.parameter == "oauth_callback"


@pytest.mark.parametrize(
    "callback",
    [
        "oob",
        "https://c.example/cb",
        "http://localhost:8080/cb?x=1",
        "myapp://oauth",
        "urn:ietf:wg:oauth:2.0:oob",
    ],
)
def test_acceptable_callbacks(callback: str) -> None:
    temporary = issue_temporary_credentials(params_with(callback))
    assert temporary.callback == callback
    assert temporary.is_oob == (callback == "oob")
    assert temporary.token.callback_confirmed
    assert not temporary.authorized


REFUSED_CALLBACKS = [
    "OOB",
    "/relative/cb",
    "no scheme",
    "javascript:alert(1)",
    "JavaScript:x",
    "data:text/html,x",
    "https:",
    "file:///etc/passwd",
    "https://c.example/a b",
    "x" * 500,
]


@pytest.mark.parametrize("callback", REFUSED_CALLBACKS)
def test_refused_callbacks(callback: str) -> None:
    with pytest.raises(ParameterRejected, match="absolute URI or 'oob'") as info:
        issue_temporary_credentials(params_with(callback))
    assert info.value.parameter == "oauth_callback"
    assert len(str(info.value)) < 200


def test_registered_callbacks_only() -> None:
    seen: list[str] = []

    def allowed(url: str) -> bool:
        seen.append(url)
        return url.startswith("https://c.example/")

    issue_temporary_credentials(params_with("https://c.example/cb"), callback_allowed=allowed)
    issue_temporary_credentials(params_with("oob"), callback_allowed=allowed)
    with pytest.raises(ParameterRejected, match="not a callback registered"):
        issue_temporary_credentials(params_with("https://evil.example/"), callback_allowed=allowed)
    assert seen == ["https://c.example/cb", "https://evil.example/"]


def test_a_temporary_credentials_request_has_no_token() -> None:
    with pytest.raises(ParameterRejected, match="carries no oauth_token"):
        issue_temporary_credentials(params_with("oob", Token("t", "s")))


def test_issue_with_a_given_token() -> None:
    temporary = issue_temporary_credentials(params_with("oob"), token=Token("rt", "rs"))
    assert (temporary.consumer_key, temporary.token.key, temporary.token.secret) == (
        "ck",
        "rt",
        "rs",
    )


# --- authorization and the redirect back (§2.2) ---


def test_authorize() -> None:
    temporary = issue_temporary_credentials(params_with(CALLBACK), token=Token("rt", "rs"))
    with pytest.raises(ValueError, match="before redirecting"):
        callback_url(temporary)
    done = authorize(temporary, verifier="s3cr3t-v")
    assert done.authorized
    assert "s3cr3t-v" not in repr(done)
    assert "rs" not in repr(done)
    assert callback_url(done) == (
        "https://client.example.net/back?state=xyz&oauth_token=rt&oauth_verifier=s3cr3t-v#done"
    )
    with pytest.raises(ValueError, match="already authorized"):
        authorize(done)
    with pytest.raises(ValueError, match="must not be empty"):
        authorize(temporary, verifier="")
    assert authorize(temporary).verifier != authorize(temporary).verifier


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://c.example/cb", "https://c.example/cb?oauth_token=a%20b&v=%2F%26"),
        ("https://c.example/cb?", "https://c.example/cb?oauth_token=a%20b&v=%2F%26"),
        ("https://c.example/cb?x=1", "https://c.example/cb?x=1&oauth_token=a%20b&v=%2F%26"),
        ("https://c.example/cb?x=1&", "https://c.example/cb?x=1&oauth_token=a%20b&v=%2F%26"),
        ("https://c.example/cb#f?g", "https://c.example/cb?oauth_token=a%20b&v=%2F%26#f?g"),
        ("myapp://x?y=1#z", "myapp://x?y=1&oauth_token=a%20b&v=%2F%26#z"),
    ],
)
def test_append_query(url: str, expected: str) -> None:
    assert append_query(url, [("oauth_token", "a b"), ("v", "/&")]) == expected


def test_append_nothing() -> None:
    assert append_query("https://c.example/cb#x", []) == "https://c.example/cb#x"


# --- credentials, verifiers and responses (§2.1, §2.3) ---


def test_make_token_and_verifier() -> None:
    first, second = make_token(), make_token()
    assert first.key != second.key
    assert first.secret != second.secret
    assert len(first.key) >= 22
    assert len(first.secret) >= 43
    assert make_token(key="k", secret="s") == Token("k", "s")
    assert make_verifier() != make_verifier()
    assert len(make_verifier()) >= 22


def test_token_response() -> None:
    assert token_response(Token("a b", "c&d")) == b"oauth_token=a%20b&oauth_token_secret=c%26d"
    temporary = Token(
        "t", "s", callback_confirmed=True, extra=[("user_id", "42"), ("screen name", "é")]
    )
    assert token_response(temporary) == (
        b"oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true"
        b"&user_id=42&screen%20name=%C3%A9"
    )
