"""``acts_on``: the replies a plug-in may return without handing them to the call flow (§3.3).

The plug-ins return a first reply as it came when ``acts_on`` says the flow would: the
property drives ``call_flow`` itself with every status and every combination of options,
and holds that for each status ``acts_on`` leaves out, the flow returns that very reply.
"""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from oauthcore import Consumer, Request, Token
from transports import Response
from transports.flow import REDIRECT_STATUSES, Signer
from transports.resilience import (
    RETRY_STATUSES,
    ClockSkew,
    RetryPolicy,
    TokenSession,
    acts_on,
    call_flow,
)

CONSUMER = Consumer("acts-on-consumer", "acts-on-consumer-secret")
TOKEN = Token("acts-on-token", "acts-on-token-secret", extra=(("oauth_session_handle", "h"),))
URL = "https://api.example.com/me"

# Reply bodies and headers that would make a flow act, were their status one it reads.
TROUBLE = [
    ({"Location": "/elsewhere"}, b""),
    ({"Retry-After": "0"}, b""),
    ({}, b"oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1-2"),
    ({}, b"oauth_problem=token_expired"),
    ({"WWW-Authenticate": 'OAuth realm="x", oauth_problem="token_expired"'}, b""),
]


def _returns_as_it_came(
    status: int,
    trouble: tuple[dict[str, str], bytes],
    retry: RetryPolicy | None,
    skew: bool,
    session: bool,
    method: str,
) -> bool:
    # Whether call_flow, given this first reply, returns that very reply.
    headers, body = trouble
    reply = Response(status, list(headers.items()), body, URL)
    flow = call_flow(
        Request(method, URL),
        Signer(CONSUMER, TOKEN),
        clock_skew=ClockSkew() if skew else None,
        retry=retry,
        session=TokenSession(TOKEN, "https://api.example.com/access_token") if session else None,
    )
    assert isinstance(next(flow), Request)
    try:
        flow.send(reply)
    except StopIteration as returned:
        return returned.value is reply
    flow.close()
    return False


# The statuses some option acts on, and their neighbours.
NAMED = sorted({*REDIRECT_STATUSES, 401, 408, *RETRY_STATUSES, 200, 204, 300, 304, 400, 403, 501})


def test_every_option_and_status_acts_on_leaves_out_is_returned_as_it_came() -> None:
    checked = 0
    for status, trouble, skew, session, method, retry in itertools.product(
        NAMED, TROUBLE, (False, True), (False, True), ("GET", "POST"), ("none", "default", "own")
    ):
        policy = {
            "none": None,
            "default": RetryPolicy(methods={method}),
            "own": RetryPolicy(statuses={status}, methods={method}),
        }[retry]
        if not acts_on(status, policy):
            checked += 1
            assert _returns_as_it_came(status, trouble, policy, skew, session, method), (
                status,
                trouble,
                retry,
                skew,
                session,
                method,
            )
    assert checked > 0


@given(
    status=st.integers(100, 599),
    trouble=st.sampled_from(TROUBLE),
    retry_statuses=st.none() | st.frozensets(st.integers(100, 599), max_size=8),
    skew=st.booleans(),
    session=st.booleans(),
    method=st.sampled_from(["GET", "POST", "DELETE"]),
)
def test_any_status_acts_on_leaves_out_is_returned_as_it_came(
    status: int,
    trouble: tuple[dict[str, str], bytes],
    retry_statuses: frozenset[int] | None,
    skew: bool,
    session: bool,
    method: str,
) -> None:
    retry = (
        None if retry_statuses is None else RetryPolicy(statuses=retry_statuses, methods={method})
    )
    if not acts_on(status, retry):
        assert _returns_as_it_came(status, trouble, retry, skew, session, method)


def test_acts_on_names_redirects_401_and_what_the_policy_retries() -> None:
    assert all(acts_on(status, None) for status in REDIRECT_STATUSES)
    assert acts_on(401, None)
    assert not any(acts_on(status, None) for status in RETRY_STATUSES)
    assert all(acts_on(status, RetryPolicy()) for status in RETRY_STATUSES)
    assert acts_on(408, RetryPolicy(statuses={408}))
    assert not any(acts_on(status, None) for status in (200, 204, 304, 400, 403, 404, 500))
