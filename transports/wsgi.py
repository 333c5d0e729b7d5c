"""OAuth 1.0a for WSGI: read a request from the environ, answer problems, protect an app (§3.2).

Theory of operation: ``request_from_environ`` rebuilds the ``oauthcore.Request`` the client
signed, from the environ alone: scheme, ``Host`` header (validated: pasted in raw, it could
move the real path into a fragment), the path re-encoded from PATH_INFO (which WSGI hands over
decoded), the raw query and the body. Everything after that is the core's ``verify`` and the
provider functions; this module only moves bytes between them and WSGI.
"""

from __future__ import annotations

import io
import ipaddress
import json
import re
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from urllib.parse import quote, unquote_to_bytes, urlsplit
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from attrs import evolve

from oauthcore import (
    CredentialStore,
    OAuthError,
    Request,
    Token,
    TokenKind,
    TokenRejected,
    TokenStore,  # re-exported: code that imports it from here keeps working
)
from oauthcore.encoding import FORM_CONTENT_TYPE
from oauthcore.nonces import NonceStore
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.problems import problem_response
from oauthcore.provider_flow import (
    TemporaryCredentials,
    authorize,
    exchange,
    issue_temporary_credentials,
    token_response,
)
from oauthcore.records import Pairs
from oauthcore.verification import Verified, parse, verify

from ._limits import Budget, check_max_response
from .base import DEFAULT_MAX_RESPONSE, Response

__all__ = [
    "DEFAULT_MAX_BODY",
    "VERIFIED_KEY",
    "HTTPProblem",
    "ProtectedResource",
    "Reply",
    "TokenEndpoints",
    "TokenStore",
    "WSGITransport",
    "request_from_environ",
    "verified",
]

#: The environ key under which ``ProtectedResource`` puts the ``Verified`` request.
VERIFIED_KEY = "oauthcore.verified"
#: Largest request body read, in bytes: a provider must not buffer whatever it is sent.
DEFAULT_MAX_BODY = 1 << 20

# What may stay unescaped in a path: RFC 3986 pchar and "/". PATH_INFO is decoded, so anything
# else (a "%" included: it was "%25" on the wire) is encoded again, as the client had it.
_PATH_SAFE = "/:@!$&'()*+,;="
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# A Host is a host name, an IPv4 address or a bracketed IPv6 literal, and an optional port
# (RFC 9110 §7.2, RFC 3986 §3.2.2-3.2.3). The reg-name is narrowed to RFC 3986's unreserved
# characters: DNS has no use for sub-delims or %-escapes, and parsers disagree about them.
_REG_NAME = re.compile(r"[A-Za-z0-9._~-]+").fullmatch
_PORT = re.compile(r"[0-9]{1,5}").fullmatch
# A domain name has at most 253 characters (RFC 1035 §2.3.4); then ":" and five digits.
_MAX_AUTHORITY = 253 + 6


