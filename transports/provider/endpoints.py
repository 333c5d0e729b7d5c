"""The token endpoints for WSGI: temporary and token credentials, pending authorizations (§2)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

from attrs import evolve

from oauthcore import (
    OAuthError,
    Request,
    Token,
    TokenExpired,
    TokenKind,
    TokenRejected,
    TokenStore,
)
from oauthcore.encoding import FORM_CONTENT_TYPE
from oauthcore.nonces import NonceStore
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.provider import (
    Session,
    TemporaryCredentials,
    authorize,
    check_fresh,
    exchange,
    issue_temporary_credentials,
    make_token,
    refresh_session,
    session_response,
    start_session,
    token_response,
)
from oauthcore.records import Pairs
from oauthcore.verification import OAuthParams, parse, verify

from .environ import DEFAULT_MAX_BODY, request_from_environ
from .pending import MemoryPendingStore, PendingStore
from .proxies import OriginPolicy
from .replies import HTTPProblem, Reply

__all__ = ["TokenEndpoints"]


class TokenEndpoints:
    """The temporary-credentials and token-credentials endpoints as WSGI apps (RFC 5849 §2).

    ``request_token`` and ``access_token`` are WSGI applications; between them the application
    shows its own authorization page and calls ``authorize`` (or ``deny``) with the resource
    owner's answer. Pending authorizations live in ``pending``: by default a
    ``MemoryPendingStore`` over ``credentials``, at most ``max_pending`` per consumer, that
    consumer's oldest dropped first (no consumer can push out another's); several workers share
    one from ``transports.stores``. ``owner`` pairs given to ``authorize`` (``user_id``,
    ``screen_name``) are returned with the token credentials and kept in the access token's
    ``extra``. ``origin`` (``TrustedProxies``, ``PublicOrigin``) sets the public URL behind a
    proxy.

    With ``token_lifetime`` (seconds) access tokens expire and come with a session handle (OAuth
    Session 1.0): ``access_token`` also renews a token signed with ``oauth_session_handle``
    (§5.3), until ``authorization_lifetime`` runs out, and ``check_token`` (give it to
    ``ProtectedResource(token_check=...)``) refuses an expired or replaced token with
    ``TokenExpired`` (§5.2). ``start_session`` issues such a token without the three legs.
    Sessions are kept in this process's memory.
    """

    def __init__(
        self,
        credentials: TokenStore,
        nonces: NonceStore | None,
        *,
        realm: str | None = None,
        policy: VerifyPolicy = DEFAULT_POLICY,
        callback_allowed: Callable[[str], bool] | None = None,
        max_pending: int = 10_000,
        max_body: int = DEFAULT_MAX_BODY,
        origin: OriginPolicy | None = None,
        pending: PendingStore | None = None,
        token_lifetime: float | None = None,
        authorization_lifetime: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.credentials = credentials
        self.nonces = nonces
        self.realm = realm
        self.policy = policy
        self.callback_allowed = callback_allowed
        self.max_body = max_body
        self.origin = origin
        #: Where pending authorizations live (§2.1-§2.3).
        self.pending_store: PendingStore = (
            MemoryPendingStore(credentials, max_pending=max_pending) if pending is None else pending
        )
        self.token_lifetime = token_lifetime
        self.authorization_lifetime = authorization_lifetime
        self.clock = clock
        #: How many tokens were renewed with a session handle (OAuth Session 1.0 §5.4).
        self.renewals = 0
        self._lock = threading.Lock()
        # Sessions by handle; each token (the current one and the one it replaced) to its handle.
        self._sessions: dict[str, Session] = {}
        self._session_of: dict[str, str] = {}
        self._replaced: dict[str, str] = {}

    def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending authorization for request token ``token_key``, or ``None`` (§2.2)."""
        return self.pending_store.pending(token_key)

    def authorize(
        self, token_key: str, owner: Iterable[tuple[str, str]] = ()
    ) -> TemporaryCredentials:
        """Record the resource owner's approval and issue the verifier (RFC 5849 §2.2).

        Returns the authorized record: redirect to ``callback_url(record)`` or, for ``oob``,
        show ``record.verifier``. Raises ``LookupError`` for an unknown or expired token and
        ``ValueError`` if it was already authorized.
        """
        temporary = self.pending_store.pending(token_key)
        if temporary is None:
            raise LookupError("unknown or expired request token")
        verifier = authorize(temporary).verifier
        assert verifier is not None  # authorize() always issues one
        authorized = self.pending_store.authorize_pending(token_key, verifier, tuple(owner))
        if authorized is None:
            # Another worker authorized, denied or exchanged it since it was read.
            raise ValueError("these temporary credentials are no longer pending authorization")
        return authorized

    def deny(self, token_key: str) -> TemporaryCredentials | None:
        """The resource owner refused: forget the request token; returns what was pending (§2.2)."""
        taken = self.pending_store.take_pending(token_key)
        return None if taken is None else taken[0]

    def request_token(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """WSGI app: verify a temporary-credentials request and issue them (RFC 5849 §2.1)."""
        return self._answer(environ, self.answer_request_token)(start_response)

    def access_token(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """WSGI app: exchange authorized temporary credentials for token credentials (§2.3)."""
        return self._answer(environ, self.answer_access_token)(start_response)

    def answer_request_token(self, request: Request) -> Reply:
        """The answer to a temporary-credentials request already read (RFC 5849 §2.1).

        ``request`` is the request as the client signed it (``request_from_environ``,
        ``request_from_scope``); the ``Reply`` is the credentials, form-encoded, or a refusal:
        405 for anything but POST, 400/401 with ``WWW-Authenticate`` and a problem report.
        """
        try:
            _require_post(request.method)
            result = verify(
                request,
                self.credentials,
                self.nonces,
                token_kind=None,
                policy=self.policy,
            )
            temporary = issue_temporary_credentials(
                result.params, callback_allowed=self.callback_allowed
            )
        except (HTTPProblem, OAuthError) as error:
            return Reply.refusal(error, request, self.policy, self.realm)
        self.pending_store.add_pending(temporary)
        return _credentials_reply(temporary.token)

    def answer_access_token(self, request: Request) -> Reply:
        """The answer to a token-credentials request already read (RFC 5849 §2.3).

        As ``answer_request_token``: the token credentials (with a session handle when tokens
        expire, OAuth Session 1.0 §5.1), a renewed token for ``oauth_session_handle``, or a
        refusal.
        """
        try:
            _require_post(request.method)
            params = parse(request)
            if params.session_handle is not None:
                return self._renew(request, params)
            token_key = params.token
            temporary = None if token_key is None else self.pending(token_key)
            taken: list[Pairs] = []
            consumer = self.credentials.consumer(params.consumer_key)
            if token_key is None or temporary is None or consumer is None:
                raise TokenRejected(
                    "oauth_token is not a pending request token of this consumer; request"
                    " temporary credentials again (RFC 5849 §2.3)",
                    parameter="oauth_token",
                )
            access = exchange(
                request,
                params,
                consumer,
                temporary,
                nonces=self.nonces,
                policy=self.policy,
                consume=lambda: self._take(temporary.token.key, taken),
            )
        except (HTTPProblem, OAuthError) as error:
            return Reply.refusal(error, request, self.policy, self.realm)
        access = evolve(access, extra=taken[0])
        if self.token_lifetime is not None:
            session = self.start_session(temporary.consumer_key, access)
            return _session_reply(session, self.clock())
        self.credentials.add_token(temporary.consumer_key, access, TokenKind.ACCESS)
        return _credentials_reply(access)

    def start_session(
        self, consumer_key: str, token: Token | None = None, owner: Iterable[tuple[str, str]] = ()
    ) -> Session:
        """Issue access ``token`` (else a new one, ``owner`` in its extra) with a session (§5.1)."""
        token = make_token() if token is None else token
        if owner:
            token = evolve(token, extra=tuple(owner))
        session = start_session(
            consumer_key,
            token,
            now=self.clock(),
            lifetime=self.token_lifetime,
            authorization_lifetime=self.authorization_lifetime,
        )
        self.credentials.add_token(consumer_key, token, TokenKind.ACCESS)
        with self._lock:
            self._sessions[session.handle] = session
            self._session_of[token.key] = session.handle
        return session

    def check_token(self, token_key: str) -> None:
        """Refuse an expired access token, or one a renewal replaced, with ``TokenExpired`` (§5.2).

        A token without a session passes: it does not expire.
        """
        with self._lock:
            handle = self._session_of.get(token_key)
            session = None if handle is None else self._sessions[handle]
        if session is None:
            return
        if session.token.key != token_key:
            raise TokenExpired(
                "this access token was renewed; sign with the new one (OAuth Session 1.0 §5.4)",
                parameter="oauth_token",
            )
        check_fresh(session, now=self.clock())

    def _renew(self, request: Request, params: OAuthParams) -> Reply:
        # OAuth Session 1.0 §5.3-§5.4: a new token for the session, checked against its current one.
        handle = str(params.session_handle)
        with self._lock:
            session = self._sessions.get(handle)
        consumer = self.credentials.consumer(params.consumer_key)
        if session is None or consumer is None:
            raise TokenRejected(
                "oauth_session_handle is not a session of this consumer (OAuth Session 1.0 §5.3)",
                parameter="oauth_session_handle",
            )
        now = self.clock()
        renewed = refresh_session(
            request, params, consumer, session, now=now, nonces=self.nonces, policy=self.policy
        )
        with self._lock:
            if self._sessions.get(handle) is not session:
                raise TokenRejected(
                    "this token was renewed already; sign with the new one (OAuth Session 1.0"
                    " §5.4)",
                    parameter="oauth_token",
                )
            self._sessions[handle] = renewed
            self._session_of[renewed.token.key] = handle
            # The token just replaced stays known (requests signed with it are in flight and
            # are told to use the new one); the one before it goes.
            gone = self._replaced.get(handle)
            self._replaced[handle] = session.token.key
            if gone is not None:
                del self._session_of[gone]
            self.renewals += 1
        self.credentials.add_token(session.consumer_key, renewed.token, TokenKind.ACCESS)
        if gone is not None:
            self.credentials.remove_token(session.consumer_key, gone, TokenKind.ACCESS)
        return _session_reply(renewed, now)

    def _take(self, token_key: str, taken: list[Pairs]) -> bool:
        # Atomic in every PendingStore: of two concurrent exchanges, one gets the record.
        found = self.pending_store.take_pending(token_key)
        if found is None:
            return False
        taken.append(found[1])
        return True

    def _answer(self, environ: WSGIEnvironment, answer: Callable[[Request], Reply]) -> Reply:
        """Read a credentials request from ``environ``, then ``answer`` it (RFC 5849 §2)."""
        try:
            _require_post(str(environ["REQUEST_METHOD"]))
            request = request_from_environ(environ, max_body=self.max_body, origin=self.origin)
        except HTTPProblem as problem:
            return Reply.text(problem.status, problem.message)
        return answer(request)


def _require_post(method: str) -> None:
    if method != "POST":
        # RFC 5849 §2.1 and §2.3 require POST for both credentials requests.
        raise HTTPProblem(405, "credentials requests must use POST (RFC 5849 §2)")


def _session_reply(session: Session, now: float) -> Reply:
    headers = [("Content-Type", FORM_CONTENT_TYPE), ("Cache-Control", "no-store")]
    return Reply(200, headers, session_response(session, now=now))


def _credentials_reply(token: Token) -> Reply:
    headers = [("Content-Type", FORM_CONTENT_TYPE), ("Cache-Control", "no-store")]
    return Reply(200, headers, token_response(token))
