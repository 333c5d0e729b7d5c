"""``oauth_body_hash`` over streamed bodies (Body Hash §3.1, §3.2): hashed a chunk at a time,
signed before sending, checked while sending, and checked by the provider over what it read."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oauthcore import (
    HMAC_SHA1,
    HMAC_SHA256,
    HMAC_SHA512,
    PLAINTEXT,
    RSA_SHA256,
    Consumer,
    MemoryCredentialStore,
    MemoryNonceStore,
    Request,
    SignatureInvalid,
    Token,
    VerifyPolicy,
    check,
    parse,
    sign,
    verify,
)
from oauthcore.bodies import (
    BodyChanged,
    BodyDigest,
    HashedBody,
    hash_chunks,
    read_chunks,
    rereadable,
)
from oauthcore.methods import SignatureMethod
from oauthcore.policy import DEFAULT_POLICY
from oauthcore.signing import hash_body

ROOT = Path(__file__).resolve().parents[2]
URL = "https://api.example.com/upload"
NOW = 1_700_000_000
CONSUMER, TOKEN = Consumer("ck", "cs"), Token("tk", "ts")
ALGORITHMS = ("sha1", "sha256", "sha512")


def _store() -> MemoryCredentialStore:
    from oauthcore import TokenKind

    store = MemoryCredentialStore()
    store.add_consumer(CONSUMER)
    store.add_token(CONSUMER.key, TOKEN, TokenKind.ACCESS)
    return store


# Wrong arguments, typed Any so that the type checker lets the tests pass them.
WRONG: dict[str, Any] = {"text": "text", "text file": io.StringIO, "bytes": b"bytes"}


class _Unseekable:
    def read(self, size: int = -1, /) -> bytes:
        return b""


# --- hashing a chunk at a time ------------------------------------------------------------------


@given(st.lists(st.binary(max_size=300), max_size=20), st.sampled_from(ALGORITHMS))
def test_any_chunking_hashes_as_the_whole_body(chunks: list[bytes], algorithm: str) -> None:
    digest = hash_chunks(iter(chunks), algorithm)
    whole = b"".join(chunks)
    assert digest.value(algorithm) == hash_body(whole, algorithm)
    assert digest.length == len(whole)


def test_several_algorithms_at_once_and_sha1_by_default() -> None:
    chunks: list[Any] = [b"ab", bytearray(b"cd"), memoryview(b"ef")]
    digest = hash_chunks(chunks, "sha256", "sha1", "sha256")
    assert [name for name, _ in digest.values] == ["sha256", "sha1"]
    assert digest.value("sha1") == hash_body(b"abcdef") == hash_chunks(chunks).value("sha1")
    with pytest.raises(ValueError, match="hashed with sha256, sha1, not sha512: hash it with"):
        digest.value("sha512")


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: hash_chunks([b"a"], "md5"),
            ValueError,
            "must be sha1, sha256 or sha512, got 'md5'",
        ),
        (lambda: hash_chunks([WRONG["text"]]), TypeError, "a body chunk must be bytes, not str"),
        (lambda: BodyDigest(0, ()), ValueError, "give at least one body hash algorithm"),
        (lambda: BodyDigest(0, [("sha1", "x")]), TypeError, "values must be a tuple"),
        (lambda: BodyDigest(0, (("sha1", "not base64!"),)), ValueError, "must be base64 text"),
        (lambda: BodyDigest(0, (("sha1", "\u00e9"),)), ValueError, "must be base64 text"),
        (lambda: BodyDigest(0, (("sha1", "AAAA"),)), ValueError, "sha1 body hash must be 20 bytes"),
        (lambda: BodyDigest(-1, (("sha1", hash_body(b"")),)), ValueError, "must not be negative"),
        (lambda: BodyDigest(True, (("sha1", hash_body(b"")),)), TypeError, "length must be an int"),
        (lambda: list(read_chunks(WRONG["text file"]("text"))), TypeError, "opened in binary mode"),
        (lambda: list(read_chunks(WRONG["bytes"])), TypeError, r"must have a read\(size\) method"),
        (lambda: rereadable(_Unseekable()), TypeError, "a file body must be seekable"),
        (lambda: rereadable(WRONG["bytes"]), TypeError, "seekable binary file or a callable"),
        (lambda: rereadable(io.BytesIO(), 0), ValueError, "chunk_size must be a positive int"),
        (lambda: HashedBody(io.BytesIO(), chunk_size=True), ValueError, "chunk_size must be"),
    ],
)
def test_mistakes_are_clear(make: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()  # type: ignore[operator]


# --- HashedBody: the bytes hashed are the bytes sent --------------------------------------------


def test_a_file_is_hashed_from_where_it_stands_and_sent_again() -> None:
    file = io.BytesIO(b"header-to-skip|" + bytes(range(256)) * 1000)
    file.seek(15)
    body = HashedBody(file, "sha256", chunk_size=1000)
    expected = bytes(range(256)) * 1000
    assert (body.length, body.digest.value("sha256")) == (
        len(expected),
        hash_body(expected, "sha256"),
    )
    for _ in range(2):  # each sending reads it again from the same start
        chunks = list(body)
        assert b"".join(chunks) == expected
        assert max(map(len, chunks)) == 1000
    assert repr(body) == f"HashedBody(length={len(expected)})"


def test_a_callable_source_is_called_for_each_reading() -> None:
    calls = []

    def chunks() -> Iterator[bytes]:
        calls.append(1)
        yield from (b"abc", b"def")

    body = HashedBody(chunks, "sha1", "sha512")
    assert b"".join(body) == b"abcdef"
    assert len(calls) == 2
    assert body.digest.value("sha512") == hash_body(b"abcdef", "sha512")


def test_a_body_that_grows_is_stopped_before_the_extra_bytes() -> None:
    file = io.BytesIO(b"a" * 10)
    body = HashedBody(file, chunk_size=4)
    file.seek(0, io.SEEK_END)
    file.write(b"more")
    sent: list[bytes] = []
    with pytest.raises(BodyChanged, match="grew after it was hashed \\(10 bytes were signed\\)"):
        sent.extend(body)
    assert sum(map(len, sent)) <= 10


@pytest.mark.parametrize("change", [b"b" * 10, b"a" * 6])
def test_a_body_that_changed_or_shrank_is_refused_at_its_end(change: bytes) -> None:
    contents = [b"a" * 10]
    body = HashedBody(lambda: list(contents), "sha1")
    contents[0] = change
    with pytest.raises(BodyChanged, match="changed after it was hashed"):
        list(body)


# --- sign() with a streamed body's digest --------------------------------------------------------


@pytest.mark.parametrize("method", [HMAC_SHA1, HMAC_SHA256, HMAC_SHA512])
def test_signing_a_digest_is_signing_the_body(method: SignatureMethod) -> None:
    data = b'{"photo": "' + b"x" * 100_000 + b'"}'
    headers = [("Content-Type", "application/json")]
    in_memory = sign(
        Request("PUT", URL, headers, data), CONSUMER, TOKEN, method, nonce="n", timestamp=NOW
    )
    algorithm = method.body_hash_algorithm
    assert algorithm is not None
    streamed = HashedBody(lambda: [data[:7], data[7:]], algorithm)
    signed = sign(
        Request("PUT", URL, headers),
        CONSUMER,
        TOKEN,
        method,
        nonce="n",
        timestamp=NOW,
        body_hash=streamed.digest,
    )
    assert signed.header("Authorization") == in_memory.header("Authorization")
    assert signed.body == b""


def test_signing_a_digest_refuses_what_does_not_fit() -> None:
    digest = hash_chunks([b"data"], "sha1")
    with pytest.raises(ValueError, match="streamed apart from the Request, but this request"):
        sign(Request("PUT", URL, body=b"data"), CONSUMER, body_hash=digest)
    with pytest.raises(ValueError, match="hashed with sha1, not sha256"):
        sign(Request("PUT", URL), CONSUMER, method=HMAC_SHA256, body_hash=digest)
    with pytest.raises(ValueError, match="PLAINTEXT has no body hash"):
        sign(Request("PUT", URL), CONSUMER, method=PLAINTEXT, body_hash=digest)
    with pytest.raises(TypeError, match=r"body_hash must be None, a bool or an oauthcore\.bodies"):
        sign(Request("PUT", URL), CONSUMER, body_hash="hash")  # type: ignore[arg-type]


# --- the provider's check over what it read ------------------------------------------------------


def _received(chunks: Iterable[bytes], policy: VerifyPolicy = DEFAULT_POLICY) -> BodyDigest:
    # What a provider does with a streamed body: hash it as it is read, with every algorithm
    # its accepted methods use, before the request is checked.
    return hash_chunks(chunks, *policy.body_hash_algorithms)


@pytest.mark.parametrize("method", [HMAC_SHA1, HMAC_SHA256, RSA_SHA256])
def test_the_provider_checks_the_hash_of_what_it_read(
    method: SignatureMethod, rsa_private_pem: str
) -> None:
    consumer = Consumer("ck", "cs", rsa_key=rsa_private_pem)
    store = MemoryCredentialStore()
    store.add_consumer(consumer)
    from oauthcore import TokenKind

    store.add_token("ck", TOKEN, TokenKind.ACCESS)
    algorithm = method.body_hash_algorithm
    assert algorithm is not None
    sent = [b"chunk-%d|" % i for i in range(1000)]
    body = HashedBody(lambda: sent, algorithm)
    signed = sign(Request("POST", URL), consumer, TOKEN, method, body_hash=body.digest)
    verified = verify(signed, store, MemoryNonceStore(), body_digest=_received(body))
    assert verified.params.body_hash == body.digest.value(algorithm)
    # Other bytes than were signed: refused as a bad body hash.
    with pytest.raises(SignatureInvalid, match="oauth_body_hash does not match") as refused:
        verify(signed, store, MemoryNonceStore(), body_digest=_received([b"other", *sent]))
    assert refused.value.problem == "signature_invalid"
    check(
        signed,
        parse(signed),
        consumer,
        TOKEN,
        now=int(parse(signed).timestamp),
        body_digest=_received(sent),
    )


def test_the_provider_refuses_a_digest_it_cannot_use() -> None:
    signed = sign(Request("POST", URL), CONSUMER, TOKEN, body_hash=hash_chunks([b"x"]))
    with pytest.raises(ValueError, match="carries its body: give one or the other"):
        verify(
            Request("POST", URL, signed.headers, b"x"),
            _store(),
            None,
            body_digest=hash_chunks([b"x"]),
        )
    with pytest.raises(TypeError, match=r"body_digest must be an oauthcore\.bodies\.BodyDigest"):
        verify(signed, _store(), None, body_digest=b"x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hashed with sha256, not sha1"):
        verify(signed, _store(), None, body_digest=hash_chunks([b"x"], "sha256"))


def test_the_policy_names_the_algorithms_to_hash_with() -> None:
    assert VerifyPolicy().body_hash_algorithms == ("sha1", "sha256", "sha512")
    assert VerifyPolicy(methods=[RSA_SHA256, HMAC_SHA256, PLAINTEXT]).body_hash_algorithms == (
        "sha256",
    )


# --- 1 GiB in bounded memory ---------------------------------------------------------------------

_RSS_PROBE = """
import json, sys
from oauthcore import Consumer, Request, sign
from oauthcore.bodies import HashedBody, hash_chunks

