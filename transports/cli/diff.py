"""``oauthcore diff CLIENT PROVIDER``: why a signature was refused, two base strings compared.

Each side is a signature base string (RFC 5849 §3.4.1) as it is, ``@FILE`` or ``-`` (standard
input); a problem report carrying ``oauth_signature_base_string`` (from a provider in development
mode) stands for the base string it carries. With ``--request METHOD URL`` the client's side is
the request as ``oauthcore sign`` would sign it, nonce and timestamp taken from the provider's
base string unless given, and only the provider's side is read. Exit status: 0 when the base
strings are the same, 1 when they differ, 2 for an error.
"""

from __future__ import annotations

import argparse
import sys

from oauthcore.base_string import signature_base
from oauthcore.diagnosis import BASE_STRING_FIELD, diff_base_strings, split_base_string
from oauthcore.encoding import decode_form

from .common import UsageError, add_signing_options, credentials, sign_as_told
from .sign import build_request

__all__ = ["add_parser", "read_base_string", "run"]

EXAMPLES = """\
examples:
  oauthcore diff 'GET&https%3A%2F%2Fapi.example.com%2Fme&...' 'GET&http%3A%2F%2Fapi...'
  oauthcore diff @client.txt @provider.txt
  curl -s https://api.example.com/me | oauthcore diff @client.txt -
  oauthcore diff --request GET 'https://api.example.com/photos?size=original' @reply.txt
"""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``diff``: compare two signature base strings (RFC 5849 §3.4.1)."""
    parser = subparsers.add_parser(
        "diff",
        help="name the first difference of two signature base strings and its likely cause",
        description=(
            "Compare the base string a client signed with the one a provider computed and name"
            " the first difference and its likely cause (a proxy's scheme, a default port,"
            " '+' for a space, a value encoded twice, ...). Give each as text, @FILE or -"
            " (standard input); a provider's problem report with oauth_signature_base_string"
            " works too. With --request METHOD URL, the client's side is that request signed"
            " as 'oauthcore sign' signs it, and only the provider's side is given."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "bases",
        nargs="+",
        metavar="BASE_STRING",
        help="the client's base string then the provider's (only the provider's with --request)",
    )
    parser.add_argument(
        "--request",
        nargs=2,
        metavar=("METHOD", "URL"),
        help="the client's side as a request to sign, as 'oauthcore sign METHOD URL' takes it",
    )
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the --request (repeatable; repeats are kept)",
    )
    add_signing_options(parser)
    parser.set_defaults(run=run)


def read_base_string(source: str) -> str:
    """The base string (§3.4.1) that ``source`` gives: itself, ``@FILE``, or ``-`` for stdin.

    A problem report stands for the ``oauth_signature_base_string`` it carries.
    """
    if source == "-":
        text = sys.stdin.read()
    elif source.startswith("@"):
        try:
            with open(source[1:], encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise UsageError(f"cannot read {source[1:]!r}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{source[1:]!r} is not UTF-8 text") from None
    else:
        text = source
    text = text.strip()
    if not text.startswith("oauth_problem="):
        return text
    found = dict(decode_form(text)).get(BASE_STRING_FIELD)
    if found is None:
        raise UsageError(
            f"the problem report holds no {BASE_STRING_FIELD}: run the provider with"
            " VerifyPolicy(reveal_base_string=True) (oauthcore serve --reveal-base-string)"
        )
    return found


def _client_side(args: argparse.Namespace, provider: str) -> str:
    """The base string oauthcore signs for ``--request`` (§3.4.1), the provider's nonce kept."""
    method, url = args.request
    theirs = split_base_string(provider)
    if args.nonce is None:
        args.nonce = theirs.get("oauth_nonce")
    if args.timestamp is None:
        args.timestamp = theirs.get("oauth_timestamp")
    signed = sign_as_told(build_request(method, url, args.data), args, credentials(args))
    return signature_base(signed).base_string


def run(args: argparse.Namespace) -> int:
    """Print the first difference and its cause (§3.4.1); 0 when none, else 1."""
    wanted = 1 if args.request else 2
    if len(args.bases) != wanted:
        raise UsageError(
            "give the provider's base string only, with --request"
            if args.request
            else "give two base strings: the client's, then the provider's"
        )
    if args.bases.count("-") > 1:
        raise UsageError("only one side can come from standard input ('-')")
    if args.data and not args.request:
        raise UsageError("-d describes a --request; give --request METHOD URL")
    provider = read_base_string(args.bases[-1])
    client = _client_side(args, provider) if args.request else read_base_string(args.bases[0])
    diagnosis = diff_base_strings(client, provider)
    print(diagnosis.report())
    return 0 if diagnosis.same else 1
