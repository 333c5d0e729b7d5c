"""python-oauth2's exceptions: ``Error`` for every OAuth failure and ``MissingSignature``.

oauthcore's own ``OAuthError`` (which knows its HTTP status, RFC 5849 §3.2) is kept as the
``__cause__`` of the ``Error`` raised here, and as ``Error.oauth_error``.
"""

from __future__ import annotations

from oauthcore import OAuthError

__all__ = ["Error", "MissingSignature"]


class Error(RuntimeError):
    """Any OAuth failure; ``message`` and ``str()`` say what went wrong (RFC 5849 §3.2)."""

    def __init__(self, message: str = "OAuth error occurred.") -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        """The error message (python-oauth2 kept it here as well as in ``str()``)."""
        return self._message

    @property
    def oauth_error(self) -> OAuthError | None:
        """The oauthcore error behind this one, with its HTTP ``status`` and ``problem`` code."""
        cause = self.__cause__
        return cause if isinstance(cause, OAuthError) else None

    def __str__(self) -> str:
        return self._message


class MissingSignature(Error):
    """The request carries no ``oauth_signature`` (RFC 5849 §3.1)."""
