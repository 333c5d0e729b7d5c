"""``Client``: sign with oauthcore, send through any ``Transport``, follow redirects safely.

Theory of operation: every hop of a redirect chain is a new request, so it is signed anew (fresh
nonce and timestamp, RFC 5849 §3.3) from the unsigned request for that hop; a signature is never
reused or carried along. Credentials only go where they were meant to: once a chain leaves the
first request's origin, no later hop is signed (unless ``cross_origin_credentials``), and a hop
from https to http is refused (unless ``allow_downgrade``), because OAuth's secrets and a
PLAINTEXT signature (§3.4.4) must not travel in the clear. A ``deadline`` bounds the whole
chain: each hop is handed what is left of it, and no hop starts once it has run out.
"""

from __future__ import annotations

import inspect
import json as jsonlib
import time
from typing import Any
from urllib.parse import urljoin

from attrs import Factory, evolve, field, frozen

from oauthcore import HMAC_SHA1, Consumer, ParameterRejected, Placement, Request, Token, sign
from oauthcore.client import authorization_url, parse_token_response
from oauthcore.encoding import decode_form
from oauthcore.methods import SignatureMethod
from oauthcore.records import HeadersLike, PairsLike

from .adapters._limits import check_deadline
from .base import DeadlineExceeded, Response, Transport, TransportError, redact_url
from .redirects import is_downgrade, origin