class HTTPProblem(Exception):
    """A request refused before RFC 5849 §3.2 checks could start (body too large, bad bytes)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


class Reply:
    """One WSGI answer: status, headers, body; ``answer(start_response)`` sends it (§3.2)."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self, status: int, headers: Iterable[tuple[str, str]] = (), body: bytes = b""
    ) -> None:
        self.status = status
        self.headers = [*headers, ("Content-Length", str(len(body)))]
        self.body = body

    @classmethod
    def json(cls, status: int, document: object) -> Reply:
        """A JSON reply, never cached: it may describe who signed (RFC 5849 §3.2 result)."""
        body = json.dumps(document, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        return cls(
            status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body
        )

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        """A plain-text reply of one line, for refusals outside RFC 5849 §3.2 (405, 413)."""
        return cls(status, [("Content-Type", "text/plain; charset=utf-8")], f"{message}\n".encode())

    @classmethod
    def problem(cls, error: OAuthError, realm: str | None = None) -> Reply:
        """The 400/401 answer with its challenge and problem report (RFC 5849 §3.2)."""
        answer = problem_response(error, realm=realm)
        return cls(answer.status, answer.headers, answer.body)

    def __call__(self, start_response: StartResponse) -> list[bytes]:
        """Start the response and return the body iterable."""
        start_response(_status_line(self.status), self.headers)
        return [self.body]


def _host_and_port(authority: str) -> tuple[str, str]:
    """The host and port (``""`` if none) of an RFC 9110 §7.2 ``uri-host [":" port]``.

    Raises ``ValueError`` for anything else: userinfo, a path, query or fragment, whitespace,
    control or non-ASCII characters, an empty host, a bad port or bracket, a zone identifier.
    """
    if len(authority) > _MAX_AUTHORITY:
        raise ValueError("too long")
    if authority.startswith("["):
        literal, bracket, rest = authority[1:].partition("]")
        if not bracket or "%" in literal or (rest and rest[0] != ":"):
            raise ValueError("not an IPv6 literal")
        ipaddress.IPv6Address(literal)  # AddressValueError is a ValueError
        host, colon, port = f"[{literal}]", rest[:1], rest[1:]
    else:
        host, colon, port = authority.partition(":")
        if not _REG_NAME(host):
            raise ValueError("not a host name")
        if host.rpartition(".")[2].isdigit():
            # Browsers and resolvers read a name ending in a number as IPv4: it must be one.
            ipaddress.IPv4Address(host)
    if colon and not (_PORT(port) and int(port) <= 65535):
        raise ValueError("not a port")
    return host, port


def _shown(text: str) -> str:
    return repr(text[:40]) + ("..." if len(text) > 40 else "")


def _authority(environ: WSGIEnvironment, scheme: str) -> str:
    """The authority the client sent: ``Host``, else SERVER_NAME and SERVER_PORT (RFC 9110 §7.2).

    Servers pass both on unchecked (a proxy may fill them from X-Forwarded-Host): a raw
    ``Host: h/other?path#`` would move the real path into a fragment of the URL verified.
    """
    if environ.get("HTTP_HOST") is not None:
        text = str(environ["HTTP_HOST"])
        try:
            host, port = _host_and_port(text)
        except ValueError:
            raise HTTPProblem(
                400,
                "the Host header is not a host name, IPv4 address or [IPv6] literal with an"
                f" optional port (RFC 9110 §7.2): {_shown(text)}",
            ) from None
        return f"{host}:{port}" if port else host
    name, port = str(environ["SERVER_NAME"]), str(environ["SERVER_PORT"])
    # A server listening on IPv6 names itself with the bare address (werkzeug, gunicorn).
    bare_ipv6 = ":" in name and not name.startswith("[")
    try:
        host, port = _host_and_port(f"[{name}]:{port}" if bare_ipv6 else f"{name}:{port}")
    except ValueError:
        raise HTTPProblem(
            400,
            "SERVER_NAME and SERVER_PORT do not make a host and port (RFC 9110 §7.2):"
            f" {_shown(name)}, {_shown(port)}",
        ) from None
    return host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"


def _headers(environ: WSGIEnvironment) -> list[tuple[str, str]]:
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = key.replace("_", "-").title()
        else:
            continue
        headers.append((name, str(value)))
    return headers


def _body(environ: WSGIEnvironment, max_body: int) -> bytes:
    text = environ.get("CONTENT_LENGTH") or "0"
    if not text.isdigit():
        raise HTTPProblem(400, "Content-Length must be a whole number of bytes")
    length = int(text)
    if length > max_body:
        raise HTTPProblem(413, f"the request body is over {max_body} bytes")
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    return body


def request_from_environ(environ: WSGIEnvironment, *, max_body: int = DEFAULT_MAX_BODY) -> Request:
    """The ``oauthcore.Request`` a WSGI environ describes, as the client signed it (§3.4.1.2).

    The URL is rebuilt from ``wsgi.url_scheme`` (http or https), the ``Host`` header (else
    SERVER_NAME and SERVER_PORT), each validated, SCRIPT_NAME + PATH_INFO re-encoded and
    QUERY_STRING as received. Raises ``HTTPProblem`` 400 for an invalid scheme, host, port or
    path, or a body that cannot be read, and 413 for a body over ``max_body``.
    """
    scheme = str(environ["wsgi.url_scheme"]).lower()
    if scheme not in _DEFAULT_PORTS:
        raise HTTPProblem(400, f"wsgi.url_scheme must be http or https, not {_shown(scheme)}")
    authority = _authority(environ, scheme)
    raw_path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    if raw_path[:1] not in ("", "/"):
        # PEP 3333: both are empty or start with "/"; anything else would extend the authority.
        raise HTTPProblem(400, "the request path must start with '/'")
    # PEP 3333: environ strings are latin-1 decodings of the raw bytes; undo that first.
    try:
        raw_bytes = raw_path.encode("latin-1")
    except UnicodeEncodeError:
        # Only a server that breaks PEP 3333 hands over more than latin-1: no bytes to verify.
        raise HTTPProblem(400, "the request path is not latin-1 text (PEP 3333)") from None
    path = quote(raw_bytes, safe=_PATH_SAFE) or "/"
    query = str(environ.get("QUERY_STRING", ""))
    url = f"{scheme}://{authority}{path}" + (f"?{query}" if query else "")
    try:
        return Request(
            str(environ["REQUEST_METHOD"]), url, _headers(environ), _body(environ, max_body)
        )
    except ValueError as exc:
        raise HTTPProblem(400, f"malformed request: {exc}") from None


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
    ) -> None:
        self.app = app
        self.credentials = credentials
        self.nonces = nonces
        self.realm = realm
        self.policy = policy
        self.token_optional = token_optional
        self.max_body = max_body

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
        except HTTPProblem as problem:
            return Reply.text(problem.status, problem.message)(start_response)
        except OAuthError as error:
            return Reply.problem(error, self.realm)(start_response)
        environ[VERIFIED_KEY] = result
        environ["wsgi.input"] = io.BytesIO(request.body)
        return self.app(environ, start_response)


