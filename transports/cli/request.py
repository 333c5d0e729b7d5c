"""``oauthcore request METHOD URL``: sign, send once and print the reply like ``curl -i`` (§3).

The status line and headers go to stderr, the body to stdout, so ``> file`` keeps only the body.
Like curl without ``-L``, a redirect is shown, not followed; a refused reply's problem report
(§3.2) is summed up in one line after it. Exit status: 0 for a 2xx reply, 1 for any other
status, 2 for a usage or transport error.
"""

from __future__ import annotations

import argparse
import json
import sys
from http import HTTPStatus

from oauthcore import Request

from ..base import Response
from .common import (
    UsageError,
    add_request_parser,
    add_signing_options,
    credentials,
    parse_pairs,
    sign_as_told,
)
from .problem import describe
from .sign import BODY_METHODS
from .transports import TRANSPORT_NAMES, make_transport

__all__ = ["add_parser", "build_request", "run", "show"]

EXAMPLES = """\
examples:
  export OAUTH_CONSUMER_KEY=demo-consumer-key OAUTH_CONSUMER_SECRET=demo-consumer-secret
  oauthcore request POST http://127.0.0.1:8080/oauth/request_token --callback oob
  OAUTH_TOKEN=... OAUTH_TOKEN_SECRET=... oauthcore request GET http://127.0.0.1:8080/api/me
  oauthcore request POST https://api.example.com/status -d status=hello --transport urllib3
  oauthcore request POST https://api.example.com/items --json '{"name": "x"}' -H 'X-Trace: 1'
"""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``request`` (sign, RFC 5849 §3, then send once)."""
    parser = add_request_parser(
        subparsers,
        "request",
        summary="sign and send a request; print the reply like curl -i",
        description=(
            "Sign METHOD URL, send it once through the chosen transport and print the reply:"
            " status line and headers on stderr, body on stdout. Redirects are shown, not"
            " followed. Exit status: 0 for 2xx, 1 for another status, 2 for usage or transport"
            " errors."
        ),
        examples=EXAMPLES,
        data_help="a parameter: form body for POST/PUT/PATCH, else query (repeatable; signed)",
    )
    parser.add_argument(
        "--transport",
        choices=TRANSPORT_NAMES,
        default="urllib",
        help="HTTP library to send with (default: urllib, the standard library)",
    )
    parser.add_argument(
        "--json",
        metavar="DOCUMENT",
        help="send this JSON document as the body (covered by oauth_body_hash)",
    )
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="an extra request header (repeatable)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS", help="default: 30"
    )
    add_signing_options(parser)
    parser.set_defaults(run=run)


def build_request(args: argparse.Namespace) -> Request:
    """The unsigned request ``args`` describe: ``-d`` (§3.4.1.3), ``--json``, ``--header``."""
    pairs = parse_pairs(args.data, "-d")
    headers = parse_pairs(args.header, "--header", separator=":")
    if args.json is None:
        if args.method.upper() in BODY_METHODS and pairs:
            return Request.build(args.method, args.url, data=pairs, headers=headers)
        return Request.build(args.method, args.url, params=pairs, headers=headers)
    if pairs:
        raise UsageError("give either -d parameters or --json, not both")
    try:
        json.loads(args.json)
    except ValueError as exc:
        raise UsageError(f"--json is not valid JSON: {exc}") from None
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return Request.build(args.method, args.url, headers=headers, body=args.json.encode("utf-8"))


def show(response: Response) -> None:
    """Status line and headers on stderr (a §3.2 challenge among them), body bytes on stdout."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    lines = [f"HTTP {response.status} {reason}".rstrip()]
    lines.extend(f"{name}: {value}" for name, value in response.headers)
    print("\n".join(lines) + "\n", file=sys.stderr, flush=True)
    sys.stdout.buffer.write(response.body)
    sys.stdout.buffer.flush()
    if response.body and not response.body.endswith(b"\n"):
        # Ends the line on the terminal, so the shell prompt does not run into the body; on
        # stderr, so that `> reply.json` still saves the body byte for byte.
        print(file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Sign (§3), send once, print; the exit status says whether the reply was a 2xx."""
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    signed = sign_as_told(build_request(args), args, credentials(args))
    with make_transport(args.transport, timeout=args.timeout) as transport:
        response = transport.send(signed)
    show(response)
    if response.ok:
        return 0
    for line in describe(response.body):
        print(f"oauthcore request: {line}", file=sys.stderr)
    return 1
