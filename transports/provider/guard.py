"""``Guard``: what a protected resource accepts, and the answer it gives a refused request (§3.2).

The ASGI middleware, the Flask extension and the Django middleware and decorator each hold one
``Guard``: the stores, realm, policy and body limit, checked once at construction. Each
framework only rebuilds the ``oauthcore.Request`` its own way; the verification is the core's
``verify`` (``verify_async`` on an event loop) and a refusal is the same ``Reply`` that
``ProtectedResource`` sends: 400/401 with ``WWW-Authenticate`` and a problem report, or a plain
413/400 for a request refused before the RFC 5849 §3.2 checks.
"""

from __future__ import annotations

from typing import cast

from attrs import field, frozen
from attrs.validators import instance_of, optional

from oauthcore import CredentialStore, NonceStore, OAuthError, Request, TokenKind
from oauthcore.policy import DEFAULT_POLICY, VerifyPolicy
from oauthcore.verification import Verified, verify

from .aio import AnyCredentialStore, AnyNonceStore, is_async_store, verify_async
from .environ import DEFAULT_MAX_BODY
from .replies import HTTPProblem, Reply

__all__ = ["Guard"]


def _positive(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_body must be a whole number of bytes, not {value!r}")


@frozen
class Guard:
    """The stores and rules a protected resource verifies with (RFC 5849 §3.2).

    ``credentials`` and ``nonces`` are sync or async stores (``nonces=None`` turns replay
    protection off, and must be said outright); ``policy`` and ``token_optional`` are those of
    ``oauthcore.verify``; ``realm`` goes in the ``WWW-Authenticate`` challenge; bodies over
    ``max_body`` bytes are refused (413) unread; ``offload=False`` verifies inline on the event
    loop, for sync in-memory stores only.
    """

    credentials: AnyCredentialStore
    nonces: AnyNonceStore | None
    realm: str | None = field(default=None, validator=optional(instance_of(str)))
    # Checked here, not at the first request: a wrong argument fails when the app starts.
    policy: VerifyPolicy = field(default=DEFAULT_POLICY, validator=instance_of(VerifyPolicy))
    token_optional: bool = False
    max_body: int = field(default=DEFAULT_MAX_BODY, validator=_positive)
    offload: bool = True

    @property
    def is_async(self) -> bool:
        """Whether a store is async: such a guard verifies only on an event loop."""
        return is_async_store(self.credentials, "consumer") or (
            self.nonces is not None and is_async_store(self.nonces, "use")
        )

    def verify(self, request: Request) -> Verified:
        """Verify a request for a protected resource with sync stores; raises ``OAuthError``."""
        if self.is_async:
            raise TypeError(
                "an async credential or nonce store needs an async caller: use the ASGI"
                " middleware or an async view"
            )
        return verify(
            request,
            cast(CredentialStore, self.credentials),  # is_async said: sync stores
            cast("NonceStore | None", self.nonces),
            token_kind=TokenKind.ACCESS,
            token_optional=self.token_optional,
            policy=self.policy,
        )

    async def verify_async(self, request: Request) -> Verified:
        """Verify a request for a protected resource from a coroutine; raises ``OAuthError``."""
        return await verify_async(
            request,
            self.credentials,
            self.nonces,
            token_kind=TokenKind.ACCESS,
            token_optional=self.token_optional,
            policy=self.policy,
            offload=self.offload,
        )

    def refusal(self, error: HTTPProblem | OAuthError, request: Request | None = None) -> Reply:
        """The answer to a refused request: the problem report (§3.2), or a plain 400/413.

        The same ``Reply`` as ``ProtectedResource``'s: with ``policy.reveal_base_string``, a
        refused signature's report carries the base string of ``request``.
        """
        return Reply.refusal(error, request, self.policy, self.realm)
