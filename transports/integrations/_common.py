"""What every integration shares: one call's signing options and redirect policy, as a flow.

An integration turns its stack's request into an ``oauthcore.Request``, runs ``send_flow`` on
it and puts what the flow yields back on the wire; the flow alone decides what is signed, how a
redirect becomes the next hop and which hops are refused (``transports.flow``).
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from oauthcore import HMAC_SHA1, Consumer, Placement, Request, Token
from oauthcore.methods import SignatureMethod

from ..base import Response
from ..flow import DEFAULT_MAX_REDIRECTS, Flow, Signer, check_max_redirects, send_flow

__all__ = ["Chain", "header_pairs", "make_chain"]


@frozen
class Chain:
    """How one call is signed (``signer``) and how its redirects are followed (RFC 5849 §3.5)."""

    signer: Signer
    max_redirects: int = field(default=DEFAULT_MAX_REDIRECTS, converter=check_max_redirects)
    cross_origin_credentials: bool = False
    allow_downgrade: bool = False

    def flow(self, request: Request) -> Flow[Response]:
        """The client flow that sends ``request``: it yields each hop, signed or not (§3.5)."""
        return send_flow(
            request,
            self.signer,
            max_redirects=self.max_redirects,
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
    """The ``Chain`` of an integration's constructor arguments, each checked by its record."""
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


def header_pairs(items: Iterable[tuple[str | bytes, str | bytes]]) -> list[tuple[str, str]]:
    """A stack's header items as text pairs; bytes are Latin-1, as HTTP/1.1 carries them."""
    return [
        (
            name if isinstance(name, str) else name.decode("latin-1"),
            value if isinstance(value, str) else value.decode("latin-1"),
        )
        for name, value in items
    ]
