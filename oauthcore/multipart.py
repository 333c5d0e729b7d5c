"""multipart/form-data bodies and how OAuth signs them, by a declared policy (RFC 7578, RFC 5849).

Theory of operation: RFC 5849 signs the parameters of a form-urlencoded body only (§3.4.1.3.1);
a multipart body is left out of the signature. Providers then differ, so the policy is declared,
per request, on both sides:

- ``MultipartPolicy.NONE``: RFC 5849 as written: the body is not signed.
- ``MultipartPolicy.TEXT_FIELDS``: the text fields are signed as if they were form parameters,
  the file parts are not (Flickr's upload API).
- ``MultipartPolicy.BODY_HASH``: ``oauth_body_hash`` of the raw multipart bytes, so every byte
  of every part is covered (OAuth Request Body Hash).

``MultipartBody`` encodes the parts as a stream: file parts are read a chunk at a time, never
whole, and every iteration reads them again from their start, so one body can be hashed and then
sent (``HashedBody``). Its boundary is drawn from ``secrets`` unless given, so tests can pin it.
``sign_multipart`` signs for a policy and returns the request to send with the body to stream;
``verify_multipart`` is the provider's side: it checks the same policy, given the text fields a
multipart parser read and/or the ``BodyDigest`` of the raw bytes as they were received.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from .bodies import CHUNK_SIZE, BodySource, HashedBody, rereadable
from .credentials import TokenKind
from .methods import HMAC_SHA1, SignatureMethod
from .policy import DEFAULT_POLICY, VerifyPolicy
from .records import Consumer, Pairs, PairsLike, Request, Token, to_pairs
from .signing import Placement, sign

if TYPE_CHECKING:  # pragma: no cover - typing only; the provider side loads on first use
    from .bodies import BodyDigest
    from .credentials import CredentialStore
    from .nonces import NonceStore
    from .verification import Verified

__all__ = [
    "Field",
    "FilePart",
    "MultipartBody",
    "MultipartPolicy",
    "Part",
    "as_signed_form",
    "make_boundary",
    "sign_multipart",
    "sign_text_fields",
    "verify_multipart",
]

# RFC 2046 §5.1.1: 1 to 70 of these characters, the last not a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]").fullmatch
# Characters a Content-Disposition quoted value cannot hold, escaped as HTML forms escape them.
_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})


class MultipartPolicy(enum.Enum):
    """What of a multipart/form-data body the signature covers (RFC 5849 §3.4.1.3.1)."""

    NONE = "none"
    TEXT_FIELDS = "text_fields"
    BODY_HASH = "body_hash"


def _utf8(what: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str):
            raise TypeError(f"{what} must be a str, not {type(value).__name__}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{what} must be text UTF-8 can encode (no lone surrogate)") from None

    return check


@frozen
class Field:
    """A text field of a multipart/form-data body (RFC 7578 §4.2), sent as UTF-8."""

    name: str = field(validator=_utf8("a field name"))
    value: str = field(validator=_utf8("a field value"))


@frozen
class FilePart:
    """A file part (RFC 7578 §4.2, §4.4): its bytes streamed from ``source``, never held whole.

    ``source`` is a seekable binary file (read from where it stands now, each time, a
    ``chunk_size`` at a time) or a callable returning a fresh iterable of the same bytes each time.
    """

    name: str = field(validator=_utf8("a part name"))
    source: BodySource = field(repr=False)
    filename: str = field(default="", validator=_utf8("a file name"))
    content_type: str = field(default="application/octet-stream", validator=_utf8("content_type"))
    chunk_size: int = field(default=CHUNK_SIZE, kw_only=True)
    _read: Callable[[], Iterable[bytes]] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if "\r" in self.content_type or "\n" in self.content_type:
            raise ValueError("content_type must be one line")
        # Where a file stands now is where every reading starts.
        object.__setattr__(self, "_read", rereadable(self.source, self.chunk_size))

    def chunks(self) -> Iterable[bytes]:
        """The part's bytes from their start, one chunk at a time."""
        return self._read()


Part = Field | FilePart
"""One part of a multipart/form-data body (RFC 7578 §4): a text ``Field`` or a streamed
``FilePart``."""


