"""``oauthcore serve``: the embedded provider in the foreground until Ctrl-C (RFC 5849 §2, §3)."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from oauthcore import VerifyPolicy

from ..demo import DEMO_CONSUMER, DemoProvider, Endpoints, server_url
from .common import warn

__all__ = ["add_parser", "run"]

_MAX_PORT = 65535

EXAMPLES = """\
examples:
  oauthcore serve                     http://127.0.0.1:8080
  oauthcore serve --port 0            any free port (printed)
  oauthcore serve --quiet             no request log
  oauthcore serve --reveal-base-string   401 replies carry the provider's base string
"""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``serve`` (the embedded provider of RFC 5849 §2 and §3.2)."""
    parser = subparsers.add_parser(
        "serve",
        help="run the embedded demo provider in the foreground (Ctrl-C stops it)",
        description=(
            "Serve the embedded OAuth 1.0a provider: request token, authorization page, access"
            " token and the protected resource /api/me, with one demo consumer. State lives in"
            " memory only. Point your own client at it to try it out."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=_port,
        default=8080,
        help="port to bind; 0 picks a free one (default: 8080)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests on stderr")
    parser.add_argument(
        "--reveal-base-string",
        action="store_true",
        help=(
            "development mode: a refused signature's 401 report carries this provider's"
            " base string (oauth_signature_base_string) to compare with 'oauthcore diff'"
        ),
    )
    parser.set_defaults(run=run)


def _port(text: str) -> int:
    """A TCP port number, 0-65535 (argparse turns the error into a usage line, exit status 2)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= _MAX_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-{_MAX_PORT})")
    return port


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; prints the demo consumer's credentials (§1.1) and endpoint URLs."""
    if not _is_loopback(args.host):
        warn(f"serving on {args.host}: the demo consumer's secret is public; keep it off networks")

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    policy = VerifyPolicy(reveal_base_string=args.reveal_base_string)
    if args.reveal_base_string:
        warn("development mode: 401 replies show the base string of each refused request")
    provider = DemoProvider(policy=policy)
    server = provider.make_server(args.host, args.port, log=None if args.quiet else log)
    endpoints = Endpoints.at(server_url(server))
    print(
        f"oauthcore demo provider at {endpoints.base}\n"
        f"  consumer key     {DEMO_CONSUMER.key}\n"
        f"  consumer secret  {DEMO_CONSUMER.secret}\n"
        f"  request token    POST {endpoints.request_token}\n"
        f"  authorize        GET  {endpoints.authorize}?oauth_token=...\n"
        f"  access token     POST {endpoints.access_token}\n"
        f"  resource         GET  {endpoints.resource}\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        server.server_close()
    return 0
