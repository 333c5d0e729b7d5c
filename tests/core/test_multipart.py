"""multipart/form-data by declared policy (RFC 7578; RFC 5849 §3.4.1.3.1; Body Hash §3.1).

The encoder's output is read back with the standard library's MIME parser (``email``), which
stands for the provider's multipart parser; each policy is signed by ``sign_multipart`` and
verified by ``verify_multipart`` through the provider pipeline (``verify`` with a credential and
a nonce store), and every tampering is refused.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    PLAINTEXT,
    RSA_SHA256,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    ParameterAbsent,
    ParameterRejected,
    Placement,
    Request,
    SignatureInvalid,
    Token,
    TokenKind,
    parse,
    sign,
)
from oauthcore.bodies import BodyDigest, HashedBody, hash_chunks
from oauthcore.methods import SignatureMethod
from oauthcore.multipart import (
    Field,
    FilePart,
    MultipartBody,
    MultipartPolicy,
    as_signed_form,
    make_boundary,
    sign_multipart,
    sign_text_fields,
    verify_multipart,
)
from oauthcore.policy import DEFAULT_POLICY

URL = "https://up.example.com/services/upload?format=json"
NOW = 1_700_000_000
TOKEN = Token("tk", "ts")
NONE, TEXT_FIELDS, BODY_HASH = (
    MultipartPolicy.NONE,
    MultipartPolicy.TEXT_FIELDS,
    MultipartPolicy.BODY_HASH,
)
PHOTO = bytes(range(256)) * 400  # 100 KiB of every byte value
WRONG: Any = b"bytes"  # a wrong argument, typed Any so the type checker lets tests pass it


def _photo_part(data: bytes = PHOTO) -> FilePart:
    return FilePart("photo", io.BytesIO(data), "beach.jpg", "image/jpeg", chunk_size=4096)


def _body(data: bytes = PHOTO, title: str = 'Plage, été & "soleil"') -> MultipartBody:
    fields: list[Field | FilePart] = [
        Field("title", title),
        Field("tags", "sea sun"),
        _photo_part(data),
    ]
    return MultipartBody(fields, boundary="test-boundary-1")


def _decoded(body: bytes, content_type: str) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, content) of each part, as a MIME parser reads them."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    parts: list[Any] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        parts.append((name, filename, part.get_payload(decode=True)))
    return parts


def _store(consumer: Consumer) -> MemoryCredentialStore:
    store = MemoryCredentialStore()
    store.add_consumer(consumer)
    store.add_token(consumer.key, TOKEN, TokenKind.ACCESS)
    return store


# --- the encoder --------------------------------------------------------------------------------


def test_a_fixed_boundary_gives_fixed_bytes() -> None:
    body = MultipartBody(
        [Field("a", "1"), FilePart("f", lambda: [b"xy", b"z"], 'q"\r\n.txt', "text/plain")],
        boundary="b",
    )
    assert b"".join(body) == (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="q%22%0D%0A.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nxyz\r\n--b--\r\n"
    )
    assert body.content_type == 'multipart/form-data; boundary="b"'
    assert body.text_fields == (("a", "1"),)
    assert repr(body) == "MultipartBody(parts=2, boundary='b')"


def test_file_parts_stream_and_are_read_again_from_their_start() -> None:
    file = io.BytesIO(b"skip" + PHOTO)
    file.seek(4)
    body = MultipartBody([FilePart("photo", file, chunk_size=1000)], boundary="x")
    first = list(body)
    assert max(map(len, first)) <= 1000 + 200  # one chunk at a time, never the whole file
    assert list(body) == first
    assert _decoded(b"".join(first), body.content_type) == [("photo", "", PHOTO)]


def test_a_random_boundary_is_fresh_each_time() -> None:
    boundaries = {make_boundary() for _ in range(100)}
    assert len(boundaries) == 100
    body = MultipartBody([Field("a", "b")])
    assert body.boundary.startswith("oauthcore-")
    assert len(body.boundary) <= 70


_NAMES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters='"%\\'))


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("field"), _NAMES, st.text(st.characters(exclude_categories=["Cs"]))),
            st.tuples(st.just("file"), _NAMES, st.binary(max_size=3000)),
        ),
        max_size=6,
    ),
    st.integers(min_value=1, max_value=700),
)
def test_any_parts_round_trip_through_a_mime_parser(
    parts: list[tuple[str, str, Any]], chunk_size: int
) -> None:
    built: list[Field | FilePart] = [
        Field(name, value)
        if kind == "field"
        else FilePart(name, io.BytesIO(value), "f.bin", chunk_size=chunk_size)
        for kind, name, value in parts
    ]
    body = MultipartBody(built)
    encoded = b"".join(body)
    assert b"".join(body) == encoded
    expected = [
        (name, None if kind == "field" else "f.bin", value.encode() if kind == "field" else value)
        for kind, name, value in parts
    ]
    # A MIME parser normalises line ends in text it reads; compare those parts without them.
    assert [
        (n, f, c.replace(b"\r\n", b"\n")) for n, f, c in _decoded(encoded, body.content_type)
    ] == [(n, f, c.replace(b"\r\n", b"\n")) for n, f, c in expected]


@given(st.text(st.characters()), st.text(st.characters()))
def test_any_text_is_a_field_or_a_clear_error(name: str, value: str) -> None:
    try:
        field = Field(name, value)
    except ValueError as exc:
        message = str(exc)
    else:
        message = "UTF-8 can encode" if b"".join(MultipartBody([field])) else "empty"
    assert "UTF-8 can encode" in message


@given(st.text(st.characters()), st.text(st.characters()))
def test_no_name_can_inject_a_header_or_a_part(name: str, filename: str) -> None:
    # Names and file names from all of Unicode, surrogates included: either refused, or each
    # stays inside its one quoted header value, and the body has exactly its two parts.
    try:
        parts: list[Field | FilePart] = [
            Field(name, "v"),
            FilePart(name, lambda: [b"content"], filename),
        ]
    except ValueError as exc:
        message = str(exc)
    else:
        encoded = b"".join(MultipartBody(parts, boundary="fuzz-boundary"))
        heads = encoded.split(b"--fuzz-boundary\r\n")[1:]
        assert len(heads) == 2
        assert encoded.endswith(b"\r\n--fuzz-boundary--\r\n")
        for head in heads:
            headers = head.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
            assert all(line.startswith(b"Content-") for line in headers)
            assert headers[0].count(b'"') == (2 if len(headers) == 1 else 4)
        message = "UTF-8 can encode"
    assert "UTF-8 can encode" in message


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Field("a", WRONG), TypeError, "a field value must be a str, not bytes"),
        (lambda: Field("\ud800", "b"), ValueError, "a field name must be text UTF-8 can encode"),
        (lambda: FilePart("f", WRONG), TypeError, "seekable binary file or a callable"),
        (lambda: FilePart("f", io.BytesIO(), content_type="a\r\nb"), ValueError, "one line"),
        (lambda: MultipartBody([WRONG]), TypeError, "parts must be Field or FilePart, not bytes"),
        (lambda: MultipartBody([], boundary=""), ValueError, "boundary must be 1 to 70"),
        (lambda: MultipartBody([], boundary="a" * 71), ValueError, "boundary must be 1 to 70"),
        (lambda: MultipartBody([], boundary="ends "), ValueError, "not ending in a space"),
        (lambda: MultipartBody([], boundary="a\r\nb"), ValueError, "boundary must be"),
        (
            lambda: MultipartBody([Field("a", "x\r\n--b\r\n")], boundary="b"),
            ValueError,
            "a text field holds the boundary",
        ),
    ],
)
def test_encoder_mistakes_are_clear(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()


# --- each policy, signed and verified ------------------------------------------------------------


def _received(
    signed: Request, sent: Iterable[bytes]
) -> tuple[Request, tuple[tuple[str, str], ...], BodyDigest]:
    """What the provider has: the request without its body, the text fields its multipart parser
    read, and the hash of the raw bytes as they arrived, with its policy's algorithms."""
    chunks = list(sent)
    digest = hash_chunks(chunks, *DEFAULT_POLICY.body_hash_algorithms)
    content_type = signed.header("Content-Type")
    assert content_type is not None
    fields = tuple(
        (name, content.decode())
        for name, filename, content in _decoded(b"".join(chunks), content_type)
        if filename is None
    )
    return signed, fields, digest


