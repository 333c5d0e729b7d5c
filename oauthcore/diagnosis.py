"""Why a signature was refused: the first difference of two base strings and its cause (§3.4.1).

Theory of operation: a signature covers one string, the signature base string (§3.4.1.1):
``METHOD&encoded-URI&encoded-parameters``. When a provider refuses a signature, the client and
the provider almost always built two different base strings from what each thinks is the same
request. ``diff_base_strings`` reads both the way they were built, undoing each encoding once
and tolerating what a broken client produced, then walks them in the order the base string holds
them: its shape, the method, the URI (scheme, host, port, path) and the parameters, sorted by
name. The first part that differs is compared against the mistakes clients and providers are
known to make (a proxy's scheme, a default port, ``+`` for a space, a value encoded twice, a
dictionary that kept one of two values, ...), most specific first, and named with a ``Cause``.

Nothing here needs a secret: a base string holds none, so the signing key is never read, and
the values a report shows of ``oauth_signature`` or ``oauth_verifier`` are masked all the same.
Every step is a split, a dictionary look-up or a C-level string method: linear in the input,
whatever it holds (lone surrogates and invalid escapes included), apart from one sort of the
parameters.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import Counter

from attrs import field, frozen

from .base_string import signature_base
from .errors import SignatureInvalid
from .policy import VerifyPolicy
from .problems import BASE_STRING_FIELD
from .records import Request
from .redaction import SECRET_NAMES
from .redaction import preview as _preview

__all__ = [
    "BASE_STRING_FIELD",
    "BaseStringParts",
    "Cause",
    "Component",
    "Diagnosis",
    "Difference",
    "diff_base_strings",
    "diff_requests",
    "revealed_base_string",
    "split_base_string",
]


class Component(enum.Enum):
    """The part of a base string (RFC 5849 §3.4.1.1) where the first difference is."""

    FORMAT = "format"
    METHOD = "method"
    SCHEME = "scheme"
    HOST = "host"
    PORT = "port"
    PATH = "path"
    PARAMETERS = "parameters"


class Cause(enum.Enum):
    """The likely cause of a difference between two base strings (RFC 5849 §3.4.1, §3.6)."""

    NONE = "none"
    BASE_STRING_ENCODING = "base_string_encoding"
    METHOD_CASE = "method_case"
    METHOD = "method"
    SCHEME = "scheme"
    PROXY_SCHEME = "proxy_scheme"
    HOST_CASE = "host_case"
    HOST = "host"
    DEFAULT_PORT = "default_port"
    PORT = "port"
    PATH_ENCODING = "path_encoding"
    TRAILING_SLASH = "trailing_slash"
    PATH_PREFIX = "path_prefix"
    PATH = "path"
    QUERY_IN_URI = "query_in_uri"
    SORT_ORDER = "sort_order"
    REALM_SIGNED = "realm_signed"
    SIGNATURE_SIGNED = "signature_signed"
    BODY_HASH = "body_hash"
    OAUTH_PARAMETER = "oauth_parameter"
    EMPTY_VALUE_DROPPED = "empty_value_dropped"
    FORM_BODY = "form_body"
    DUPLICATE_COLLAPSED = "duplicate_collapsed"
    ENCODING_CASE = "encoding_case"
    ENCODING_SET = "encoding_set"
    PLUS_SPACE = "plus_space"
    DOUBLE_ENCODED = "double_encoded"
    DECODED = "decoded"
    CHARSET = "charset"
    UNICODE_NORMALIZATION = "unicode_normalization"
    OAUTH_VALUE = "oauth_value"
    VALUE = "value"

    @property
    def explanation(self) -> str:
        """One sentence: what this cause usually is and what to do about it (§3.4.1)."""
        return _EXPLANATIONS[self]


_EXPLANATIONS = {
    Cause.NONE: (
        "The base strings are the same: if the signature was refused all the same, the signing"
        " key differs (consumer secret, token secret, their encoding or the '&' between them,"
        " §3.4.2) or the signature method does."
    ),
    Cause.BASE_STRING_ENCODING: (
        "The base string is not assembled as §3.4.1.1 says: the method, the percent-encoded URI"
        " and the percent-encoded normalized parameters joined with '&'; the URI and the"
        " parameters must be encoded (again) as a whole, with upper-case hex."
    ),
    Cause.METHOD_CASE: "The HTTP method must be signed in upper case, as sent (§3.4.1.1).",
    Cause.METHOD: (
        "The request was signed for one method and sent with another: sign the method you send"
        " (a method override or a redirect that turned POST into GET does this)."
    ),
    Cause.SCHEME: (
        "The schemes differ: the base string URI must hold the scheme in lower case, as the"
        " request was sent (a redirect from http to https needs a new signature)."
    ),
    Cause.PROXY_SCHEME: (
        "The client signed https but the provider rebuilt http: it sits behind a"
        " TLS-terminating proxy; configure it with its public URL or the proxy's"
        " X-Forwarded-Proto/Forwarded header from a trusted proxy."
    ),
    Cause.HOST_CASE: "The host must be signed in lower case (§3.4.1.2).",
    Cause.HOST: (
        "The hosts differ: a proxy or load balancer passed another Host to the provider, or"
        " the client signed another name than it connected to; sign the public host name."
    ),
    Cause.DEFAULT_PORT: (
        "One side kept the default port (:80 for http, :443 for https), which the base string"
        " URI must leave out (§3.4.1.2)."
    ),
    Cause.PORT: (
        "The ports differ: the provider listens behind a proxy on another port than the"
        " client connected to; configure its public URL."
    ),
    Cause.PATH_ENCODING: (
        "The paths are the same once decoded but encoded differently: sign the path exactly as"
        " sent, its escapes upper-case and its unreserved characters bare (§3.4.1.2, §3.6)."
    ),
    Cause.TRAILING_SLASH: (
        "The paths differ by a trailing '/': sign the URL the request was finally sent to (a"
        " redirect that adds the slash needs a new signature; an empty path is '/')."
    ),
    Cause.PATH_PREFIX: (
        "One path is the other under a prefix: the provider is mounted under a prefix a proxy"
        " strips or adds (SCRIPT_NAME); configure its public URL."
    ),
    Cause.PATH: "The paths differ: the request was signed for another URL than it was sent to.",
    Cause.QUERY_IN_URI: (
        "The base string URI holds a query or fragment: it must not (§3.4.1.2); the query's"
        " parameters belong, one by one, in the normalized parameters."
    ),
    Cause.SORT_ORDER: (
        "The same parameters in another order: sort them by encoded name, then encoded value,"
        " byte by byte (§3.4.1.3.2)."
    ),
    Cause.REALM_SIGNED: (
        "realm was signed: the Authorization header's realm is never part of the signature"
        " (§3.4.1.3.1)."
    ),
    Cause.SIGNATURE_SIGNED: (
        "oauth_signature was signed: the signature never covers itself, not even empty or from"
        " an earlier attempt (§3.4.1.3.1)."
    ),
    Cause.BODY_HASH: (
        "oauth_body_hash is signed on one side only: a body that is not form-encoded is covered"
        " by oauth_body_hash, which must be sent and signed (Body Hash §3.2); a form-encoded one"
        " is never."
    ),
    Cause.OAUTH_PARAMETER: (
        "A protocol parameter is signed on one side only: send every oauth_* parameter you"
        " signed, and sign every one you send (§3.4.1.3.1)."
    ),
    Cause.EMPTY_VALUE_DROPPED: (
        "A parameter with an empty value was dropped on one side: empty values are signed as"
        " 'name=' (§3.4.1.3.1)."
    ),
    Cause.FORM_BODY: (
        "Parameters signed on one side only: most often a form body one side took for"
        " application/x-www-form-urlencoded and the other did not (the Content-Type must say"
        " so exactly, §3.4.1.3.1), or query parameters added after signing."
    ),
    Cause.DUPLICATE_COLLAPSED: (
        "A repeated parameter is signed a different number of times: a dictionary kept one of"
        " its values; sign every pair, repeats included (§3.4.1.3.1)."
    ),
    Cause.ENCODING_CASE: "Percent-escapes must use upper-case hex: %2F, not %2f (§3.6).",
    Cause.ENCODING_SET: (
        "A value is encoded with another character set than RFC 3986's unreserved: only"
        " A-Z a-z 0-9 - . _ ~ stay bare (§3.6); JavaScript's encodeURIComponent leaves"
        " ! ' ( ) * bare and form encoders write a space as '+'."
    ),
    Cause.PLUS_SPACE: (
        "'+' against a space: in a query or form body '+' means a space and must be decoded"
        " before signing (§3.4.1.3.1); a space is signed as %20 and a plus sign as %2B."
    ),
    Cause.DOUBLE_ENCODED: (
        "The client signed a value encoded once too often: it percent-encoded an"
        " already-encoded value; decode parameters once, then encode once (§3.4.1.3.2)."
    ),
    Cause.DECODED: (
        "The client signed a value decoded once too often (or sent it encoded twice, an HTTP"
        " library encoding the URL again): sign exactly the value that goes on the wire."
    ),
    Cause.CHARSET: (
        "A value was encoded in another character set than UTF-8 (Latin-1, say): encode text"
        " as UTF-8 before percent-encoding (§3.6)."
    ),
    Cause.UNICODE_NORMALIZATION: (
        "The same text in another Unicode normalization form (composed against decomposed"
        " accents): sign the exact characters you send; do not normalize on one side only."
    ),
    Cause.OAUTH_VALUE: (
        "A protocol parameter has another value: the request was sent with other oauth_*"
        " values than were signed (a nonce or timestamp made twice), or these are two requests."
    ),
    Cause.VALUE: (
        "A parameter has another value: it was changed after signing, or the base strings are"
        " of two different requests."
    ),
}

# The value shown in place of a secret parameter's value in a report.
_MASKED = "***"
# How much of each side a report shows.
_SHOWN = 120
# What a correctly encoded part of a base string may hold (§3.6): unreserved and escapes.
_ENCODED_PART = re.compile(r"[A-Za-z0-9\-._~%]*").fullmatch
# RFC 3986 Appendix B: scheme, authority, path, query, fragment.
_URI = re.compile(r"(?:([^:/?#]*):)?(?://([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?", re.DOTALL).fullmatch
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_LOWER_HEX = re.compile(r"%[0-9A-Fa-f]{2}")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _escaped_bytes(match: re.Match[str]) -> bytes:
    return bytes.fromhex(match.group().replace("%", ""))


def _decode(text: str, charset: str = "utf-8") -> str:
    """``text`` percent-decoded once, never failing: bytes that are not ``charset`` stay escaped.

    Runs of escapes become bytes, decoded with ``surrogateescape``; ``urllib.parse.unquote``
    would raise for a lone surrogate in the text itself.
    """
    if "%" not in text:
        return text
    return _ESCAPES.sub(
        lambda match: _escaped_bytes(match).decode(charset, "surrogateescape"), text
    )


def _upper_escapes(text: str) -> str:
    return _LOWER_HEX.sub(lambda match: match.group().upper(), text)


@frozen
class BaseStringParts:
    """A base string read back into its parts (§3.4.1.1), each decoded once.

    ``parameters`` are the (name, value) pairs of the normalized parameter string, in order,
    each still percent-encoded as the normalized string holds it (§3.4.1.3.2).
    """

    method: str
    uri: str
    parameters: tuple[tuple[str, str], ...]
    well_formed: bool

    def get(self, name: str) -> str | None:
        """The decoded value of the first parameter called ``name``, or ``None`` (§3.4.1.3)."""
        for raw_name, raw_value in self.parameters:
            if _decode(raw_name) == name:
                return _decode(raw_value)
        return None


def split_base_string(text: str) -> BaseStringParts:
    """Read a signature base string back into method, URI and parameters (RFC 5849 §3.4.1.1).

    Tolerant of what broken clients build (unencoded parts, lower-case hex, invalid escapes);
    ``well_formed`` says whether it is shaped as §3.4.1.1 says. Raises ``ValueError`` for text
    without the two ``&`` that separate the three parts, and ``TypeError`` for a non-str.
    """
    if not isinstance(text, str):
        raise TypeError(f"a base string must be a str, not {type(text).__name__}")
    method, _, rest = text.partition("&")
    encoded_uri, second, encoded_parameters = rest.partition("&")
    if not second:
        raise ValueError(
            "not a signature base string: it must be METHOD&URI&PARAMETERS, three parts joined"
            f" with '&' (RFC 5849 §3.4.1.1), got {_preview(text)}"
        )
    well_formed = bool(method and _ENCODED_PART(encoded_uri) and _ENCODED_PART(encoded_parameters))
    normalized = _decode(encoded_parameters)
    parameters = tuple(
        (name, value)
        for name, _, value in (item.partition("=") for item in normalized.split("&"))
        if name or value
    )
    return BaseStringParts(method, _decode(encoded_uri), parameters, well_formed)


@frozen
class Difference:
    """The first difference of two base strings: where, both sides' values, the cause (§3.4.1).

    ``client`` and ``provider`` are the differing parts as each base string holds them
    (parameters as ``name=value``, still encoded once), values of secret parameters masked.
    """

    component: Component
    client: str
    provider: str
    cause: Cause
    parameter: str | None = None

    @property
    def explanation(self) -> str:
        """The cause in one sentence, with what to do about it (§3.4.1)."""
        return self.cause.explanation


@frozen
class Diagnosis:
    """Two base strings compared: ``difference`` is ``None`` when they are the same (§3.4.1).

    The base strings themselves are kept out of the repr (they hold the signed request).
    """

    client: str = field(repr=False)
    provider: str = field(repr=False)
    difference: Difference | None

    @property
    def same(self) -> bool:
        """True when both sides built the same base string (§3.4.1.1)."""
        return self.difference is None

    @property
    def cause(self) -> Cause:
        """The likely cause of the first difference; ``Cause.NONE`` when there is none."""
        return Cause.NONE if self.difference is None else self.difference.cause

    def report(self) -> str:
        """Lines for a person: the first difference, both values, the likely cause (§3.4.1)."""
        found = self.difference
        if found is None:
            return f"The base strings are the same.\n{Cause.NONE.explanation}"
        where = found.component.value
        if found.parameter is not None:
            where = f"{where}, {_preview(found.parameter, _SHOWN)}"
        return (
            f"First difference: {where}\n"
            f"  client:   {_preview(found.client, _SHOWN)}\n"
            f"  provider: {_preview(found.provider, _SHOWN)}\n"
            f"Likely cause ({found.cause.value}): {found.explanation}"
        )


def _shown(name: str, value: str) -> str:
    """``name=value`` for a report, a secret parameter's value masked (§3.4.4, §2.3)."""
    secret = _decode(name) in SECRET_NAMES and value
    return f"{name}={_MASKED if secret else value}"


