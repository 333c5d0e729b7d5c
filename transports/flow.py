"""The client flow, sans I/O: what to send next, given what came back (RFC 5849 §3, §2).

Theory of operation: a call is a generator in the shape of httpx's ``auth_flow``. It yields
each request to put on the wire, already signed, receives the ``Response`` that came back, and
finally returns the result (a ``Response``, or a ``Token`` for the three-legged steps). It does
no I/O and reads no clock: whoever drives it owns the sockets, the timeouts and the deadline.
``transports.Client`` drives it with a ``Transport``, ``transports.AsyncClient`` with an
``AsyncTransport``, and ``drive``/``drive_async`` do it for any ``send`` function::

    flow = send_flow(Request("GET", url), Signer(consumer, token))
    response = drive(flow, transport.send)

Every rule of the client side is written here once:

- **Signing** (``Signer``): ``oauthcore.sign`` with the caller's options; ``Placement.BODY`` on a
  GET or HEAD, which has no body to carry the parameters (§3.5.2), uses the query (§3.5.3).
  ``sign`` itself picks the body hash (``oauth_body_hash`` for a non-form body).
- **Redirects** (``next_hop``, ``may_sign``): every hop is a new request, signed afresh (new
  nonce and timestamp, §3.3) from the unsigned request for that hop; 303, and 301/302 after a
  POST, become a bodiless GET (RFC 9110 §15.4); ``oauth_*`` parameters a ``Location`` echoes are
  dropped. Once the chain leaves the first request's origin (RFC 6454: scheme, host, port) no
  later hop is signed, unless ``cross_origin_credentials``; https to http is refused unless
  ``allow_downgrade``, since PLAINTEXT (§3.4.4) and every secret would travel in the clear.
- **The three-legged steps** (``request_token_flow``, ``access_token_flow``, §2.1, §2.3): a
  signed POST through ``send_flow``, its reply read by ``oauthcore.client.parse_token_response``.
"""

from __future__ import annotations

import inspect
import json as jsonlib
import time
from collections.abc import Awaitable, Callable, Generator
from contextlib import closing
from typing import Any, TypeVar
from urllib.parse import urljoin

from attrs import evolve, field, frozen

from oauthcore import HMAC_SHA1, Consumer, ParameterRejected, Placement, Request, Token, sign
from oauthcore.bodies import BodyDigest
from oauthcore.client import parse_token_response
from oauthcore.encoding import decode_form
from oauthcore.methods import SignatureMethod
from oauthcore.multipart import sign_text_fields
from oauthcore.records import HeadersLike, PairsLike

from .base import REDIRECT_STATUSES, Response, redact_url
from .errors import TransportError
from .pause import Pause
from .redirects import is_downgrade, origin
from .streams import StreamSigning, carries_stream

__all__ = [
    "DEFAULT_MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "Flow",
    "Hop",
    "RedirectError",
    "Signer",
    "access_token_flow",
    "access_token_step",
    "build_request",
    "check_max_redirects",
    "drive",
    "drive_async",
    "may_sign",
    "next_hop",
    "read_request_token",
    "request_token_flow",
    "request_token_step",
    "send_flow",
]

DEFAULT_MAX_REDIRECTS = 5
"""How many redirects a call follows unless told otherwise (each one re-signed, RFC 5849 §3.5)."""
# Headers that describe a body: they go when a redirect turns the request into a bodiless GET.
_BODY_HEADERS = frozenset(
    {"content-type", "content-length", "content-encoding", "transfer-encoding"}
)

T = TypeVar("T")
Flow = Generator[Request, Response, T]
"""A client flow (RFC 5849 §3): yields each request to send, receives its ``Response``, returns
a ``T``."""


class RedirectError(TransportError):
    """A redirect the client will not follow: too many hops, or https to http (RFC 5849 §3.5).

    ``response`` is the redirect response that was not followed.
    """

    def __init__(self, message: str, *, method: str, url: str, response: Response) -> None:
        super().__init__(message, method=method, url=url)
        self.response = response


def _check_type(kind: type | tuple[type, ...], what: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, kind):
            raise TypeError(f"{what}, not {type(value).__name__}")

    return check


