"""The signature base string (RFC 5849 §3.4.1): parameter collection, normalization, assembly.

Theory of operation: the base string is built from *encoded* (name, value) pairs, each held as one
string, an *item* (``name``, ``ITEM_SEPARATOR``, ``value``), which sorts as the pair would. A
query or form component made only of unreserved characters is already its own encoding, so it is
used as it stands; any other component is decoded once (``+`` is a space, §3.4.1.3.1) and encoded
once (§3.6). Signing and verifying share these functions, so both sides always agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from .encoding import (
    ITEM_SEPARATOR,
    decode_form,
    encode_encoded,
    encode_form_items,
    percent_encode,
)
from .errors import ParameterRejected
from .header import is_oauth_authorization, parse_authorization
from .records import Request
from .urls import parse_target

__all__ = [
    "SignatureBase",
    "base_string_uri",
    "collect_parameters",
    "normalize_parameters",
    "signature_base",
]


def base_string_uri(url: str) -> str:
    """The base string URI of ``url``: lower-cased scheme and host, no default port (§3.4.1.2)."""
    return parse_target(url).uri


def encode_items(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Percent-encode every name and value (§3.4.1.3.2 step 1), each pair as one item."""
    return [
        f"{percent_encode(name)}{ITEM_SEPARATOR}{percent_encode(value)}" for name, value in pairs
    ]


def encoded_form_items(data: str) -> list[str]:
    """Encoded items straight from a raw query or form string, decoding only where needed."""
    return encode_form_items(data) if data else []


def body_text(request: Request) -> str:
    """The form body as text; it must be ASCII-compatible UTF-8 to carry OAuth parameters."""
    try:
        return request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterRejected("form body is not valid UTF-8") from None


def normalize_items(items: list[str]) -> str:
    """Sort encoded items by name, then value, and join them as ``n=v&n=v`` (§3.4.1.3.2)."""
    items.sort()
    return "&".join(items).replace(ITEM_SEPARATOR, "=")


def normalize_parameters(params: Iterable[tuple[str, str]]) -> str:
    """The normalized parameter string of decoded ``params`` (RFC 5849 §3.4.1.3.2)."""
    return normalize_items(encode_items(params))


def encoded_parameters(items: list[str]) -> str:
    """Sorted ``items`` as the base string holds them: normalized, then encoded again (§3.4.1.1).

    Normalized parameters hold only encoded text, ``&`` and ``=``, so three replacements encode
    them, and the first is skipped when there is no ``%``.
    """
    joined = "&".join(items)
    if "%" in joined:
        joined = joined.replace("%", "%25")
    return joined.replace("&", "%26").replace(ITEM_SEPARATOR, "%3D")


def assemble(method: str, uri: str, normalized: str) -> str:
    """Join method, encoded URI and encoded normalized parameters with ``&`` (§3.4.1.1)."""
    return assemble_encoded(method, percent_encode(uri), encode_encoded(normalized))


def assemble_encoded(method: str, encoded_uri: str, encoded_parameters: str) -> str:
    """``assemble`` for a URI and normalized parameters that are already encoded (§3.4.1.1)."""
    return f"{method}&{encoded_uri}&{encoded_parameters}"


def collect_parameters(request: Request, *, with_signature: bool = False) -> list[tuple[str, str]]:
    """Every parameter that a request's signature covers, decoded, in the order found (§3.4.1.3.1).

    Query, then the OAuth Authorization header (``realm`` left out), then a single-part form body.
    ``oauth_signature`` is left out unless ``with_signature``.
    """
    params = decode_form(request.query)
    for value in request.header_values("Authorization"):
        if is_oauth_authorization(value):
            params.extend(parse_authorization(value)[1])
    if request.is_form:
        params.extend(decode_form(body_text(request)))
    if not with_signature:
        params = [pair for pair in params if pair[0] != "oauth_signature"]
    return params


@frozen
class SignatureBase:
    """The parts of a signature base string, to compare with what a provider computed (§3.4.1)."""

    method: str
    uri: str
    normalized_parameters: str

    @property
    def base_string(self) -> str:
        """``METHOD&encoded-URI&encoded-parameters`` (§3.4.1.1)."""
        return assemble(self.method, self.uri, self.normalized_parameters)

    def __str__(self) -> str:
        return self.base_string


def signature_base(request: Request, oauth_params: Iterable[tuple[str, str]] = ()) -> SignatureBase:
    """The base string of ``request`` plus any extra ``oauth_params``: the debugging aid (§3.4.1).

    For a signed request it shows what its signature covers; for an unsigned one, pass the
    ``oauth_*`` parameters you mean to send. ``oauth_signature`` and ``realm`` never count.
    """
    params = collect_parameters(request)
    params.extend(
        (name, value) for name, value in oauth_params if name not in ("oauth_signature", "realm")
    )
    return SignatureBase(request.method, request.base_string_uri, normalize_parameters(params))
