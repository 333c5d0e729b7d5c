"""Real provider profiles: the shapes of OAuth 1.0a that live APIs speak (RFC 5849 + extensions).

One section per provider, each with the values its documentation (or test suite) publishes,
named next to them, and a round trip through oauthcore's provider side. Where a provider publishes
no signature, an independent implementation (oauthlib) signs the same request and both must agree.
The three-legged flows (Twitter, Jira, Garmin) are one test, parametrised by provider.
docs/providers.md has the matching recipes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest
from oauthlib.oauth1 import Client as OauthlibClient

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    RSA_SHA1,
    RSA_SHA256,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    NonceUsed,
    Placement,
    Request,
    SignatureInvalid,
    SignatureMethodRejected,
    TimestampRefused,
    Token,
    TokenKind,
    TokenRejected,
    VerifyPolicy,
    parse,
    sign,
    verify,
)
from oauthcore.base_string import signature_base
from oauthcore.client import authorization_url, parse_authorization_response, parse_token_response
from oauthcore.methods import SignatureMethod
from oauthcore.provider import (
    TemporaryCredentials,
    authorize,
    callback_url,
    exchange,
    issue_temporary_credentials,
    token_response,
)
from oauthcore.signing import hash_body
from tests import vectors
from tests.conftest import key_text

# --- a three-legged flow in pure code, both sides -----------------------------------------------


class FlowProvider:
    """A provider made of oauthcore's pure functions and in-memory stores (RFC 5849 §2)."""

    def __init__(self, consumer: Consumer, now: int) -> None:
        self.credentials = MemoryCredentialStore([consumer])
        self.nonces = MemoryNonceStore()
        self.pending: dict[str, TemporaryCredentials] = {}
        self.issued: dict[str, TemporaryCredentials] = {}  # kept after the exchange
        self.now = now

    def initiate(self, request: Request) -> bytes:
        """Temporary credentials endpoint (§2.1)."""
        verified = verify(request, self.credentials, self.nonces, token_kind=None, now=self.now)
        temporary = issue_temporary_credentials(verified.params)
        self.pending[temporary.token.key] = self.issued[temporary.token.key] = temporary
        return token_response(temporary.token)

    def owner_approves(self, token_key: str) -> TemporaryCredentials:
        """The resource owner says yes (§2.2)."""
        approved = authorize(self.pending[token_key])
        self.pending[token_key] = self.issued[token_key] = approved
        return approved

    def token(self, request: Request) -> bytes:
        """Token credentials endpoint (§2.3): the request token works once."""
        params = parse(request)
        assert params.token is not None
        temporary = self.issued[params.token]
        consumer = self.credentials.consumer(params.consumer_key)
        assert consumer is not None
        access = exchange(
            request,
            params,
            consumer,
            temporary,
            nonces=self.nonces,
            now=self.now,
            consume=lambda: self.pending.pop(temporary.token.key, None) is not None,
        )
        self.credentials.add_token(params.consumer_key, access, TokenKind.ACCESS)
        return token_response(access)


def three_legged(
    client: Consumer,
    provider_view: Consumer,
    method: SignatureMethod,
    *,
    base: str,
    callback: str,
    now: int = 1_700_000_000,
) -> tuple[FlowProvider, Token]:
    """Run §2.1-§2.3 end to end; returns the provider and the client's access token."""
    provider = FlowProvider(provider_view, now)
    initiate = sign(
        Request("POST", f"{base}/request_token"),
        client,
        None,
        method,
        callback=callback,
        timestamp=now,
    )
    request_token = parse_token_response(
        provider.initiate(initiate), require_callback_confirmed=True
    )
    assert authorization_url(f"{base}/authorize", request_token).endswith(
        f"?oauth_token={request_token.key}"
    )
    approved = provider.owner_approves(request_token.key)
    redirect = callback_url(approved)
    if callback == "oob":
        assert redirect is None
        assert approved.verifier is not None
        verifier = approved.verifier  # shown to the owner, typed into the client
    else:
        assert redirect is not None
        token_key, verifier = parse_authorization_response(redirect, request_token)
        assert token_key == request_token.key
    exchange_request = sign(
        Request("POST", f"{base}/access_token"),
        client,
        request_token,
        method,
        verifier=verifier,
        timestamp=now,
    )
    access = parse_token_response(provider.token(exchange_request))
    # A replayed exchange is refused (its nonce is spent), and so is a fresh exchange request
    # for the spent request token (it works once).
    with pytest.raises(NonceUsed):
        provider.token(exchange_request)
    again = sign(
        Request("POST", f"{base}/access_token"),
        client,
        request_token,
        method,
        verifier=verifier,
        timestamp=now,
    )
    with pytest.raises(TokenRejected, match="already exchanged"):
        provider.token(again)
    return provider, access


