"""Consumer, Token and Request: the frozen records every other module works on (RFC 5849 §1.1).

Records validate once, at construction, and never change; ``attrs.evolve`` makes updated copies.
Secrets are ``repr=False``, and a ``Request``'s repr masks any ``oauth_signature`` it carries
(a PLAINTEXT signature *is* the secrets) and credentials headers with ``oauthcore.redaction``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote, urlsplit

from attrs import field, frozen

from .encoding import FORM_CONTENT_TYPE, append_query, encode_form, encode_uri, percent_encode

if TYPE_CHECKING:  # pragma: no cover - typing only; the RSA module loads with the first RSA key
    from .rsa import KeyObject, RsaKey

__all__ = [
    "Consumer",
    "Headers",
    "HeadersLike",
    "Pairs",
    "PairsLike",
    "Request",
    "Token",
    "all_headers",
    "first_header",
    "to_pairs",
]

#: Ordered (name, value) pairs: how headers, query and form parameters are held (repeats kept).
Pairs = tuple[tuple[str, str], ...]
#: What constructors accept for pairs: a mapping or any iterable of (name, value) pairs.
PairsLike = Mapping[str, str] | Iterable[tuple[str, str]]
Headers = Pairs
HeadersLike = PairsLike

_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 9110 §5.6.2 token characters: what an HTTP method may be made of.
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+").fullmatch
_COMMON_METHODS = frozenset(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"))
# Header names that need no check against the token grammar: most requests carry only these.
_COMMON_HEADERS = frozenset(("Authorization", "Content-Type", "Accept", "User-Agent", "Host"))
_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]").search  # controls other than tab
# A lone surrogate is no character at all: no encoding can put it on the wire.
_SURROGATE = re.compile("[\ud800-\udfff]").search
# Everything printable in ASCII stays as written in a URL; only what cannot go on the wire changes.
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))
_NOT_WIRE_SAFE = re.compile(r"[^\x21-\x7e]").search
# RFC 3986 Appendix B, up to the path: scheme, authority, path (query and fragment split off).
_URI_PARTS = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)").fullmatch
# What an authority may hold (RFC 3986 §3.2): unreserved, sub-delims, ":", "@", brackets and, in
# userinfo only, percent escapes. HTTP libraries end the authority at other characters (urllib3 at
# "\\") or decode escapes in the host (urllib), so they could connect to another host than the one
# read here: such an authority is refused rather than guessed at.
_AUTHORITY = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@\[\]%]*+").fullmatch


_Validator = Callable[[Any, Any, Any], None]


def _nonempty_str(name: str) -> _Validator:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        if not value:
            raise ValueError(f"{name} must not be empty")

    return check


def _str(name: str) -> _Validator:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")

    return check


def to_pairs(value: PairsLike | None, what: str = "pairs") -> Pairs:
    """A mapping or iterable of (name, value) pairs as a tuple of str pairs (RFC 5849 §3.4.1.3).

    Repeated names and their order are kept. A ``TypeError`` names types, never values.
    """
    if value is None:
        return ()
    given: object = value
    if type(given) is tuple:
        pairs: Pairs = value  # type: ignore[assignment]  # checked pair by pair below
    elif isinstance(given, (str, bytes)):
        raise TypeError(f"{what} must be a mapping or (name, value) pairs, not str or bytes")
    else:
        pairs = tuple(value.items() if isinstance(value, Mapping) else value)
    for pair in pairs:
        if not (
            isinstance(pair, tuple)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and isinstance(pair[1], str)
        ):
            raise TypeError(f"{what} must hold (str, str) pairs, got {_types(pair)}")
    return pairs


def _types(pair: object) -> str:
    # Types only, never values: a value may be a credential (an Authorization header, a secret).
    if isinstance(pair, tuple):
        return "(" + ", ".join(type(item).__name__ for item in pair) + ")"
    return type(pair).__name__


def _load_rsa_key(value: RsaKey | str | bytes | KeyObject | None) -> RsaKey | None:
    if value is None:
        return None
    from .rsa import load_rsa_key  # only a consumer with an RSA key needs it

    return load_rsa_key(value)


def _to_extra(value: PairsLike | None) -> Pairs:
    return to_pairs(value, "extra")


def _to_headers(value: HeadersLike | None) -> Headers:
    headers = to_pairs(value, "headers")
    for name, text in headers:
        if name not in _COMMON_HEADERS and not _METHOD(name):
            raise ValueError(f"headers: {name!r} is not a valid header name")
        # isprintable() is false for every control character (and tab): a C loop far cheaper
        # than a regular expression over a long Authorization header. Only then look closer.
        if not text.isprintable() and _CTL(text):
            raise ValueError(f"headers: the value of {name!r} holds a control character")
        # HTTP/1.1 carries a field value as octets (RFC 9110 §5.5): Latin-1 text at the most, as
        # WSGI and every HTTP library read and write it. Anything beyond could not be sent.
        if not text.isascii() and max(text) > "\xff":
            raise ValueError(
                f"headers: the value of {name!r} is not Latin-1 text, so HTTP cannot carry it"
                " (RFC 9110 §5.5); percent-encode it or send it in the body"
            )
    return headers


def _to_method(value: object) -> str:
    if type(value) is str and value in _COMMON_METHODS:
        return value
    if not isinstance(value, str):
        raise TypeError(f"method must be a str, not {type(value).__name__}")
    if not _METHOD(value):
        raise ValueError(f"method must be an HTTP method such as 'GET', got {value!r}")
    return value.upper()


def _to_url(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"url must be a str, not {type(value).__name__}")
    # Printable ASCII without a space, checked by three C-level string methods.
    if (value.isascii() and value.isprintable() and " " not in value) or not _NOT_WIRE_SAFE(value):
        return value
    # urlsplit silently drops tabs and newlines, which would sign and send another URL.
    if _CTL(value) or "\t" in value:
        raise ValueError(f"url must not contain control characters, got {_short(value)}")
    found = _SURROGATE(value)
    if found:
        raise ValueError(
            f"url holds a lone surrogate (U+{ord(found.group()):04X}) at character"
            f" {found.start()}, which is not text and cannot be encoded for the wire"
        )
    # Non-ASCII (and spaces) cannot go on the wire: encode them as UTF-8 here, once, so the URL
    # that is signed is the URL that is sent (RFC 3986 §2.5). The host goes through IDNA instead.
    parts = urlsplit(value)
    host = parts.hostname or ""
    netloc = parts.netloc
    if not host.isascii():
        # A host name has at most 253 characters (RFC 1035 §2.3.4). Refuse a longer one before
        # IDNA, which costs tens of microseconds a character: a hostile Host must stay cheap.
        if len(host) > 253:
            raise ValueError(
                f"url: the host has {len(host)} characters; a domain name has at most 253"
            )
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"url: the host {host!r} is not a valid domain name") from None
        # Only the host is case-insensitive: userinfo (dropped from the signature) keeps its case.
        userinfo, at, hostport = netloc.rpartition("@")
        netloc = userinfo + at + hostport.lower().replace(host, ascii_host)
    if _NOT_WIRE_SAFE(netloc):
        raise ValueError(
            f"url has a space or non-ASCII text in its userinfo, host or port: {_short(value)}"
        )
    return parts._replace(
        netloc=netloc,
        path=quote(parts.path, safe=_URL_SAFE),
        query=quote(parts.query, safe=_URL_SAFE),
        fragment=quote(parts.fragment, safe=_URL_SAFE),
    ).geturl()


def _to_body(value: object) -> bytes:
    if type(value) is bytes:
        return value
    if isinstance(value, bytearray):
        return bytes(value)
    if not isinstance(value, bytes):
        raise TypeError(
            f"body must be bytes, not {type(value).__name__}; encode text first"
            " (or use Request.build(..., data=...) for a form)"
        )
    return value


def first_header(headers: Headers, name: str) -> str | None:
    """The first value of header ``name`` in ``headers``, or ``None`` (RFC 9110 §5.1, §5.3).

    Header names are case-insensitive; repeated headers are kept in order, the first one wins.
    """
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


def all_headers(headers: Headers, name: str) -> list[str]:
    """Every value of header ``name`` in ``headers``, in order (RFC 9110 §5.1, §5.3)."""
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def _content_type(headers: Headers) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.partition(";")[0].strip().lower()
    return None


class _Target(NamedTuple):
    """What the signature needs from a URL, parsed once: base string URI (§3.4.1.2) and query."""

    uri: str
    encoded_uri: str
    query: str


def parse_target(url: str) -> _Target:
    """Split ``url`` into its base string URI (RFC 5849 §3.4.1.2) and its raw query.

    The scheme and host are lower-cased, a default port is dropped, an empty path becomes ``/``,
    the path keeps its case, userinfo and fragment are dropped. Raises ``ValueError`` for a URL
    without scheme or host, with a scheme other than http(s), or with a bad port.
    """
    # The fragment is never signed (nor sent); the query is signed as its parameters.
    endpoint, _, query = (url.partition("#")[0] if "#" in url else url).partition("?")
    # Only short URLs without userinfo are remembered: the cache holds no password, and hostile
    # megabyte-long paths cannot fill memory.
    work_out: Callable[[str], tuple[str, str]] = _endpoint
    if len(endpoint) <= _REMEMBERED_LENGTH and "@" not in endpoint:
        work_out = _remembered_endpoint
    try:
        uri, encoded_uri = work_out(endpoint)
    except ValueError as error:
        raise ValueError(f"{error}: {_short(url)}") from None
    return _Target(uri, encoded_uri, query)


def _endpoint(endpoint: str) -> tuple[str, str]:
    """The base string URI of a URL without query or fragment, plain and encoded (§3.4.1.2).

    Raises ``ValueError`` saying what is wrong; ``parse_target`` adds the URL, masked.
    """
    # ``endpoint`` is printable ASCII here (``_to_url`` saw to that), so RFC 3986's own splitting
    # expression is exact, and one C-level match replaces ``urlsplit`` and its properties.
    match = _URI_PARTS(endpoint)
    assert match is not None  # every string matches: all its parts are optional
    scheme, authority, path = match.groups()
    scheme = (scheme or "").lower()
    if scheme not in _DEFAULT_PORTS or authority is None:
        raise ValueError("url must be an absolute http:// or https:// URL")
    if not _AUTHORITY(authority):
        raise ValueError(
            "url has a character in its authority that RFC 3986 §3.2 does not allow there"
            " (such as a backslash); HTTP libraries disagree on where such a host ends"
        )
    if "@" in authority:
        authority = authority.partition("@")[2]  # userinfo is never signed (§3.4.1.2)
        if "@" in authority:
            raise ValueError("url has more than one '@' in its authority")
    if "%" in authority:
        raise ValueError("url has a percent-encoded host or port; write the host as it is")
    if authority.startswith("["):
        host, bracket, port_text = authority.partition("]")
        host = host.lower() + bracket
        if not bracket or (port_text and port_text[0] != ":"):
            raise ValueError("url has an invalid IPv6 host")
        port_text = port_text[1:]
    else:
        host, _, port_text = authority.partition(":")
        host = host.lower()
        if "[" in host or "]" in host:  # no reg-name holds a bracket; urlsplit refuses them too
            raise ValueError("url has an invalid host")
    if not host or host == "[]":
        raise ValueError("url has no host")
    if port_text:
        if not (port_text.isdigit() and int(port_text) <= 65535):
            raise ValueError("url has an invalid port")
        if int(port_text) != _DEFAULT_PORTS[scheme]:
            host = f"{host}:{int(port_text)}"
    uri = f"{scheme}://{host}{path or '/'}"
    return uri, encode_uri(uri)


# A provider receives, and a client sends, requests to a handful of endpoints, each with its own
# query: their base string URIs are worked out once. At most 512, each at most 512 characters.
_REMEMBERED_LENGTH = 512
_remembered_endpoint = functools.lru_cache(maxsize=512)(_endpoint)


def _short(url: str) -> str:
    # Error messages show the URL without credentials: no password, no (PLAINTEXT) signature.
    # The redaction module loads with the first refusal or repr: ``import oauthcore`` skips it.
    from .redaction import mask_url, preview

    return preview(mask_url(url), 80)


@frozen
class Consumer:
    """The client's credentials: consumer key, shared secret and, for RSA, a key (RFC 5849 §1.1).

    ``rsa_key`` takes PEM text, an ``RsaKey`` or a loaded `cryptography` key; it is parsed here,
    once. A private key signs; a public key or certificate lets a provider verify.
    """

    key: str = field(validator=_nonempty_str("Consumer key"))
    secret: str = field(default="", repr=False, validator=_str("Consumer secret"))
    rsa_key: RsaKey | None = field(default=None, repr=False, converter=_load_rsa_key, kw_only=True)
    # Encoded once here rather than on every signature (§3.6).
    _encoded_key: str = field(init=False, repr=False, eq=False)
    _encoded_secret: str = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_encoded_key", percent_encode(self.key))
        object.__setattr__(self, "_encoded_secret", percent_encode(self.secret))

    def __str__(self) -> str:
        return f"Consumer(key={self.key!r})"


@frozen
class Token:
    """Token credentials or temporary credentials: key and shared secret (RFC 5849 §1.1, §2).

    ``callback_confirmed`` records a temporary-credentials reply's ``oauth_callback_confirmed``
    (§2.1); ``extra`` keeps any other fields the provider returned (such as ``user_id``).
    """

    key: str = field(validator=_nonempty_str("Token key"))
    secret: str = field(default="", repr=False, validator=_str("Token secret"))
    callback_confirmed: bool = field(default=False, kw_only=True)
    extra: Pairs = field(default=(), kw_only=True, converter=_to_extra)
    # Encoded once here rather than on every signature (§3.6).
    _encoded_key: str = field(init=False, repr=False, eq=False)
    _encoded_secret: str = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_encoded_key", percent_encode(self.key))
        object.__setattr__(self, "_encoded_secret", percent_encode(self.secret))

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first extra field called ``name`` (for example ``screen_name``), or ``default``."""
        for key, value in self.extra:
            if key == name:
                return value
        return default

    def __str__(self) -> str:
        return f"Token(key={self.key!r})"