class WSGITransport:
    """A ``Transport`` handing each signed request (§3.5) to a WSGI app in this process.

    For tests of client code against a WSGI provider (``DemoProvider`` or your own): the app
    sees the environ a server would build from the same request (PEP 3333). A body over
    ``max_response`` bytes raises ``ResponseTooLarge``, as over a socket (``None``: no cap).
    """

    def __init__(
        self, app: WSGIApplication, *, max_response: int | None = DEFAULT_MAX_RESPONSE
    ) -> None:
        self.app = app
        self.max_response = check_max_response(max_response)

    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        """Call the app with ``request`` as sent on the wire (§3.5); ``timeout`` is unused."""
        parts = urlsplit(request.url)
        scheme = parts.scheme.lower()
        environ: WSGIEnvironment = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            # PEP 3333: the path arrives decoded, as latin-1 characters of the raw bytes.
            "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "",
            "SERVER_PORT": str(parts.port or _DEFAULT_PORTS[scheme]),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": parts.netloc.rpartition("@")[2],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scheme,
            "wsgi.input": io.BytesIO(request.body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(request.body)) if request.body else "",
        }
        for name, value in request.headers:
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value  # as a server would pass it on, even if it is wrong
                continue
            key = f"HTTP_{key}"
            # Repeated headers reach a WSGI app folded into one, comma-separated (PEP 3333).
            environ[key] = f"{environ[key]}, {value}" if key in environ else value
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: object = None
        ) -> Callable[[bytes], object]:
            started.append((status, headers))
            return lambda data: None

        result = self.app(environ, start_response)
        limit = self.max_response
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in result:
                size += len(chunk)
                if limit is not None and size > limit:
                    budget = Budget(request, max_response=limit, deadline=None, timeout=None)
                    raise budget.too_large("the response body is")
                chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started[-1]
        return Response(int(status[:3]), tuple(headers), b"".join(chunks), request.url)