@pytest.fixture(params=[HMAC_SHA1, HMAC_SHA256, RSA_SHA256], ids=lambda method: method.name)
def method(request: pytest.FixtureRequest) -> SignatureMethod:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def consumer(rsa_private_pem: str) -> Consumer:
    return Consumer("ck", "cs", rsa_key=rsa_private_pem)


@pytest.mark.parametrize("placement", [Placement.HEADER, Placement.QUERY])
@pytest.mark.parametrize("policy", [NONE, TEXT_FIELDS, BODY_HASH], ids=lambda p: p.value)
def test_each_policy_round_trips_through_the_provider(
    policy: MultipartPolicy, placement: Placement, method: SignatureMethod, consumer: Consumer
) -> None:
    signed, sent = sign_multipart(
        Request("POST", URL, [("Accept", "application/json")]),
        _body(),
        consumer,
        TOKEN,
        method,
        multipart=policy,
        placement=placement,
    )
    assert signed.body == b""
    assert signed.header("Content-Type") == 'multipart/form-data; boundary="test-boundary-1"'
    assert signed.header("Accept") == "application/json"
    params = parse(signed)
    assert (params.body_hash is not None) is (policy is BODY_HASH)
    if policy is BODY_HASH:
        assert isinstance(sent, HashedBody)
    request, fields, digest = _received(signed, sent)
    assert fields == (("title", 'Plage, été & "soleil"'), ("tags", "sea sun"))
    verified = verify_multipart(
        request,
        _store(consumer),
        MemoryNonceStore(),
        multipart=policy,
        text_fields=fields,
        body_digest=digest,
    )
    assert verified.consumer.key == "ck"


