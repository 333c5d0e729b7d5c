# Stubs for python-oauth2 1.9 (PyPI "oauth2"), the library transports.oauth2_compat replaces; the
# differential test (tests/interop/test_compat_differential.py) runs against it. Types are those
# that work on Python 3: signatures and body hashes are bytes there. Attributes that python-oauth2
# sets to None on the class are typed as __init__ leaves them. Not described: oauth2.clients
# (XOAUTH subclasses of imaplib.IMAP4_SSL and smtplib.SMTP).

from collections.abc import Callable, Mapping
from typing import Any, Final, Self, TypeVar

import httplib2
from _typeshed import Incomplete

_T = TypeVar("_T")

__version__: Incomplete  # a distutils LooseVersion

OAUTH_VERSION: Final = "1.0"
HTTP_METHOD: Final = "GET"
SIGNATURE_METHOD: Final = "PLAINTEXT"

class Error(RuntimeError):
    def __init__(self, message: str = "OAuth error occurred.") -> None: ...
    @property
    def message(self) -> str: ...

class MissingSignature(Error): ...

def build_authenticate_header(realm: object = "") -> dict[str, str]: ...
def build_xoauth_string(url: str, consumer: Consumer, token: Token | None = None) -> str: ...
def to_unicode(s: str | bytes) -> str: ...
def to_utf8(s: str | bytes) -> bytes: ...
def to_unicode_if_string(s: _T) -> _T | str: ...
def to_utf8_if_string(s: _T) -> _T | bytes: ...
def to_unicode_optional_iterator(x: _T) -> _T | str | list[str]: ...
def to_utf8_optional_iterator(x: _T) -> _T | bytes | list[Any]: ...
def escape(s: str | bytes) -> str: ...
def generate_timestamp() -> int: ...
def generate_nonce(length: int = 8) -> str: ...
def generate_verifier(length: int = 8) -> str: ...

class Consumer:
    key: str
    secret: str
    def __init__(self, key: str, secret: str) -> None: ...

class Token:
    key: str
    secret: str
    callback: str | None
    callback_confirmed: str | None
    verifier: str | None
    def __init__(self, key: str, secret: str) -> None: ...
    def set_callback(self, callback: str | None) -> None: ...
    def set_verifier(self, verifier: str | None = None) -> None: ...
    def get_callback_url(self) -> str | None: ...
    def to_string(self) -> str: ...
    @staticmethod
    def from_string(s: str | bytes) -> Token: ...

def setter(attr: Callable[[Any, Any], object]) -> property: ...

# Values are kept as given (str, numbers, lists for a repeated name); signing adds bytes ones
# (oauth_body_hash, oauth_signature).
class Request(dict[str, Any]):
    version: str
    # Properties made by setter(): AttributeError until set.
    url: str | None
    method: str
    normalized_url: str | None
    body: bytes | str  # bytes unless is_form_encoded: sign_request() hashes it
    is_form_encoded: bool
    def __init__(
        self,
        method: str = "GET",
        url: str | bytes | None = None,
        parameters: Mapping[str | bytes, Any] | None = None,
        body: bytes | str = b"",
        is_form_encoded: bool = False,
    ) -> None: ...
    def get_nonoauth_parameters(self) -> dict[str, Any]: ...
    def to_header(self, realm: object = "") -> dict[str, str]: ...
    def to_postdata(self) -> str: ...
    def to_url(self) -> str: ...
    def get_parameter(self, parameter: str) -> Any: ...
    def get_normalized_parameters(self) -> str: ...
    def sign_request(
        self, signature_method: SignatureMethod, consumer: Consumer, token: Token | None
    ) -> None: ...
    @classmethod
    def make_timestamp(cls) -> str: ...
    @classmethod
    def make_nonce(cls) -> str: ...
    @classmethod
    def from_request(
        cls,
        http_method: str,
        http_url: str,
        headers: Mapping[str, str] | None = None,
        parameters: dict[str, Any] | None = None,
        query_string: str | None = None,
    ) -> Self | None: ...
    @classmethod
    def from_consumer_and_token(
        cls,
        consumer: Consumer,
        token: Token | None = None,
        http_method: str = "GET",
        http_url: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        body: bytes | str = b"",
        is_form_encoded: bool = False,
    ) -> Self: ...
    @classmethod
    def from_token_and_callback(
        cls,
        token: Token,
        callback: str | None = None,
        http_method: str = "GET",
        http_url: str | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> Self: ...

class Client(httplib2.Http):
    consumer: Consumer | None
    token: Token | None
    method: SignatureMethod
    def __init__(
        self, consumer: Consumer | None, token: Token | None = None, **kwargs: Any
    ) -> None: ...
    def set_signature_method(self, method: SignatureMethod) -> None: ...
    def request(
        self,
        uri: str,
        method: str = "GET",
        body: bytes | str = b"",
        headers: dict[str, str] | None = None,
        redirections: int = 5,
        connection_type: Incomplete | None = None,
    ) -> tuple[httplib2.Response[Any], bytes]: ...

class Server:
    timestamp_threshold: int
    version: str
    signature_methods: dict[str, SignatureMethod]
    def __init__(self, signature_methods: dict[str, SignatureMethod] | None = None) -> None: ...
    def add_signature_method(
        self, signature_method: SignatureMethod
    ) -> dict[str, SignatureMethod]: ...
    # Returns the non-OAuth parameters; raises Error (or MissingSignature, or KeyError without
    # oauth_timestamp or oauth_nonce).
    def verify_request(
        self, request: Request, consumer: Consumer, token: Token | None
    ) -> dict[str, Any]: ...
    def build_authenticate_header(self, realm: object = "") -> dict[str, str]: ...

class SignatureMethod:
    # Not set on the base class: every method a Server or Client uses defines it.
    name: str
    def signing_base(
        self, request: Request, consumer: Consumer, token: Token | None
    ) -> tuple[Any, Any]: ...
    def sign(self, request: Request, consumer: Consumer, token: Token | None) -> Any: ...
    def check(
        self, request: Request, consumer: Consumer, token: Token | None, signature: object
    ) -> bool: ...

class SignatureMethod_HMAC_SHA1(SignatureMethod):
    # The HMAC key and the base string, both ASCII bytes.
    def signing_base(
        self, request: Request, consumer: Consumer, token: Token | None
    ) -> tuple[bytes, bytes]: ...
    def sign(self, request: Request, consumer: Consumer, token: Token | None) -> bytes: ...

class SignatureMethod_PLAINTEXT(SignatureMethod):
    def signing_base(
        self, request: Request, consumer: Consumer, token: Token | None
    ) -> tuple[str, str]: ...
    def sign(self, request: Request, consumer: Consumer, token: Token | None) -> bytes: ...
