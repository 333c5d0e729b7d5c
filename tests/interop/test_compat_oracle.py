"""transports.oauth2_compat against oauthlib as an oracle, and round trips through oauthcore.

For any parameters and URL, python-oauth2's API as implemented here must produce the signature
oauthlib computes for the same request (RFC 5849 §3.4.1, §3.4.2), and what ``to_header`` /
``to_url`` / ``to_postdata`` put on the wire must verify with oauthcore's provider code.
"""

from __future__ import annotations

import string
from types import SimpleNamespace
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

import oauthcore
import transports.oauth2_compat as oauth
from oauthcore.encoding import percent_encode
from transports.oauth2_compat import _values

EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONSUMER = oauth.Consumer("consumer key", "consumer&secret")
TOKEN = oauth.Token("token~key", "token secret ü")

# Names and values mix unreserved, reserved, space, "+", "%" and non-ASCII characters.
TEXT = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + "-._~ +%&=/?#[]!$'()*,;:@üé☃"),
    max_size=12,
)
NAMES = TEXT.filter(lambda name: not name.startswith("oauth_"))
VALUES = st.one_of(
    TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.lists(TEXT, min_size=1, max_size=3),
)
PARAMS = st.dictionaries(NAMES, VALUES, max_size=5)
QUERY = st.lists(st.tuples(NAMES, TEXT), max_size=4)
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"])
URLS = st.sampled_from(
    [
        "http://example.com/",
        "https://API.Example.COM:443/1/statuses",
        "http://example.com:8080/r%20s/~x",
        "https://h.example/a/b;p=1",
    ]
)


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{percent_encode(name)}={percent_encode(value)}" for name, value in pairs)


def oauthlib_signature_of(request: oauth.Request, url: str, query: list[tuple[str, str]]) -> str:
    own = {name: value for name, value in request.items() if name != "oauth_signature"}
    params = [*query, *_values.text_pairs(own)]
    # oauthlib's stubs are narrower than the functions: they take pairs and any method name.
    normalized = oauthlib_signature.normalize_parameters(cast(Any, params))
    uri = oauthlib_signature.base_string_uri(url)
    base = oauthlib_signature.signature_base_string(cast(Any, request.method), uri, normalized)
    client = SimpleNamespace(client_secret=CONSUMER.secret, resource_owner_secret=TOKEN.secret)
    return str(oauthlib_signature.sign_hmac_sha1_with_client(base, client))


@EXAMPLES
@given(method=METHODS, url=URLS, query=QUERY, params=PARAMS, form=st.booleans())
def test_signature_equals_oauthlibs(
    method: str, url: str, query: list[tuple[str, str]], params: dict[str, Any], form: bool
) -> None:
    encoded = query_string(query)
    full = f"{url}?{encoded}" if encoded else url
    request = oauth.Request.from_consumer_and_token(
        CONSUMER, TOKEN, method, full, params, body=b"payload", is_form_encoded=form
    )
    request.sign_request(oauth.SignatureMethod_HMAC_SHA1(), CONSUMER, TOKEN)
    assert request["oauth_signature"] == oauthlib_signature_of(request, url, query)
    assert oauth.SignatureMethod_HMAC_SHA1().check(
        request, CONSUMER, TOKEN, request["oauth_signature"]
    )


@EXAMPLES
@given(url=URLS, query=QUERY, params=PARAMS, placement=st.sampled_from(["header", "url", "form"]))
def test_what_goes_on_the_wire_verifies_with_oauthcore(
    url: str, query: list[tuple[str, str]], params: dict[str, Any], placement: str
) -> None:
    encoded = query_string(query)
    full = f"{url}?{encoded}" if encoded else url
    method = "GET" if placement == "url" else "POST"
    request = oauth.Request.from_consumer_and_token(
        CONSUMER, TOKEN, method, full, params, b"payload", is_form_encoded=placement != "header"
    )
    request.sign_request(oauth.SignatureMethod_HMAC_SHA1(), CONSUMER, TOKEN)
    others = {name: value for name, value in request.items() if not name.startswith("oauth_")}
    form = [("Content-Type", "application/x-www-form-urlencoded")]
    if placement == "header":
        wire_url = oauth.Request("GET", full, others).to_url()
        core = oauthcore.Request("POST", wire_url, list(request.to_header().items()), b"payload")
    elif placement == "url":
        core = oauthcore.Request("GET", request.to_url())
    else:
        core = oauthcore.Request("POST", full, form, request.to_postdata().encode("ascii"))
    oauthcore.check(core, oauthcore.parse(core), CONSUMER.core(), TOKEN.core())
    # And python-oauth2's provider side, reading the same request back, agrees.
    headers = dict(core.headers)
    body = core.body.decode("ascii") if placement == "form" else None
    received = oauth.Request.from_request(
        core.method, core.url, headers, query_string=body, body=b"" if body else core.body
    )
    assert received is not None
    server = oauth.Server()
    server.add_signature_method(oauth.SignatureMethod_HMAC_SHA1())
    server.timestamp_threshold = 10**10
    assert server.verify_request(received, CONSUMER, TOKEN) == received.get_nonoauth_parameters()