__all__ = ["Client", "RedirectError"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Headers that describe a body: they go when a redirect turns the request into a bodiless GET.
_BODY_HEADERS = frozenset(
    {"content-type", "content-length", "content-encoding", "transfer-encoding"}
)


class RedirectError(TransportError):
    """A redirect the client will not follow: too many hops, or https to http (RFC 5849 §3.5).

    ``response`` is the redirect response that was not followed.
    """

    def __init__(self, message: str, *, method: str, url: str, response: Response) -> None:
        super().__init__(message, method=method, url=url)
        self.response = response


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


def _check_transport(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, Transport):
        raise TypeError(
            f"transport must have send(request, *, timeout=None) -> Response (a Transport),"
            f" not {type(value).__name__}"
        )


def _check_type(kind: type | tuple[type, ...], what: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, kind):
            raise TypeError(f"{what}, not {type(value).__name__}")

    return check


def _takes_deadline(transport: Transport) -> bool:
    # The Transport protocol's send takes ``timeout``; one that also takes ``deadline`` (as the
    # shipped adapters do) gets the time left on each hop. Others are bounded between hops.
    try:
        # Looked up before the transport is validated: a missing send is refused just after.
        send: Any = getattr(transport, "send", None)
        parameters = inspect.signature(send).parameters
    except (TypeError, ValueError):
        return False
    found = parameters.get("deadline")
    return found is not None and found.kind in (found.KEYWORD_ONLY, found.POSITIONAL_OR_KEYWORD)


def _chain_late(request: Request, seconds: float) -> DeadlineExceeded:
    return DeadlineExceeded(
        f"the redirect chain did not complete within the Client's {seconds:g}-second deadline;"
        " pass a larger deadline (or None) to the Client or to this call",
        deadline=seconds,
        method=request.method,
        url=request.url,
    )


def _check_max_redirects(_instance: object, _attribute: object, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_redirects must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_redirects must be 0 or more, got {value}")


@frozen
class Client:
    """Signs each request for ``consumer`` (and ``token``) and sends it via ``transport`` (§3).

    >>> client = Client(Consumer("key", "secret"), Token("tok", "tok-secret"),
    ...                 transport=Urllib3Transport())            # doctest: +SKIP
    >>> client.request("GET", "https://api.example.com/me").json()  # doctest: +SKIP

    ``method``, ``placement`` and ``realm`` are passed to ``oauthcore.sign``. Redirects are
    followed up to ``max_redirects`` hops; see the module docstring for the rules. ``deadline``
    (seconds) bounds a whole call, redirects included; ``None``: each hop has the transport's.
    """

    consumer: Consumer = field(validator=_check_type(Consumer, "consumer must be a Consumer"))
    token: Token | None = field(
        default=None, validator=_check_type((Token, type(None)), "token must be a Token or None")
    )
    transport: Transport = field(kw_only=True, validator=_check_transport)
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
    max_redirects: int = field(default=5, kw_only=True, validator=_check_max_redirects)
    #: Sign hops on another origin too (off: a redirect elsewhere is followed unsigned).
    cross_origin_credentials: bool = field(default=False, kw_only=True)
    #: Follow a redirect from https to http (off: ``RedirectError``).
    allow_downgrade: bool = field(default=False, kw_only=True)
    #: Seconds for a whole call, every hop of its redirect chain included (``None``: no limit
    #: beyond each hop's transport deadline); raises ``DeadlineExceeded``.
    deadline: float | None = field(default=None, kw_only=True, converter=check_deadline)
    # Whether the transport's send takes ``deadline``: looked up once, here.
    _hands_down_deadline: bool = field(
        init=False,
        repr=False,
        eq=False,
        default=Factory(lambda client: _takes_deadline(client.transport), takes_self=True),
    )

    def __attrs_post_init__(self) -> None:
        if self.realm is not None and self.placement is not Placement.HEADER:
            raise ValueError("realm is only sent in the Authorization header (placement=HEADER)")

    def with_token(self, token: Token | None) -> Client:
        """A copy of this client that signs with ``token`` (RFC 5849 §1.1)."""
        return evolve(self, token=token)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: PairsLike | None = None,
        data: PairsLike | None = None,
        body: bytes | None = None,
        json: Any = None,
        headers: HeadersLike | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Response:
        """Sign and send one request; return the final response of the redirect chain (§3).

        ``params`` go in the query, ``data`` makes a form body (its parameters are signed,
        §3.4.1.3.1), ``body`` sends raw bytes and ``json`` sends a JSON document (both covered
        by ``oauth_body_hash`` where the method has one; ``json=None`` means no JSON body).
        ``timeout`` overrides the transport's default for every hop, ``deadline`` the Client's.
        """
        if json is not None:
            if data is not None or body is not None:
                raise ValueError("give one of data=, body= or json=")
            body = jsonlib.dumps(json, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            given = Request.build(method, url, headers=headers)
            if given.header("Content-Type") is None:
                headers = (*given.headers, ("Content-Type", "application/json"))
        request = Request.build(method, url, params=params, data=data, headers=headers, body=body)
        return self._send(request, self.token, timeout=timeout, deadline=deadline)

    def _send(
        self,
        request: Request,
        token: Token | None,
        *,
        timeout: float | None,
        deadline: float | None = None,
        callback: str | None = None,
        verifier: str | None = None,
    ) -> Response:
        seconds = self.deadline if deadline is None else check_deadline(deadline)
        ends = 0.0 if seconds is None else time.monotonic() + seconds
        first_url = request.url
        first_origin: str | None = None  # worked out only if a redirect comes
        trusted = True
        hops = 0
        while True:
            if trusted:
                placement = self.placement
                if placement is Placement.BODY and request.method in ("GET", "HEAD"):
                    # A GET has no body to carry the parameters (§3.5.2); the query can (§3.5.3).
                    placement = Placement.QUERY
                outgoing = sign(
                    request,
                    self.consumer,
                    token,
                    self.method,
                    placement=placement,
                    realm=self.realm,
                    callback=callback,
                    verifier=verifier,
                )
            else:
                outgoing = request
            if seconds is None:
                response = self.transport.send(outgoing, timeout=timeout)
            else:
                response = self._send_within(outgoing, timeout, ends, seconds)
            if not response.is_redirect:
                # The final URL as addressed, without the signature a query placement added.
                if response.url == request.url:
                    return response
                return evolve(response, url=request.url)
            if hops == self.max_redirects:
                raise RedirectError(
                    f"stopped after {hops} redirects (max_redirects={self.max_redirects})",
                    method=request.method,
                    url=request.url,
                    response=response,
                )
            hops += 1
            request = self._next_hop(request, response)
            if first_origin is None:
                first_origin = origin(first_url)
            if not self.cross_origin_credentials and origin(request.url) != first_origin:
                trusted = False

    def _send_within(
        self, request: Request, timeout: float | None, ends: float, seconds: float
    ) -> Response:
        # One hop of a chain that must be done by ``ends`` (the monotonic clock), ``seconds``
        # after it began. A transport that takes no deadline is held to it between hops only.
        left = ends - time.monotonic()
        if left <= 0:
            raise _chain_late(request, seconds)
        if not self._hands_down_deadline:
            return self.transport.send(request, timeout=timeout)
        send: Any = self.transport.send  # the protocol's send has no deadline; this one does
        try:
            response: Response = send(request, timeout=timeout, deadline=left)
        except DeadlineExceeded as exc:
            raise _chain_late(request, seconds) from exc
        return response

    def _next_hop(self, request: Request, response: Response) -> Request:
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
        if is_downgrade(request.url, target) and not self.allow_downgrade:
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
        if origin(target) != origin(request.url) and not self.cross_origin_credentials:
            headers = tuple(pair for pair in headers if pair[0].lower() != "authorization")
        return Request(method, target, headers, body)

    # The client side of the three-legged flow (RFC 5849 §2).

    def fetch_request_token(
        self,
        url: str,
        callback: str = "oob",
        *,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Token:
        """Obtain temporary credentials (a request token) with ``oauth_callback`` (§2.1).

        Refuses a reply without ``oauth_callback_confirmed=true`` (a pre-1.0a provider) and a
        non-2xx reply, with ``TokenResponseError``.
        """
        response = self._send(
            Request("POST", url), None, timeout=timeout, deadline=deadline, callback=callback
        )
        return parse_token_response(
            response.body, status=response.status, require_callback_confirmed=True
        )

    def authorization_url(self, url: str, request_token: Token | str, **extra: str) -> str:
        """The resource-owner authorization URL for ``request_token`` (§2.2); sends nothing."""
        return authorization_url(url, request_token, **extra)

    def fetch_access_token(
        self,
        url: str,
        request_token: Token,
        verifier: str,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Token:
        """Exchange the request token and ``verifier`` for token credentials (§2.3).

        The provider's extra fields (``user_id``, ``screen_name``...) are in ``Token.extra``;
        use ``with_token`` to sign with the result. A non-2xx reply raises ``TokenResponseError``.
        """
        if not isinstance(request_token, Token):
            raise TypeError(f"request_token must be a Token, not {type(request_token).__name__}")
        response = self._send(
            Request("POST", url),
            request_token,
            timeout=timeout,
            deadline=deadline,
            verifier=verifier,
        )
        return parse_token_response(response.body, status=response.status)