def make_boundary() -> str:
    """A fresh boundary: 128 random bits, so no content can hold it by chance (RFC 2046 §5.1.1)."""
    import secrets  # loaded with the first boundary: ``import oauthcore`` stays light

    return f"oauthcore-{secrets.token_hex(16)}"


def _quoted(value: str) -> str:
    return '"' + value.translate(_ESCAPES) + '"'


class MultipartBody:
    """A multipart/form-data body (RFC 7578) encoded as a stream, readable again and again.

    ``boundary`` is drawn at random unless given (give one in tests, for repeatable bytes).
    Iterating yields the encoded body a chunk at a time; file parts are never held whole.
    """

    __slots__ = ("boundary", "parts")

    def __init__(self, parts: Iterable[Part], *, boundary: str | None = None) -> None:
        self.parts: tuple[Part, ...] = tuple(parts)
        for part in self.parts:
            if not isinstance(part, (Field, FilePart)):
                raise TypeError(f"parts must be Field or FilePart, not {type(part).__name__}")
        if boundary is None:
            boundary = make_boundary()
        elif not isinstance(boundary, str) or not _BOUNDARY(boundary):
            raise ValueError(
                "boundary must be 1 to 70 characters of letters, digits and '()+_,-./:=? (RFC"
                f" 2046 §5.1.1), not ending in a space; got {boundary!r}"
            )
        delimiter = f"--{boundary}"
        for part in self.parts:
            if isinstance(part, Field) and delimiter in part.value:
                raise ValueError("a text field holds the boundary: choose another boundary")
        self.boundary = boundary

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value, with the boundary (RFC 7578 §4.1)."""
        return f"multipart/form-data; boundary={_quoted(self.boundary)}"

    @property
    def text_fields(self) -> Pairs:
        """The text fields as (name, value) pairs, in order: what ``TEXT_FIELDS`` signs."""
        return tuple((part.name, part.value) for part in self.parts if isinstance(part, Field))

    def chunks(self) -> Iterator[bytes]:
        """The encoded body, from its start, a part header or file chunk at a time (RFC 7578)."""
        delimiter = f"--{self.boundary}\r\n".encode("ascii")
        for part in self.parts:
            disposition = f"Content-Disposition: form-data; name={_quoted(part.name)}"
            if isinstance(part, Field):
                head = f"{disposition}\r\n\r\n".encode()
                yield delimiter + head + part.value.encode("utf-8") + b"\r\n"
                continue
            head = (
                f"{disposition}; filename={_quoted(part.filename)}\r\n"
                f"Content-Type: {part.content_type}\r\n\r\n"
            ).encode()
            yield delimiter + head
            yield from part.chunks()
            yield b"\r\n"
        yield f"--{self.boundary}--\r\n".encode("ascii")

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks()

    def __repr__(self) -> str:
        return f"MultipartBody(parts={len(self.parts)}, boundary={self.boundary!r})"


def as_signed_form(request: Request, text_fields: PairsLike) -> Request:
    """``request`` as ``TEXT_FIELDS`` signs it: its text fields as a form body (§3.4.1.3.1).

    The client signs this view and sends the multipart body; the provider verifies this view,
    made from the text fields its multipart parser read.
    """
    pairs = to_pairs(text_fields, "text_fields")
    headers = tuple((k, v) for k, v in request.headers if k.lower() != "content-type")
    return Request.build(request.method, request.url, data=pairs, headers=headers)


def sign_text_fields(
    request: Request, text_fields: PairsLike, sign_form: Callable[[Request], Request]
) -> Request:
    """``request`` signed as ``TEXT_FIELDS`` says: its text fields as a form body (§3.4.1.3.1).

    ``sign_form`` signs the ``as_signed_form`` view; of what it returns only the ``Authorization``
    header and the URL (which carries the parameters with ``Placement.QUERY``) are kept: the
    request sent keeps its own headers, the multipart ``Content-Type`` among them, and no body.
    """
    form = sign_form(as_signed_form(request, text_fields))
    added = tuple(pair for pair in form.headers if pair[0] == "Authorization")
    return Request(request.method, form.url, (*request.headers, *added))


def _policy(value: object) -> MultipartPolicy:
    if not isinstance(value, MultipartPolicy):
        raise TypeError(f"multipart must be a MultipartPolicy, not {value!r}")
    return value


def sign_multipart(
    request: Request,
    body: MultipartBody,
    consumer: Consumer,
    token: Token | None = None,
    method: SignatureMethod = HMAC_SHA1,
    *,
    multipart: MultipartPolicy,
    placement: Placement = Placement.HEADER,
    realm: str | None = None,
    nonce: str | None = None,
    timestamp: int | str | None = None,
    version: bool = True,
) -> tuple[Request, Iterable[bytes]]:
    """Sign ``request`` with ``body`` as ``multipart`` says (§3.4.1.3.1); return both to send.

    The request returned carries the ``Content-Type`` with the boundary and no body: stream the
    iterable returned as its body. With ``BODY_HASH`` it is a ``HashedBody``, so the bytes sent
    are the bytes hashed (RFC 5849 §3.4.1.3.1, Body Hash §3.1).
    """
    policy = _policy(multipart)
    if not isinstance(body, MultipartBody):
        raise TypeError(f"body must be a MultipartBody, not {type(body).__name__}")
    if request.body or request.content_type is not None:
        raise ValueError(
            "give the request without a body or Content-Type: the multipart body sets both"
        )
    if placement is Placement.BODY:
        raise ValueError("a multipart body cannot carry the OAuth parameters: use HEADER or QUERY")
    base = Request(
        request.method, request.url, (*request.headers, ("Content-Type", body.content_type))
    )
    options: dict[str, Any] = {
        "placement": placement,
        "realm": realm,
        "nonce": nonce,
        "timestamp": timestamp,
        "version": version,
    }
    if policy is MultipartPolicy.NONE:
        return sign(base, consumer, token, method, body_hash=False, **options), body
    if policy is MultipartPolicy.TEXT_FIELDS:
        signed = sign_text_fields(
            base,
            body.text_fields,
            lambda form: sign(form, consumer, token, method, **options),
        )
        return signed, body
    algorithm = method.body_hash_algorithm
    if algorithm is None:
        raise ValueError(f"{method.name} has no body hash; MultipartPolicy.BODY_HASH needs one")
    hashed = HashedBody(body.chunks, algorithm)
    return sign(base, consumer, token, method, body_hash=hashed.digest, **options), hashed


def verify_multipart(
    request: Request,
    credentials: CredentialStore,
    nonces: NonceStore | None,
    *,
    multipart: MultipartPolicy,
    text_fields: PairsLike = (),
    body_digest: BodyDigest | None = None,
    token_kind: TokenKind | None = TokenKind.ACCESS,
    token_optional: bool = False,
    policy: VerifyPolicy = DEFAULT_POLICY,
    now: float | None = None,
) -> Verified:
    """``verify`` a multipart request (received without its body) as ``multipart`` says (§3.2).

    ``TEXT_FIELDS`` needs the ``text_fields`` a multipart parser read; ``BODY_HASH`` needs the
    ``body_digest`` of the raw bytes received (``hash_chunks``, with
    ``policy.body_hash_algorithms``) and refuses a request without ``oauth_body_hash``.
    """
    from .errors import ParameterAbsent
    from .parsing import parse
    from .verification import verify

    mode = _policy(multipart)
    options: dict[str, Any] = {
        "policy": policy,
        "now": now,
        "token_kind": token_kind,
        "token_optional": token_optional,
    }
    if mode is MultipartPolicy.TEXT_FIELDS:
        return verify(as_signed_form(request, text_fields), credentials, nonces, **options)
    if mode is MultipartPolicy.BODY_HASH:
        if body_digest is None:
            raise ValueError(
                "MultipartPolicy.BODY_HASH needs body_digest: the received bytes' hash"
            )
        if parse(request).body_hash is None:
            raise ParameterAbsent(
                "oauth_body_hash is missing; this endpoint signs multipart bodies by their hash"
                " (Body Hash §3.2)",
                parameter="oauth_body_hash",
            )
    return verify(request, credentials, nonces, body_digest=body_digest, **options)
