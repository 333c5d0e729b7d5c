"""``oauthcore serve``: the embedded provider in the foreground until Ctrl-C (RFC 5849 §2, §3)."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from oauthcore import VerifyPolicy

from ..demo import DEMO_CONSUMER, DemoProvider, Endpoints, server_url
from ..stores.urls import Stores, open_stores
from .common import warn
from .workers import gunicorn_options, serve_workers

__all__ = ["add_parser", "run"]

_MAX_PORT = 65535

EXAMPLES = """\
examples:
  oauthcore serve                     http://127.0.0.1:8080
  oauthcore serve --port 0            any free port (printed)
  oauthcore serve --quiet             no request log
  oauthcore serve --reveal-base-string   401 replies carry the provider's base string
  oauthcore serve --store sqlite:///provider.db
                                      state kept in a SQLite file
  oauthcore serve --store redis://127.0.0.1:6379/0 --workers 4
                                      4 processes sharing one Redis
                                      (pip install 'oauthcore[serve,redis]')
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
    parser.add_argument(
        "--store",
        default="memory:",
        metavar="URL",
        help="where consumers, tokens and nonces live: memory: (default), redis://HOST:PORT/DB,"
        " sqlite:///PATH or postgresql://USER@HOST/DB",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="serve from N gunicorn processes (needs a shared --store; default: 1, in-process)",
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

    if args.workers < 1:
        warn("--workers must be at least 1")
        return 2
    if args.workers > 1:
        return _run_workers(args)
    stores = _open_stores(args)
    if stores is None:
        return 2
    policy = _policy(args)
    provider = DemoProvider(policy=policy, stores=stores)
    server = provider.make_server(args.host, args.port, log=None if args.quiet else log)
    _banner(Endpoints.at(server_url(server)))
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        server.server_close()
        stores.close()
    return 0


def _run_workers(args: argparse.Namespace) -> int:
    if args.port == 0:
        warn("several workers need a port chosen with --port")
        return 2
    # Opened once here: a bad URL or a missing extra is told now, not by each worker.
    stores = _open_stores(args)
    if stores is None:
        return 2
    stores.close()
    if not stores.shared:
        warn("several workers need a shared --store: redis://, sqlite:/// or postgresql://")
        return 2
    policy = _policy(args)
    host = f"[{args.host}]" if ":" in args.host else args.host
    _banner(Endpoints.at(f"http://{host}:{args.port}"))
    serve_workers(
        args.store,
        gunicorn_options(args.host, args.port, args.workers, quiet=args.quiet),
        policy=policy,
    )
    return 0


def _open_stores(args: argparse.Namespace) -> Stores | None:
    """The stores ``--store`` names; ``None`` once a URL it cannot open is told (§2)."""
    try:
        return open_stores(args.store)
    except ValueError as error:
        warn(str(error))
        return None


def _policy(args: argparse.Namespace) -> VerifyPolicy:
    """The provider's policy (§3.2): development mode when ``--reveal-base-string``, said so."""
    if args.reveal_base_string:
        warn("development mode: 401 replies show the base string of each refused request")
    return VerifyPolicy(reveal_base_string=args.reveal_base_string)


def _banner(endpoints: Endpoints) -> None:
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
