"""parse(): the protocol parameters of a received request, from one place only (RFC 5849 §3.5)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from attrs import evolve

from oauthcore import (
    Consumer,
    OAuthError,
    OAuthParams,
    ParameterAbsent,
    ParameterRejected,
    Placement,
    Request,
    TimestampRefused,
    Token,
    parse,
    sign,
)

URL = "https://api.example.com/photos"
REQUIRED = {
    "oauth_consumer_key": "ck",
    "oauth_signature_method": "HMAC-SHA1",
    "oauth_signature": "c2ln",
    "oauth_timestamp": "1700000000",
    "oauth_nonce": "n0nce",
}


def header(params: dict[str, str], realm: str | None = None) -> str:
    parts = [f'{name}="{quote(value, safe="")}"' for name, value in params.items()]
    if realm is not None:
        parts.insert(0, f'realm="{realm}"')
    return "OAuth " + ", ".join(parts)


def with_header(params: dict[str, str], url: str = URL) -> Request:
    return Request("GET", url, headers=[("Authorization", header(params))])


def expect(request: Request, error: type[OAuthError], match: str) -> OAuthError:
    with pytest.raises(error, match=match) as info:
        parse(request)
    return info.value


def test_header_parameters_are_read_and_decoded() -> None:
    request = with_header(
        {
            **REQUIRED,
            "oauth_token": "tk",
            "oauth_version": "1.0",
            "oauth_callback": "https://c/?x=1",
        }
    )
    params = parse(request)
    assert params == OAuthParams(
        consumer_key="ck",
        token="tk",
        signature_method="HMAC-SHA1",
        signature="c2ln",
        timestamp=1_700_000_000,
        nonce="n0nce",
        version="1.0",
        callback="https://c/?x=1",
        verifier=None,
        body_hash=None,
        realm=None,
        placement=Placement.HEADER,
    )


def test_query_and_body_placements() -> None:
    signed = sign(Request("GET", URL + "?a=1"), Consumer("ck", "cs"), placement=Placement.QUERY)
    assert parse(signed).placement is Placement.QUERY
    form = Request.build("POST", URL, data={"a": "b"})
    signed = sign(form, Consumer("ck", "cs"), Token("tk", "ts"), placement=Placement.BODY)
    params = parse(signed)
    assert (params.placement, params.consumer_key, params.token) == (Placement.BODY, "ck", "tk")


def test_scheme_is_case_insensitive_and_realm_is_kept() -> None:
    value = header(REQUIRED, realm='Photos, realm=\\"x\\", inc').replace("OAuth", "oAUTH", 1)
    params = parse(Request("GET", URL, headers=[("Authorization", value)]))
    assert params.realm == 'Photos, realm="x", inc'
    assert params.consumer_key == "ck"


def test_commas_and_escapes_inside_quoted_values_are_text() -> None:
    value = (
        'OAuth oauth_consumer_key="c\\"k, oauth_token=\\"x", oauth_signature_method="HMAC-SHA1",'
        ' oauth_signature="s%2Cig", oauth_timestamp="1700000000", oauth_nonce="a%2Cb"'
    )
    params = parse(Request("GET", URL, headers=[("Authorization", value)]))
    assert params.consumer_key == 'c"k, oauth_token="x'
    assert params.token is None
    assert (params.signature, params.nonce) == ("s,ig", "a,b")


def test_other_authorization_schemes_are_ignored() -> None:
    request = Request("GET", URL, headers=[("Authorization", "Basic dXNlcjpwYXNz")])
    error = expect(request, ParameterAbsent, "not OAuth-signed")
    assert (error.status, error.parameter) == (400, "oauth_consumer_key")


def test_a_header_without_protocol_parameters_is_not_a_location() -> None:
    query = "&".join(f"{k}={v}" for k, v in REQUIRED.items())
    request = Request("GET", f"{URL}?{query}", headers=[("Authorization", 'OAuth realm="Photos"')])
    params = parse(request)
    assert (params.placement, params.realm) == (Placement.QUERY, "Photos")


def test_empty_token_means_no_token() -> None:
    assert parse(with_header({**REQUIRED, "oauth_token": ""})).token is None


def test_non_oauth_header_parameters_are_kept_for_the_signature() -> None:
    params = parse(with_header({**REQUIRED, "extra": "x y"}))
    signed = params._parameters.split("%26")
    assert "extra%3Dx%2520y" in signed
    assert all(not item.startswith("oauth_signature%3D") for item in signed)


def test_repr_hides_signature_and_verifier() -> None:
    params = parse(
        with_header({**REQUIRED, "oauth_signature": "SECRET&TS", "oauth_verifier": "V3R"})
    )
    assert params.signature == "SECRET&TS"
    assert params.verifier == "V3R"
    assert "SECRET" not in repr(params)
    assert "V3R" not in repr(params)


# --- more than one location, duplicates, unknown parameters (§3.5, §3.1) ---


def test_parameters_in_two_locations_are_refused() -> None:
    request = Request("GET", URL + "?oauth_nonce=x", headers=[("Authorization", header(REQUIRED))])
    error = expect(request, ParameterRejected, "exactly one place")
    assert error.status == 400
    form = Request.build("POST", URL + "?oauth_consumer_key=ck", data={"oauth_nonce": "n"})
    expect(form, ParameterRejected, "exactly one place")


def test_one_oauth_parameter_elsewhere_is_enough_to_refuse() -> None:
    request = Request.build(
        "POST", URL, data={"oauth_timestamp": "1"}, headers={"Authorization": header(REQUIRED)}
    )
    expect(request, ParameterRejected, "the form body and in another location")


def test_two_oauth_authorization_headers_are_refused() -> None:
    request = Request(
        "GET",
        URL,
        headers=[("Authorization", header(REQUIRED)), ("Authorization", header(REQUIRED))],
    )
    expect(request, ParameterRejected, "more than one OAuth Authorization header")


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_duplicates_are_refused_in_the_header(name: str) -> None:
    value = header(REQUIRED) + f', {name}="{REQUIRED[name]}"'
    error = expect(Request("GET", URL, headers=[("Authorization", value)]), ParameterRejected, name)
    assert error.parameter == name


def test_duplicates_are_refused_in_query_and_body() -> None:
    query = "&".join(f"{k}={v}" for k, v in REQUIRED.items())
    expect(Request("GET", f"{URL}?{query}&oauth_nonce=again"), ParameterRejected, "more than once")
    body = [*REQUIRED.items(), ("oauth_token", "a"), ("oauth_token", "b")]
    expect(Request.build("POST", URL, data=body), ParameterRejected, "oauth_token appears")


def test_duplicate_hidden_by_percent_encoding_is_found() -> None:
    query = "&".join(f"{k}={v}" for k, v in REQUIRED.items())
    expect(
        Request("GET", f"{URL}?{query}&oauth%5Fnonce=again"), ParameterRejected, "more than once"
    )


def test_unknown_protocol_parameters_are_refused() -> None:
    error = expect(with_header({**REQUIRED, "oauth_colour": "red"}), ParameterRejected, "unknown")
    assert error.parameter == "oauth_colour"
    long_name = "oauth_" + "x" * 100
    error = expect(with_header({**REQUIRED, long_name: "v"}), ParameterRejected, "unknown")
    assert error.parameter is None
    assert len(str(error)) < 200


# --- required, empty and malformed values (§3.1, §3.3) ---


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_required_parameter(name: str) -> None:
    missing = {k: v for k, v in REQUIRED.items() if k != name}
    error = expect(with_header(missing), ParameterAbsent, f"{name} is missing")
    assert (error.status, error.problem, error.parameter) == (400, "parameter_absent", name)
    error = expect(with_header({**REQUIRED, name: ""}), ParameterAbsent, f"{name} is empty")
    assert error.parameter == name


@pytest.mark.parametrize(
    "name", ["oauth_version", "oauth_callback", "oauth_verifier", "oauth_body_hash"]
)
def test_empty_optional_parameters_are_refused(name: str) -> None:
    error = expect(with_header({**REQUIRED, name: ""}), ParameterRejected, f"{name} is empty")
    assert error.parameter == name


@pytest.mark.parametrize("value", ["12a", "-5", "1.5", " 17", "\u0661\u0662", "0x10"])
def test_non_numeric_timestamps_are_bad_requests(value: str) -> None:
    error = expect(with_header({**REQUIRED, "oauth_timestamp": value}), ParameterRejected, "digits")
    assert (error.status, error.parameter) == (400, "oauth_timestamp")


@pytest.mark.parametrize("digits", [13, 5000, 1_000_000])
def test_huge_timestamps_are_refused(digits: int) -> None:
    request = with_header({**REQUIRED, "oauth_timestamp": "9" * digits})
    error = expect(request, TimestampRefused, f"{digits} digits")
    assert error.status == 401
    assert len(str(error)) < 200


def test_a_long_bad_timestamp_is_quoted_briefly() -> None:
    error = expect(
        with_header({**REQUIRED, "oauth_timestamp": "x" * 10_000}), ParameterRejected, "digits"
    )
    assert len(str(error)) < 300


@pytest.mark.parametrize("where", ["header", "query", "body"])
def test_percent_encoding_that_is_not_utf8_is_refused(where: str) -> None:
    if where == "header":
        value = header(REQUIRED).replace('oauth_nonce="n0nce"', 'oauth_nonce="%FF%FE"')
        request = Request("GET", URL, headers=[("Authorization", value)])
    elif where == "query":
        request = Request("GET", URL + "?oauth_nonce=%C3%28")
    else:
        request = Request(
            "POST",
            URL,
            headers=[("Content-Type", "application/x-www-form-urlencoded")],
            body=b"a=%ff",
        )
    error = expect(request, ParameterRejected, "not valid UTF-8")
    assert error.status == 400


def test_form_body_that_is_not_utf8_is_refused() -> None:
    request = Request(
        "POST", URL, headers=[("Content-Type", "application/x-www-form-urlencoded")], body=b"\xff"
    )
    expect(request, ParameterRejected, "not valid UTF-8")


def test_a_raw_body_is_not_searched_for_parameters() -> None:
    request = Request("POST", URL, headers=[("Content-Type", "text/plain")], body=b"oauth_nonce=x")
    expect(request, ParameterAbsent, "not OAuth-signed")


def test_parse_wants_a_request() -> None:
    with pytest.raises(TypeError, match=r"oauthcore\.Request"):
        parse("GET /")  # type: ignore[arg-type]


def test_evolved_params_lose_the_parse_cache() -> None:
    params = parse(with_header(REQUIRED))
    assert params._request is not None
    copy = evolve(params, nonce="other")
    assert copy._request is None
    assert copy._parameters == ""
