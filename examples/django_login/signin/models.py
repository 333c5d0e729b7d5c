"""Where a signed-in user's token credentials are kept (RFC 5849 §2.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """The provider's access token for one user, for calling its API on the user's behalf.

    The secret is stored as the seed example stored it: in a real site, encrypt it at rest.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    oauth_token = models.CharField(max_length=200)
    oauth_secret = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"Profile of {self.user} (token {self.oauth_token})"
