"""examples/django_login: "Sign in with an OAuth 1.0a provider" with Django's test client.

The embedded demo provider runs on loopback; the provider's authorization page is answered with
``transports.demo.click``, as a browser would (tests/live/test_browser.py does it with a real one).
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

django = pytest.importorskip("django", reason="the Django example needs Django (the dev extra)")

from django.apps import apps  # noqa: E402 - only once Django is known to be there
from django.core.management import call_command  # noqa: E402
from django.test import Client as DjangoClient  # noqa: E402
from django.test import override_settings  # noqa: E402

from oauthcore import Consumer, Token  # noqa: E402
from transports import UrllibTransport  # noqa: E402
from transports.client import Client  # noqa: E402
from transports.demo import DEMO_CONSUMER, DemoProvider, Endpoints, RunningProvider, click  # noqa: E402

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "django_login"
SITE_NAME = "Example Django site"


def setup_django() -> None:
    """Load the example project once per process, on a migrated database of its own."""
    if apps.ready:
        return
    database = Path(tempfile.mkdtemp(prefix="oauthcore-django-example-"))
    atexit.register(shutil.rmtree, database, ignore_errors=True)
    sys.path.insert(0, str(EXAMPLE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
    os.environ["DJANGO_DATABASE"] = str(database / "db.sqlite3")
    try:
        django.setup()
    finally:
        del os.environ["DJANGO_DATABASE"]
    call_command("migrate", verbosity=0)


def oauth_settings(endpoints: Endpoints, consumer: Consumer = DEMO_CONSUMER) -> dict[str, str]:
    """The example's OAUTH setting for a provider served at ``endpoints``."""
    return {
        "CONSUMER_KEY": consumer.key,
        "CONSUMER_SECRET": consumer.secret,
        "REQUEST_TOKEN_URL": endpoints.request_token,
        "AUTHORIZE_URL": endpoints.authorize,
        "ACCESS_TOKEN_URL": endpoints.access_token,
    }


def profile_model() -> Any:
    return importlib.import_module("signin.models").Profile


def users() -> type[User]:
    # Models can only be imported once Django is set up.
    from django.contrib.auth.models import User

    return User


def forget_everyone() -> None:
    profile_model().objects.all().delete()
    users().objects.all().delete()


@pytest.fixture
def provider() -> Iterator[RunningProvider]:
    setup_django()
    with (
        DemoProvider(consumers=[(DEMO_CONSUMER, SITE_NAME)]).serve() as running,
        override_settings(OAUTH=oauth_settings(running.endpoints)),
    ):
        yield running
    forget_everyone()


def sign_in(browser: DjangoClient, running: RunningProvider, approve: bool = True) -> str:
    """login/ -> the provider's page -> Approve/Deny -> login/authenticated/; the last redirect."""
    to_provider = browser.get("/login/")
    assert to_provider.status_code == 302
    location = to_provider["Location"]
    assert location.startswith(f"{running.endpoints.authorize}?oauth_token=")
    decision = click(location, UrllibTransport(timeout=5), approve=approve)
    assert decision.status == 303
    assert decision.location is not None
    assert decision.location.startswith("http://testserver/login/authenticated/?")
    back = browser.get(decision.location)
    assert back.status_code == 302
    return str(back["Location"])


def test_sign_in_stores_the_token_and_logs_in(provider: RunningProvider) -> None:
    browser = DjangoClient()
    home = browser.get("/")
    assert home.status_code == 200
    assert b'<p id="status">Not signed in.</p>' in home.content
    assert b'href="/login/"' in home.content

    assert sign_in(browser, provider) == "/"

    home = browser.get("/")
    assert b'Signed in as <strong id="username">demo-user</strong>.' in home.content
    user = users().objects.get(username="demo-user")
    assert not user.has_usable_password()
    profile = profile_model().objects.get(user=user)
    # The stored access token really is one: it reaches the protected resource.
    stored = Token(profile.oauth_token, profile.oauth_secret)
    api = Client(DEMO_CONSUMER, stored, transport=UrllibTransport(timeout=5))
    me = api.request("GET", provider.endpoints.resource)
    assert me.status == 200
    assert me.json()["screen_name"] == "demo-user"
    assert me.json()["app"] == SITE_NAME
    assert "oauth_secret" not in str(profile)


def test_signing_in_again_replaces_the_token(provider: RunningProvider) -> None:
    first, second = DjangoClient(), DjangoClient()
    sign_in(first, provider)
    token = profile_model().objects.get().oauth_token
    sign_in(second, provider)
    assert profile_model().objects.count() == 1
    assert users().objects.count() == 1
    assert profile_model().objects.get().oauth_token != token


def test_logout_is_a_post(provider: RunningProvider) -> None:
    browser = DjangoClient()
    sign_in(browser, provider)
    assert browser.get("/logout/").status_code == 405
    strict = DjangoClient(enforce_csrf_checks=True)
    strict.cookies = browser.cookies
    assert strict.post("/logout/").status_code == 403  # no CSRF token: refused
    out = browser.post("/logout/")
    assert out.status_code == 302
    assert out["Location"] == "/"
    assert b"Not signed in." in browser.get("/").content


def test_denying_leaves_the_user_signed_out(provider: RunningProvider) -> None:
    browser = DjangoClient()
    assert sign_in(browser, provider, approve=False) == "/"
    home = browser.get("/").content
    assert b"Not signed in: the resource owner denied access." in home
    assert users().objects.count() == 0


def test_callback_without_a_sign_in_in_progress(provider: RunningProvider) -> None:
    reply = DjangoClient().get("/login/authenticated/?oauth_token=a&oauth_verifier=b")
    assert reply.status_code == 400
    assert b"No sign-in in progress" in reply.content


def test_a_forged_verifier_is_refused_by_the_provider(provider: RunningProvider) -> None:
    browser = DjangoClient()
    location = browser.get("/login/")["Location"]
    token = location.rpartition("oauth_token=")[2]
    provider.provider.approve(token)
    back = browser.get(f"/login/authenticated/?oauth_token={token}&oauth_verifier=guess")
    assert back.status_code == 302
    home = browser.get("/").content
    assert b"The provider refused the sign-in" in home
    assert b"permission_denied" in home
    assert users().objects.count() == 0


def test_a_wrong_consumer_secret_is_reported(provider: RunningProvider) -> None:
    wrong = Consumer(DEMO_CONSUMER.key, "not-the-secret")
    with override_settings(OAUTH=oauth_settings(provider.endpoints, wrong)):
        browser = DjangoClient()
        reply = browser.get("/login/")
        assert reply.status_code == 302
        assert reply["Location"] == "/"
        assert b"signature_invalid" in browser.get("/").content


def test_an_unreachable_provider_is_reported() -> None:
    setup_django()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoints = Endpoints.at(f"http://127.0.0.1:{port}")
    with override_settings(OAUTH=oauth_settings(endpoints)):
        browser = DjangoClient()
        assert browser.get("/login/")["Location"] == "/"
        home = browser.get("/").content
        assert b"The provider could not be reached" in home
        assert b"connection refused" in home