def diff_base_strings(client: str, provider: str) -> Diagnosis:
    """The first difference of the client's and the provider's base strings, and why (§3.4.1).

    >>> diff_base_strings("GET&https%3A%2F%2Fa.example%2F&x%3D1",
    ...                   "GET&http%3A%2F%2Fa.example%2F&x%3D1").cause
    <Cause.PROXY_SCHEME: 'proxy_scheme'>

    Raises ``ValueError`` when either is not shaped like a base string at all.
    """
    ours, theirs = split_base_string(client), split_base_string(provider)
    if client == provider:
        return Diagnosis(client, provider, None)
    difference = (
        _format_difference(client, provider, ours, theirs)
        or _method_difference(ours.method, theirs.method)
        or _uri_difference(ours.uri, theirs.uri)
        or _parameters_difference(ours.parameters, theirs.parameters)
        or _encoding_difference(client, provider)
    )
    return Diagnosis(client, provider, difference)


def diff_requests(sent: Request, received: Request) -> Diagnosis:
    """``diff_base_strings`` of a request as signed and as a provider received it (§3.4.1).

    Each base string is the one oauthcore computes for that request (``oauth_signature`` and
    ``realm`` left out): what changed on the way, a proxy's scheme or a dropped parameter.
    """
    return diff_base_strings(signature_base(sent).base_string, signature_base(received).base_string)


