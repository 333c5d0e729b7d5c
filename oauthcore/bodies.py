"""Bodies that do not fit in memory: ``oauth_body_hash`` over streamed bytes (Body Hash §3.1).

Theory of operation: the Authorization header goes out before the body, so the body hash must be
known before the first byte is sent, and a streamed body is read twice: once to hash, once to
send. ``hash_chunks`` hashes an iterable of bytes one chunk at a time into a ``BodyDigest`` (the
hash, the algorithm and the length: where the value came from). ``HashedBody`` wraps a source
that can be read again (a seekable binary file, or a callable returning a fresh iterable each
time): it hashes the first reading when made, and every later reading, the one a transport
sends, is hashed again as it goes out. More bytes than were hashed are refused before they are
sent; fewer, or other bytes of the same length, raise ``BodyChanged`` once the last chunk is out,
so a transport aborts the request instead of finishing it, and the provider's check refuses it
anyway. Memory holds one chunk at a time. The core opens nothing: it calls ``read`` and ``seek``
on the file it is given, or iterates what the callable returns.
"""

from __future__ import annotations

from binascii import Error as BinasciiError
from binascii import a2b_base64, b2a_base64
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from attrs import field, frozen

__all__ = [
    "CHUNK_SIZE",
    "BodyChanged",
    "BodyDigest",
    "BodySource",
    "HashedBody",
    "Readable",
    "hash_chunks",
    "read_chunks",
    "rereadable",
]

CHUNK_SIZE = 64 * 1024
"""How much of a body is read at a time (Body Hash §3.1): large enough for speed, small enough to
bound memory."""

# The body hash algorithms of the built-in methods (Body Hash §3.2: the signature method's hash).
_DIGEST_SIZES = {"sha1": 20, "sha256": 32, "sha512": 64}


@runtime_checkable
class Readable(Protocol):
    """A binary file, the source of a streamed body (Body Hash §3.1): ``read(size)`` bytes."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; ``b""`` at the end."""


BodySource = Readable | Callable[[], Iterable[bytes]]
"""What ``HashedBody`` reads again (Body Hash §3.1): a seekable binary file, or a callable that
returns a fresh iterable of the same bytes each time it is called."""


class BodyChanged(ValueError):
    """The bytes being sent are not the bytes whose hash was signed (Body Hash §3.2)."""


def _algorithms(algorithms: tuple[str, ...]) -> tuple[str, ...]:
    if not algorithms:
        raise ValueError("give at least one body hash algorithm: sha1, sha256 or sha512")
    for name in algorithms:
        if name not in _DIGEST_SIZES:
            raise ValueError(f"body hash algorithm must be sha1, sha256 or sha512, got {name!r}")
    return tuple(dict.fromkeys(algorithms))


def _to_values(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, tuple):
        raise TypeError(f"values must be a tuple of (algorithm, base64) pairs, not {value!r}")
    _algorithms(tuple(name for name, _ in value))
    for name, text in value:
        try:
            raw = a2b_base64(text.encode("ascii"), strict_mode=True)
        except (BinasciiError, UnicodeEncodeError, AttributeError):
            raise ValueError(f"the {name} body hash must be base64 text") from None
        if len(raw) != _DIGEST_SIZES[name]:
            raise ValueError(f"the {name} body hash must be {_DIGEST_SIZES[name]} bytes")
    return value


