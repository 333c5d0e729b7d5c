"""VerifyPolicy: what a provider accepts, decided once and passed to every check (RFC 5849 §3.2).

The same few decisions (which signature methods, how far a client's clock may be off, whether
PLAINTEXT may travel over plain http, whether an unknown consumer is named as such) apply to
``check``, ``verify``, ``exchange`` and the WSGI pieces alike. They are one frozen record,
validated when it is made, rather than keywords repeated on each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from attrs import field, frozen

from .methods import METHODS, SignatureMethod

__all__ = ["DEFAULT_METHODS", "DEFAULT_POLICY", "Methods", "VerifyPolicy"]

DEFAULT_METHODS: Mapping[str, SignatureMethod] = METHODS
"""The signature methods a provider accepts unless it says otherwise: every built-in (§3.4)."""

Methods = Mapping[str, SignatureMethod] | Iterable[SignatureMethod]
"""What ``methods=`` takes: signature methods (§3.4) by name, or any iterable of them."""


def _to_methods(value: Methods) -> dict[str, SignatureMethod]:
    # Held as a plain dict by name: looking a method up is then one C-level call per request.
    given: object = value
    pairs: list[tuple[object, object]]
    if isinstance(given, Mapping):
        pairs = list(given.items())
    elif isinstance(given, Iterable) and not isinstance(given, (str, bytes)):
        pairs = [(getattr(method, "name", None), method) for method in given]
    else:
        raise TypeError(
            f"methods must be SignatureMethods or a mapping of them, not {type(given).__name__}"
        )
    methods: dict[str, SignatureMethod] = {}
    for name, method in pairs:
        if not isinstance(method, SignatureMethod):
            raise TypeError(f"methods must hold SignatureMethods, not {type(method).__name__}")
        if name != method.name:
            raise ValueError(f"the method {method.name!r} is listed under another name, {name!r}")
        methods[method.name] = method
    return methods


def _check_window(_instance: object, _attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"window must be an int of seconds, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"window must not be negative, got {value}")


def _check_flag(_instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, bool):
        name = getattr(attribute, "name", "flag")
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}")


@frozen
class VerifyPolicy:
    """What a provider accepts: signature methods, clock window, PLAINTEXT over http (§3.2).

    ``methods`` (by name or as an iterable) are the signature methods accepted (§3.4);
    ``window`` the seconds a timestamp may be off, either way (§3.3);
    ``allow_plaintext_over_http`` lets PLAINTEXT travel unencrypted (§3.4.4: keep it off);
    ``reveal_unknown_consumer`` answers an unknown consumer key with ``consumer_key_unknown``
    rather than as a bad signature (off: the answer does not tell which keys exist, §4.4);
    ``reveal_base_string`` is a development mode: a refused signature's problem report carries
    the provider's base string (``oauth_signature_base_string``, §3.4.1) for the client to
    compare; off, since it echoes the request into replies and logs and helps an attacker.
    """

    methods: Mapping[str, SignatureMethod] = field(default=DEFAULT_METHODS, converter=_to_methods)
    window: int = field(default=300, validator=_check_window)
    allow_plaintext_over_http: bool = field(default=False, validator=_check_flag)
    reveal_unknown_consumer: bool = field(default=False, validator=_check_flag)
    reveal_base_string: bool = field(default=False, validator=_check_flag)

    @property
    def body_hash_algorithms(self) -> tuple[str, ...]:
        """The body hashes of the accepted methods: what to hash a streamed body with (§3.2)."""
        found = (method.body_hash_algorithm for method in self.methods.values())
        return tuple(dict.fromkeys(name for name in found if name is not None))


DEFAULT_POLICY = VerifyPolicy()
"""Every built-in method, a 300-second window, PLAINTEXT over https only, unknown keys hidden
(§3.2)."""
