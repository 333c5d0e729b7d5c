"""What every integration shares: one call's signing options and redirect policy, as a flow.

An integration turns its stack's request into an ``oauthcore.Request``, has the flow's
``Signer`` sign it and puts the result on the wire; on a redirect the flow's ``next_hop`` says
what the next hop is and whether it may be signed. The flow alone decides what is signed, how a
redirect becomes the next hop and which hops are refused (``transports.flow``).

What signing reads of a request is its method, URL, body and two headers: ``Content-Type`` (a
form's parameters are signed, §3.4.1.3.1) and ``Authorization`` (one already there is refused).
The first request of a call is read that far only (``signing_headers``), which keeps a plug-in's
cost near ``sign()``'s own; a redirect reads the request it follows in full, since its headers go
on to the next hop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from attrs import field, frozen

from oauthcore import HMAC_SHA1, Consumer, Placement, Request, Token
from oauthcore.methods import SignatureMethod

from ..base import Response
from ..flow import DEFAULT_MAX_REDIRECTS, Hop, Signer, check_max_redirects, next_hop

__all__ = [
    "Chain",
    "ChainedPlugin",
    "header_pairs",
    "make_chain",
    "signing_headers",
    "without_signature",
]


@frozen
class Chain:
    """How one call is signed (``signer``) and how its redirects are followed (RFC 5849 §3.5)."""

    signer: Signer
    max_redirects: int = field(default=DEFAULT_MAX_REDIRECTS, converter=check_max_redirects)
    cross_origin_credentials: bool = False
    allow_downgrade: bool = False

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
) -> Chain:
    """The ``Chain`` of a plug-in's constructor arguments, each checked by its record (§3, §3.5)."""
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
    )


class ChainedPlugin:
    """What every plug-in is made from: the signer and the redirect rules it follows (§3, §3.5).

    ``method``, ``placement``, ``realm``, ``callback`` (§2.1) and ``verifier`` (§2.3) go to
    ``oauthcore.sign``; ``max_redirects``, ``cross_origin_credentials`` and ``allow_downgrade``
    to the flow's redirect policy.
    """

    chain: Chain

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
    ) -> None:
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


def without_signature(unsigned: Request, sent: Iterable[tuple[str, str]]) -> Request:
    """The request a redirect followed, read in full: ``unsigned`` with the ``sent`` headers.

    The signature a header placement added is left out (a request with an OAuth header was
    refused before signing, so the one there is ours); a query or body placement's parameters
    are not in ``unsigned``'s URL and body to begin with (RFC 5849 §3.5).
    """
    headers = [
        (name, value)
        for name, value in sent
        if name.lower() != "authorization" or not value.startswith("OAuth ")
    ]
    return Request(unsigned.method, unsigned.url, headers, unsigned.body)
