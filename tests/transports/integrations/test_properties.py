"""Properties: whatever requests or httpx makes of a request (query, form, JSON, raw bytes, drawn
from all of Unicode), the plug-in signs the bytes the stack sends, and oauthcore's provider
side accepts them; no network: the prepared request is read as it would go on the wire.
"""

from __future__ import annotations

from typing import Any

import httpx
import requests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from oauthcore import Consumer, Placement, Request, Token, VerifyPolicy, check, parse
from transports.integrations import HttpxAuth, RequestsAuth

CONSUMER = Consumer("consumer-key", "consumer secret&")
TOKEN = Token("token-key", "sëcret+/=%")
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.characters(), max_size=12)
PAIRS = st.lists(
    st.tuples(TEXT.filter(lambda name: not name.startswith("oauth_")), TEXT), max_size=4
)
BODIES = st.one_of(
    st.builds(lambda pairs: {"data": pairs}, PAIRS),
    st.builds(lambda value: {"json": value}, st.dictionaries(TEXT, TEXT, max_size=3)),
    st.builds(lambda raw: {"content": raw}, st.binary(max_size=64)),
    st.just({}),
)
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])


def verifies(method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> None:
    request = Request(method, url, headers, body)
    params = parse(request)
    check(request, params, CONSUMER, TOKEN, now=params.timestamp, policy=VerifyPolicy())


@EXAMPLES
@given(method=METHODS, query=PAIRS, body=BODIES, placement=st.sampled_from(list(Placement)))
def test_requests_auth_signs_what_requests_sends(
    method: str, query: list[tuple[str, str]], body: dict[str, Any], placement: Placement
) -> None:
    if placement is Placement.BODY and (method == "GET" or "data" not in body):
        placement = Placement.QUERY  # a body placement needs a form (GET moves to the query)
    raw = body.get("content")
    try:
        prepared = requests.Request(
            method,
            "https://api.example.com/photos",
            params=query,
            data=raw if raw is not None else body.get("data"),
            json=body.get("json"),
        ).prepare()
    except UnicodeEncodeError:
        assume(False)  # requests itself cannot encode a lone surrogate
        raise
    RequestsAuth(CONSUMER, TOKEN, placement=placement)(prepared)
    data = prepared.body or b""
    sent = data.encode("latin-1") if isinstance(data, str) else data
    assert isinstance(sent, bytes)
    headers = [(name, str(value)) for name, value in prepared.headers.items()]
    verifies(method, str(prepared.url), headers, sent)


@EXAMPLES
@given(method=METHODS, query=PAIRS, body=BODIES, placement=st.sampled_from(list(Placement)))
def test_httpx_auth_signs_what_httpx_sends(
    method: str, query: list[tuple[str, str]], body: dict[str, Any], placement: Placement
) -> None:
    if placement is Placement.BODY and (method == "GET" or "data" not in body):
        placement = Placement.QUERY
    try:
        request = httpx.Request(
            method,
            "https://api.example.com/photos",
            params=tuple(query),
            data=dict(body["data"]) if "data" in body else None,
            json=body.get("json"),
            content=body.get("content"),
        )
    except UnicodeEncodeError:
        assume(False)  # httpx itself cannot encode a lone surrogate
        raise
    flow = HttpxAuth(CONSUMER, TOKEN, placement=placement).sync_auth_flow(request)
    sent = next(flow)
    flow.close()
    verifies(method, str(sent.url), list(sent.headers.multi_items()), sent.read())
