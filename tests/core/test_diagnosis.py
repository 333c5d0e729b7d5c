"""oauthcore.diagnosis: the first difference of two base strings and its likely cause (§3.4.1).

Every cause is shown on a pair of base strings; hostile input (all of Unicode, lone surrogates,
broken escapes) ends in a Diagnosis or a ValueError, in linear time; identical base strings of
arbitrary requests never differ.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oauthcore import (
    Cause,
    Component,
    Consumer,
    Diagnosis,
    ParameterRejected,
    Request,
    SignatureInvalid,
    Token,
    VerifyPolicy,
    diff_base_strings,
    diff_requests,
    sign,
)
from oauthcore.base_string import signature_base
from oauthcore.diagnosis import revealed_base_string, split_base_string
from oauthcore.encoding import percent_encode

URI = "https://api.example.com/photos"


def base(
    params: str = "a=1&oauth_nonce=n", uri: str = URI, method: str = "GET", encode: bool = True
) -> str:
    """A base string from its parts: ``params`` is the normalized string (§3.4.1.3.2)."""
    last = percent_encode(params) if encode else params
    return f"{method}&{percent_encode(uri)}&{last}"


# (client's parts, provider's parts, component, cause): one line per cause and branch.
CASES = [
    ({"method": "get"}, {}, Component.METHOD, Cause.METHOD_CASE),
    ({"method": "POST"}, {}, Component.METHOD, Cause.METHOD),
    ({}, {"uri": "http://api.example.com/photos"}, Component.SCHEME, Cause.PROXY_SCHEME),
    ({"uri": "http://api.example.com/photos"}, {}, Component.SCHEME, Cause.SCHEME),
    ({"uri": "HTTPS://api.example.com/photos"}, {}, Component.SCHEME, Cause.SCHEME),
    ({"uri": "https://API.example.com/photos"}, {}, Component.HOST, Cause.HOST_CASE),
    ({"uri": "https://internal:8080/photos"}, {}, Component.HOST, Cause.HOST),
    ({"uri": "https://api.example.com:443/photos"}, {}, Component.PORT, Cause.DEFAULT_PORT),
    ({}, {"uri": "https://api.example.com:443/photos"}, Component.PORT, Cause.DEFAULT_PORT),
    ({"uri": "https://api.example.com:8443/photos"}, {}, Component.PORT, Cause.PORT),
    ({"uri": "https://api.example.com:80/photos"}, {}, Component.PORT, Cause.PORT),
    ({"uri": URI + "/a b"}, {"uri": URI + "/a%20b"}, Component.PATH, Cause.PATH_ENCODING),
    (
        {"uri": URI + "/cafe\u0301"},
        {"uri": URI + "/caf%C3%A9"},
        Component.PATH,
        Cause.UNICODE_NORMALIZATION,
    ),
    ({"uri": URI + "/"}, {}, Component.PATH, Cause.TRAILING_SLASH),
    (
        {"uri": "https://api.example.com"},
        {"uri": "https://api.example.com/"},
        Component.PATH,
        Cause.TRAILING_SLASH,
    ),
    ({"uri": "https://api.example.com/v1/photos"}, {}, Component.PATH, Cause.PATH_PREFIX),
    ({}, {"uri": "https://api.example.com/v1/photos"}, Component.PATH, Cause.PATH_PREFIX),
    ({"uri": "https://api.example.com/videos"}, {}, Component.PATH, Cause.PATH),
    ({"uri": URI + "?a=1"}, {}, Component.PATH, Cause.QUERY_IN_URI),
    ({"uri": URI + "#top"}, {}, Component.PATH, Cause.QUERY_IN_URI),
    ({"params": "oauth_nonce=n&a=1"}, {}, Component.PARAMETERS, Cause.SORT_ORDER),
    ({"params": "a=1&oauth_nonce=n&realm=x"}, {}, Component.PARAMETERS, Cause.REALM_SIGNED),
    (
        {"params": "a=1&oauth_nonce=n&oauth_signature="},
        {},
        Component.PARAMETERS,
        Cause.SIGNATURE_SIGNED,
    ),
    (
        {},
        {"params": "a=1&oauth_body_hash=2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.BODY_HASH,
    ),
    (
        {"params": "a=1&oauth_nonce=n&oauth_version=1.0"},
        {},
        Component.PARAMETERS,
        Cause.OAUTH_PARAMETER,
    ),
    ({}, {"params": "a=1&b=&oauth_nonce=n"}, Component.PARAMETERS, Cause.EMPTY_VALUE_DROPPED),
    ({}, {"params": "a=1&oauth_nonce=n&status=hi"}, Component.PARAMETERS, Cause.FORM_BODY),
    ({"params": "oauth_nonce=n"}, {}, Component.PARAMETERS, Cause.FORM_BODY),
    ({"params": "a=1&a=2&oauth_nonce=n"}, {}, Component.PARAMETERS, Cause.DUPLICATE_COLLAPSED),
    (
        {"params": "a=%c3%a9&oauth_nonce=n"},
        {"params": "a=%C3%A9&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.ENCODING_CASE,
    ),
    (
        {"params": "a=hi!&oauth_nonce=n"},
        {"params": "a=hi%21&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.ENCODING_SET,
    ),
    (
        {"params": "a=x%2By&oauth_nonce=n"},
        {"params": "a=x%20y&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.PLUS_SPACE,
    ),
    (
        {"params": "a=x%2520y&oauth_nonce=n"},
        {"params": "a=x%20y&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.DOUBLE_ENCODED,
    ),
    (
        {"params": "a=x%20y&oauth_nonce=n"},
        {"params": "a=x%2520y&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.DECODED,
    ),
    (
        {"params": "a=%E9&oauth_nonce=n"},
        {"params": "a=%C3%A9&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.CHARSET,
    ),
    (
        {"params": "a=%C3%A9&oauth_nonce=n"},
        {"params": "a=%E9&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.CHARSET,
    ),
    (
        {"params": "a=e%CC%81&oauth_nonce=n"},
        {"params": "a=%C3%A9&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.UNICODE_NORMALIZATION,
    ),
    (
        {"params": "a=%EF%AC%81&oauth_nonce=n"},
        {"params": "a=fi&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.UNICODE_NORMALIZATION,
    ),
    ({"params": "a=1&oauth_nonce=m"}, {}, Component.PARAMETERS, Cause.OAUTH_VALUE),
    ({"params": "a=2&oauth_nonce=n"}, {}, Component.PARAMETERS, Cause.VALUE),
    (
        {"params": "a=1&a=3&oauth_nonce=n"},
        {"params": "a=1&a=2&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.VALUE,
    ),
    # A name spelled another way on one side: its twin, on either side.
    (
        {"params": "a%5b%5d=1&oauth_nonce=n"},
        {"params": "a%5B%5D=1&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.ENCODING_CASE,
    ),
    (
        {"params": "a%2Bb=1&oauth_nonce=n"},
        {"params": "a%20b=1&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.PLUS_SPACE,
    ),
    (
        {"params": "b%20c=1&oauth_nonce=n"},
        {"params": "b%2Bc=1&oauth_nonce=n"},
        Component.PARAMETERS,
        Cause.PLUS_SPACE,
    ),
    (
        {"params": "a=1&oauth_nonce=n", "encode": False},
        {},
        Component.FORMAT,
        Cause.BASE_STRING_ENCODING,
    ),
    (
        {},
        {"uri": "https://api.example.com/photos", "method": ""},
        Component.FORMAT,
        Cause.BASE_STRING_ENCODING,
    ),
]


@pytest.mark.parametrize(("client", "provider", "component", "cause"), CASES)
def test_each_cause_is_named(
    client: dict[str, str], provider: dict[str, str], component: Component, cause: Cause
) -> None:
    diagnosis = diff_base_strings(base(**client), base(**provider))  # type: ignore[arg-type]
    assert diagnosis.difference is not None
    assert (diagnosis.difference.component, diagnosis.cause) == (component, cause)
    assert not diagnosis.same
    assert diagnosis.difference.explanation == cause.explanation
    assert f"({cause.value})" in diagnosis.report()


def test_every_cause_has_a_sentence_and_is_reached() -> None:
    reached = {case[3] for case in CASES} | {Cause.NONE}
    assert reached == set(Cause)
    assert all(cause.explanation.endswith(".") for cause in Cause)


def test_the_report_shows_both_sides_and_the_parameter() -> None:
    diagnosis = diff_base_strings(base("a=x%2By&oauth_nonce=n"), base("a=x%20y&oauth_nonce=n"))
    assert diagnosis.report().splitlines()[:3] == [
        "First difference: parameters, 'a'",
        "  client:   'a=x%2By'",
        "  provider: 'a=x%20y'",
    ]
    assert diagnosis.difference is not None
    assert diagnosis.difference.parameter == "a"


def test_the_same_base_strings_point_at_the_key() -> None:
    diagnosis = diff_base_strings(base(), base())
    assert diagnosis.same
    assert diagnosis.cause is Cause.NONE
    assert diagnosis.difference is None
    assert diagnosis.report().startswith("The base strings are the same.")
    assert "signing key" in diagnosis.report()


def test_same_parts_encoded_differently_are_a_format_difference() -> None:
    # Lower-case hex in the outer encoding: every part reads the same, the strings do not.
    client = base().replace("%3D", "%3d")
    diagnosis = diff_base_strings(client, base())
    assert diagnosis.cause is Cause.BASE_STRING_ENCODING
    assert diagnosis.difference is not None
    assert diagnosis.difference.component is Component.FORMAT
    # Parts that read the same: "//" and "://" both have no scheme; a trailing empty item.
    assert diff_base_strings("GET&%2F%2Fa&", "GET&%3A%2F%2Fa&%26").cause is (
        Cause.BASE_STRING_ENCODING
    )


def test_secret_values_are_masked_and_base_strings_kept_out_of_the_repr() -> None:
    client = base("a=1&oauth_nonce=n&oauth_signature=c2VjcmV0JnNlY3JldA%3D%3D")
    diagnosis = diff_base_strings(client, base())
    assert diagnosis.difference is not None
    assert diagnosis.difference.client == "oauth_signature=***"
    assert "c2VjcmV0" not in diagnosis.report() + repr(diagnosis)
    assert "photos" not in repr(diagnosis)


def test_long_values_are_cut_in_the_report() -> None:
    long = "x" * 1000
    diagnosis = diff_base_strings(base(f"a={long}&oauth_nonce=n"), base())
    assert len(diagnosis.report()) < 800
    assert diff_base_strings(base(encode=False, params="a=" + long), base()).difference


def test_split_base_string_reads_the_parts_back() -> None:
    parts = split_base_string(base("a=x%20y&oauth_nonce=n"))
    assert (parts.method, parts.uri, parts.well_formed) == ("GET", URI, True)
    assert parts.parameters == (("a", "x%20y"), ("oauth_nonce", "n"))
    assert (parts.get("a"), parts.get("oauth_nonce"), parts.get("b")) == ("x y", "n", None)
    assert split_base_string("GET&x&").parameters == ()


def test_not_a_base_string_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a signature base string"):
        diff_base_strings("GET&only-two", base())
    with pytest.raises(ValueError, match="not a signature base string"):
        diff_base_strings(base(), "")
    with pytest.raises(TypeError, match="must be a str"):
        diff_base_strings(b"GET&a&b", base())  # type: ignore[arg-type]


def test_diff_requests_compares_what_each_side_computes() -> None:
    signed = sign(
        Request.build("GET", "https://api.example.com/photos", params=[("q", "a b")]),
        Consumer("key", "secret"),
        Token("tok", "tok-secret"),
    )
    # A TLS-terminating proxy hands the provider the same request over http.
    received = Request(signed.method, signed.url.replace("https", "http", 1), signed.headers)
    assert diff_requests(signed, received).cause is Cause.PROXY_SCHEME
    assert diff_requests(signed, signed).same


def test_revealed_base_string_only_in_development_mode() -> None:
    request = sign(Request("GET", URI), Consumer("key", "secret"))
    refused = SignatureInvalid("bad")
    on = VerifyPolicy(reveal_base_string=True)
    assert revealed_base_string(request, refused, VerifyPolicy()) is None
    assert revealed_base_string(request, ParameterRejected("x"), on) is None
    assert revealed_base_string(request, refused, on) == signature_base(request).base_string


def test_reveal_base_string_is_off_by_default_and_a_flag() -> None:
    assert VerifyPolicy().reveal_base_string is False
    with pytest.raises(TypeError, match="reveal_base_string"):
        VerifyPolicy(reveal_base_string=1)  # type: ignore[arg-type]


_NO_SURROGATES = st.characters(exclude_categories=["Cs"])
# A request's own parameters: sign() refuses names of the oauth_ protocol parameters (§3.4.1.3.1).
_NAMES = st.text(_NO_SURROGATES).filter(lambda name: not name.startswith("oauth_"))
_PAIRS = st.lists(st.tuples(_NAMES, st.text(_NO_SURROGATES)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,5})?", fullmatch=True),
    port=st.one_of(st.none(), st.integers(1, 65535)),
    path=st.lists(st.text(_NO_SURROGATES, max_size=8), max_size=4),
    params=_PAIRS,
    data=_PAIRS,
    scheme=st.sampled_from(["http", "https"]),
)
def test_identical_base_strings_of_any_request_report_no_difference(
    method: str,
    host: str,
    port: int | None,
    path: list[str],
    params: list[tuple[str, str]],
    data: list[tuple[str, str]],
    scheme: str,
) -> None:
    authority = host if port is None else f"{host}:{port}"
    url = f"{scheme}://{authority}/" + "/".join(percent_encode(part) for part in path)
    request = sign(
        Request.build(method, url, params=params, data=data or None),
        Consumer("key", "secret"),
        Token("tok", "tok-secret"),
        nonce="n",
        timestamp=1,
    )
    text = signature_base(request).base_string
    diagnosis = diff_base_strings(text, text)
    assert diagnosis.same
    assert diagnosis.cause is Cause.NONE
    assert diff_requests(request, request).same
    assert split_base_string(text).well_formed


_HOSTILE = st.text(st.characters(), max_size=60)


@settings(max_examples=400, deadline=None)
@given(client=_HOSTILE, provider=_HOSTILE)
def test_hostile_text_gives_a_diagnosis_or_a_value_error(client: str, provider: str) -> None:
    # Only text without the two "&" of METHOD&URI&PARAMETERS is refused, and as a ValueError.
    if client.count("&") < 2 or provider.count("&") < 2:
        with pytest.raises(ValueError, match="not a signature base string"):
            diff_base_strings(client, provider)
        return
    _check(diff_base_strings(client, provider), client, provider)


@settings(max_examples=400, deadline=None)
@given(
    parts=st.lists(_HOSTILE, min_size=3, max_size=3),
    other=st.lists(_HOSTILE, min_size=3, max_size=3),
)
def test_hostile_parts_of_base_strings_always_give_a_diagnosis(
    parts: list[str], other: list[str]
) -> None:
    # Three parts joined with "&" always split: every part of every side is read and compared.
    client, provider = "&".join(parts), "&".join(other)
    _check(diff_base_strings(client, provider), client, provider)
    # The same hostile parts under a well-formed shape reach the URI and parameter walks.
    ours, theirs = _well_formed(parts), _well_formed(other)
    _check(diff_base_strings(ours, theirs), ours, theirs)


def _well_formed(parts: list[str]) -> str:
    # Lone surrogates encoded as their (invalid) UTF-8 bytes: escapes that decode to nothing.
    def encode(text: str) -> str:
        return quote(text, safe="", errors="surrogatepass")

    params = encode(f"a={encode(parts[2])}&{encode(parts[1])}=1&a=x")
    return f"GET&{encode(f'https://{parts[0]}/{parts[1]}')}&{params}"


def _check(diagnosis: Diagnosis, client: str, provider: str) -> None:
    assert diagnosis.same == (client == provider)
    assert isinstance(diagnosis.report(), str)
    assert repr(diagnosis)


def _timed(size: int) -> float:
    # Hostile shapes at once: escapes everywhere, one name repeated, a long escaped path.
    params = "&".join(f"a=%C3%A9{i}%2B" for i in range(size // 12))
    client = base(params, uri=URI + "/%E9" * (size // 3))
    provider = base(params.replace("%2B", "%20"), uri=URI + "/%C3%A9" * (size // 3))
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        diff_base_strings(client, provider).report()
        diff_base_strings(client, client)
        best = min(best, time.process_time() - started)
    return best


def test_the_diff_takes_linear_time() -> None:
    # A ratio, not a duration: four times the input must cost about four times as much (a sort
    # adds a little); a quadratic walk would cost sixteen times.
    quarter, whole = _timed(25_000), _timed(100_000)
    assert whole / quarter < 8.0, (quarter, whole)
