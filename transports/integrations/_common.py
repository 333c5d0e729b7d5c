"""What every integration shares: one call's signing options and redirect policy, as a flow.

An integration turns its stack's request into an ``oauthcore.Request``, has the flow's
``Signer`` sign it and puts the result on the wire; on a redirect the flow's ``next_hop`` says
what the next hop is and whether it may be signed. The flow alone decides what is signed, how a
redirect becomes the next hop and which hops are refused (``transports.flow``).

What signing reads of a request is its method, URL, body and two headers: ``Content-Type`` (a
form's parameters are signed, §3.4.1.3.1) and ``Authorization`` (one already there is refused).
``RequestsAuth`` and ``HttpxAuth`` hand the flow the whole request (a retry or a redirect hop is
built from it); ``AiohttpMiddleware``, whose stack builds each hop itself, reads only those two
(``signing_headers``).

Clock skew, retries and a token session are ``transports.resilience``'s: a plug-in that can
send again drives ``Chain.call`` (``call_flow``) with its stack, so the rules are the
``Client``'s, not copies of them. A first reply the flow would only return (``acts_on``: not a
redirect, a ``401`` or a status the ``RetryPolicy`` names) is not handed to it: the plug-in
returns it as the stack gave it, unconverted, so an untroubled call costs about what signing does.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import ClassVar

from attrs import field, frozen

from oauthcore import HMAC_SHA1, Consumer, Placement, Request, Token
from oauthcore.base_string import base_string_uri
from oauthcore.methods import SignatureMethod

from .._client_base import check_optional
from ..base import Response
from ..flow import DEFAULT_MAX_REDIRECTS, Hop, Signer, check_max_redirects, next_hop
from ..resilience import ClockSkew, ResilientFlow, RetryPolicy, TokenSession, acts_on, call_flow

__all__ = [
    "FRESH",
    "Chain",
    "ChainedPlugin",
    "Fresh",
    "header_pairs",
    "make_chain",
    "signing_headers",
]


class Fresh(enum.Enum):
    """The default ``clock_skew=`` of a plug-in: a ``ClockSkew`` of its own (RFC 5849 §3.3)."""

    CLOCK_SKEW = "a ClockSkew of its own"


#: A plug-in made without ``clock_skew=`` learns clocks in a ``ClockSkew`` of its own.
FRESH = Fresh.CLOCK_SKEW


@frozen
class Chain:
    """How one call is signed (``signer``) and how its redirects are followed (RFC 5849 §3.5)."""

    signer: Signer
    max_redirects: int = field(default=DEFAULT_MAX_REDIRECTS, converter=check_max_redirects)
    cross_origin_credentials: bool = False
    allow_downgrade: bool = False
    #: Per-origin clock offsets learned from ``timestamp_refused`` (§3.3); ``None``: opt out.
    clock_skew: ClockSkew | None = field(
        default=None, kw_only=True, eq=False, validator=check_optional(ClockSkew)
    )
    #: What is tried again, signed afresh (``None``: nothing).
    retry: RetryPolicy | None = field(
        default=None, kw_only=True, validator=check_optional(RetryPolicy)
    )
    #: An access token that renews itself (OAuth Session 1.0); it signs instead of the token.
    session: TokenSession | None = field(
        default=None, kw_only=True, eq=False, validator=check_optional(TokenSession)
    )

    def call(self, request: Request, *, follow_redirects: bool = True) -> ResilientFlow:
        """``transports.resilience.call_flow`` of ``request`` with this chain's options (§3.3)."""
        return call_flow(
            request,
            self.signer,
            clock_skew=self.clock_skew,
            retry=self.retry,
            session=self.session,
            max_redirects=self.max_redirects,
            follow_redirects=follow_redirects,
            cross_origin_credentials=self.cross_origin_credentials,
            allow_downgrade=self.allow_downgrade,
        )

    def reads(self, status: int, url: str) -> bool:
        """Whether the call flow reads the body of a reply from ``url``: a ``401``'s problem
        report (§3.2), or the token a session renewal returns (OAuth Session 1.0 §5.3)."""
        if status == 401:
            return True
        session = self.session
        return session is not None and base_string_uri(url) == base_string_uri(session.url)

    def acts_on(self, status: int) -> bool:
        """Whether this chain's call flow does more with a first reply than return it (§3.3)."""
        return acts_on(status, self.retry)

    def next_hop(
        self, first_url: str, request: Request, response: Response, *, redirects: int, signed: bool
    ) -> Hop:
        """``transports.flow.next_hop`` with this chain's policy: the hop after ``response`` (§3.5).

        Raises ``RedirectError`` for a hop the policy refuses (https to http, too many).
        """
        return next_hop(
            first_url,
            request,
            response,
            redirects=redirects,
            max_redirects=self.max_redirects,
            signed=signed,
            cross_origin_credentials=self.cross_origin_credentials,
            allow_downgrade=self.allow_downgrade,
        )