def assert_oauthlib_agrees(signed: Request, client: OauthlibClient) -> None:
    """oauthlib, given the same nonce and timestamp, signs the same header-signed request alike."""
    params = parse(signed)
    assert params.placement is Placement.HEADER
    client.nonce = params.nonce
    client.timestamp = str(params.timestamp)
    headers = {name: value for name, value in signed.headers if name != "Authorization"}
    # oauthlib adds a SHA-1 oauth_body_hash to any other body; these profiles send none.
    body = signed.body.decode("utf-8") if signed.is_form else None
    method: object = signed.method
    _, peer_headers, _ = client.sign(signed.url, method, body, headers)  # type: ignore[arg-type]
    peer = Request(signed.method, signed.url, list(peer_headers.items()), signed.body)
    assert parse(peer).signature == params.signature


# --- Twitter/X: HMAC-SHA1, Authorization header, three-legged -----------------------------------

TWITTER = Consumer(vectors.TWITTER_CONSUMER_KEY, vectors.TWITTER_CONSUMER_SECRET)


def test_twitter_documented_signature() -> None:
    # Twitter developer documentation, "Creating a signature" (values in tests/vectors.py).
    request = Request(
        "POST",
        vectors.TWITTER_URL,
        [("Content-Type", "application/x-www-form-urlencoded")],
        vectors.TWITTER_BODY,
    )
    signed = sign(
        request,
        TWITTER,
        Token(vectors.TWITTER_TOKEN, vectors.TWITTER_TOKEN_SECRET),
        HMAC_SHA1,
        nonce=vectors.TWITTER_NONCE,
        timestamp=vectors.TWITTER_TIMESTAMP,
    )
    assert signature_base(signed).base_string == vectors.TWITTER_BASE_STRING
    assert parse(signed).signature == vectors.TWITTER_SIGNATURE


# --- NetSuite token-based authentication: HMAC-SHA256, realm = account id -----------------------

# Oracle NetSuite help, "Constructing the Signature for Step One of the TBA Authorization Flow".
NETSUITE_STEP_ONE_KEY = "60712990bc09623786e7047c226bcb3f86d49dca0b04efc21001dc76d97a81f5"
NETSUITE_STEP_ONE_BASE = (
    "POST&https%3A%2F%2F1234567.restlets.api.netsuite.com%2Frest%2Frequesttoken&oauth_callback%3D"
    "https%253A%252F%252Fmy.example.com%252FTBA%252F%253FcallbackRequest%26oauth_consumer_key%3D"
    f"{NETSUITE_STEP_ONE_KEY}%26oauth_nonce%3DbUvpxBX93OWo0FLswq5M%26oauth_signature_method%3D"
    "HMAC-SHA256%26oauth_timestamp%3D1575998103%26oauth_version%3D1.0%26role%3D45678"
)
# Oracle NetSuite help, "The Signature for Web Services and RESTlets": the example's credentials.
NETSUITE = Consumer(
    "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
    "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
)
NETSUITE_TOKEN = Token(
    "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
    "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295",
)


