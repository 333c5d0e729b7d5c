"""Consumer, Token and Request: the frozen records every other module works on (RFC 5849 §1.1).

Records validate once, at construction, and never change; ``attrs.evolve`` makes updated copies.
Secrets are ``repr=False``, and a ``Request``'s repr masks any ``oauth_signature`` it carries
(a PLAINTEXT signature *is* the secrets) and credentials headers with ``oauthcore.redaction``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from .encoding import FORM_CONTENT_TYPE, append_query, encode_form, percent_encode
from .urls import Target, parse_target, to_url

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

Pairs = tuple[tuple[str, str], ...]
"""Ordered (name, value) pairs: how headers, query and form parameters are held, repeats
kept (RFC 5849 §3.4.1.3)."""
PairsLike = Mapping[str, str] | Iterable[tuple[str, str]]
"""What constructors accept for pairs (RFC 5849 §3.4.1.3): a mapping or any iterable of
(name, value) pairs."""
Headers = Pairs
"""Header fields as ordered (name, value) pairs, repeated fields kept (RFC 9110 §5.3)."""
HeadersLike = PairsLike
"""What constructors accept for header fields (RFC 9110 §5.3): a mapping or an iterable
of (name, value) pairs."""

# RFC 9110 §5.6.2 token characters: what an HTTP method may be made of.
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+").fullmatch
_COMMON_METHODS = frozenset(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"))
# Header names that need no check against the token grammar: most requests carry only these.
_COMMON_HEADERS = frozenset(("Authorization", "Content-Type", "Accept", "User-Agent", "Host"))
_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]").search  # controls other than tab


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


@frozen
class Consumer:
    """The client's credentials: consumer key, shared secret and, for RSA, a key (RFC 5849 §1.1).

    ``rsa_key`` takes unencrypted PEM or DER, a loaded `cryptography` key, or an ``RsaKey``
    (``RsaKey.load(data, password=...)`` for encrypted PEM and PKCS#12, ``RsaKey.external`` for a
    KMS or HSM); it is parsed here, once. A private key signs; a public key or certificate lets a
    provider verify.
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
    """An HTTP request as OAuth signs it (RFC 5849 §3.4.1): method, URL, ordered headers, body.

    The method is upper-cased; header names are looked up case-insensitively and repeats are
    kept; a non-ASCII URL is percent-encoded as UTF-8 once, here (RFC 5849 §3.4.1).
    """

    method: str = field(converter=_to_method)
    url: str = field(converter=to_url)
    headers: Headers = field(default=(), converter=_to_headers)
    body: bytes = field(default=b"", converter=_to_body)
    _target: Target = field(init=False, eq=False, repr=False)
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
            fields["_target"] = Target(target.uri, target.encoded_uri, query)
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
