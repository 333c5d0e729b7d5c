"""The embedded demo provider: a whole OAuth 1.0a provider in memory, as a WSGI app (§2, §3).

It serves the three-legged flow of RFC 5849 §2 (request token, an authorization page with
Approve / Deny, access token) and one protected resource, ``/api/me``, echoing who signed. It is
built only from oauthcore's provider functions and ``transports.provider``, and doubles as a local
test double for any OAuth 1.0a client: start it with ``DemoProvider().serve()`` in a test.

The authorization form is CSRF-safe: the page sets a random cookie (``SameSite=Strict``,
``HttpOnly``) and embeds an HMAC of it and the request token; a post must carry both, so another
site can neither forge the form nor replay one it fetched itself.
"""

from __future__ import annotations

import hmac
import html
import secrets
from collections.abc import Callable, Iterable
from hashlib import sha256
from wsgiref.simple_server import WSGIServer
from wsgiref.types import StartResponse, WSGIEnvironment

from attrs import frozen

from oauthcore import Consumer, Request
from oauthcore.encoding import append_query
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.provider import TemporaryCredentials, callback_url

from ..provider import (
    HTTPProblem,
    ProtectedResource,
    Reply,
    TokenEndpoints,
    request_from_environ,
    verified,
)
from ..stores.urls import Stores, memory_stores
from ._pages import FORM, cookie_value, form_fields, html_message, html_page, url_origin
from .server import Endpoints, RunningProvider, make_demo_server

__all__ = ["DEMO_APP_NAME", "DEMO_CONSUMER", "DEMO_USER", "DemoProvider", "DemoUser"]

DEMO_CONSUMER = Consumer("demo-consumer-key", "demo-consumer-secret")
"""The consumer every demo provider knows (RFC 5849 §1.1); its secret is public on purpose."""
DEMO_APP_NAME = "oauthcore demo app"
"""The name the authorization page (§2.2) shows for ``DEMO_CONSUMER``."""
_CSRF_COOKIE = "oauthcore_demo_csrf"


@frozen
class DemoUser:
    """The resource owner who approves or denies on the authorization page (RFC 5849 §1.1)."""

    user_id: str
    screen_name: str


DEMO_USER = DemoUser("1", "demo-user")
"""The one resource owner (RFC 5849 §1.1) of a demo provider, who approves on its §2.2 page."""


