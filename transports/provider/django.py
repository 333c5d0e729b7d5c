"""OAuth 1.0a resource protection for Django: ``OAuthMiddleware`` and ``oauth_required`` (§3.2).

Theory of operation: both read one ``Guard`` from the setting ``OAUTHCORE_GUARD`` (the Guard,
or its dotted path), at each request, so ``override_settings`` works. The request verified is
the one Django reports: ``request.scheme`` and ``request.get_host()`` (so ``ALLOWED_HOSTS``,
``SECURE_PROXY_SSL_HEADER`` and ``USE_X_FORWARDED_HOST`` apply as everywhere in Django), the
host then checked by the WSGI rules, ``request.path`` and the raw query, the headers, and the
body through ``request.body`` once ``Content-Length`` is within ``max_body``. It is rebuilt by
``request_from_environ`` and verified by the core's pipeline, and a refusal is the answer
``ProtectedResource`` gives. Both pieces run sync or async (under ASGI, with sync or async
stores); the verified request is ``request.oauth``, and a view the middleware let through is
not verified twice (its nonce is already used).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from oauthcore import OAuthError, Request
from oauthcore.verification import Verified

from .._extras import missing_extra
from .environ import request_from_environ
from .guard import Guard
from .replies import HTTPProblem, Reply

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from django.http.response import HttpResponseBase

__all__ = [
    "OAuthMiddleware",
    "acheck",
    "check",
    "configured_guard",
    "oauth_required",
    "verified",
]

_View = TypeVar("_View", bound=Callable[..., Any])
_ATTRIBUTE = "oauth"


def _django() -> None:
    try:
        import django  # noqa: F401  (imported here so a missing extra fails early)
    except ImportError as exc:
        raise missing_extra("transports.provider.django", "django") from exc


def configured_guard() -> Guard:
    """The ``Guard`` (RFC 5849 §3.2) the setting ``OAUTHCORE_GUARD`` names, or its dotted path."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    value = getattr(settings, "OAUTHCORE_GUARD", None)
    if isinstance(value, str):
        value = import_string(value)
    if not isinstance(value, Guard):
        raise ImproperlyConfigured(
            "OAUTHCORE_GUARD must be a transports.provider.guard.Guard or its dotted path"
        )
    return value


def verified(request: HttpRequest) -> Verified:
    """The ``Verified`` request, also ``request.oauth`` (RFC 5849 §3.2).

    Raises ``LookupError`` for a request that neither piece verified.
    """
    found = getattr(request, _ATTRIBUTE, None)
    if not isinstance(found, Verified):
        raise LookupError("no verified OAuth request here: add OAuthMiddleware or oauth_required")
    return found


class _Body:
    """A ``wsgi.input`` reading ``request.body``: Django keeps it, so the view reads it again."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def read(self, size: int) -> bytes:
        return self.request.body


def _environ(request: HttpRequest) -> dict[str, Any]:
    meta: Mapping[str, Any] = request.META
    environ = {
        key: value
        for key, value in meta.items()
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
    }
    environ.update(
        {
            "REQUEST_METHOD": request.method,
            "wsgi.url_scheme": request.scheme,
            # Django's host: ALLOWED_HOSTS checked (DisallowedHost is its own 400).
            "HTTP_HOST": request.get_host(),
            # request.path is text decoded from UTF-8; environ strings hold bytes as latin-1.
            "SCRIPT_NAME": "",
            "PATH_INFO": request.path.encode("utf-8", "surrogatepass").decode("latin-1"),
            "QUERY_STRING": meta.get("QUERY_STRING", ""),
            "wsgi.input": _Body(request),
        }
    )
    return environ


def _oauth_request(request: HttpRequest, guard: Guard) -> Request:
    return request_from_environ(_environ(request), max_body=guard.max_body)


def _response(reply: Reply) -> HttpResponse:
    from django.http import HttpResponse

    return HttpResponse(reply.body, status=reply.status, headers=dict(reply.headers))


def check(request: HttpRequest) -> Verified | HttpResponse:
    """Verify ``request`` with the configured guard: the result, or the refusal (§3.2)."""
    guard = configured_guard()
    oauth_request = None
    try:
        oauth_request = _oauth_request(request, guard)
        return guard.verify(oauth_request)
    except (HTTPProblem, OAuthError) as error:
        return _response(guard.refusal(error, oauth_request))


async def acheck(request: HttpRequest) -> Verified | HttpResponse:
    """``check`` from a coroutine (§3.2): sync stores run in a worker thread, async ones awaited."""
    guard = configured_guard()
    oauth_request = None
    try:
        oauth_request = _oauth_request(request, guard)
        return await guard.verify_async(oauth_request)
    except (HTTPProblem, OAuthError) as error:
        return _response(guard.refusal(error, oauth_request))


def _covered(request: HttpRequest) -> bool:
    from django.conf import settings

    prefixes = getattr(settings, "OAUTHCORE_PATHS", ("/",))
    return any(request.path_info.startswith(prefix) for prefix in prefixes)


class OAuthMiddleware:
    """Django middleware: requests under ``OAUTHCORE_PATHS`` must be OAuth-signed (§3.2).

    ``OAUTHCORE_PATHS`` lists path prefixes (default: every path). A verified request is
    ``request.oauth``; a refused one is answered 400/401 with ``WWW-Authenticate`` and a
    problem report. Runs sync or async, as the stack around it does.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        from asgiref.sync import iscoroutinefunction, markcoroutinefunction

        _django()
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        """Verify a covered request, then hand it on, or answer the refusal (§3.2)."""
        if self.async_mode:
            return self._acall(request)
        if _covered(request):
            found = check(request)
            if not isinstance(found, Verified):
                return found
            setattr(request, _ATTRIBUTE, found)
        return self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        if _covered(request):
            found = await acheck(request)
            if not isinstance(found, Verified):
                return found
            setattr(request, _ATTRIBUTE, found)
        return cast("HttpResponseBase", await self.get_response(request))


def oauth_required(view: _View) -> _View:
    """View decorator: run ``view`` only for an OAuth-verified request, ``request.oauth`` (§3.2).

    Sync and async views alike. The view is CSRF-exempt: a signed request carries no ambient
    credential (no cookie) for another site to ride on, and API clients send no CSRF token.
    """
    from asgiref.sync import iscoroutinefunction

    _django()
    if iscoroutinefunction(view):

        async def guarded_async(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(getattr(request, _ATTRIBUTE, None), Verified):
                found = await acheck(request)
                if not isinstance(found, Verified):
                    return found
                setattr(request, _ATTRIBUTE, found)
            return await view(request, *args, **kwargs)

        guarded: Callable[..., Any] = guarded_async
    else:

        def guarded_sync(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(getattr(request, _ATTRIBUTE, None), Verified):
                found = check(request)
                if not isinstance(found, Verified):
                    return found
                setattr(request, _ATTRIBUTE, found)
            return view(request, *args, **kwargs)

        guarded = guarded_sync
    wrapped = functools.wraps(view)(guarded)
    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return cast(_View, wrapped)