def test_netsuite_documented_step_one_base_string() -> None:
    consumer = Consumer(NETSUITE_STEP_ONE_KEY, NETSUITE_STEP_ONE_KEY)
    signed = sign(
        Request.build(
            "POST",
            "https://1234567.restlets.api.netsuite.com/rest/requesttoken",
            data=[("role", "45678")],
        ),
        consumer,
        None,
        HMAC_SHA256,
        callback="https://my.example.com/TBA/?callbackRequest",
        nonce="bUvpxBX93OWo0FLswq5M",
        timestamp=1575998103,
    )
    assert signature_base(signed).base_string == NETSUITE_STEP_ONE_BASE


def test_netsuite_restlet_call_two_legged_with_token() -> None:
    url = (
        "https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl"
        "?script=6&deploy=1&customParam=someValue&testParam=someOtherValue"
    )
    body = b'{"recordtype": "customer", "id": 40}'
    signed = sign(
        Request("POST", url, [("Content-Type", "application/json")], body),
        NETSUITE,
        NETSUITE_TOKEN,
        HMAC_SHA256,
        realm="123456",  # the account id; sandboxes use the form 123456_SB1
        body_hash=False,  # NetSuite signs the query and OAuth parameters only
        nonce="fjaLirsIcCGVZWzBX0pg",
        timestamp=1508242306,
    )
    header = signed.header("Authorization") or ""
    assert header.startswith('OAuth realm="123456", oauth_consumer_key=')
    assert "oauth_body_hash" not in header
    assert "realm" not in signature_base(signed).normalized_parameters
    store = MemoryCredentialStore([NETSUITE])
    store.add_token(NETSUITE.key, NETSUITE_TOKEN, TokenKind.ACCESS)
    verified = verify(signed, store, MemoryNonceStore(), now=1508242306)
    assert verified.params.realm == "123456"
    assert_oauthlib_agrees(
        signed,
        OauthlibClient(
            NETSUITE.key,
            client_secret=NETSUITE.secret,
            resource_owner_key=NETSUITE_TOKEN.key,
            resource_owner_secret=NETSUITE_TOKEN.secret,
            signature_method="HMAC-SHA256",
            realm="123456",
        ),
    )


# --- WooCommerce over plain http: query placement, HMAC-SHA256, no token ------------------------

WOO = Consumer(
    "ck_4f1c3a8e0b5d2e7f9a6c1b3d5e7f9a1c3b5d7e9f", "cs_0a2b4c6d8e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b"
)


def test_woocommerce_over_http_signs_in_the_query() -> None:
    request = Request.build(
        "GET",
        "http://shop.example/wp-json/wc/v3/products",
        params=[("per_page", "5"), ("page", "2")],
    )
    signed = sign(request, WOO, None, HMAC_SHA256, placement=Placement.QUERY)
    assert signed.header("Authorization") is None
    assert "oauth_token" not in signed.url
    assert "&oauth_signature=" in signed.url
    verified = verify(signed, MemoryCredentialStore([WOO]), MemoryNonceStore(), token_kind=None)
    assert verified.token is None
    params = parse(signed)
    client = OauthlibClient(
        WOO.key,
        client_secret=WOO.secret,
        signature_method="HMAC-SHA256",
        signature_type="QUERY",
        nonce=params.nonce,
        timestamp=str(params.timestamp),
    )
    peer_url, _, _ = client.sign(request.url, "GET")
    peer = parse(Request("GET", peer_url))
    assert peer.signature == params.signature


# --- Jira / Confluence Server application links: RSA-SHA1, out-of-band verifier -----------------

JIRA_CLIENT = Consumer("jira-app-link", rsa_key=key_text("oauthlib_1024.pem"))
JIRA_PROVIDER_VIEW = Consumer("jira-app-link", rsa_key=key_text("oauthlib_1024.pkcs1.pub.pem"))


