"""The "signin" app: sign in with an OAuth 1.0a provider."""

from __future__ import annotations

from django.apps import AppConfig


class SigninConfig(AppConfig):
    """Signing users in with an OAuth 1.0a provider (RFC 5849 §2)."""

    name = "signin"
    default_auto_field = "django.db.models.BigAutoField"