def make_chain(
    consumer: Consumer,
    token: Token | None,
    *,
    method: SignatureMethod = HMAC_SHA1,
    placement: Placement = Placement.HEADER,
    realm: str | None = None,
    callback: str | None = None,
    verifier: str | None = None,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
    clock_skew: ClockSkew | Fresh | None = FRESH,
    retry: RetryPolicy | None = None,
    session: TokenSession | None = None,
) -> Chain:
    """The ``Chain`` of a plug-in's constructor arguments, each checked by its record (§3, §3.5).

    ``clock_skew`` left out: a ``ClockSkew`` of the chain's own (``None``: opt out).
    """
    return Chain(
        Signer(
            consumer,
            token,
            method=method,
            placement=placement,
            realm=realm,
            callback=callback,
            verifier=verifier,
        ),
        max_redirects,
        cross_origin_credentials=bool(cross_origin_credentials),
        allow_downgrade=bool(allow_downgrade),
        clock_skew=ClockSkew() if clock_skew is FRESH else clock_skew,
        retry=retry,
        session=session,
    )


class ChainedPlugin:
    """What every plug-in is made from: the signer, its redirect rules and resilience (§3, §3.5).

    ``method``, ``placement``, ``realm``, ``callback`` (§2.1) and ``verifier`` (§2.3) go to
    ``oauthcore.sign``; ``max_redirects``, ``cross_origin_credentials`` and ``allow_downgrade``
    to the flow's redirect policy; ``clock_skew`` (a ``ClockSkew`` of the plug-in's own unless
    given; ``None``: opt out), ``retry`` and ``session`` to ``call_flow``.
    """

    chain: Chain
    #: Why this plug-in cannot renew a session token (``session=`` then raises), or ``None``.
    _session_refused: ClassVar[str | None] = None

    def __init__(
        self,
        consumer: Consumer,
        token: Token | None = None,
        *,
        method: SignatureMethod = HMAC_SHA1,
        placement: Placement = Placement.HEADER,
        realm: str | None = None,
        callback: str | None = None,
        verifier: str | None = None,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        cross_origin_credentials: bool = False,
        allow_downgrade: bool = False,
        clock_skew: ClockSkew | Fresh | None = FRESH,
        retry: RetryPolicy | None = None,
        session: TokenSession | None = None,
    ) -> None:
        if session is not None and self._session_refused is not None:
            raise ValueError(self._session_refused)
        self.chain = make_chain(
            consumer,
            token,
            method=method,
            placement=placement,
            realm=realm,
            callback=callback,
            verifier=verifier,
            max_redirects=max_redirects,
            cross_origin_credentials=cross_origin_credentials,
            allow_downgrade=allow_downgrade,
            clock_skew=clock_skew,
            retry=retry,
            session=session,
        )


def signing_headers(get: Callable[[str], str | bytes | None]) -> list[tuple[str, str]]:
    """The headers signing reads, looked up with a stack's ``headers.get`` (RFC 5849 §3.4.1)."""
    found = []
    for name in ("Content-Type", "Authorization"):
        value = get(name)
        if value is not None:
            found.append((name, value if isinstance(value, str) else value.decode("latin-1")))
    return found


def header_pairs(items: Iterable[tuple[str | bytes, str | bytes]]) -> list[tuple[str, str]]:
    """A stack's header items as text pairs, bytes read as Latin-1 as HTTP carries them (§3.5.1)."""
    return [
        (
            name if isinstance(name, str) else name.decode("latin-1"),
            value if isinstance(value, str) else value.decode("latin-1"),
        )
        for name, value in items
    ]