def test_jira_application_link_accepts_rsa_sha1_only() -> None:
    # An application link has no shared secret: accept RSA-SHA1 only, so that nobody can sign
    # with HMAC and the empty secret. (The out-of-band flow itself is in THREE_LEGGED_FLOWS.)
    provider = FlowProvider(JIRA_PROVIDER_VIEW, 1_700_000_000)
    forged = sign(
        Request("GET", "https://jira.example/plugins/servlet/oauth/request-token"),
        Consumer("jira-app-link"),
        None,
        HMAC_SHA1,
        callback="oob",
        timestamp=provider.now,
    )
    with pytest.raises(SignatureMethodRejected):
        verify(
            forged,
            provider.credentials,
            provider.nonces,
            token_kind=None,
            now=provider.now,
            policy=VerifyPolicy([RSA_SHA1]),
        )


def test_rsa_only_consumer_refuses_shared_secret_methods_by_default() -> None:
    provider = FlowProvider(JIRA_PROVIDER_VIEW, 1_700_000_000)
    forged = sign(
        Request("GET", "https://jira.example/plugins/servlet/oauth/request-token"),
        Consumer("jira-app-link"),
        None,
        HMAC_SHA1,
        callback="oob",
        timestamp=provider.now,
    )
    with pytest.raises(SignatureInvalid):
        verify(forged, provider.credentials, provider.nonces, token_kind=None, now=provider.now)


# --- Mastercard APIs: RSA-SHA256 and a SHA-256 oauth_body_hash on every request -----------------

# Mastercard's oauth1-signer-python tests (tests/test_oauth.py) publish these values.
MASTERCARD = Consumer("dummy", rsa_key=key_text("mastercard_test_key.pem"))
MASTERCARD_EMPTY_BODY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
MASTERCARD_BRACES_BODY_HASH = "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="
MASTERCARD_UNICODE_BODY_HASH = "+Z+PWW2TJDnPvRcTgol+nKO3LT7xm8smnsg+//XMIyI="
MASTERCARD_SIGNATURE_OF_TEXT = (
    "IJeNKYGfUhFtj5OAPRI92uwfjJJLCej3RCMLbp7R6OIYJhtwxnTkloHQ2bgV7fks4GT/A7rkqrgUGk0ewbwIC6nS3piJHyKV"
    "c7rvQXZuCQeeeQpFzLRiH3rsb+ZS+AULK+jzDje4Fb+BQR6XmxuuJmY6YrAKkj13Ln4K6bZJlSxOizbNvt+Htnx+hNd4Vga"
    "VBeJKcLhHfZbWQxK76nMnjY7nDcM/2R6LUIR2oLG1L9m55WP3bakAvmOr392ulv1+mWCwDAZZzQ4lakDD2BTu0ZaVsvBW+m"
    "cKFxYeTq7SyTQMM4lEwFPJ6RLc8jJJ+veJXHekLVzWg4qHRtzNBLz1mA=="
)
MASTERCARD_XML_URL = (
    "https://sandbox.api.mastercard.com/fraud/merchant/v1/termination-inquiry"
    "?Format=XML&PageOffset=0&PageLength=10"
)
MASTERCARD_XML_BODY = (
    '<?xml version="1.0" encoding="Windows-1252"?><ns2:TerminationInquiryRequest xmlns:ns2="htt'
    'p://mastercard.com/termination"><AcquirerId>1996</AcquirerId><TransactionReferenceNumber>1'
    "</TransactionReferenceNumber><Merchant><Name>TEST</Name><DoingBusinessAsName>TEST</DoingBu"
    "sinessAsName><PhoneNumber>5555555555</PhoneNumber><NationalTaxId>1234567890</NationalTaxId"
    "><Address><Line1>5555 Test Lane</Line1><City>TEST</City><CountrySubdivision>XX</CountrySub"
    "division><PostalCode>12345</PostalCode><Country>USA</Country></Address><Principal><FirstNa"
    "me>John</FirstName><LastName>Smith</LastName><NationalId>1234567890</NationalId><PhoneNumb"
    "er>5555555555</PhoneNumber><Address><Line1>5555 Test Lane</Line1><City>TEST</City><Country"
    "Subdivision>XX</CountrySubdivision><PostalCode>12345</PostalCode><Country>USA</Country></A"
    "ddress><DriversLicense><Number>1234567890</Number><CountrySubdivision>XX</CountrySubdivisi"
    "on></DriversLicense></Principal></Merchant></ns2:TerminationInquiryRequest>"
).encode("ascii")
MASTERCARD_XML_BASE_STRING = (
    "POST&https%3A%2F%2Fsandbox.api.mastercard.com%2Ffraud%2Fmerchant%2Fv1%2Ftermination-inquiry&"
    "Format%3DXML%26PageLength%3D10%26PageOffset%3D0%26oauth_body_hash%3Dh2Pd7zlzEZjZVIKB4j94UZn%"
    "252FxxoR3RoCjYQ9%252FJdadGQ%253D%26oauth_consumer_key%3Dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxx%26oauth_nonce%3D1111111111111111111%26oauth_timestamp%3D1111111111%26oauth_version"
    "%3D1.0"
)


