"""Resource protection for WSGI: ``ProtectedResource`` lets only verified requests in (§3.2)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from oauthcore import CredentialStore, OAuthError, TokenKind
from oauthcore.nonces import NonceStore
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.verification import Verified, verify

from .environ import DEFAULT_MAX_BODY, request_from_environ
from .replies import HTTPProblem, Reply

__all__ = ["VERIFIED_KEY", "ProtectedResource", "verified"]

#: The environ key under which ``ProtectedResource`` puts the ``Verified`` request.
VERIFIED_KEY = "oauthcore.verified"


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
    ``oauthcore.verify``.
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
        token_check: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.credentials = credentials
        self.nonces = nonces
        self.realm = realm
        self.policy = policy
        self.token_optional = token_optional
        self.max_body = max_body
        #: Called with the access token's key once the request verifies; may raise an
        #: ``OAuthError`` (``TokenEndpoints.check_token``: an expired token, OAuth Session §5.2).
        self.token_check = token_check

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Verify, then call the wrapped app, or answer the problem (RFC 5849 §3.2)."""
        try:
            request = request_from_environ(environ, max_body=self.max_body)
            result = verify(
                request,
                self.credentials,
                self.nonces,
                token_kind=TokenKind.ACCESS,
                token_optional=self.token_optional,
                policy=self.policy,
            )
            if self.token_check is not None and result.token is not None:
                self.token_check(result.token.key)
        except HTTPProblem as problem:
            return Reply.text(problem.status, problem.message)(start_response)
        except OAuthError as error:
            return Reply.problem(error, self.realm)(start_response)
        environ[VERIFIED_KEY] = result
        environ["wsgi.input"] = io.BytesIO(request.body)
        return self.app(environ, start_response)
