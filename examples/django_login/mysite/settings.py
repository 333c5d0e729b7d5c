"""Settings of the example site: the smallest Django project that signs users in over OAuth 1.0a.

The provider defaults to the embedded demo provider of ``oauthcore serve`` on 127.0.0.1:8080.
Point it at a real provider with the OAUTH_* environment variables below.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# A development site only: a fresh key per start unless one is given, never DEBUG in production.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "signin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DJANGO_DATABASE", str(BASE_DIR / "db.sqlite3")),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "login"

# The OAuth 1.0a provider (RFC 5849 §2). The defaults are those of `oauthcore serve`.
_PROVIDER = os.environ.get("OAUTH_PROVIDER_URL", "http://127.0.0.1:8080").rstrip("/")
OAUTH = {
    "CONSUMER_KEY": os.environ.get("OAUTH_CONSUMER_KEY", "demo-consumer-key"),
    "CONSUMER_SECRET": os.environ.get("OAUTH_CONSUMER_SECRET", "demo-consumer-secret"),
    "REQUEST_TOKEN_URL": os.environ.get(
        "OAUTH_REQUEST_TOKEN_URL", f"{_PROVIDER}/oauth/request_token"
    ),
    "AUTHORIZE_URL": os.environ.get("OAUTH_AUTHORIZE_URL", f"{_PROVIDER}/oauth/authorize"),
    "ACCESS_TOKEN_URL": os.environ.get("OAUTH_ACCESS_TOKEN_URL", f"{_PROVIDER}/oauth/access_token"),
}
