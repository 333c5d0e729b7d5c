"""Sign in with an OAuth 1.0a provider: the three-legged flow as three Django views (RFC 5849 §2).

``login/`` gets a request token and sends the browser to the provider; the provider sends it back
to ``login/authenticated/``, which exchanges the verifier for an access token, finds or creates
the user, keeps the token on the user's Profile and logs the user in; ``logout/`` logs out.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from oauthcore import Consumer, Token
from oauthcore.client import (
    AuthorizationResponseError,
    TokenResponseError,
    parse_authorization_response,
)
from transports import Urllib3Transport
from transports.base import TransportError
from transports.client import Client

from .models import Profile

# One pooled, thread-safe transport for the whole site.
TRANSPORT = Urllib3Transport(timeout=10)


def _client(token: Token | None = None) -> Client:
    oauth = settings.OAUTH
    consumer = Consumer(oauth["CONSUMER_KEY"], oauth["CONSUMER_SECRET"])
    return Client(consumer, token, transport=TRANSPORT)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The page that says who is signed in, with a sign-in link or a sign-out button."""
    return render(request, "signin/home.html")


@require_GET
def oauth_login(request: HttpRequest) -> HttpResponse:
    """Step 1 and 2: get a request token, keep it in the session, send the user to the provider."""
    callback = request.build_absolute_uri(reverse("login_authenticated"))
    try:
        request_token = _client().fetch_request_token(
            settings.OAUTH["REQUEST_TOKEN_URL"], callback=callback
        )
    except (TokenResponseError, TransportError) as exc:
        messages.error(request, f"The provider could not be reached: {exc}")
        return redirect("home")
    # The secret stays on the server, in the session; only the key travels to the provider.
    request.session["request_token"] = [request_token.key, request_token.secret]
    return redirect(_client().authorization_url(settings.OAUTH["AUTHORIZE_URL"], request_token))


@require_GET
def oauth_authenticated(request: HttpRequest) -> HttpResponse:
    """Step 3: exchange the verifier for an access token, then log the user in (§2.3)."""
    stored = request.session.pop("request_token", None)
    if stored is None:
        return HttpResponseBadRequest("No sign-in in progress: start again from the home page.")
    request_token = Token(stored[0], stored[1])
    try:
        _, verifier = parse_authorization_response(request.build_absolute_uri(), request_token)
        access_token = _client().fetch_access_token(
            settings.OAUTH["ACCESS_TOKEN_URL"], request_token, verifier
        )
    except AuthorizationResponseError as exc:
        messages.info(request, f"Not signed in: {exc}.")
        return redirect("home")
    except (TokenResponseError, TransportError) as exc:
        messages.error(request, f"The provider refused the sign-in: {exc}")
        return redirect("home")

    # The provider says who the user is in the token reply (like Twitter's screen_name).
    username = access_token.get("screen_name") or f"user-{access_token.get('user_id')}"
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()  # this user only ever signs in through the provider
        user.save()
    Profile.objects.update_or_create(
        user=user,
        defaults={"oauth_token": access_token.key, "oauth_secret": access_token.secret},
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("home")


@require_POST
def oauth_logout(request: HttpRequest) -> HttpResponse:
    """Log out (a POST, so that another site cannot log the user out with a link)."""
    logout(request)
    return redirect("home")
