"""python-oauth2's ``Request``: a dict of parameters with a method, a URL and a body (RFC 5849 §3).

Theory of operation: the dict holds the parameters the way the caller gave them (strings, bytes,
numbers, lists for repeated names). Everything computed from them goes through oauthcore: the
URL becomes an ``oauthcore.Request`` (so its base string URI is oauthcore's, §3.4.1.2), the URL's
query is decoded once by ``oauthcore.encoding.decode_form`` (§3.4.1.3.1), and the pairs are
normalized by ``oauthcore.base_string.normalize_parameters`` (§3.4.1.3.2). ``from_request`` copies
the URL's query into the dict, as python-oauth2 did (a name found in several places keeps every
value, as a list), and remembers that it did: the URL's own pairs are then signed and serialised
once, not twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oauthcore import OAuthError
from oauthcore import Request as CoreRequest
from oauthcore.base_string import SignatureBase, normalize_parameters
from oauthcore.encoding import append_query, decode_form, encode_form, percent_encode
from oauthcore.header import is_oauth_authorization, parse_authorization, render_authorization
from oauthcore.redaction import SECRET_NAMES
from oauthcore.signing import hash_body, make_nonce, make_timestamp

from ..base import redact_url
from ._errors import Error
from ._values import stored, text, text_pairs

if TYPE_CHECKING:
    from ._credentials import Consumer, Token
    from ._methods import SignatureMethod

__all__ = ["HTTP_METHOD", "OAUTH_VERSION", "Request"]

OAUTH_VERSION = "1.0"
"""The ``oauth_version`` a python-oauth2 ``Request`` sends (RFC 5849 §3.1)."""
HTTP_METHOD = "GET"
"""python-oauth2's default HTTP method for a ``Request`` that names none (RFC 5849 §3.4.1.1)."""
# Body Hash §4.1.1: no oauth_body_hash on requests that cannot carry a body.
_NO_BODY = frozenset({"GET", "HEAD"})


def _decode(query: str) -> list[tuple[str, str]]:
    """Query or form pairs, each decoded once by oauthcore (RFC 5849 §3.4.1.3.1)."""
    try:
        return decode_form(query)
    except OAuthError as exc:
        raise Error(f"Unable to decode parameters: {exc}") from exc


def _merge(params: dict[str, Any], pairs: Iterable[tuple[str, str]]) -> None:
    """Add pairs to a parameter dict; a name seen again turns its value into a list of all."""
    for name, value in pairs:
        if name not in params:
            params[name] = value
        else:
            known = params[name]
            params[name] = [*(known if isinstance(known, list) else [known]), value]


def split_query(query: str) -> dict[str, Any]:
    """A query or form string as a dict: one value as str, repeated values as a list."""
    params: dict[str, Any] = {}
    _merge(params, _decode(query))
    return params


def body_bytes(body: object) -> bytes:
    """The body as bytes: text is sent as UTF-8, ``None`` is no body."""
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return str(body).encode("utf-8")