GIB, CHUNK = 1 << 30, 1 << 16
def peak():
    # VmHWM: this process's peak resident memory since its exec (ru_maxrss would include the
    # peak of the process that started it, as Linux carries it across exec).
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

def generated():
    block = bytes(range(256)) * (CHUNK // 256)
    for _ in range(GIB // CHUNK):
        yield block

sign(Request("GET", "https://e.example/"), Consumer("ck", "cs"))  # imports and caches loaded
before = peak()
results = {}
with open(sys.argv[1], "rb") as file:
    for name, source in (("generator", generated), ("file", file)):
        body = HashedBody(source, "sha1")
        signed = sign(Request("PUT", "https://e.example/up"), Consumer("ck", "cs"),
                      body_hash=body.digest)
        sent = sum(len(chunk) for chunk in body)  # as a transport sends it
        received = hash_chunks(body, "sha1")      # as a provider reads it
        assert sent == GIB and received == body.digest
        results[name] = peak() - before
# The control: holding 128 MiB at once shows in the same measure.
held = b"".join(block for block, _ in zip(generated(), range(2048)))
results["control, 128 MiB held"] = peak() - before
print(json.dumps(results))
"""


def test_a_gibibyte_is_hashed_signed_and_sent_in_bounded_memory(tmp_path: Path) -> None:
    # A sparse 1 GiB file and a 1 GiB generator, each read three times (hash, send, provider's
    # hash) in a fresh interpreter whose peak resident memory is measured.
    big = tmp_path / "big.bin"
    with big.open("wb") as file:
        file.truncate(1 << 30)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_RSS_PROBE), str(big)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    growth = json.loads(result.stdout)
    assert growth["generator"] < 50 * 1024 * 1024, growth
    assert growth["file"] < 50 * 1024 * 1024, growth
    # The peak before includes the interpreter's start, so less than the whole 128 MiB shows.
    assert growth["control, 128 MiB held"] > 64 * 1024 * 1024, growth
