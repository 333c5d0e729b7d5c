"""What every ``oauthcore`` subcommand shares: credentials from the environment, usage errors.

Secrets come from environment variables or a prompt, never necessarily from the command line,
where ``ps`` shows them to every user of the machine (RFC 5849 §4.5 asks secrets to be kept so).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Mapping, Sequence

from oauthcore import Consumer, Placement, Request, Token, sign
from oauthcore.methods import METHODS, RsaMethod, SignatureMethod, signature_method
from oauthcore.rsa import PassphraseRequired, RsaKey

__all__ = [
    "ENV_CONSUMER_KEY",
    "ENV_CONSUMER_SECRET",
    "ENV_RSA_KEY_FILE",
    "ENV_RSA_KEY_PASSPHRASE",
    "ENV_TOKEN",
    "ENV_TOKEN_SECRET",
    "CommandFailed",
    "Credentials",
    "UsageError",
    "add_request_parser",
    "add_signing_options",
    "credentials",
    "parse_pairs",
    "rsa_key",
    "sign_as_told",
    "signing_method",
    "warn",
]

ENV_CONSUMER_KEY = "OAUTH_CONSUMER_KEY"
"""The environment variable holding the consumer key, sent as ``oauth_consumer_key``
(RFC 5849 §3.1)."""
ENV_CONSUMER_SECRET = "OAUTH_CONSUMER_SECRET"  # noqa: S105 - the variable's name, not a secret
"""The environment variable holding the consumer secret: the first part of the signing key
(RFC 5849 §3.4.2, §3.4.4)."""
ENV_TOKEN = "OAUTH_TOKEN"  # noqa: S105 - the variable's name, not a secret
"""The environment variable holding the token, sent as ``oauth_token`` (RFC 5849 §3.1)."""
ENV_TOKEN_SECRET = "OAUTH_TOKEN_SECRET"  # noqa: S105 - the variable's name, not a secret
"""The environment variable holding the token secret: the second part of the signing key
(RFC 5849 §3.4.2, §3.4.4)."""
ENV_RSA_KEY_FILE = "OAUTH_RSA_KEY_FILE"
"""The environment variable naming the file of the consumer's RSA private key, for the RSA-SHA*
methods (RFC 5849 §3.4.3)."""
ENV_RSA_KEY_PASSPHRASE = "OAUTH_RSA_KEY_PASSPHRASE"  # noqa: S105 - the variable's name
"""The environment variable holding the passphrase of that RSA private key (RFC 5849 §3.4.3)."""

Credentials = tuple[Consumer, Token | None]
"""What the CLI signs with: the client credentials and, if given, the token credentials
(RFC 5849 §1.1)."""


class UsageError(Exception):
    """A mistake in the command line (an option, a §3.1 parameter): one line, exit status 2."""


class CommandFailed(Exception):
    """The command ran but a step of the flow (RFC 5849 §2) failed: one line, exit status 1."""


def warn(message: str) -> None:
    """Print one warning line on stderr (about secrets, RFC 5849 §4.5, or exposure)."""
    print(f"oauthcore: warning: {message}", file=sys.stderr)


def add_request_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    summary: str,
    description: str,
    examples: str,
    data_help: str,
) -> argparse.ArgumentParser:
    """A subcommand that builds a request from ``METHOD URL`` and ``-d NAME=VALUE`` (§3.4.1)."""
    parser = subparsers.add_parser(
        name,
        help=summary,
        description=description,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("method", metavar="METHOD", help="HTTP method, such as GET or POST")
    parser.add_argument("url", metavar="URL", help="absolute http:// or https:// URL")
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=data_help,
    )
    return parser


def add_signing_options(parser: argparse.ArgumentParser) -> None:
    """Add the credential and signature options shared by ``sign`` and ``request`` (§3.1)."""
    group = parser.add_argument_group(
        "credentials",
        f"Keys may be given here or in {ENV_CONSUMER_KEY} / {ENV_TOKEN}. Secrets are read from"
        f" {ENV_CONSUMER_SECRET} / {ENV_TOKEN_SECRET}, or prompted for on a terminal; giving one"
        " on the command line works but shows it to other users (ps), so it warns.",
    )
    group.add_argument("--consumer-key", metavar="KEY", help=f"default: ${ENV_CONSUMER_KEY}")
    group.add_argument(
        "--consumer-secret",
        metavar="SECRET",
        help=f"discouraged (ps shows it): ${ENV_CONSUMER_SECRET}",
    )
    group.add_argument("--token", metavar="KEY", help=f"token key; default: ${ENV_TOKEN}")
    group.add_argument(
        "--token-secret", metavar="SECRET", help=f"discouraged (ps shows it): ${ENV_TOKEN_SECRET}"
    )
    group.add_argument(
        "--rsa-key",
        metavar="KEY_FILE",
        help=(
            "private key for RSA-SHA*: PEM, DER or PKCS#12 (.p12); default: "
            f"${ENV_RSA_KEY_FILE}; its passphrase from ${ENV_RSA_KEY_PASSPHRASE} or a prompt"
        ),
    )
    signing = parser.add_argument_group("signature")
    signing.add_argument(
        "-m",
        "--signature-method",
        default="HMAC-SHA1",
        type=str.upper,
        choices=list(METHODS),
        metavar="METHOD",
        help=f"one of {', '.join(METHODS)} (default: HMAC-SHA1)",
    )
    signing.add_argument(
        "--placement",
        choices=[placement.value for placement in Placement],
        default=Placement.HEADER.value,
        help="where the oauth_* parameters go (default: header)",
    )
    signing.add_argument("--realm", help="realm for the Authorization header (not signed)")
    signing.add_argument("--callback", metavar="URL", help="oauth_callback (§2.1)")
    signing.add_argument("--verifier", metavar="CODE", help="oauth_verifier (§2.3)")
    signing.add_argument("--nonce", help="fixed oauth_nonce (default: 128 random bits)")
    signing.add_argument("--timestamp", help="fixed oauth_timestamp (default: now)")
    signing.add_argument(
        "--no-version", action="store_true", help="leave out oauth_version (it is optional, §3.1)"
    )


def parse_pairs(items: Sequence[str], what: str, separator: str = "=") -> list[tuple[str, str]]:
    """Split each ``NAME=VALUE`` (or ``NAME: VALUE``) once (§3.4.1.3 pairs); else UsageError."""
    pairs = []
    for item in items:
        name, found, value = item.partition(separator)
        if not found or not name.strip():
            raise UsageError(f"{what} must look like NAME{separator}VALUE, got {item!r}")
        pairs.append((name.strip(), value.strip() if separator == ":" else value))
    return pairs


def _secret(
    given: str | None, env: Mapping[str, str], variable: str, option: str, what: str
) -> str:
    if given is not None:
        warn(f"{option} on the command line is visible to other users (ps); set {variable}")
        return given
    if variable in env:
        return env[variable]
    if not sys.stdin.isatty():
        raise UsageError(f"no {what}: set {variable} (or run on a terminal to be prompted)")
    try:
        return getpass.getpass(f"{what}: ")
    except EOFError:  # Ctrl-D at the prompt: the user chose not to type it
        raise UsageError(f"no {what}: the prompt was closed; set {variable}") from None


def credentials(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Credentials:
    """The consumer and token credentials (§1.1) from ``args``, the environment or a prompt."""
    env = os.environ if env is None else env
    method = signing_method(args)
    needs_secrets = not isinstance(method, RsaMethod)
    key = args.consumer_key or env.get(ENV_CONSUMER_KEY)
    if not key:
        raise UsageError(f"no consumer key: pass --consumer-key or set {ENV_CONSUMER_KEY}")
    rsa = None
    if not needs_secrets:
        path = args.rsa_key or env.get(ENV_RSA_KEY_FILE)
        if not path:
            raise UsageError(f"{method.name} needs --rsa-key KEY_FILE (or {ENV_RSA_KEY_FILE})")
        rsa = rsa_key(path, env)
    secret = ""
    if needs_secrets or args.consumer_secret is not None:
        secret = _secret(
            args.consumer_secret, env, ENV_CONSUMER_SECRET, "--consumer-secret", "consumer secret"
        )
    consumer = Consumer(key, secret, rsa_key=rsa)
    token_key = args.token or env.get(ENV_TOKEN)
    if not token_key:
        if args.token_secret is not None:
            raise UsageError(f"a token secret needs a token: pass --token or set {ENV_TOKEN}")
        return consumer, None
    token_secret = ""
    if needs_secrets or args.token_secret is not None:
        token_secret = _secret(
            args.token_secret, env, ENV_TOKEN_SECRET, "--token-secret", "token secret"
        )
    return consumer, Token(token_key, token_secret)


def rsa_key(path: str, env: Mapping[str, str]) -> RsaKey:
    """The private key in file ``path`` (PEM, DER, PKCS#12) for RSA-SHA* (RFC 5849 §3.4.3).

    An encrypted key's passphrase comes from the environment or a prompt that does not echo it,
    never from the command line; a mistake is a one-line ``UsageError`` naming the file only.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read the RSA key {path!r}: {exc.strerror}") from None
    passphrase = env.get(ENV_RSA_KEY_PASSPHRASE)
    try:
        try:
            return RsaKey.load_private(data, password=passphrase)
        except PassphraseRequired:
            if not sys.stdin.isatty():
                raise UsageError(
                    f"the RSA key {path!r} is encrypted: set {ENV_RSA_KEY_PASSPHRASE}"
                    " (or run on a terminal to be prompted)"
                ) from None
            passphrase = getpass.getpass(f"passphrase for {path}: ")
            return RsaKey.load_private(data, password=passphrase)
    except ValueError as exc:
        # The message names the format and the mistake, never the key or the passphrase.
        raise UsageError(f"cannot use the RSA key {path!r}: {exc}") from None


def signing_method(args: argparse.Namespace) -> SignatureMethod:
    """The signature method named by ``--signature-method`` (§3.4)."""
    return signature_method(args.signature_method)


def sign_as_told(request: Request, args: argparse.Namespace, creds: Credentials) -> Request:
    """Sign ``request`` with the credentials and the signature options of ``args`` (§3.1-§3.5)."""
    consumer, token = creds
    return sign(
        request,
        consumer,
        token,
        signing_method(args),
        placement=Placement(args.placement),
        realm=args.realm,
        callback=args.callback,
        verifier=args.verifier,
        nonce=args.nonce,
        timestamp=args.timestamp,
        version=not args.no_version,
    )
