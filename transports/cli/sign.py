"""``oauthcore sign METHOD URL``: sign a request and print what to send, optionally explained.

``--explain`` prints the three parts of the signature base string (RFC 5849 §3.4.1) one per line,
to compare with what a provider says it computed when it answers "invalid signature".
"""

from __future__ import annotations

import argparse
import textwrap

from oauthcore import Placement, Request
from oauthcore.base_string import signature_base

from .common import add_request_parser, add_signing_options, credentials, parse_pairs, sign_as_told

__all__ = ["BODY_METHODS", "add_parser", "build_request", "explain", "run"]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
"""Methods whose ``-d`` parameters travel in a form body; others put them in the query
(RFC 5849 §3.4.1.3)."""

EXAMPLES = """\
examples:
  export OAUTH_CONSUMER_KEY=key OAUTH_CONSUMER_SECRET=secret
  oauthcore sign GET 'https://api.example.com/photos?size=original'
  oauthcore sign POST https://api.example.com/status -d status=hello --explain
  oauthcore sign GET https://shop.example.com/wc/v3/orders --placement query
  oauthcore sign POST https://api.example.com/oauth/request_token --callback oob
  oauthcore sign GET https://api.example.com/x --nonce n1 --timestamp 137131200 -m HMAC-SHA256
  OAUTH_RSA_KEY_PASSPHRASE=... oauthcore sign GET https://api.example.com/x -m RSA-SHA256 \
      --rsa-key signing-key.p12
"""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sign`` and its options (RFC 5849 §3.1-§3.5)."""
    parser = add_request_parser(
        subparsers,
        "sign",
        summary="sign a request and print its Authorization header (or signed URL / body)",
        description=(
            "Sign METHOD URL and print what to send: the Authorization header, or with"
            " --placement query the signed URL, or with --placement body the signed form body."
            " Parameters from -d go in the form body for POST/PUT/PATCH, else in the query;"
            " when they change the URL or body, that line is printed after the header."
        ),
        examples=EXAMPLES,
        data_help="a request parameter (repeatable; repeats are kept)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print the base string URI, normalized parameters and base string (§3.4.1)",
    )
    add_signing_options(parser)
    parser.set_defaults(run=run)


def build_request(method: str, url: str, data: list[str]) -> Request:
    """The unsigned request: ``-d`` pairs in a form body (§3.4.1.3) for BODY_METHODS, else query."""
    pairs = parse_pairs(data, "-d")
    if method.upper() in BODY_METHODS and pairs:
        return Request.build(method, url, data=pairs)
    return Request.build(method, url, params=pairs)


def explain(signed: Request) -> str:
    """The base string of ``signed`` in its three parts, one item per line (§3.4.1)."""
    base = signature_base(signed)
    params = "\n".join(base.normalized_parameters.split("&"))
    return (
        f"Base string URI:\n{textwrap.indent(base.uri, '  ')}\n"
        f"Normalized parameters (one per line, joined with '&'):\n{textwrap.indent(params, '  ')}\n"
        f"Base string:\n  {base.base_string}\n"
    )


def run(args: argparse.Namespace) -> int:
    """Sign (§3.1-§3.5) and print; ``--explain`` first prints what the signature covers."""
    request = build_request(args.method, args.url, args.data)
    signed = sign_as_told(request, args, credentials(args))
    if args.explain:
        print(explain(signed))
    placement = Placement(args.placement)
    if placement is Placement.HEADER:
        print(f"Authorization: {signed.header('Authorization')}")
    if placement is Placement.QUERY or signed.url != args.url:
        print(signed.url)
    if signed.body:
        print(signed.body.decode("utf-8"))
    return 0