def test_mastercard_published_body_hashes_and_signature() -> None:
    assert hash_body(b"", "sha256") == MASTERCARD_EMPTY_BODY_HASH
    assert hash_body(b"{}", "sha256") == MASTERCARD_BRACES_BODY_HASH
    assert hash_body('{"foõ":"bar"}'.encode(), "sha256") == MASTERCARD_UNICODE_BODY_HASH
    assert RSA_SHA256.sign("baseString", MASTERCARD, None) == MASTERCARD_SIGNATURE_OF_TEXT


def test_mastercard_published_base_string() -> None:
    request = Request(
        "POST", MASTERCARD_XML_URL, [("Content-Type", "application/xml")], MASTERCARD_XML_BODY
    )
    oauth = [
        ("oauth_consumer_key", "x" * 48),
        ("oauth_nonce", "1111111111111111111"),
        ("oauth_timestamp", "1111111111"),
        ("oauth_version", "1.0"),
        ("oauth_body_hash", hash_body(MASTERCARD_XML_BODY, "sha256")),
    ]
    assert signature_base(request, oauth).base_string == MASTERCARD_XML_BASE_STRING


@pytest.mark.parametrize(
    ("method", "body"),
    [("POST", b'{"merchantId": "GOOGLE LTD ADWORDS (CC@GOOGLE.COM)"}'), ("GET", b"")],
)
def test_mastercard_json_round_trip(method: str, body: bytes) -> None:
    headers = [("Content-Type", "application/json")] if body else []
    request = Request(
        method,
        "https://sandbox.api.mastercard.com/merchantid/v1/merchantid"
        "?Format=JSON&MerchantId=GOOGLE%20LTD%20ADWORDS",
        headers,
        body,
    )
    # Mastercard's rule: a body hash on every request, of the empty body for a GET.
    signed = sign(request, MASTERCARD, None, RSA_SHA256, body_hash=True)
    params = parse(signed)
    assert params.body_hash == hash_body(body, "sha256")
    provider_view = Consumer("dummy", rsa_key=MASTERCARD.rsa_key)
    verified = verify(
        signed, MemoryCredentialStore([provider_view]), MemoryNonceStore(), token_kind=None
    )
    assert verified.params.signature_method == "RSA-SHA256"
    tampered = Request(signed.method, signed.url, signed.headers, body + b" ")
    with pytest.raises(SignatureInvalid, match="oauth_body_hash"):
        verify(
            tampered, MemoryCredentialStore([provider_view]), MemoryNonceStore(), token_kind=None
        )


# --- Magento 2 integration tokens: HMAC-SHA256, all four credentials issued up front ------------

MAGENTO = Consumer("k7mq2xw4d1v8n5b3c6z9j0h2g4f1s8a5", "s3d5f7g9h1j3k5l7z9x1c3v5b7n9m1q3")
MAGENTO_TOKEN = Token("t2y4u6i8o0p2a4s6d8f0g2h4j6k8l0z2", "e1r3t5y7u9i1o3p5a7s9d1f3g5h7j9k1")


