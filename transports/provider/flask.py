"""OAuth 1.0a resource protection for Flask: ``FlaskOAuth`` and its ``required`` decorator (§3.2).

The request is rebuilt from Flask's WSGI environ by ``request_from_environ`` (Host and
``Content-Length`` checked, at most ``max_body`` bytes read), verified by the core's pipeline
through ``Guard``, and a refusal is the answer ``ProtectedResource`` gives. The body is read with
Werkzeug's cache, so the view reads it again with ``request.get_data()``. Flask is imported on
first use (the ``flask`` extra).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from oauthcore import OAuthError
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.verification import Verified

from .._extras import missing_extra
from .aio import AnyCredentialStore, AnyNonceStore
from .environ import DEFAULT_MAX_BODY, request_from_environ
from .guard import Guard
from .proxies import OriginPolicy
from .replies import HTTPProblem, Reply

if TYPE_CHECKING:
    import flask

__all__ = ["FlaskOAuth", "verified"]

_View = TypeVar("_View", bound=Callable[..., Any])
# Where the verified request lives for the rest of the request: flask.g.oauth.
_G_NAME = "oauth"


def _flask() -> Any:
    try:
        import flask
    except ImportError as exc:
        raise missing_extra("transports.provider.flask", "flask") from exc
    return flask


def verified() -> Verified:
    """The ``Verified`` request of the current Flask request, also at ``flask.g.oauth`` (§3.2).

    Raises ``LookupError`` in a view that ``FlaskOAuth.required`` does not guard.
    """
    found = _flask().g.get(_G_NAME)
    if not isinstance(found, Verified):
        raise LookupError("no verified OAuth request here: decorate the view with oauth.required")
    return found


class _CachedBody:
    """A ``wsgi.input`` that reads through Werkzeug's cache, so the view can read it again."""

    def __init__(self, request: flask.Request) -> None:
        self.request = request

    def read(self, size: int) -> bytes:
        # Werkzeug reads at most Content-Length bytes, which request_from_environ checked first.
        return self.request.get_data(cache=True)


class FlaskOAuth:
    """Flask extension: views under ``@oauth.required`` need valid token credentials (§3.2).

    ``oauth = FlaskOAuth(app, credentials, nonces)`` (or ``FlaskOAuth(None, ...)`` then
    ``init_app(app)``). A verified request is at ``flask.g.oauth`` (or ``verified()``); a refused
    one is answered 400/401 with ``WWW-Authenticate`` and a problem report before the view runs.
    ``realm``, ``policy``, ``token_optional``, ``max_body`` and ``origin`` (behind a proxy) are
    those of ``ProtectedResource``.
    Sync and async views alike; the stores must be sync (Flask runs no shared event loop).
    """

    def __init__(
        self,
        app: flask.Flask | None,
        credentials: AnyCredentialStore,
        nonces: AnyNonceStore | None,
        *,
        realm: str | None = None,
        policy: VerifyPolicy = DEFAULT_POLICY,
        token_optional: bool = False,
        max_body: int = DEFAULT_MAX_BODY,
        origin: OriginPolicy | None = None,
    ) -> None:
        _flask()
        self.origin = origin
        self.guard = Guard(
            credentials,
            nonces,
            realm=realm,
            policy=policy,
            token_optional=token_optional,
            max_body=max_body,
        )
        if self.guard.is_async:
            raise TypeError("FlaskOAuth needs sync stores: Flask views are not run on a loop")
        if app is not None:
            self.init_app(app)

    def init_app(self, app: flask.Flask) -> None:
        """Register with ``app``: ``app.extensions["oauthcore"]`` is this extension."""
        app.extensions["oauthcore"] = self

    def check(self) -> Verified | Reply:
        """Verify the current request: the ``Verified`` result, or the refusal to send (§3.2)."""
        request = _flask().request
        environ = {**request.environ, "wsgi.input": _CachedBody(request)}
        rebuilt = None
        try:
            rebuilt = request_from_environ(
                environ, max_body=self.guard.max_body, origin=self.origin
            )
            return self.guard.verify(rebuilt)
        except (HTTPProblem, OAuthError) as error:
            return self.guard.refusal(error, rebuilt)

    def required(self, view: _View) -> _View:
        """Decorator: run ``view`` only for a verified request, ``flask.g.oauth`` set (§3.2)."""
        module = _flask()

        def refused_or_none() -> flask.Response | None:
            found = self.check()
            if isinstance(found, Reply):
                answer: flask.Response = module.Response(found.body, found.status, found.headers)
                return answer
            setattr(module.g, _G_NAME, found)
            return None

        if inspect.iscoroutinefunction(view):
            # Flask runs an async view on an event loop of its own, one request at a time: the
            # sync stores are called right there, as a sync view would call them.
            @functools.wraps(view)
            async def guarded_async(*args: Any, **kwargs: Any) -> Any:
                refused = refused_or_none()
                return refused if refused is not None else await view(*args, **kwargs)

            return cast(_View, guarded_async)

        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            refused = refused_or_none()
            return refused if refused is not None else view(*args, **kwargs)

        # The view's own type: Flask takes the refusal (a Response) from any view.
        return cast(_View, guarded)