def test_text_fields_sign_as_a_form_would(consumer: Consumer) -> None:
    # Flickr-style: the signature is that of the same request with its text fields as a form.
    body = _body()
    signed, _ = sign_multipart(
        Request("POST", URL), body, consumer, TOKEN, multipart=TEXT_FIELDS, nonce="n", timestamp=1
    )
    form = sign(
        as_signed_form(Request("POST", URL), body.text_fields),
        consumer,
        TOKEN,
        nonce="n",
        timestamp=1,
    )
    assert signed.header("Authorization") == form.header("Authorization")


def test_sign_text_fields_keeps_the_request_and_adds_what_signs_it(consumer: Consumer) -> None:
    body = _body()
    unsigned = Request("POST", URL, (("Content-Type", body.content_type), ("X-Trace", "1")))
    seen: list[Request] = []

    def by_query(form: Request) -> Request:
        seen.append(form)
        return sign(form, consumer, TOKEN, placement=Placement.QUERY, nonce="n", timestamp=1)

    signed = sign_text_fields(unsigned, body.text_fields, by_query)
    assert seen == [as_signed_form(unsigned, body.text_fields)]
    # The parameters ride in the URL; the multipart headers stay, the form body is not sent.
    assert signed.url == by_query(seen[0]).url
    assert signed.headers == unsigned.headers
    assert signed.body == b""
    in_header = sign_text_fields(
        unsigned, body.text_fields, lambda form: sign(form, consumer, TOKEN, nonce="n", timestamp=1)
    )
    assert in_header.url == URL
    assert in_header.headers[:-1] == unsigned.headers
    assert in_header.headers[-1][0] == "Authorization"


def _verify(
    consumer: Consumer, policy: MultipartPolicy, request: Request, fields: Any, digest: Any
) -> None:
    verify_multipart(
        request,
        _store(consumer),
        MemoryNonceStore(),
        multipart=policy,
        text_fields=fields,
        body_digest=digest,
    )


