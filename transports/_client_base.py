"""What ``Client`` and ``AsyncClient`` share: their options and the flows they drive (§3, §2).

Both hold the same signing and redirect options and build every call as a ``transports.flow``
generator; they differ only in how they drive it (a ``Transport`` or an ``AsyncTransport``).
A client made without ``transport=`` makes the best one installed and owns it: its ``close``
(``aclose``) closes that one, never a transport it was given.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from attrs import Factory, evolve, field, frozen

from oauthcore import HMAC_SHA1, Consumer, Placement, Request, Token
from oauthcore.client import authorization_url
from oauthcore.methods import SignatureMethod
from oauthcore.multipart import MultipartBody, MultipartPolicy
from oauthcore.records import HeadersLike, PairsLike

from .adapters._limits import check_deadline
from .base import send_takes
from .errors import DeadlineExceeded
from .flow import DEFAULT_MAX_REDIRECTS, Signer, build_request, check_max_redirects
from .resilience import (
    ClockSkew,
    ResilientFlow,
    RetryPolicy,
    TokenFlow,
    TokenSession,
    access_token_call,
    call_flow,
    request_token_call,
)
from .streams import Upload

__all__ = ["ClientBase", "chain_late", "check_optional", "takes_deadline"]

TransportT = TypeVar("TransportT")


def takes_deadline(transport: object) -> bool:
    """Whether ``transport.send`` takes ``deadline`` (seconds for the call), as shipped ones do."""
    return send_takes(transport, "deadline")


def chain_late(request: Request, seconds: float) -> DeadlineExceeded:
    """The error for a call whose redirect chain ran past the client's ``seconds`` (§3.5)."""
    return DeadlineExceeded(
        f"the redirect chain did not complete within the Client's {seconds:g}-second deadline;"
        " pass a larger deadline (or None) to the Client or to this call",
        deadline=seconds,
        method=request.method,
        url=request.url,
    )


def _signer(client: ClientBase[Any]) -> Signer:
    # Made once per client; it also checks the signing options (types, realm and placement).
    return Signer(
        client.consumer,
        client.token,
        method=client.method,
        placement=client.placement,
        realm=client.realm,
    )


