"""Resource protection for WSGI: ``ProtectedResource`` lets only verified requests in (§3.2).

A body up to ``max_body`` is read into memory with the request. With ``max_streamed_body``, a
larger body that is not a form is read as a stream instead: hashed a chunk at a time while it is
copied into a temporary file (in memory up to ``max_body``, then on disk), checked against
``oauth_body_hash`` (Body Hash §3.2), and handed to the app as ``wsgi.input``.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from oauthcore import CredentialStore, OAuthError, Request, TokenKind
from oauthcore.bodies import CHUNK_SIZE, BodyDigest, hash_chunks
from oauthcore.encoding import FORM_CONTENT_TYPE
from oauthcore.nonces import NonceStore
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.verification import Verified, verify

from .environ import DEFAULT_MAX_BODY, content_length, request_from_environ
from .proxies import OriginPolicy
from .replies import HTTPProblem, Reply

__all__ = ["VERIFIED_KEY", "ProtectedResource", "verified"]

VERIFIED_KEY = "oauthcore.verified"
"""The environ key under which ``ProtectedResource`` puts the ``Verified`` request (§3.2)."""


def verified(environ: WSGIEnvironment) -> Verified:
    """The ``Verified`` request that ``ProtectedResource`` let through (RFC 5849 §3.2)."""
    found = environ.get(VERIFIED_KEY)
    if not isinstance(found, Verified):
        raise LookupError("no verified OAuth request here: wrap the app in ProtectedResource")
    return found


class ProtectedResource:
    """WSGI middleware: only requests signed with valid token credentials reach ``app`` (§3.2).

    The ``Verified`` result is put in ``environ["oauthcore.verified"]`` (see ``verified()``) and
    the body, already read, is put back in ``wsgi.input``; a refused request is answered 400/401
    with ``WWW-Authenticate`` and a problem report. ``policy`` and ``token_optional`` are those of
    ``oauthcore.verify``; with ``policy.reveal_base_string`` (development only) a refused
    signature's report carries the base string this provider computed. ``max_streamed_body``
    (bytes, above ``max_body``) lets larger non-form bodies in, read as a stream into a temporary
    file while their hash is computed. ``origin`` (``TrustedProxies``, ``PublicOrigin``) sets the
    public URL behind a proxy.
    """

    def __init__(
        self,
        app: WSGIApplication,
        credentials: CredentialStore,
        nonces: NonceStore | None,
        *,
        realm: str | None = None,
        policy: VerifyPolicy = DEFAULT_POLICY,
        token_optional: bool = False,
        max_body: int = DEFAULT_MAX_BODY,
        max_streamed_body: int = 0,
        origin: OriginPolicy | None = None,
        token_check: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.credentials = credentials
        self.nonces = nonces
        self.realm = realm
        self.policy = policy
        self.token_optional = token_optional
        self.max_body = max_body
        self.max_streamed_body = max_streamed_body
        self.origin = origin
        #: Called with the access token's key once the request verifies; may raise an
        #: ``OAuthError`` (``TokenEndpoints.check_token``: an expired token, OAuth Session §5.2).
        self.token_check = token_check

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Verify, then call the wrapped app, or answer the problem (RFC 5849 §3.2)."""
        body: IO[bytes] | None = None
        request: Request | None = None
        try:
            request, digest, body = self._read(environ)
            result = verify(
                request,
                self.credentials,
                self.nonces,
                token_kind=TokenKind.ACCESS,
                token_optional=self.token_optional,
                policy=self.policy,
                body_digest=digest,
            )
            if self.token_check is not None and result.token is not None:
                self.token_check(result.token.key)
        except (HTTPProblem, OAuthError) as error:
            _close(body)
            return Reply.refusal(error, request, self.policy, self.realm)(start_response)
        environ[VERIFIED_KEY] = result
        environ["wsgi.input"] = body
        try:
            response = self.app(environ, start_response)
        except BaseException:
            body.close()
            raise
        return _Closing(response, body)

    def _read(self, environ: WSGIEnvironment) -> tuple[Request, BodyDigest | None, IO[bytes]]:
        """The request, and its body: in memory, or streamed with its digest (Body Hash §3.2)."""
        length = content_length(environ)
        form = str(environ.get("CONTENT_TYPE", "")).lower().startswith(FORM_CONTENT_TYPE)
        if length <= self.max_body or form or not self.max_streamed_body:
            request = request_from_environ(environ, max_body=self.max_body, origin=self.origin)
            return request, None, io.BytesIO(request.body)
        if length > self.max_streamed_body:
            raise HTTPProblem(413, f"the request body is over {self.max_streamed_body} bytes")
        request = request_from_environ(environ, origin=self.origin, read_body=False)
        spool = tempfile.SpooledTemporaryFile(max_size=self.max_body)  # noqa: SIM115 - closed by _Closing
        try:
            digest = hash_chunks(
                _copied(environ["wsgi.input"], length, spool), *self.policy.body_hash_algorithms
            )
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return request, digest, spool


def _copied(stream: Any, length: int, spool: IO[bytes]) -> Iterator[bytes]:
    """``length`` bytes of ``stream``, a chunk at a time, each also written to ``spool``."""
    remaining = length
    while remaining:
        chunk = stream.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            raise HTTPProblem(400, "the request body ended before its Content-Length")
        remaining -= len(chunk)
        spool.write(chunk)
        yield chunk


def _close(body: IO[bytes] | None) -> None:
    if body is not None:
        body.close()


class _Closing:
    """The app's response, closing the spooled request body once the server is done (PEP 3333)."""

    def __init__(self, response: Iterable[bytes], body: IO[bytes]) -> None:
        self._response = response
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._response)

    def close(self) -> None:
        try:
            close = getattr(self._response, "close", None)
            if close is not None:
                close()
        finally:
            self._body.close()