def test_tampering_is_refused(consumer: Consumer, method: SignatureMethod) -> None:
    unsigned = Request("POST", URL)
    # A changed text field under TEXT_FIELDS.
    signed, sent = sign_multipart(unsigned, _body(), consumer, TOKEN, method, multipart=TEXT_FIELDS)
    request, fields, digest = _received(signed, sent)
    with pytest.raises(SignatureInvalid):
        _verify(consumer, TEXT_FIELDS, request, (("title", "changed"), fields[1]), digest)
    # A changed file byte under BODY_HASH.
    signed, _ = sign_multipart(unsigned, _body(), consumer, TOKEN, method, multipart=BODY_HASH)
    altered = _body(PHOTO[:-1] + b"!")
    request, fields, digest = _received(signed, altered)
    with pytest.raises(SignatureInvalid, match="oauth_body_hash does not match"):
        _verify(consumer, BODY_HASH, request, fields, digest)
    # A request signed with NONE where the provider declared BODY_HASH or TEXT_FIELDS.
    signed, sent = sign_multipart(unsigned, _body(), consumer, TOKEN, method, multipart=NONE)
    request, fields, digest = _received(signed, sent)
    with pytest.raises(ParameterAbsent, match="oauth_body_hash is missing"):
        _verify(consumer, BODY_HASH, request, fields, digest)
    with pytest.raises(SignatureInvalid):
        _verify(consumer, TEXT_FIELDS, request, fields, digest)
    # BODY_HASH signed, TEXT_FIELDS declared: a body hash with a form view is refused.
    signed, sent = sign_multipart(unsigned, _body(), consumer, TOKEN, method, multipart=BODY_HASH)
    request, fields, digest = _received(signed, sent)
    with pytest.raises(ParameterRejected, match="must not be sent with a form-encoded body"):
        _verify(consumer, TEXT_FIELDS, request, fields, digest)


def test_a_body_changed_after_signing_is_not_sent_as_signed(consumer: Consumer) -> None:
    from oauthcore.bodies import BodyChanged

    data = bytearray(PHOTO)
    body = MultipartBody([FilePart("photo", lambda: [bytes(data)])], boundary="z")
    _, sent = sign_multipart(Request("POST", URL), body, consumer, TOKEN, multipart=BODY_HASH)
    data[0] ^= 1
    with pytest.raises(BodyChanged):
        list(sent)


def test_signing_mistakes_are_clear(consumer: Consumer) -> None:
    body = _body()
    with pytest.raises(TypeError, match="multipart must be a MultipartPolicy"):
        sign_multipart(Request("POST", URL), body, consumer, multipart="none")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="body must be a MultipartBody"):
        sign_multipart(Request("POST", URL), b"x", consumer, multipart=NONE)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="without a body or Content-Type"):
        sign_multipart(Request("POST", URL, body=b"x"), body, consumer, multipart=NONE)
    with pytest.raises(ValueError, match="without a body or Content-Type"):
        sign_multipart(
            Request("POST", URL, [("Content-Type", "text/plain")]), body, consumer, multipart=NONE
        )
    with pytest.raises(ValueError, match="cannot carry the OAuth parameters"):
        sign_multipart(
            Request("POST", URL), body, consumer, multipart=NONE, placement=Placement.BODY
        )
    with pytest.raises(ValueError, match="PLAINTEXT has no body hash"):
        sign_multipart(Request("POST", URL), body, consumer, method=PLAINTEXT, multipart=BODY_HASH)
    with pytest.raises(ValueError, match="BODY_HASH needs body_digest"):
        verify_multipart(Request("POST", URL), _store(consumer), None, multipart=BODY_HASH)


def test_a_two_legged_upload_verifies_without_a_token(consumer: Consumer) -> None:
    signed, sent = sign_multipart(Request("POST", URL), _body(), consumer, multipart=BODY_HASH)
    request, _, digest = _received(signed, sent)
    verified = verify_multipart(
        request, _store(consumer), None, multipart=BODY_HASH, body_digest=digest, token_kind=None
    )
    assert verified.token is None