def test_magento_integration_token_call() -> None:
    store = MemoryCredentialStore([MAGENTO])
    store.add_token(MAGENTO.key, MAGENTO_TOKEN, TokenKind.ACCESS)
    url = (
        "https://magento.example/rest/V1/products"
        "?searchCriteria%5BpageSize%5D=10&fields=items%5Bsku%2Cname%5D"
    )
    signed = sign(Request("GET", url), MAGENTO, MAGENTO_TOKEN, HMAC_SHA256)
    verified = verify(signed, store, MemoryNonceStore())
    assert verified.token == MAGENTO_TOKEN
    # Brackets in the query are decoded once and encoded once, as RFC 5849 §3.4.1.3 says.
    assert "searchCriteria%255BpageSize%255D%3D10" in signature_base(signed).base_string
    assert_oauthlib_agrees(
        signed,
        OauthlibClient(
            MAGENTO.key,
            client_secret=MAGENTO.secret,
            resource_owner_key=MAGENTO_TOKEN.key,
            resource_owner_secret=MAGENTO_TOKEN.secret,
            signature_method="HMAC-SHA256",
        ),
    )
    with pytest.raises(SignatureMethodRejected):
        verify(
            sign(Request("GET", url), MAGENTO, MAGENTO_TOKEN, HMAC_SHA1),
            store,
            MemoryNonceStore(),
            policy=VerifyPolicy([HMAC_SHA256]),
        )


# --- LTI 1.1 launch: form POST, the tool verifies (provider side) -------------------------------

# Launches signed by the learn-lti test tool, published in harvard-edtech/caccl-lti's tests
# (test/examples/launches/valid.js and invalid.js): launch URL, secret, form fields, signature.
LTI_URL = "https://localhost:8080/launch"
LTI_CONSUMER = Consumer("5b6ee40cc9fcdaede550654a93307dcd", "c64d84750dcb21febd995058588f019f")


def lti_launch(timestamp: str, nonce: str, fields: dict[str, str], signature: str) -> Request:
    """A launch form as the LMS posts it: OAuth and LTI fields together in the body."""
    data = {
        "oauth_consumer_key": LTI_CONSUMER.key,
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": timestamp,
        "oauth_nonce": nonce,
        "oauth_version": "1.0",
        "lti_message_type": "basic-lti-launch-request",
        "lti_version": "LTI-1p0",
        **fields,
        "oauth_signature": signature,
    }
    return Request.build("POST", LTI_URL, data=list(data.items()))


LTI_VALID = [
    lti_launch(
        "1536162928",
        "1rC2NGlkEacq5jD0u7msfCT0mRfOaFMz4jJyvHM4MsQ",
        {
            "context_id": "e05c24be1e",
            "context_title": "Section 955",
            "launch_presentation_return_url": "https://learn-lti.herokuapp.com/tool_return/signature_check/2/6862",
            "lis_person_name_full": "Dong Miller",
            "resource_link_id": "30fd061cfe",
            "roles": "",
            "tool_consumer_instance_name": "Organization 738",
            "user_id": "b029d74d0a",
        },
        "/tuo1sYQB8oKiKfbR7xB7ayuv0s=",
    ),
    lti_launch(
        "1536162929",
        "gF0HZHJPGyeicNv8eW0NFlhLyv0l60mkT7albdBaws",
        {
            "context_id": "b716c3bf45",
            "context_title": "Course 517",
            "launch_presentation_return_url": "https://learn-lti.herokuapp.com/tool_return/signature_check/2/628",
            "lis_person_name_full": "Dong Jones",
            "resource_link_id": "ca96a54273",
            "roles": "urn:lti:instrole:ims/lis/administrator",
            "tool_consumer_instance_name": "Class 465",
            "user_id": "b0a13934a8",
        },
        "s182wI2czmouKeqG5Bj7aX7N5BQ=",
    ),
]
LTI_INVALID = lti_launch(
    "1536163129",
    "8Xv2PewI5z8gGxsdoGJKTaFwkafSZ7d1WJKxsPiU8",
    {
        "context_id": "ba2b1ad824",
        "context_title": "Semester 357",
        "launch_presentation_return_url": "https://learn-lti.herokuapp.com/tool_return/signature_check/2/8152",
        "lis_person_name_full": "Suha Abel",
        "resource_link_id": "f2370dcc14",
        "roles": "instructor",
        "tool_consumer_instance_name": "Lesson 758",
        "user_id": "9bf47b284d",
    },
    "d1jzpAFfTqf5qrXCmT+O1lwXiQs=",
)


