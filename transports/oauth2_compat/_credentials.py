"""python-oauth2's ``Consumer`` and ``Token``: mutable, and turned into oauthcore records to sign.

Unlike python-oauth2, ``str()`` never shows a secret: ``str(consumer)`` is
``oauth_consumer_key=...`` and ``str(token)`` is ``oauth_token=...``. ``Token.to_string()`` still
includes the token secret, as documented: it is the storage format.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from oauthcore import Consumer as CoreConsumer
from oauthcore import OAuthError
from oauthcore import Token as CoreToken
from oauthcore.encoding import decode_form, percent_encode
from oauthcore.provider import make_verifier

from ._values import text

__all__ = ["Consumer", "Token"]


def _credential(name: str, value: object) -> str:
    if value is None:
        raise ValueError("Key and secret must be set.")
    result = text(value)
    if name == "key" and not result:
        raise ValueError("Key must not be empty.")
    return result


class Consumer:
    """The client's credentials: consumer key and shared secret (RFC 5849 §1.1)."""

    def __init__(self, key: str | bytes, secret: str | bytes) -> None:
        self.key: str = _credential("key", key)
        self.secret: str = _credential("secret", secret)

    def core(self) -> CoreConsumer:
        """This consumer as an ``oauthcore.Consumer``, for the native API (RFC 5849 §1.1)."""
        return CoreConsumer(self.key, self.secret)

    def __str__(self) -> str:
        return f"oauth_consumer_key={percent_encode(self.key)}"

    def __repr__(self) -> str:
        return f"Consumer(key={self.key!r})"


class Token:
    """Temporary or token credentials: key, shared secret, callback and verifier (RFC 5849 §2)."""

    def __init__(self, key: str | bytes, secret: str | bytes) -> None:
        self.key: str = _credential("key", key)
        self.secret: str = _credential("secret", secret)
        self.callback: str | None = None
        self.callback_confirmed: str | None = None
        self.verifier: str | None = None

    def core(self) -> CoreToken:
        """This token as an ``oauthcore.Token``, for the native API (RFC 5849 §2)."""
        return CoreToken(
            self.key, self.secret, callback_confirmed=self.callback_confirmed == "true"
        )

    def set_callback(self, callback: str | None) -> None:
        """Remember the callback URI and mark it confirmed (RFC 5849 §2.1)."""
        self.callback = callback
        self.callback_confirmed = "true"

    def set_verifier(self, verifier: str | None = None) -> None:
        """Set the verification code, or draw 128 random bits when none is given (§2.2, §2.3).

        python-oauth2 drew 8 decimal digits (about 27 bits): few enough to guess.
        """
        self.verifier = make_verifier() if verifier is None else verifier

    def get_callback_url(self) -> str | None:
        """The callback URI with ``oauth_verifier`` added to its query, once both are set (§2.2)."""
        if not (self.callback and self.verifier):
            return self.callback
        parts = urlsplit(self.callback)
        added = f"oauth_verifier={percent_encode(self.verifier)}"
        query = f"{parts.query}&{added}" if parts.query else added
        return urlunsplit(parts._replace(query=query))

    def to_string(self) -> str:
        """``oauth_token=...&oauth_token_secret=...``: the storage format, secret included (§2.1).

        Keep the result where only you can read it.
        """
        items = [("oauth_token", self.key), ("oauth_token_secret", self.secret)]
        if self.callback_confirmed is not None:
            items.append(("oauth_callback_confirmed", self.callback_confirmed))
        return "&".join(f"{name}={percent_encode(value)}" for name, value in items)

    @staticmethod
    def from_string(s: str | bytes) -> Token:
        """The token in a ``to_string()`` result or a provider's token reply (RFC 5849 §2.1, §2.3).

        Raises ``ValueError`` unless both ``oauth_token`` and ``oauth_token_secret`` have values.
        """
        params: dict[str, str] = {}
        try:
            pairs = decode_form(text(s))
        except OAuthError as exc:
            raise ValueError(f"Invalid parameter string: {exc}") from exc
        for name, value in pairs:
            # Blank values count as absent, and the first of a repeated name wins, as before.
            if value and name not in params:
                params[name] = value
        if not params:
            raise ValueError("Invalid parameter string.")
        if "oauth_token" not in params:
            raise ValueError("'oauth_token' not found in OAuth request.")
        if "oauth_token_secret" not in params:
            raise ValueError("'oauth_token_secret' not found in OAuth request.")
        token = Token(params["oauth_token"], params["oauth_token_secret"])
        token.callback_confirmed = params.get("oauth_callback_confirmed")
        return token

    def __str__(self) -> str:
        return f"oauth_token={percent_encode(self.key)}"

    def __repr__(self) -> str:
        return f"Token(key={self.key!r})"