class Request(dict[str, Any]):
    """The parameters of a request (a dict) plus its ``method``, ``url`` and ``body`` (§3.4.1).

    Values may be str, UTF-8 bytes, numbers or lists (a repeated parameter); they are kept as
    given and converted to text only to sign or serialise. Signatures are str.
    """

    version = OAUTH_VERSION

    def __init__(
        self,
        method: str = HTTP_METHOD,
        url: str | bytes | None = None,
        parameters: Mapping[Any, Any] | None = None,
        body: bytes | str = b"",
        is_form_encoded: bool = False,
    ) -> None:
        super().__init__()
        self._has_url = False
        self._url: str | None = None
        self._normalized_url: str | None = None
        # Set by from_request(): the dict also holds the URL's own query pairs (signed from there).
        self._query_in_dict = False
        if url is not None:
            self.url = url
        self.method = method
        if parameters is not None:
            for name, value in parameters.items():
                self[text(name)] = stored(value)
        self.body = body
        self.is_form_encoded = is_form_encoded

    @property
    def url(self) -> str | None:
        """The request URL as given; ``AttributeError`` until one is set."""
        if not self._has_url:
            raise AttributeError("url")
        return self._url

    @url.setter
    def url(self, value: str | bytes | None) -> None:
        if value is None:
            self._url = self._normalized_url = None
        else:
            url = text(value)
            # oauthcore parses the URL once: http(s) only, host lower-cased, default port dropped.
            self._normalized_url = CoreRequest(HTTP_METHOD, url).base_string_uri
            self._url = url
        self._has_url = True

    @url.deleter
    def url(self) -> None:
        self._has_url = False
        self._url = self._normalized_url = None

    @property
    def normalized_url(self) -> str | None:
        """The base string URI of ``url``: oauthcore's ``base_string_uri`` (RFC 5849 §3.4.1.2)."""
        if not self._has_url:
            raise AttributeError("normalized_url")
        return self._normalized_url

    @property
    def method(self) -> str:
        """The HTTP method, upper-cased (RFC 5849 §3.4.1.1)."""
        return self._method

    @method.setter
    def method(self, value: str) -> None:
        self._method = text(value).upper()

    def _require_url(self) -> str:
        if not self._has_url or self._url is None:
            raise ValueError("Base URL for request is not set.")
        return self._url

    def _core(self) -> CoreRequest:
        return CoreRequest(self.method, self._require_url())

    def _own_pairs(self) -> list[tuple[str, str]]:
        """The parameters as text pairs, less those the URL's own query already carries."""
        pairs = text_pairs(self)
        if not self._query_in_dict:
            return pairs
        in_url = Counter(_decode(self._core().query))
        own = []
        for pair in pairs:
            if in_url[pair]:
                in_url[pair] -= 1
            else:
                own.append(pair)
        return own

    def _signed_pairs(self) -> list[tuple[str, str]]:
        params = _decode(self._core().query)
        params.extend(self._own_pairs())
        return [pair for pair in params if pair[0] != "oauth_signature"]

    def signature_base(self) -> SignatureBase:
        """The signature base string's parts, from oauthcore, for debugging (RFC 5849 §3.4.1)."""
        core = self._core()
        return SignatureBase(
            core.method, core.base_string_uri, normalize_parameters(self._signed_pairs())
        )

    def get_normalized_parameters(self) -> str:
        """The normalized parameter string: URL query and parameters, sorted (§3.4.1.3.2)."""
        return normalize_parameters(self._signed_pairs())

    def get_nonoauth_parameters(self) -> dict[str, Any]:
        """Every parameter whose name does not start with ``oauth_``, values as stored."""
        return {name: value for name, value in self.items() if not name.startswith("oauth_")}

    def get_parameter(self, parameter: str) -> Any:
        """The value of ``parameter``; ``Error`` when it is missing."""
        value = self.get(parameter)
        if value is None:
            raise Error(f"Parameter not found: {parameter}")
        return value

    def sign_request(
        self, signature_method: SignatureMethod, consumer: Consumer, token: Token | None
    ) -> None:
        """Add ``oauth_consumer_key``, ``oauth_token``, the method name and the signature (§3.1).

        A request that is neither form-encoded nor GET/HEAD also gets ``oauth_body_hash`` (Body
        Hash §4.1.1), unless the method signs no content (PLAINTEXT).
        """
        if not self.is_form_encoded and self.method not in _NO_BODY:
            algorithm = signature_method.body_hash_algorithm
            if algorithm is not None:
                self["oauth_body_hash"] = hash_body(body_bytes(self.body), algorithm)
        if "oauth_consumer_key" not in self:
            self["oauth_consumer_key"] = consumer.key
        if token is not None and "oauth_token" not in self:
            self["oauth_token"] = token.key
        self["oauth_signature_method"] = signature_method.name
        self["oauth_signature"] = signature_method.sign(self, consumer, token)

    def to_header(self, realm: str | None = "") -> dict[str, str]:
        """``{'Authorization': 'OAuth realm="...", oauth_...="..."'}`` (RFC 5849 §3.5.1)."""
        pairs = [
            (percent_encode(name), percent_encode(value))
            for name, value in self._own_pairs()
            if name.startswith("oauth_")
        ]
        return {"Authorization": render_authorization(pairs, realm)}

    def to_postdata(self) -> str:
        """Every parameter as a form body, sorted by name, each value encoded once (§3.5.2)."""
        return encode_form(sorted(self._own_pairs(), key=lambda pair: pair[0]))

    def to_url(self) -> str:
        """The URL with every parameter added to its query, the query kept as written (§3.5.3)."""
        return append_query(self._require_url(), self._own_pairs())

    def __repr__(self) -> str:
        shown = {name: "***" if name in SECRET_NAMES else value for name, value in self.items()}
        url = redact_url(self._url) if self._has_url and self._url is not None else None
        return f"Request(method={self.method!r}, url={url!r}, parameters={shown!r})"

    @classmethod
    def make_timestamp(cls) -> str:
        """The current time in seconds, as text: oauthcore's ``make_timestamp`` (§3.3)."""
        return make_timestamp()

    @classmethod
    def make_nonce(cls) -> str:
        """A fresh 128-bit nonce: oauthcore's ``make_nonce`` (RFC 5849 §3.3)."""
        return make_nonce()

    @classmethod
    def from_request(
        cls,
        http_method: str,
        http_url: str,
        headers: Mapping[str, str] | None = None,
        parameters: Mapping[str, Any] | None = None,
        query_string: str | None = None,
        body: bytes | str = b"",
    ) -> Request | None:
        """The request a provider received: Authorization header, form/query string and URL (§3.5).

        The header is parsed by oauthcore (``realm`` dropped, every other parameter kept); the
        query string and the URL's query are decoded once. ``body`` is the raw body, against which
        an ``oauth_body_hash`` is checked. Returns ``None`` when there are no parameters at all.
        """
        params: dict[str, Any] = dict(parameters) if parameters else {}
        found: list[tuple[str, str]] = []
        if headers:
            authorization = None
            for name, value in headers.items():
                if name.lower() == "authorization" or name.upper() == "HTTP_AUTHORIZATION":
                    authorization = value
            if authorization is not None and is_oauth_authorization(authorization):
                try:
                    found.extend(parse_authorization(authorization)[1])
                except OAuthError as exc:
                    raise Error(
                        "Unable to parse OAuth parameters from Authorization header."
                    ) from exc
        if query_string:
            found.extend(_decode(query_string))
        found.extend(_decode(urlsplit(text(http_url)).query))
        _merge(params, found)
        if not params:
            return None
        request = cls(http_method, http_url, params, body=body)
        request._query_in_dict = True
        return request

    @classmethod
    def from_consumer_and_token(
        cls,
        consumer: Consumer,
        token: Token | None = None,
        http_method: str = HTTP_METHOD,
        http_url: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        body: bytes | str = b"",
        is_form_encoded: bool = False,
    ) -> Request:
        """A request with consumer key, fresh timestamp and nonce, version and token (§3.1)."""
        params: dict[str, Any] = {
            "oauth_consumer_key": consumer.key,
            "oauth_timestamp": cls.make_timestamp(),
            "oauth_nonce": cls.make_nonce(),
            "oauth_version": cls.version,
        }
        if parameters:
            params.update(parameters)
        if token is not None:
            params["oauth_token"] = token.key
            if token.verifier:
                params["oauth_verifier"] = token.verifier
        return cls(http_method, http_url, params, body=body, is_form_encoded=is_form_encoded)

    @classmethod
    def from_token_and_callback(
        cls,
        token: Token,
        callback: str | None = None,
        http_method: str = HTTP_METHOD,
        http_url: str | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> Request:
        """A request carrying ``oauth_token`` and, if given, ``oauth_callback`` (RFC 5849 §2)."""
        params: dict[str, Any] = dict(parameters) if parameters else {}
        params["oauth_token"] = token.key
        if callback:
            params["oauth_callback"] = callback
        return cls(http_method, http_url, params)