@pytest.mark.parametrize("launch", LTI_VALID)
def test_lti_published_launches_verify(launch: Request) -> None:
    store = MemoryCredentialStore([LTI_CONSUMER])
    nonces = MemoryNonceStore()
    now = parse(launch).timestamp + 30
    verified = verify(launch, store, nonces, token_kind=None, now=now)
    assert verified.params.placement is Placement.BODY
    with pytest.raises(NonceUsed):  # the same launch posted twice is a replay
        verify(launch, store, nonces, token_kind=None, now=now)
    with pytest.raises(TimestampRefused):  # and a launch an hour old is stale
        verify(launch, store, MemoryNonceStore(), token_kind=None, now=now + 3600)


def test_lti_published_invalid_launch_is_refused() -> None:
    store = MemoryCredentialStore([LTI_CONSUMER])
    with pytest.raises(SignatureInvalid):
        verify(
            LTI_INVALID,
            store,
            MemoryNonceStore(),
            token_kind=None,
            now=parse(LTI_INVALID).timestamp,
        )


def test_lti_launch_signed_by_oauthcore_with_about_blank_callback() -> None:
    fields = [
        ("lti_message_type", "basic-lti-launch-request"),
        ("lti_version", "LTI-1p0"),
        ("resource_link_id", "429785226"),
        ("roles", "Instructor,urn:lti:role:ims/lis/TeachingAssistant"),
        ("custom_chapter", "Größen & Maße + π"),
    ]
    launch = sign(
        Request.build("POST", "https://tool.example/lti/launch", data=fields),
        LTI_CONSUMER,
        placement=Placement.BODY,
        callback="about:blank",  # what LTI 1.1 consumers send
    )
    verified = verify(
        launch, MemoryCredentialStore([LTI_CONSUMER]), MemoryNonceStore(), token_kind=None
    )
    assert verified.params.callback == "about:blank"


# --- Garmin: HMAC-SHA1, POSTs whose body must (form) or must not (JSON) be signed ---------------

# Garmin's signature tool output, quoted in requests-oauthlib issue #432 ("Signature does not
# match with Garmin"): a POST to the training API with these credentials, nonce and timestamp.
GARMIN = Consumer("18fdbc0b-0e33-4f02-bac8-e3bc3f53234d", "jD4QwYRhdvtxtZr9yKSDkfr1krT01i7mH22")
GARMIN_TOKEN = Token("3d2e4fad-a31b-48e8-ad6a-35ade93a9855", "rYdd5WQU49sc1f0bryX2YA5B52u16D1Vydv")
GARMIN_SIGNATURE = "0HzWjLTJsDxsvr1iUxXB/vvotZ4="


def garmin_workout(body: bytes, content_type: str) -> Request:
    """A POST to the workout endpoint, signed with the published nonce and timestamp."""
    return sign(
        Request(
            "POST",
            "https://apis.garmin.com/training-api/workout/",
            [("Content-Type", content_type)],
            body,
        ),
        GARMIN,
        GARMIN_TOKEN,
        HMAC_SHA1,
        nonce="4NH0QkD4spw",
        timestamp=1607308412,
        body_hash=False,
    )


def test_garmin_published_signature() -> None:
    signed = garmin_workout(b'{"workoutName": "Run"}', "application/json")
    assert parse(signed).signature == GARMIN_SIGNATURE