# Not slotted: a frozen attrs class with a __dict__ gets an __init__ that fills the dict directly,
# several times cheaper than a slot assignment per field, and one is made per request.
@frozen(repr=False, slots=False)
class Request:
    """An HTTP request as OAuth sees it: method, absolute URL, ordered headers, body bytes.

    The method is upper-cased; header names are looked up case-insensitively and repeats are
    kept; a non-ASCII URL is percent-encoded as UTF-8 once, here (RFC 5849 §3.4.1).
    """

    method: str = field(converter=_to_method)
    url: str = field(converter=_to_url)
    headers: Headers = field(default=(), converter=_to_headers)
    body: bytes = field(default=b"", converter=_to_body)
    _target: _Target = field(init=False, eq=False, repr=False)
    # Whether the body is a form (§3.4.1.3.1), settled once: signing and verifying both ask.
    _form: bool = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Written as attrs' own __init__ writes a frozen record's fields: into its __dict__.
        self.__dict__["_target"] = parse_target(self.url)
        self.__dict__["_form"] = _content_type(self.headers) == FORM_CONTENT_TYPE

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        *,
        params: PairsLike | None = None,
        data: PairsLike | None = None,
        headers: HeadersLike | None = None,
        body: bytes | None = None,
    ) -> Request:
        """A request with query ``params`` appended to ``url`` and/or a form body from ``data``.

        Both keep repeated names and their order; ``data`` is form-encoded (§3.4.1.3.1) and sets
        ``Content-Type: application/x-www-form-urlencoded``. ``body`` sends raw bytes instead.
        """
        url = append_query(url, to_pairs(params, "params"))
        header_pairs = list(to_pairs(headers, "headers"))
        if data is not None:
            if body is not None:
                raise ValueError("give either data= (a form) or body= (raw bytes), not both")
            body = encode_form(to_pairs(data, "data")).encode("ascii")
            if not any(name.lower() == "content-type" for name, _ in header_pairs):
                header_pairs.append(("Content-Type", FORM_CONTENT_TYPE))
        return cls(method, url, tuple(header_pairs), b"" if body is None else body)

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        return first_header(self.headers, name)

    def header_values(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order."""
        return all_headers(self.headers, name)

    @property
    def content_type(self) -> str | None:
        """The media type of the body, lower-cased and without parameters, or ``None``."""
        return _content_type(self.headers)

    @property
    def is_form(self) -> bool:
        """True for a single-part ``application/x-www-form-urlencoded`` body (§3.4.1.3.1)."""
        return self._form

    @property
    def base_string_uri(self) -> str:
        """The base string URI of this request (RFC 5849 §3.4.1.2)."""
        return self._target.uri

    @property
    def query(self) -> str:
        """The raw query string of the URL, without ``?``."""
        return self._target.query

    @property
    def encoded_base_string_uri(self) -> str:
        """The base string URI, percent-encoded as the base string holds it (§3.4.1.1)."""
        return self._target.encoded_uri

    def _derive(
        self,
        *,
        headers: Headers | None = None,
        body: bytes | None = None,
        query_suffix: str | None = None,
    ) -> Request:
        """A copy with trusted changes made by the signer, skipping re-validation and re-parsing.

        Only for values built from this already-validated request plus encoded OAuth parameters:
        extra headers, an appended form body, or encoded pairs appended to the query.
        """
        copy = object.__new__(Request)
        # Every field is carried over, those added later included; then only what changed is
        # replaced, as attrs' own __init__ fills a frozen record that has a __dict__.
        fields = copy.__dict__
        fields.update(self.__dict__)
        if query_suffix is not None:
            target = self._target
            url = self.url.partition("#")[0]
            separator = "&" if target.query else ("" if url.endswith("?") else "?")
            query = f"{target.query}&{query_suffix}" if target.query else query_suffix
            fields["url"] = f"{url}{separator}{query_suffix}"
            fields["_target"] = _Target(target.uri, target.encoded_uri, query)
        if headers is not None:
            fields["headers"] = headers
            if not self._form:
                fields["_form"] = _content_type(headers) == FORM_CONTENT_TYPE
        if body is not None:
            fields["body"] = body
        return copy

    def __repr__(self) -> str:
        from .redaction import mask_form, mask_header, mask_url

        headers = tuple(
            (name, mask_header(name, value, oauth_params=True)) for name, value in self.headers
        )
        body = self.body
        if self.is_form:
            body = mask_form(body.decode("latin-1")).encode("latin-1")
        return (
            f"Request(method={self.method!r}, url={mask_url(self.url)!r},"
            f" headers={headers!r}, body={body!r})"
        )