def _to_length(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"length must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError("length must not be negative")
    return value


@frozen
class BodyDigest:
    """The ``oauth_body_hash`` of a body hashed as it streamed: per algorithm, and its length.

    Made by ``hash_chunks`` or ``HashedBody``; ``sign(..., body_hash=digest)`` sends it and
    ``check``/``verify(..., body_digest=digest)`` compare with it (Body Hash §3.1, §3.2).
    """

    length: int = field(converter=_to_length)
    values: tuple[tuple[str, str], ...] = field(converter=_to_values)

    def value(self, algorithm: str) -> str:
        """The base64 body hash with ``algorithm``; ``ValueError`` if it was not computed."""
        for name, text in self.values:
            if name == algorithm:
                return text
        computed = ", ".join(name for name, _ in self.values)
        raise ValueError(
            f"the body was hashed with {computed}, not {algorithm}: hash it with the algorithm"
            " of the signature method (method.body_hash_algorithm)"
        )


def _streamed_digest(
    body: bytes, digest: object, argument: str, *, accepted: str, carried: str
) -> BodyDigest:
    """``digest``, checked as the hash of a body streamed apart from a request (Body Hash §3.1).

    ``argument`` names the argument it came in (``body_hash`` for ``sign``, ``body_digest`` for
    ``check``/``verify``): ``TypeError`` saying it must be ``accepted`` when it is no
    ``BodyDigest``; ``ValueError(carried)`` when the request also carries a ``body``.
    """
    if not isinstance(digest, BodyDigest):
        raise TypeError(f"{argument} must be {accepted}, not {digest!r}")
    if body:
        raise ValueError(carried)
    return digest


class _Hashers:
    """One running hash per algorithm, fed chunk by chunk."""

    __slots__ = ("hashers", "length", "names")

    def __init__(self, names: tuple[str, ...]) -> None:
        import hashlib  # loaded with the first body hash: ``import oauthcore`` stays light

        self.names = names
        self.hashers = [hashlib.new(name) for name in names]
        self.length = 0

    def update(self, chunk: object) -> None:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise TypeError(f"a body chunk must be bytes, not {type(chunk).__name__}")
        self.length += len(chunk)
        for hasher in self.hashers:
            hasher.update(chunk)

    def digest(self) -> BodyDigest:
        values = tuple(
            (name, b2a_base64(hasher.digest(), newline=False).decode("ascii"))
            for name, hasher in zip(self.names, self.hashers, strict=True)
        )
        return BodyDigest(self.length, values)


def hash_chunks(chunks: Iterable[bytes], *algorithms: str) -> BodyDigest:
    """Hash ``chunks`` one at a time with each algorithm (default sha1) (Body Hash §3.1).

    Memory holds one chunk: a generator or ``read_chunks(file)`` of any size can be hashed.
    """
    hashers = _Hashers(_algorithms(algorithms or ("sha1",)))
    for chunk in chunks:
        hashers.update(chunk)
    return hashers.digest()


def read_chunks(file: Readable, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The rest of binary ``file``, ``chunk_size`` bytes at a time (Body Hash §3.1, streamed)."""
    if not isinstance(file, Readable):
        raise TypeError(f"file must have a read(size) method, not {type(file).__name__}")
    while chunk := file.read(chunk_size):
        if not isinstance(chunk, bytes):
            raise TypeError(f"file must be opened in binary mode: read gave {type(chunk).__name__}")
        yield chunk


def rereadable(source: BodySource, chunk_size: int = CHUNK_SIZE) -> Callable[[], Iterable[bytes]]:
    """A callable reading ``source`` from its start each time: to hash, then send (Body Hash §3.1).

    A binary file must be seekable: where it stands now is its start. A callable is returned as
    it is, and must give the same bytes each time.
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int, got {chunk_size!r}")
    if isinstance(source, Readable):
        file: Any = source
        seek, tell = getattr(file, "seek", None), getattr(file, "tell", None)
        if not (callable(seek) and callable(tell)):
            raise TypeError("a file body must be seekable: it is read once to hash, then sent")
        start = tell()

        def again() -> Iterable[bytes]:
            seek(start)
            return read_chunks(file, chunk_size)

        return again
    if not callable(source):
        raise TypeError(
            "source must be a seekable binary file or a callable returning an iterable of"
            f" bytes, not {type(source).__name__}"
        )
    return source


class HashedBody:
    """A streamed body whose hash is known before it is sent, and checked while it is sent.

    ``HashedBody(open(path, "rb"), "sha256")`` or ``HashedBody(make_chunks, "sha1")``: the
    first reading gives ``digest`` (for ``sign(..., body_hash=body.digest)``); iterating sends
    the same bytes again, and raises ``BodyChanged`` if they are not (Body Hash §3.1).
    """

    __slots__ = ("_reading", "digest")

    def __init__(self, source: BodySource, *algorithms: str, chunk_size: int = CHUNK_SIZE) -> None:
        self._reading = rereadable(source, chunk_size)
        #: The hash of the first reading: what ``sign`` sends as ``oauth_body_hash``.
        self.digest = hash_chunks(self._reading(), *algorithms)

    @property
    def length(self) -> int:
        """The body's length in bytes: a transport's ``Content-Length``."""
        return self.digest.length

    def __iter__(self) -> Iterator[bytes]:
        """Read the source again, hashing what is yielded; ``BodyChanged`` if it differs."""
        expected = self.digest
        hashers = _Hashers(tuple(name for name, _ in expected.values))
        for chunk in self._reading():
            hashers.update(chunk)
            if hashers.length > expected.length:
                # Refused before it is sent: the provider would read past the signed length.
                raise BodyChanged(
                    f"the body grew after it was hashed ({expected.length} bytes were signed);"
                    " it was not sent in full: sign it again"
                )
            yield chunk
        if hashers.digest() != expected:
            raise BodyChanged(
                f"the body changed after it was hashed ({hashers.length} bytes sent,"
                f" {expected.length} signed): the provider will refuse it; sign it again"
            )

    def __repr__(self) -> str:
        return f"HashedBody(length={self.length})"