def test_garmin_form_post_with_charset_signs_its_fields() -> None:
    # "application/x-www-form-urlencoded; charset=UTF-8" is still a form (RFC 5849 §3.4.1.3.1):
    # its fields are signed. oauthlib refuses to sign it (interop/test_interop_divergences.py).
    form = b"uploadStartTimeInSeconds=1607300000&uploadEndTimeInSeconds=1607308412"
    signed = garmin_workout(form, "application/x-www-form-urlencoded; charset=UTF-8")
    assert parse(signed).signature != GARMIN_SIGNATURE
    assert "uploadEndTimeInSeconds%3D1607308412" in signature_base(signed).base_string
    store = MemoryCredentialStore([GARMIN])
    store.add_token(GARMIN.key, GARMIN_TOKEN, TokenKind.ACCESS)
    verify(signed, store, MemoryNonceStore(), now=1607308412)


# --- the three-legged flow of each provider that has one (§2), then a protected call -----------


class ThreeLeggedFlow(NamedTuple):
    """One provider's flow: who signs, what the provider holds, its endpoints and a first call."""

    client: Consumer
    provider_view: Consumer  # the provider's record of the client: the public key for RSA
    method: SignatureMethod
    base: str
    callback: str
    call: Request  # a protected resource request, signed with the access token


THREE_LEGGED_FLOWS = [
    pytest.param(
        ThreeLeggedFlow(
            TWITTER,
            TWITTER,
            HMAC_SHA1,
            base="https://api.x.com/oauth",
            callback="https://client.example/sign-in-with-x",
            call=Request.build(
                "POST",
                "https://api.x.com/1.1/statuses/update.json",
                data=[("status", "Hello Ladies + Gentlemen, a signed OAuth request!")],
            ),
        ),
        id="twitter",
    ),
    pytest.param(
        ThreeLeggedFlow(
            JIRA_CLIENT,
            JIRA_PROVIDER_VIEW,
            RSA_SHA1,
            base="https://jira.example/plugins/servlet/oauth",
            callback="oob",
            call=Request("GET", "https://jira.example/rest/api/2/issue/PROJ-1"),
        ),
        id="jira-rsa-sha1-out-of-band",
    ),
    pytest.param(
        ThreeLeggedFlow(
            GARMIN,
            GARMIN,
            HMAC_SHA1,
            base="https://connectapi.garmin.com/oauth-service/oauth",
            callback="https://client.example/garmin/callback?state=a%2Fb",
            call=Request.build(
                "POST",
                "https://apis.garmin.com/wellness-api/rest/backfill/activities",
                data=[("summaryStartTimeInSeconds", "1607300000")],
            ),
        ),
        id="garmin",
    ),
]


@pytest.mark.parametrize("flow", THREE_LEGGED_FLOWS)
def test_provider_three_legged_flow(flow: ThreeLeggedFlow) -> None:
    provider, access = three_legged(
        flow.client, flow.provider_view, flow.method, base=flow.base, callback=flow.callback
    )
    call = sign(flow.call, flow.client, access, flow.method, timestamp=provider.now)
    verified = verify(call, provider.credentials, provider.nonces, now=provider.now)
    assert verified.params.signature_method == flow.method.name
    assert verified.token is not None
    assert verified.token.key == access.key


# --- every profile's request is refused once tampered with --------------------------------------

TAMPERINGS: list[Callable[[Request], Request]] = [
    lambda r: Request(r.method, r.url.replace("https://", "http://", 1), r.headers, r.body),
    lambda r: Request("PUT" if r.method == "POST" else "POST", r.url, r.headers, r.body),
]


@pytest.mark.parametrize("tamper", TAMPERINGS)
def test_tampered_profile_requests_are_refused(tamper: Callable[[Request], Request]) -> None:
    signed = garmin_workout(b"a=1", "application/x-www-form-urlencoded")
    store = MemoryCredentialStore([GARMIN])
    store.add_token(GARMIN.key, GARMIN_TOKEN, TokenKind.ACCESS)
    with pytest.raises(SignatureInvalid):
        verify(tamper(signed), store, MemoryNonceStore(), now=1607308412)