@frozen
class Signer:
    """Signs each hop of a call for ``consumer`` (and ``token``) with ``sign`` (§3.1-§3.5).

    Call it with an unsigned ``Request``; it returns the signed copy, with a fresh nonce and
    timestamp each time. ``method``, ``placement``, ``realm``, ``callback`` (§2.1), ``verifier``
    (§2.3), ``body_hash`` and ``version`` are passed to ``sign``; ``Placement.BODY`` on a GET or
    HEAD signs in the query instead (§3.5.3). The verifier never shows in ``repr``. ``stream``
    (a ``transports.streams.StreamSigning``) signs the hops that carry a streamed body: with its
    body hash, or its multipart text fields as a form (Body Hash §3.1, §3.4.1.3.1).

    >>> signer = Signer(Consumer("key", "secret"))
    >>> signer(Request("GET", "https://api.example.com/")).header("Authorization")[:6]
    'OAuth '
    """

    consumer: Consumer = field(validator=_check_type(Consumer, "consumer must be a Consumer"))
    token: Token | None = field(
        default=None, validator=_check_type((Token, type(None)), "token must be a Token or None")
    )
    method: SignatureMethod = field(
        default=HMAC_SHA1,
        kw_only=True,
        validator=_check_type(SignatureMethod, "method must be a SignatureMethod"),
    )
    placement: Placement = field(
        default=Placement.HEADER,
        kw_only=True,
        validator=_check_type(Placement, "placement must be a Placement"),
    )
    realm: str | None = field(
        default=None, kw_only=True, validator=_check_type((str, type(None)), "realm must be a str")
    )
    callback: str | None = field(
        default=None,
        kw_only=True,
        validator=_check_type((str, type(None)), "callback must be a str"),
    )
    verifier: str | None = field(
        default=None,
        kw_only=True,
        repr=False,
        validator=_check_type((str, type(None)), "verifier must be a str"),
    )
    #: ``oauth_body_hash``: ``None`` for a non-form body only (the default), ``True``, ``False``.
    body_hash: bool | None = field(
        default=None,
        kw_only=True,
        validator=_check_type((bool, type(None)), "body_hash must be a bool or None"),
    )
    #: Whether ``oauth_version="1.0"`` is sent (optional, §3.1).
    version: bool = field(
        default=True, kw_only=True, validator=_check_type(bool, "version must be a bool")
    )
    #: ``oauth_session_handle``, sent to renew the token (OAuth Session 1.0 §5.3); never shown.
    session_handle: str | None = field(
        default=None,
        kw_only=True,
        repr=False,
        validator=_check_type((str, type(None)), "session_handle must be a str"),
    )
    #: How a hop carrying a streamed body is signed (``transports.streams``); ``None``: no stream.
    stream: StreamSigning | None = field(
        default=None,
        kw_only=True,
        validator=_check_type((StreamSigning, type(None)), "stream must be a StreamSigning"),
    )

    def __attrs_post_init__(self) -> None:
        if self.realm is not None and self.placement is not Placement.HEADER:
            raise ValueError("realm is only sent in the Authorization header (placement=HEADER)")

    def __call__(self, request: Request, *, timestamp: int | None = None) -> Request:
        """``request`` signed afresh: new nonce and timestamp (§3.3), parameters placed (§3.5).

        ``timestamp`` overrides the clock (a client correcting a skewed clock passes its own).
        """
        placement = self.placement
        if placement is Placement.BODY and request.method in ("GET", "HEAD"):
            # A GET has no body to carry the parameters (§3.5.2); the query can (§3.5.3).
            placement = Placement.QUERY
        body_hash: bool | BodyDigest | None = self.body_hash
        stream = self.stream
        if stream is not None and carries_stream(request):
            if stream.text_fields is not None:
                # MultipartPolicy.TEXT_FIELDS: the text fields are signed as a form would be;
                # the request keeps its multipart headers and gains the signature (§3.4.1.3.1).
                return sign_text_fields(
                    request,
                    stream.text_fields,
                    lambda form: self._sign(form, placement, None, timestamp),
                )
            body_hash = stream.body_hash
        return self._sign(request, placement, body_hash, timestamp)

    def _sign(
        self,
        request: Request,
        placement: Placement,
        body_hash: bool | BodyDigest | None,
        timestamp: int | None,
    ) -> Request:
        return sign(
            request,
            self.consumer,
            self.token,
            self.method,
            placement=placement,
            realm=self.realm,
            callback=self.callback,
            verifier=self.verifier,
            body_hash=body_hash,
            version=self.version,
            timestamp=timestamp,
            session_handle=self.session_handle,
        )