class DemoProvider:
    """An in-memory OAuth 1.0a provider as a WSGI app, seeded with ``DEMO_CONSUMER`` (§2, §3).

    Serve it on loopback with ``serve()`` (a background thread, for tests and other projects'
    client tests) or put it under any WSGI server. ``approve(token_key)`` is the Approve button
    without a browser. State lives in memory and dies with the object, unless ``stores`` (from
    ``transports.stores.open_stores``) are shared ones: then several processes serve one
    provider, given the same ``csrf_key`` for the authorization form.

    >>> with DemoProvider().serve() as running:  # doctest: +SKIP
    ...     running.endpoints.request_token
    'http://127.0.0.1:54321/oauth/request_token'
    """

    def __init__(
        self,
        *,
        consumers: Iterable[tuple[Consumer, str]] = ((DEMO_CONSUMER, DEMO_APP_NAME),),
        user: DemoUser = DEMO_USER,
        realm: str = "oauthcore demo",
        policy: VerifyPolicy = DEFAULT_POLICY,
        stores: Stores | None = None,
        csrf_key: bytes | None = None,
    ) -> None:
        if stores is None:
            stores = memory_stores(policy.window)
        #: Where consumers, tokens, pending authorizations and nonces live.
        self.stores = stores
        self.credentials = stores.credentials
        self.nonces = stores.nonces
        self.user = user
        self.realm = realm
        self._app_names: dict[str, str] = {}
        for consumer, name in consumers:
            self.add_consumer(consumer, name)
        self.tokens = TokenEndpoints(
            self.credentials,
            self.nonces,
            realm=realm,
            policy=policy,
            pending=stores.pending,
        )
        self.resource = ProtectedResource(
            self._me,
            self.credentials,
            self.nonces,
            realm=realm,
            policy=policy,
        )
        # Signs the authorization form's CSRF values; new with each provider unless given (the
        # workers of one provider share it), never shown.
        self._csrf_key = secrets.token_bytes(32) if csrf_key is None else csrf_key

    def add_consumer(self, consumer: Consumer, app_name: str) -> None:
        """Register a client application under the name its authorization page shows (§1.1)."""
        self.credentials.add_consumer(consumer)
        self._app_names[consumer.key] = app_name

    def app_name(self, consumer_key: str) -> str:
        """The name shown for ``consumer_key`` on the authorization page (§2.2); else the key."""
        return self._app_names.get(consumer_key, consumer_key)

    def approve(self, token_key: str) -> TemporaryCredentials:
        """What the Approve button does: authorize the request token for the demo user (§2.2)."""
        return self.tokens.authorize(token_key, self._owner())

    def _owner(self) -> list[tuple[str, str]]:
        return [("user_id", self.user.user_id), ("screen_name", self.user.screen_name)]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Route to the endpoints: the WSGI entry point."""
        path = str(environ.get("PATH_INFO", "")) or "/"
        route = self._routes().get(path)
        if route is None:
            return Reply.text(404, f"no such page: {path}")(start_response)
        try:
            return route(environ, start_response)
        except HTTPProblem as problem:
            return Reply.text(problem.status, problem.message)(start_response)

    def _routes(self) -> dict[str, Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]]:
        return {
            "/": self._index,
            "/oauth/request_token": self.tokens.request_token,
            "/oauth/authorize": self._authorize,
            "/oauth/access_token": self.tokens.access_token,
            "/api/me": self.resource,
            "/callback": self._callback,
        }

    def _index(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        base = request_from_environ(environ).base_string_uri.rstrip("/")
        endpoints = Endpoints.at(base)
        lines = ["oauthcore demo provider (OAuth 1.0a, RFC 5849)"]
        if self.credentials.consumer(DEMO_CONSUMER.key) == DEMO_CONSUMER:
            # Only the public demo consumer is shown; consumers registered by a test are not.
            lines += [
                f"consumer key:    {DEMO_CONSUMER.key}",
                f"consumer secret: {DEMO_CONSUMER.secret}",
            ]
        lines += [
            f"request token:   POST {endpoints.request_token}",
            f"authorize:       GET  {endpoints.authorize}?oauth_token=...",
            f"access token:    POST {endpoints.access_token}",
            f"resource:        GET  {endpoints.resource}",
        ]
        return Reply.text(200, "\n".join(lines))(start_response)

    def _csrf_value(self, cookie: str, token_key: str) -> str:
        message = f"{cookie}|{token_key}".encode()
        return hmac.new(self._csrf_key, message, sha256).hexdigest()

    def _authorize(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            request = request_from_environ(environ)
            method = request.method
            if method == "GET":
                answer = self._authorizehtml_page(environ, request)
            elif method == "POST":
                answer = self._authorize_decision(environ, request)
            else:
                answer = Reply(405, [("Allow", "GET, POST")], b"")
        except HTTPProblem as problem:
            answer = html_message(problem.status, "Bad request", problem.message)
        return answer(start_response)

    def _authorizehtml_page(self, environ: WSGIEnvironment, request: Request) -> Reply:
        query = form_fields(request.query, "query")
        token_key = query.get("oauth_token", "")
        pending = self.tokens.pending(token_key) if token_key else None
        if pending is None or pending.authorized:
            return html_message(
                400,
                "Unknown request token",
                "This authorization link is unknown, expired or already used; start again"
                " from the application.",
            )
        headers = []
        cookie = cookie_value(environ, _CSRF_COOKIE)
        if cookie is None:
            cookie = secrets.token_urlsafe(32)
            headers.append(
                (
                    "Set-Cookie",
                    f"{_CSRF_COOKIE}={cookie}; Path=/oauth/authorize; HttpOnly; SameSite=Strict",
                )
            )
        form = FORM.format(
            app=html.escape(self.app_name(pending.consumer_key)),
            user=html.escape(self.user.screen_name),
            action="/oauth/authorize",
            token=html.escape(token_key),
            csrf=self._csrf_value(cookie, token_key),
        )
        title = f"Authorize {self.app_name(pending.consumer_key)}?"
        return html_page(200, title, form, headers)

    def _authorize_decision(self, environ: WSGIEnvironment, request: Request) -> Reply:
        form = form_fields(request.body, "form body")
        token_key = form.get("oauth_token", "")
        cookie = cookie_value(environ, _CSRF_COOKIE)
        expected = self._csrf_value(cookie, token_key) if cookie else ""
        # A browser names the page's origin on a form post; a cross-site post names another.
        origin = request.header("Origin")
        same_origin = origin is None or origin == url_origin(request.base_string_uri)
        if not (
            expected
            and same_origin
            and hmac.compare_digest(form.get("csrf", "").encode(), expected.encode())
        ):
            return html_message(
                403,
                "Forbidden",
                "The form could not be checked (CSRF): reload the authorization page and try"
                " again.",
            )
        decision = form.get("decision")
        pending = self.tokens.pending(token_key)
        if pending is None or pending.authorized:
            return html_message(400, "Unknown request token", "This request token is not pending.")
        if decision == "approve":
            return self._approved(self.approve(token_key))
        if decision == "deny":
            self.tokens.deny(token_key)
            if pending.is_oob:
                return html_message(
                    200, "Access denied", "You denied access. You can close this page."
                )
            location = append_query(pending.callback, [("denied", token_key)])
            return Reply(303, [("Location", location), ("Cache-Control", "no-store")])
        return html_message(400, "Bad request", "The form must say approve or deny.")

    def _approved(self, authorized: TemporaryCredentials) -> Reply:
        location = callback_url(authorized)
        if location is not None:
            return Reply(303, [("Location", location), ("Cache-Control", "no-store")])
        app = html.escape(self.app_name(authorized.consumer_key))
        verifier = html.escape(str(authorized.verifier))
        body = (
            "<h1>Access approved</h1>\n"
            f"<p>Enter this PIN in <strong>{app}</strong>:</p>\n"
            f'<p><code id="pin">{verifier}</code></p>\n'
        )
        return html_page(200, "Access approved", body)

    def _me(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        result = verified(environ)
        token = result.token
        document = {
            "user_id": None if token is None else token.get("user_id"),
            "screen_name": None if token is None else token.get("screen_name"),
            "consumer_key": result.consumer.key,
            "app": self.app_name(result.consumer.key),
            "signature_method": result.params.signature_method,
        }
        return Reply.json(200, document)(start_response)

    def _callback(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        title = "Back at the application"
        message = (
            "The provider sent you back with oauth_token and oauth_verifier; the application"
            " now exchanges them for token credentials (RFC 5849 §2.3)."
        )
        return html_message(200, title, message)(start_response)

    def make_server(
        self, host: str = "127.0.0.1", port: int = 0, *, log: Callable[[str], None] | None = None
    ) -> WSGIServer:
        """A threaded ``wsgiref`` server for this provider (§2, §3), bound but not yet serving."""
        return make_demo_server(self, host, port, log)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, log: Callable[[str], None] | None = None
    ) -> RunningProvider:
        """Serve the §2 endpoints on ``host:port`` (0: a free port) in a thread until ``stop()``.

        Use it as a context manager; ``endpoints`` has the URLs of the running provider.
        """
        return RunningProvider(self, self.make_server(host, port, log=log))