def check_optional(kind: type) -> Any:
    """An attrs validator: ``None`` or an instance of ``kind``, else a ``TypeError`` naming both."""

    def check(_instance: object, attribute: Any, value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise TypeError(
                f"{attribute.name} must be a {kind.__name__} or None, not {type(value).__name__}"
            )

    return check


def _max_redirects(value: int) -> int:
    # Typed as the field is (check_max_redirects takes anything, to refuse it clearly).
    return check_max_redirects(value)


def _chosen(client: ClientBase[Any]) -> Any:
    return client._given if client._given is not None else client._best_transport()


@frozen
class ClientBase(Generic[TransportT]):
    """Options and flows of a client: sign for ``consumer`` (and ``token``), send, redirect (§3).

    ``method``, ``placement`` and ``realm`` are passed to ``oauthcore.sign``; redirects follow
    ``transports.flow.next_hop``; ``deadline`` (seconds) bounds a whole call.
    """

    consumer: Consumer
    token: Token | None = None
    method: SignatureMethod = field(default=HMAC_SHA1, kw_only=True)
    placement: Placement = field(default=Placement.HEADER, kw_only=True)
    realm: str | None = field(default=None, kw_only=True)
    # Converters, not validators: they run in order, before a transport is made.
    max_redirects: int = field(
        default=DEFAULT_MAX_REDIRECTS, kw_only=True, converter=_max_redirects
    )
    #: Sign hops on another origin too (off: a redirect elsewhere is followed unsigned).
    cross_origin_credentials: bool = field(default=False, kw_only=True)
    #: Follow a redirect from https to http (off: ``RedirectError``).
    allow_downgrade: bool = field(default=False, kw_only=True)
    #: Seconds for a whole call, every hop of its redirect chain included (``None``: no limit
    #: beyond each hop's transport deadline); raises ``DeadlineExceeded``.
    deadline: float | None = field(default=None, kw_only=True, converter=check_deadline)
    #: Per-origin clock offsets learned from ``timestamp_refused`` (§3.3); ``None``: opt out.
    clock_skew: ClockSkew | None = field(
        factory=ClockSkew, kw_only=True, eq=False, validator=check_optional(ClockSkew)
    )
    #: What is tried again, signed afresh (``None``, the default: nothing).
    retry: RetryPolicy | None = field(
        default=None, kw_only=True, validator=check_optional(RetryPolicy)
    )
    #: An access token that renews itself (OAuth Session 1.0); it signs instead of ``token``.
    session: TokenSession | None = field(
        default=None, kw_only=True, eq=False, validator=check_optional(TokenSession)
    )
    #: How a ``MultipartBody`` is signed unless a call says (``None``: each call must say).
    multipart: MultipartPolicy | None = field(
        default=None, kw_only=True, validator=check_optional(MultipartPolicy)
    )
    _signer: Signer = field(
        init=False, repr=False, eq=False, default=Factory(_signer, takes_self=True)
    )
    # The transport passed in, if any: a client closes only a transport it made itself.
    _given: TransportT | None = field(default=None, kw_only=True, alias="transport", repr=False)
    _transport: TransportT = field(init=False, eq=False, default=Factory(_chosen, takes_self=True))
    # Whether the transport's send takes ``deadline``: looked up once, here.
    _hands_down_deadline: bool = field(
        init=False,
        repr=False,
        eq=False,
        default=Factory(lambda client: takes_deadline(client._transport), takes_self=True),
    )

    @_given.validator
    def _check_given(self, _attribute: object, value: object) -> None:
        if value is not None:
            self._check_transport(value)

    def _check_transport(self, value: object) -> None:
        raise NotImplementedError  # pragma: no cover - each client class says what it drives

    def _best_transport(self) -> TransportT:
        raise NotImplementedError  # pragma: no cover - each client class says what it makes

    @property
    def transport(self) -> TransportT:
        """The transport every call goes through: the one passed in, else the one made."""
        return self._transport

    @property
    def owns_transport(self) -> bool:
        """True when this client made its transport (none was passed), so closing closes it."""
        return self._given is None

    def _seconds(self, deadline: float | None) -> float | None:
        return self.deadline if deadline is None else check_deadline(deadline)

    def _request_flow(
        self,
        method: str,
        url: str,
        *,
        params: PairsLike | None,
        data: PairsLike | None,
        body: bytes | None,
        json: Any,
        headers: HeadersLike | None,
    ) -> ResilientFlow:
        request = build_request(
            method, url, params=params, data=data, body=body, json=json, headers=headers
        )
        return self._call(request, self._signer)

    def _call(self, request: Request, signer: Signer) -> ResilientFlow:
        # The call with this client's resilience and redirect options (§3.3, §3.5).
        return call_flow(
            request,
            signer,
            clock_skew=self.clock_skew,
            retry=self.retry,
            session=self.session,
            max_redirects=self.max_redirects,
            cross_origin_credentials=self.cross_origin_credentials,
            allow_downgrade=self.allow_downgrade,
        )

    def _upload_flow(
        self,
        method: str,
        url: str,
        *,
        params: PairsLike | None,
        data: PairsLike | None,
        body: object,
        json: Any,
        headers: HeadersLike | None,
        multipart: MultipartPolicy | None,
    ) -> tuple[ResilientFlow, Upload]:
        # A streamed body (Body Hash §3.1): the request carries its framing headers, not its
        # bytes, and the signer signs the hops that carry it by the upload's rules.
        if data is not None or json is not None:
            raise ValueError("give one of data=, body= or json=")
        if self.placement is Placement.BODY:
            raise ValueError(
                "a streamed body cannot carry the OAuth parameters: use HEADER or QUERY"
            )
        # The client's policy is for multipart bodies; one given to the call must fit its body.
        if multipart is None and isinstance(body, MultipartBody):
            multipart = self.multipart
        # The request first: a mistake in it is found before the body is read (or spooled).
        request = build_request(method, url, params=params, headers=headers)
        upload = Upload.of(body, self.method, multipart)
        # The upload's own headers (framing, a multipart Content-Type) replace the caller's.
        replaced = {"content-length", "transfer-encoding", *(k.lower() for k, _ in upload.headers)}
        kept = tuple(pair for pair in request.headers if pair[0].lower() not in replaced)
        request = Request(request.method, request.url, (*kept, *upload.headers))
        return self._call(request, evolve(self._signer, stream=upload.signing)), upload

    def _request_token_flow(self, url: str, callback: str) -> TokenFlow:
        # A refused timestamp is learnt and the call signed once more; retried only if the
        # policy names POST (a provider may issue a token per try).
        return request_token_call(
            url,
            self._signer,
            callback,
            clock_skew=self.clock_skew,
            retry=self.retry,
            max_redirects=self.max_redirects,
            cross_origin_credentials=self.cross_origin_credentials,
            allow_downgrade=self.allow_downgrade,
        )

    def _access_token_flow(self, url: str, request_token: Token, verifier: str) -> TokenFlow:
        return access_token_call(
            url,
            self._signer,
            request_token,
            verifier,
            clock_skew=self.clock_skew,
            retry=self.retry,
            max_redirects=self.max_redirects,
            cross_origin_credentials=self.cross_origin_credentials,
            allow_downgrade=self.allow_downgrade,
        )

    def authorization_url(self, url: str, request_token: Token | str, **extra: str) -> str:
        """The resource-owner authorization URL for ``request_token`` (§2.2); sends nothing."""
        return authorization_url(url, request_token, **extra)
