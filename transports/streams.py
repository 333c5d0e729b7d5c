"""Streamed request bodies on the client side: a file, chunks of bytes, a multipart body.

Theory of operation: a transport's ``send`` takes an ``oauthcore.Request`` whose body is bytes.
A streamed body travels beside it instead, as a ``StreamedBody`` (the chunks of one reading and
their length) passed as ``send(request, ..., stream=...)``; a transport that takes ``stream``
can stream (``takes_stream``). The request then has no body of its own, but the header that
frames the stream: ``Content-Length`` when the length is known, else
``Transfer-Encoding: chunked``. That header is also how a hop of a call is known to carry the
stream (``carries_stream``): a redirect that turns the call into a bodiless GET drops it.

``Upload`` is one call's body. A re-readable source (a seekable binary file, a callable
returning a fresh iterable, an iterable that is not its own iterator, a ``MultipartBody``) is
read once when the call starts, to hash it (``HashedBody``: its length and ``oauth_body_hash``)
and then again for each hop that sends it, hashed as it goes so the bytes sent are the bytes
signed. An iterator can be read once only. When the signature needs its hash
(``oauth_body_hash`` must be in the header before the first byte of the body goes out), it is
first spooled (``spool``: memory up to ``SPOOL_IN_MEMORY``, a temporary file beyond, deleted when
the upload is dropped), and is then a re-readable body like a file. Without a body hash
(PLAINTEXT) it is sent as it comes, chunked, and a second hop that needs it (a 307/308 redirect,
a retry, a clock-skew re-sign) is refused with ``BodyNotRereadable``, never sent empty or half.
How the hop is signed (``StreamSigning``) follows the multipart policy (RFC 5849 §3.4.1.3.1,
Body Hash §3.1).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from attrs import field, frozen

from oauthcore import Request
from oauthcore.bodies import BodyDigest, HashedBody, Readable
from oauthcore.methods import SignatureMethod
from oauthcore.multipart import MultipartBody, MultipartPolicy
from oauthcore.records import Pairs

from .base import AsyncTransport, Response, Transport, send_takes

__all__ = [
    "SPOOL_IN_MEMORY",
    "STREAMING_TRANSPORTS",
    "BodyNotRereadable",
    "StreamSigning",
    "Streamable",
    "StreamedBody",
    "Upload",
    "aiter_chunks",
    "carries_stream",
    "spool",
    "takes_stream",
]

SPOOL_IN_MEMORY = 1 << 20
"""Bytes of a spooled iterator kept in memory; the rest goes to a temporary file (Body Hash
§3.1: its hash is needed before it is sent)."""

STREAMING_TRANSPORTS = (
    "Urllib3Transport, HttpxTransport, UrllibTransport or WSGITransport (AsyncClient:"
    " AsyncHttpxTransport or AiohttpTransport)"
)
"""The shipped transports whose ``send`` takes ``stream``: a body sent in chunks (RFC 9112 §7.1)."""
Streamable = Readable | Callable[[], Iterable[bytes]] | Iterable[bytes] | MultipartBody
"""What a client streams as a body (Body Hash §3.1): a binary file, a callable returning a fresh
iterable of bytes, an iterable of bytes (an iterator is read once), or a ``MultipartBody``."""
_FRAMING = frozenset({"content-length", "transfer-encoding"})


@frozen
class StreamedBody:
    """A request body sent as a stream, given to a transport beside its request (§3.5).

    ``chunks`` is one reading of the body, to be sent in order as it is iterated; ``length`` is
    its ``Content-Length`` (``None``: unknown, sent chunked). The request carries the matching
    ``Content-Length`` or ``Transfer-Encoding: chunked`` header already.
    """

    chunks: Iterable[bytes] = field(repr=False)
    length: int | None = None


class BodyNotRereadable(ValueError):
    """A body that can be read once was needed again: not sent a second time (Body Hash §3.1).

    A 307/308 redirect, a retry or a clock-skew correction re-sends the body; an iterator is
    spent by then. Pass a seekable file or a callable returning a fresh iterable instead.
    """


@frozen
class StreamSigning:
    """How a hop carrying a streamed body is signed (RFC 5849 §3.4.1.3.1, Body Hash §3.1).

    ``body_hash`` is the ``BodyDigest`` sent as ``oauth_body_hash``, or ``False`` for none;
    ``text_fields``, for ``MultipartPolicy.TEXT_FIELDS``, are signed as if they were a form.
    """

    body_hash: BodyDigest | bool
    text_fields: Pairs | None = None


def carries_stream(request: Request) -> bool:
    """Whether ``request`` is a hop that sends its call's streamed body (§3.5).

    It has no body of its own and a ``Content-Length`` or ``Transfer-Encoding`` header.
    """
    return not request.body and any(name.lower() in _FRAMING for name, _ in request.headers)


def spool(chunks: Iterable[bytes]) -> tempfile.SpooledTemporaryFile[bytes]:
    """``chunks`` written out and rewound: a seekable binary file of the same bytes (Body Hash
    §3.1).

    Up to ``SPOOL_IN_MEMORY`` bytes stay in memory, the rest goes to a temporary file in
    ``tempfile.gettempdir()``, removed when the file is closed. Raises ``TypeError`` for a chunk
    that is not bytes.
    """
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned
    try:
        for chunk in chunks:
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(f"a body chunk must be bytes, not {type(chunk).__name__}")
            spooled.write(chunk)
        spooled.seek(0)
    except BaseException:
        spooled.close()
        raise
    return spooled


def takes_stream(transport: object) -> bool:
    """Whether ``transport.send`` takes ``stream`` (a ``StreamedBody``, RFC 9112 §6.2-§7.1)."""
    return send_takes(transport, "stream")


def _once_message() -> str:
    return (
        "the body is an iterator, read once and already sent; a 307/308 redirect, a retry or"
        " a clock-skew correction needs it again: pass a seekable file or a callable returning"
        " a fresh iterable of the same bytes"
    )


class Upload:
    """One call's streamed body: the headers that frame it, its signing, its readings (§3.5).

    ``Upload.of(body, method, multipart)`` reads a re-readable ``body`` once to hash it;
    ``open()`` gives the ``StreamedBody`` for each hop that sends it.
    """

    __slots__ = ("_opened", "_read", "_spooled", "headers", "length", "rereadable", "signing")

    def __init__(
        self,
        read: Callable[[], Iterable[bytes]],
        *,
        length: int | None,
        signing: StreamSigning,
        rereadable: bool,
        content_type: str | None = None,
        spooled: tempfile.SpooledTemporaryFile[bytes] | None = None,
    ) -> None:
        self._read = read
        self._spooled = spooled
        self._opened = False
        self.length = length
        self.signing = signing
        self.rereadable = rereadable
        framing = (
            ("Transfer-Encoding", "chunked") if length is None else ("Content-Length", str(length))
        )
        #: The headers the request gets: the framing, and a multipart body's ``Content-Type``.
        self.headers: tuple[tuple[str, str], ...] = (
            (framing,) if content_type is None else (("Content-Type", content_type), framing)
        )

    @classmethod
    def of(cls, body: object, method: SignatureMethod, multipart: MultipartPolicy | None) -> Upload:
        """The upload of ``body`` signed with ``method`` (and, if multipart, by ``multipart``).

        Raises ``TypeError`` for what cannot be streamed, ``ValueError`` for a multipart body
        without a declared policy, or a body hash the method does not have.
        """
        algorithm = method.body_hash_algorithm
        if isinstance(body, MultipartBody):
            return cls._multipart(body, algorithm, multipart)
        if multipart is not None:
            raise ValueError("multipart= is for a MultipartBody body (oauthcore.multipart)")
        if isinstance(body, (str, bytes, bytearray, memoryview)) or not (
            isinstance(body, Readable) or callable(body) or isinstance(body, Iterable)
        ):
            raise TypeError(
                "body must be bytes, a binary file, a callable returning an iterable of bytes,"
                f" an iterable of bytes or a MultipartBody, not {type(body).__name__}"
            )
        if isinstance(body, Iterator) and not isinstance(body, Readable):
            if algorithm is None:
                once = iter(body)
                return cls(
                    lambda: once, length=None, signing=StreamSigning(False), rereadable=False
                )
            # The hash goes in the header, before the body: read it all first, off the heap.
            spooled = spool(body)
            try:
                hashed = HashedBody(spooled, algorithm)
            except BaseException:  # pragma: no cover - a spool reads back what it was given
                spooled.close()
                raise
            signing = StreamSigning(hashed.digest)
            return cls(
                lambda: hashed,
                length=hashed.length,
                signing=signing,
                rereadable=True,
                spooled=spooled,
            )
        source: Any = body if isinstance(body, Readable) or callable(body) else (lambda: body)
        hashed = HashedBody(source, algorithm or "sha1")
        signing = StreamSigning(hashed.digest if algorithm is not None else False)
        return cls(lambda: hashed, length=hashed.length, signing=signing, rereadable=True)

    @classmethod
    def _multipart(
        cls, body: MultipartBody, algorithm: str | None, multipart: MultipartPolicy | None
    ) -> Upload:
        if multipart is None:
            raise ValueError(
                "declare how the provider signs multipart bodies: multipart=MultipartPolicy.NONE,"
                " TEXT_FIELDS or BODY_HASH, per request or on the client"
            )
        if not isinstance(multipart, MultipartPolicy):
            raise TypeError(f"multipart must be a MultipartPolicy, not {type(multipart).__name__}")
        if multipart is MultipartPolicy.BODY_HASH and algorithm is None:
            raise ValueError("MultipartPolicy.BODY_HASH needs a signature method with a body hash")
        # Read once for the length (and the hash), then again for each hop, checked as it goes.
        hashed = HashedBody(body.chunks, algorithm or "sha1")
        if multipart is MultipartPolicy.BODY_HASH:
            signing = StreamSigning(hashed.digest)
        elif multipart is MultipartPolicy.TEXT_FIELDS:
            signing = StreamSigning(False, body.text_fields)
        else:
            signing = StreamSigning(False)
        return cls(
            lambda: hashed,
            length=hashed.length,
            signing=signing,
            rereadable=True,
            content_type=body.content_type,
        )

    def close(self) -> None:
        """Remove what the upload spooled (an iterator's bytes, kept to be hashed and re-sent)."""
        if self._spooled is not None:
            self._spooled.close()

    def __enter__(self) -> Upload:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def open(self) -> StreamedBody:
        """The body for one hop, read from its start; ``BodyNotRereadable`` for a spent one."""
        if self._opened and not self.rereadable:
            raise BodyNotRereadable(_once_message())
        self._opened = True
        return StreamedBody(self._read(), self.length)

    def bind(self, transport: Transport) -> Transport:
        """``transport``, sending this body with each hop that carries it (§3.5)."""
        _check_streams(transport)
        return _Sending(transport, self)

    def bind_async(self, transport: AsyncTransport) -> AsyncTransport:
        """``bind`` for an ``AsyncTransport``."""
        _check_streams(transport)
        return _AsyncSending(transport, self)

    def argument(self, request: Request) -> dict[str, StreamedBody]:
        """The ``stream=`` argument for a hop: the body if the hop carries it, else nothing."""
        return {"stream": self.open()} if carries_stream(request) else {}

    def __repr__(self) -> str:
        return f"Upload(length={self.length}, rereadable={self.rereadable})"


def _check_streams(transport: object) -> None:
    if not takes_stream(transport):
        raise TypeError(
            f"{type(transport).__name__} cannot stream a request body (its send takes no"
            f" stream=): use {STREAMING_TRANSPORTS}, or pass the body as bytes"
        )


class _Sending:
    """A transport that hands the call's body to each hop carrying it."""

    __slots__ = ("_transport", "_upload")

    def __init__(self, transport: Transport, upload: Upload) -> None:
        self._transport = transport
        self._upload = upload

    def send(self, request: Request, *, timeout: float | None = None, **more: Any) -> Response:
        send: Any = self._transport.send
        response: Response = send(
            request, timeout=timeout, **more, **self._upload.argument(request)
        )
        return response


class _AsyncSending:
    """``_Sending`` for an ``AsyncTransport``."""

    __slots__ = ("_transport", "_upload")

    def __init__(self, transport: AsyncTransport, upload: Upload) -> None:
        self._transport = transport
        self._upload = upload

    async def send(
        self, request: Request, *, timeout: float | None = None, **more: Any
    ) -> Response:
        send: Any = self._transport.send
        argument = self._upload.argument(request)
        response: Response = await send(request, timeout=timeout, **more, **argument)
        return response


# An async transport's body is read in a worker thread this many bytes at a time (a chunk more
# at most): one thread hop per batch, and the event loop never waits on a disk.
_BATCH = 1 << 20


async def aiter_chunks(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    """``chunks`` as an async iterator for an async HTTP library (a chunked body, RFC 9112 §7.1).

    The chunks are read in a worker thread, about 1 MiB at a time: reading a file (or hashing
    what is read) never blocks the event loop.
    """
    # Imported here: ``import transports`` does not load asyncio.
    import asyncio

    iterator = iter(chunks)
    while batch := await asyncio.to_thread(_take, iterator):
        for chunk in batch:
            yield chunk


def _take(iterator: Iterator[bytes]) -> list[bytes]:
    # The next chunks, up to _BATCH bytes (and the chunk that crosses it); [] when done.
    batch, size = [], 0
    for chunk in iterator:
        batch.append(chunk)
        size += len(chunk)
        if size >= _BATCH:
            break
    return batch