def build_request(
    method: str,
    url: str,
    *,
    params: PairsLike | None = None,
    data: PairsLike | None = None,
    body: bytes | None = None,
    json: Any = None,
    headers: HeadersLike | None = None,
) -> Request:
    """The unsigned ``Request`` for a call: query ``params``, then one kind of body (§3.4.1.3).

    ``data`` makes a form body (its parameters are signed, §3.4.1.3.1); ``body`` is raw bytes
    and ``json`` a JSON document (compact, UTF-8, ``Content-Type: application/json`` unless
    given), both covered by ``oauth_body_hash`` where the method has one. ``json=None``: no JSON.
    """
    if params is None and data is None and json is None and headers is None:
        # The common call, a URL and at most raw bytes: no query or header pairs to merge.
        return Request(method, url, (), b"" if body is None else body)
    if json is not None:
        if data is not None or body is not None:
            raise ValueError("give one of data=, body= or json=")
        body = jsonlib.dumps(json, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        given = Request.build(method, url, headers=headers)
        if given.header("Content-Type") is None:
            headers = (*given.headers, ("Content-Type", "application/json"))
    return Request.build(method, url, params=params, data=data, headers=headers, body=body)


def may_sign(first_url: str, url: str, *, cross_origin_credentials: bool = False) -> bool:
    """Whether a hop to ``url`` may carry credentials: same origin as ``first_url`` (§3.5).

    The origin is scheme, host and port (RFC 6454), read as oauthcore reads a URL; with
    ``cross_origin_credentials`` every origin may. A chain that has left the origin stays
    unsigned even when it comes back (``next_hop``'s ``signed``).
    """
    return cross_origin_credentials or origin(url) == origin(first_url)


@frozen
class Hop:
    """The next request of a redirect chain, unsigned, and whether to sign it (RFC 5849 §3.5)."""

    #: The request for the next hop, without OAuth parameters (sign it if ``sign``).
    request: Request
    #: Whether the hop may carry credentials: the chain has stayed on the first origin.
    sign: bool


def next_hop(
    first_url: str,
    request: Request,
    response: Response,
    *,
    redirects: int = 0,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    signed: bool = True,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
) -> Hop:
    """The hop that follows ``response``, a redirect to the unsigned ``request`` (§3.5).

    ``first_url`` is the URL of the chain's first request, ``redirects`` how many redirects the
    chain has followed so far and ``signed`` whether ``request`` was sent signed. 303, and
    301/302 after a POST, become a bodiless GET without body headers; 307, 308 and the rest
    repeat method and body (RFC 9110 §15.4). ``oauth_*`` parameters in the ``Location`` query
    are dropped, and an ``Authorization`` header is dropped on a change of origin.

    Raises ``RedirectError`` (``.response``: this one) after ``max_redirects``, for a
    ``Location`` that is not an http(s) URL, and for https to http unless ``allow_downgrade``;
    ``ValueError`` when ``response`` is not a redirect (``Response.is_redirect``).
    """
    if not response.is_redirect:
        raise ValueError(f"a {response.status} response with no Location is not a redirect")
    if redirects >= max_redirects:
        raise RedirectError(
            f"stopped after {redirects} redirects (max_redirects={max_redirects})",
            method=request.method,
            url=request.url,
            response=response,
        )
    location = str(response.header("Location")).strip()
    try:
        # Request() insists on an absolute http(s) URL with a valid host and port.
        target = Request("GET", _without_oauth_params(urljoin(request.url, location))).url
    except ValueError as exc:
        # Also where an HTTP library could read another host than the origin check would.
        raise RedirectError(
            f"refusing a redirect: not a valid http(s) URL ({redact_url(str(exc))})",
            method=request.method,
            url=request.url,
            response=response,
        ) from None
    if is_downgrade(request.url, target) and not allow_downgrade:
        raise RedirectError(
            "refusing a redirect from https to http (it would send the request in the"
            " clear); pass allow_downgrade=True to the Client to follow it",
            method=request.method,
            url=request.url,
            response=response,
        )
    method, body, headers = request.method, request.body, request.headers
    # 303 always, and 301/302 after POST as every browser does, become a bodiless GET;
    # 307 and 308 repeat the same method and body (RFC 9110 §15.4).
    if (response.status == 303 and method != "HEAD") or (
        response.status in (301, 302) and method == "POST"
    ):
        method, body = "GET", b""
        headers = tuple(pair for pair in headers if pair[0].lower() not in _BODY_HEADERS)
    if not cross_origin_credentials and origin(target) != origin(request.url):
        headers = tuple(pair for pair in headers if pair[0].lower() != "authorization")
    return Hop(
        Request(method, target, headers, body),
        signed and may_sign(first_url, target, cross_origin_credentials=cross_origin_credentials),
    )


def _without_oauth_params(url: str) -> str:
    # A Location may echo the query it came from, oauth_* parameters and all; those belong to
    # the old signature and must neither be re-signed (sign() refuses them) nor sent elsewhere.
    path, mark, query = url.partition("#")[0].partition("?")
    if not mark:
        return path
    kept = []
    for item in query.split("&"):
        try:
            names = [name for name, _ in decode_form(item)]
        except ParameterRejected:
            names = []
        if not any(name.startswith("oauth_") for name in names):
            kept.append(item)
    return f"{path}?{'&'.join(kept)}" if kept else path


def check_max_redirects(value: object) -> int:
    """``value`` as a number of redirects to follow (0 or more, §3.5); refuses anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_redirects must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_redirects must be 0 or more, got {value}")
    return value


def send_flow(
    request: Request,
    sign_hop: Callable[[Request], Request],
    *,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    follow_redirects: bool = True,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
) -> Flow[Response]:
    """Send ``request`` signed by ``sign_hop``, following redirects by ``next_hop`` (§3, §3.5).

    Yields each request to send (signed while the chain stays on the first origin, else as
    is), receives its ``Response`` and returns the final one, its ``url`` that of the last hop
    as addressed (without a signature the query placement put there). ``follow_redirects=False``
    returns the first response, redirect or not. A received value that is not a ``Response``
    raises ``TypeError``; a refused redirect ``RedirectError``.
    """
    check_max_redirects(max_redirects)
    first_url = request.url
    signed = True
    redirects = 0
    while True:
        response = yield sign_hop(request) if signed else request
        if not isinstance(response, Response):
            raise TypeError(
                f"a transport's send must return a transports.Response,"
                f" not {type(response).__name__}"
            )
        if not (follow_redirects and response.is_redirect):
            return response if response.url == request.url else evolve(response, url=request.url)
        hop = next_hop(
            first_url,
            request,
            response,
            redirects=redirects,
            max_redirects=max_redirects,
            signed=signed,
            cross_origin_credentials=cross_origin_credentials,
            allow_downgrade=allow_downgrade,
        )
        redirects += 1
        request, signed = hop.request, hop.sign


def request_token_flow(
    url: str,
    signer: Signer,
    callback: str = "oob",
    *,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
) -> Flow[Token]:
    """Obtain temporary credentials: a POST with ``oauth_callback``, no token (§2.1).

    ``signer`` gives the consumer and the signing options (its token is not used). Returns the
    request token; a non-2xx reply, or one without ``oauth_callback_confirmed=true``, raises
    ``oauthcore.client.TokenResponseError``.
    """
    response = yield from send_flow(
        *request_token_step(url, signer, callback),
        max_redirects=max_redirects,
        cross_origin_credentials=cross_origin_credentials,
        allow_downgrade=allow_downgrade,
    )
    return read_request_token(response)


def access_token_flow(
    url: str,
    signer: Signer,
    request_token: Token,
    verifier: str,
    *,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    cross_origin_credentials: bool = False,
    allow_downgrade: bool = False,
) -> Flow[Token]:
    """Exchange ``request_token`` and ``verifier`` for token credentials: a signed POST (§2.3).

    ``signer`` gives the consumer and the signing options (its token is replaced by
    ``request_token``). Returns the access token, the provider's extra fields in
    ``Token.extra``; a non-2xx reply raises ``oauthcore.client.TokenResponseError``.
    """
    response = yield from send_flow(
        *access_token_step(url, signer, request_token, verifier),
        max_redirects=max_redirects,
        cross_origin_credentials=cross_origin_credentials,
        allow_downgrade=allow_downgrade,
    )
    return parse_token_response(response.body, status=response.status)


def request_token_step(url: str, signer: Signer, callback: str) -> tuple[Request, Signer]:
    """The Temporary Credential Request and how it is signed: a POST with ``oauth_callback``
    and no token (RFC 5849 §2.1)."""
    return Request("POST", url), evolve(signer, token=None, callback=callback, verifier=None)


def read_request_token(response: Response) -> Token:
    """The temporary credentials in ``response``, which must confirm the callback (§2.1).

    A non-2xx reply or one without ``oauth_callback_confirmed=true`` raises
    ``oauthcore.client.TokenResponseError``.
    """
    return parse_token_response(
        response.body, status=response.status, require_callback_confirmed=True
    )


def access_token_step(
    url: str, signer: Signer, request_token: Token, verifier: str
) -> tuple[Request, Signer]:
    """The Token Request and how it is signed: a POST with the request token and
    ``oauth_verifier`` (RFC 5849 §2.3). A ``request_token`` that is not a ``Token``:
    ``TypeError``."""
    if not isinstance(request_token, Token):
        raise TypeError(f"request_token must be a Token, not {type(request_token).__name__}")
    return Request("POST", url), evolve(
        signer, token=request_token, callback=None, verifier=verifier
    )


def drive(
    flow: Flow[T] | Generator[Request | Pause, Response, T], send: Callable[[Request], Response]
) -> T:
    """Run ``flow`` to its end, sending each request it yields with ``send`` (RFC 5849 §3.5).

    Returns the flow's result. ``send`` is a transport's ``send`` (or a wrapper adding a
    timeout or a deadline). A ``TransportError`` it raises is thrown into the flow (a retrying
    flow may catch it), and propagates from there; a ``Pause`` the flow yields is slept. The
    flow is closed at the end.
    """
    with closing(flow):
        step = next(flow)
        while True:
            response: Response | None = None
            failed: TransportError | None = None
            if isinstance(step, Pause):
                (step.sleep or time.sleep)(step.seconds)
            else:
                try:
                    response = send(step)
                except TransportError as exc:
                    failed = exc
            try:
                if failed is not None:
                    step = flow.throw(failed)
                else:
                    step = next(flow) if response is None else flow.send(response)
            except StopIteration as done:
                result: T = done.value
                return result


async def drive_async(
    flow: Flow[T] | Generator[Request | Pause, Response, T],
    send: Callable[[Request], Awaitable[Response]],
) -> T:
    """``drive`` for an async ``send`` (an ``AsyncTransport``'s): awaits each response and pause.

    The async driver of a client flow (RFC 5849 §3.5).
    """
    with closing(flow):
        step = next(flow)
        while True:
            response: Response | None = None
            failed: TransportError | None = None
            if isinstance(step, Pause):
                await _pause(step)
            else:
                try:
                    response = await send(step)
                except TransportError as exc:
                    failed = exc
            try:
                if failed is not None:
                    step = flow.throw(failed)
                else:
                    step = next(flow) if response is None else flow.send(response)
            except StopIteration as done:
                result: T = done.value
                return result


async def _pause(pause: Pause) -> None:
    if pause.asleep is not None:
        await pause.asleep(pause.seconds)
        return
    if pause.sleep is None:
        # Imported here: ``import transports`` loads no asyncio (nor the ssl it brings).
        import asyncio

        await asyncio.sleep(pause.seconds)
        return
    waited = pause.sleep(pause.seconds)
    if inspect.isawaitable(waited):
        await waited