def revealed_base_string(request: Request, error: Exception, policy: VerifyPolicy) -> str | None:
    """The base string to put in a refusal's problem report, in development mode only (§3.4.1).

    ``None`` unless ``policy.reveal_base_string`` is on and ``error`` is a refused signature.
    """
    if not (policy.reveal_base_string and isinstance(error, SignatureInvalid)):
        return None
    return signature_base(request).base_string


def _format_difference(
    client: str, provider: str, ours: BaseStringParts, theirs: BaseStringParts
) -> Difference | None:
    if ours.well_formed == theirs.well_formed:
        return None
    return Difference(
        Component.FORMAT,
        _excerpt(client),
        _excerpt(provider),
        Cause.BASE_STRING_ENCODING,
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _method_difference(ours: str, theirs: str) -> Difference | None:
    if ours == theirs:
        return None
    cause = Cause.METHOD_CASE if ours.upper() == theirs.upper() else Cause.METHOD
    return Difference(Component.METHOD, ours, theirs, cause)


def _uri_parts(uri: str) -> tuple[str, str, str, str, str]:
    """Scheme, host, port, path and the query or fragment (``""`` when absent) of ``uri``."""
    match = _URI(uri)
    assert match is not None  # every group is optional: any text matches
    scheme, authority, path, query, fragment = match.groups()
    host, colon, port = (authority or "").rpartition(":")
    if not colon or not port.isdigit():
        host, port = authority or "", ""
    return scheme or "", host, port, path, (query or "") + (fragment or "")


def _uri_difference(ours: str, theirs: str) -> Difference | None:
    if ours == theirs:
        return None
    scheme, host, port, path, rest = _uri_parts(ours)
    their_scheme, their_host, their_port, their_path, their_rest = _uri_parts(theirs)
    if scheme != their_scheme:
        return Difference(
            Component.SCHEME, scheme, their_scheme, _scheme_cause(scheme, their_scheme)
        )
    if host != their_host:
        cause = Cause.HOST_CASE if host.lower() == their_host.lower() else Cause.HOST
        return Difference(Component.HOST, host, their_host, cause)
    if port != their_port:
        default = _DEFAULT_PORTS.get(scheme.lower())
        cause = (
            Cause.DEFAULT_PORT
            if default in (port, their_port) and "" in (port, their_port)
            else Cause.PORT
        )
        return Difference(Component.PORT, port, their_port, cause)
    if path != their_path:
        return Difference(Component.PATH, path, their_path, _path_cause(path, their_path))
    if rest != their_rest:
        return Difference(Component.PATH, path + rest, their_path + their_rest, Cause.QUERY_IN_URI)
    return None  # the same parts, spelled differently: left to the encoding comparison


def _scheme_cause(ours: str, theirs: str) -> Cause:
    if ours.lower() == "https" and theirs.lower() == "http":
        return Cause.PROXY_SCHEME
    return Cause.SCHEME


def _path_cause(ours: str, theirs: str) -> Cause:
    decoded, their_decoded = _decode(ours), _decode(theirs)
    if decoded == their_decoded:
        return Cause.PATH_ENCODING
    if _normalized(decoded) == _normalized(their_decoded):
        return Cause.UNICODE_NORMALIZATION
    if (ours.rstrip("/") or "/") == (theirs.rstrip("/") or "/"):
        return Cause.TRAILING_SLASH
    if ours.endswith(theirs) or theirs.endswith(ours):
        return Cause.PATH_PREFIX
    return Cause.PATH


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _grouped(pairs: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[str, str]]]:
    """The encoded pairs by decoded name, in order: each name's (raw name, raw value) pairs."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, value in pairs:
        groups.setdefault(_decode(name), []).append((name, value))
    return groups


def _loose(name: str) -> str:
    """A name as it reads once every encoding mistake this module knows is forgiven."""
    return _normalized(_decode(name.replace("+", " ")))


def _parameters_difference(
    ours: tuple[tuple[str, str], ...], theirs: tuple[tuple[str, str], ...]
) -> Difference | None:
    if ours == theirs:
        return None
    if Counter(ours) == Counter(theirs):
        at = next(index for index, pair in enumerate(ours) if pair != theirs[index])
        return Difference(
            Component.PARAMETERS, _shown(*ours[at]), _shown(*theirs[at]), Cause.SORT_ORDER
        )
    mine, other = _grouped(ours), _grouped(theirs)
    # A name on one side only may be the other side's name, encoded another way: its twin.
    their_twins = {_loose(name): name for name in other.keys() - mine.keys()}
    our_twins = {_loose(name): name for name in mine.keys() - other.keys()}
    for name in sorted(mine.keys() | other.keys()):
        mine_pairs, other_pairs = mine.get(name, []), other.get(name, [])
        if mine_pairs == other_pairs:
            continue
        if not other_pairs and _loose(name) in their_twins:
            return _pair_difference(name, mine_pairs[0], other[their_twins[_loose(name)]][0])
        if not mine_pairs and _loose(name) in our_twins:
            return _pair_difference(name, mine[our_twins[_loose(name)]][0], other_pairs[0])
        return _name_difference(name, mine_pairs, other_pairs)
    return None  # pragma: no cover - unequal tuples differ under some name


def _name_difference(
    name: str, ours: list[tuple[str, str]], theirs: list[tuple[str, str]]
) -> Difference:
    """The difference under one (decoded) name, which both sides hold differently."""
    shown, their_shown = _listed(ours), _listed(theirs)
    if not ours or not theirs:
        return Difference(
            Component.PARAMETERS, shown, their_shown, _one_sided_cause(name, ours or theirs), name
        )
    if len(ours) != len(theirs):
        return Difference(Component.PARAMETERS, shown, their_shown, Cause.DUPLICATE_COLLAPSED, name)
    left, right = Counter(ours), Counter(theirs)
    mine = min((left - right).elements())
    other = min((right - left).elements())
    return _pair_difference(name, mine, other)


def _listed(pairs: list[tuple[str, str]]) -> str:
    return "&".join(_shown(*pair) for pair in pairs) if pairs else "(absent)"


def _one_sided_cause(name: str, pairs: list[tuple[str, str]]) -> Cause:
    """Why ``name`` is signed on one side only, by what it is (§3.4.1.3.1, Body Hash §3.2)."""
    special = {
        "realm": Cause.REALM_SIGNED,
        "oauth_signature": Cause.SIGNATURE_SIGNED,
        "oauth_body_hash": Cause.BODY_HASH,
    }
    if name in special:
        return special[name]
    if name.startswith("oauth_"):
        return Cause.OAUTH_PARAMETER
    if all(not value for _, value in pairs):
        return Cause.EMPTY_VALUE_DROPPED
    return Cause.FORM_BODY


def _pair_difference(name: str, ours: tuple[str, str], theirs: tuple[str, str]) -> Difference:
    """Two pairs that should be one: their names differ, else their values (§3.4.1.3.2)."""
    if ours[0] != theirs[0]:
        cause = _value_cause(ours[0], theirs[0], name)
    else:
        cause = _value_cause(ours[1], theirs[1], name)
    return Difference(Component.PARAMETERS, _shown(*ours), _shown(*theirs), cause, name)


def _value_cause(ours: str, theirs: str, name: str) -> Cause:
    """Why one encoded name or value (§3.6) differs from the other, most specific cause first."""
    decoded, their_decoded = _decode(ours), _decode(theirs)
    if decoded == their_decoded:
        same_case = _upper_escapes(ours) == _upper_escapes(theirs)
        return Cause.ENCODING_CASE if same_case else Cause.ENCODING_SET
    if decoded.replace("+", " ") == their_decoded.replace("+", " "):
        return Cause.PLUS_SPACE
    if "%" in decoded and _decode(decoded) == their_decoded:
        return Cause.DOUBLE_ENCODED
    if "%" in their_decoded and _decode(their_decoded) == decoded:
        return Cause.DECODED
    if _decode(ours, "latin-1") == their_decoded or _decode(theirs, "latin-1") == decoded:
        return Cause.CHARSET
    if _normalized(decoded) == _normalized(their_decoded) or unicodedata.normalize(
        "NFKC", decoded
    ) == unicodedata.normalize("NFKC", their_decoded):
        return Cause.UNICODE_NORMALIZATION
    return Cause.OAUTH_VALUE if name.startswith("oauth_") else Cause.VALUE


def _encoding_difference(client: str, provider: str) -> Difference:
    """The same parts, encoded differently in the base string itself (§3.4.1.1)."""
    at = next(
        (
            index
            for index, (mine, other) in enumerate(zip(client, provider, strict=False))
            if mine != other
        ),
        min(len(client), len(provider)),
    )
    start = max(0, at - 20)
    return Difference(
        Component.FORMAT,
        _excerpt(client[start:]),
        _excerpt(provider[start:]),
        Cause.BASE_STRING_ENCODING,
    )