class TokenEndpoints:
    """The temporary-credentials and token-credentials endpoints as WSGI apps (RFC 5849 §2).

    ``request_token`` and ``access_token`` are WSGI applications; between them the application
    shows its own authorization page and calls ``authorize`` (or ``deny``) with the resource
    owner's answer. Pending authorizations live in memory, at most ``max_pending`` per consumer,
    that consumer's oldest dropped first: no consumer can push out another's. ``owner`` pairs
    given to ``authorize`` (``user_id``, ``screen_name``) are returned with the token credentials
    and kept in the access token's ``extra``.
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
    ) -> None:
        self.credentials = credentials
        self.nonces = nonces
        self.realm = realm
        self.policy = policy
        self.callback_allowed = callback_allowed
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, not {max_pending}")
        self.max_pending = max_pending
        self.max_body = max_body
        self._pending: dict[str, TemporaryCredentials] = {}
        # Each consumer's pending request tokens, oldest first (dicts keep insertion order).
        self._queues: dict[str, dict[str, None]] = {}
        self._owners: dict[str, Pairs] = {}
        self._lock = threading.Lock()

    def pending(self, token_key: str) -> TemporaryCredentials | None:
        """The pending authorization for request token ``token_key``, or ``None`` (§2.2)."""
        with self._lock:
            return self._pending.get(token_key)

    def authorize(
        self, token_key: str, owner: Iterable[tuple[str, str]] = ()
    ) -> TemporaryCredentials:
        """Record the resource owner's approval and issue the verifier (RFC 5849 §2.2).

        Returns the authorized record: redirect to ``callback_url(record)`` or, for ``oob``,
        show ``record.verifier``. Raises ``LookupError`` for an unknown or expired token and
        ``ValueError`` if it was already authorized.
        """
        with self._lock:
            temporary = self._pending.get(token_key)
            if temporary is None:
                raise LookupError("unknown or expired request token")
            authorized = authorize(temporary)
            self._pending[token_key] = authorized
            self._owners[token_key] = tuple(owner)
            return authorized

    def deny(self, token_key: str) -> TemporaryCredentials | None:
        """The resource owner refused: forget the request token; returns what was pending (§2.2)."""
        with self._lock:
            temporary = self._unlist(token_key)
            self._owners.pop(token_key, None)
        if temporary is not None:
            self.credentials.remove_token(temporary.consumer_key, token_key, TokenKind.REQUEST)
        return temporary

    def _remember(self, temporary: TemporaryCredentials) -> None:
        consumer_key, key = temporary.consumer_key, temporary.token.key
        self.credentials.add_token(consumer_key, temporary.token, TokenKind.REQUEST)
        with self._lock:
            self._pending[key] = temporary
            queue = self._queues.setdefault(consumer_key, {})
            queue[key] = None
            # The bound is per consumer and there is no global one: any shared cap lets one
            # consumer's flood push out another's flows. Only consumers the credential store
            # knows get this far, so the table holds at most max_pending times that many.
            while len(queue) > self.max_pending:
                old_key = next(iter(queue))
                self._unlist(old_key)
                self._owners.pop(old_key, None)
                self.credentials.remove_token(consumer_key, old_key, TokenKind.REQUEST)

    def _unlist(self, token_key: str) -> TemporaryCredentials | None:
        # Callers hold the lock.
        temporary = self._pending.pop(token_key, None)
        if temporary is not None:
            queue = self._queues[temporary.consumer_key]
            del queue[token_key]
            if not queue:
                del self._queues[temporary.consumer_key]
        return temporary

    def request_token(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """WSGI app: verify a temporary-credentials request and issue them (RFC 5849 §2.1)."""
        try:
            request = self._post(environ)
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
        except HTTPProblem as problem:
            return Reply.text(problem.status, problem.message)(start_response)
        except OAuthError as error:
            return Reply.problem(error, self.realm)(start_response)
        self._remember(temporary)
        return _credentials_reply(temporary.token)(start_response)

    def access_token(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """WSGI app: exchange authorized temporary credentials for token credentials (§2.3)."""
        try:
            request = self._post(environ)
            params = parse(request)
            token_key = params.token
            temporary = None if token_key is None else self.pending(token_key)
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
                consume=lambda: self._consume(temporary),
            )
        except HTTPProblem as problem:
            return Reply.text(problem.status, problem.message)(start_response)
        except OAuthError as error:
            return Reply.problem(error, self.realm)(start_response)
        with self._lock:
            owner = self._owners.pop(temporary.token.key, ())
        access = evolve(access, extra=owner)
        self.credentials.add_token(temporary.consumer_key, access, TokenKind.ACCESS)
        return _credentials_reply(access)(start_response)

    def _consume(self, temporary: TemporaryCredentials) -> bool:
        key = temporary.token.key
        with self._lock:
            if self._unlist(key) is None:
                return False
        self.credentials.remove_token(temporary.consumer_key, key, TokenKind.REQUEST)
        return True

    def _post(self, environ: WSGIEnvironment) -> Request:
        if environ["REQUEST_METHOD"] != "POST":
            # RFC 5849 §2.1 and §2.3 require POST for both credentials requests.
            raise HTTPProblem(405, "credentials requests must use POST (RFC 5849 §2)")
        return request_from_environ(environ, max_body=self.max_body)


def _credentials_reply(token: Token) -> Reply:
    headers = [("Content-Type", FORM_CONTENT_TYPE), ("Cache-Control", "no-store")]
    return Reply(200, headers, token_response(token))
