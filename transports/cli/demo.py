"""``oauthcore demo``: the whole three-legged flow (RFC 5849 §2) against the embedded provider.

It serves a ``DemoProvider`` on an ephemeral loopback port and, through each transport, obtains
temporary credentials, approves them on the authorization page as a browser would, exchanges
them for token credentials and calls the protected resource, printing every step and its time.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from oauthcore import Token
from oauthcore.client import (
    AuthorizationResponseError,
    TokenResponseError,
    parse_authorization_response,
)

from ..base import Transport
from ..client import Client
from ..demo import DEMO_CONSUMER, DemoProvider, Endpoints, click
from .common import CommandFailed
from .transports import TRANSPORT_NAMES, make_transport

__all__ = ["add_parser", "mask", "run", "run_flow"]

EXAMPLES = """\
examples:
  oauthcore demo                      every transport, one after the other
  oauthcore demo --transport urllib   only the standard library
"""

_T = TypeVar("_T")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``demo`` (RFC 5849 §2 end to end)."""
    parser = subparsers.add_parser(
        "demo",
        help="run the three-legged flow against a local provider, step by step",
        description=(
            "Start the embedded provider on 127.0.0.1 (a free port), then for each transport:"
            " get a request token, open the authorization page and approve it, exchange the"
            " verifier for an access token and call the protected resource /api/me."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--transport",
        choices=TRANSPORT_NAMES,
        help="use only this transport (default: each installed one)",
    )
    parser.set_defaults(run=run)


def mask(secret: str) -> str:
    """A secret (§2.1, §2.3) as ``********`` plus its length: that it came, never what it is."""
    return f"******** ({len(secret)} characters)"


def _path(url: str) -> str:
    return urlsplit(url).path


class _Steps:
    """Prints numbered steps with their time; keeps the total."""

    def __init__(self) -> None:
        self.number = 0
        self.total = 0.0

    def run(self, title: str, action: Callable[[], _T]) -> _T:
        started = time.perf_counter()
        result = action()
        elapsed = (time.perf_counter() - started) * 1000
        self.total += elapsed
        self.number += 1
        print(f"{self.number}. {title:<58} {elapsed:7.1f} ms")
        return result


def _show(name: str, value: str) -> None:
    print(f"     {name:<25} = {value}")


def run_flow(endpoints: Endpoints, transport: Transport) -> float:
    """The flow of RFC 5849 §2 and one §3 resource call via ``transport``; returns ms taken."""
    client = Client(DEMO_CONSUMER, transport=transport)
    steps = _Steps()
    callback = f"{endpoints.base}/callback"
    request_token = steps.run(
        f"request token   POST {_path(endpoints.request_token)}",
        lambda: client.fetch_request_token(endpoints.request_token, callback=callback),
    )
    _show("oauth_token", request_token.key)
    _show("oauth_token_secret", mask(request_token.secret))
    _show("oauth_callback_confirmed", str(request_token.callback_confirmed).lower())
    url = client.authorization_url(endpoints.authorize, request_token)
    print(f"   authorize URL  {url}")
    decision = steps.run(
        "approve         GET the page, POST Approve", lambda: click(url, transport)
    )
    location = str(decision.location)
    _, verifier = parse_authorization_response(location, request_token)
    _show("redirected to", f"{location.partition('?')[0]}?oauth_token=...&oauth_verifier=...")
    _show("oauth_verifier", mask(verifier))
    access_token: Token = steps.run(
        f"access token    POST {_path(endpoints.access_token)}",
        lambda: client.fetch_access_token(endpoints.access_token, request_token, verifier),
    )
    _show("oauth_token", access_token.key)
    _show("oauth_token_secret", mask(access_token.secret))
    for name, value in access_token.extra:
        _show(name, value)
    signed = client.with_token(access_token)
    response = steps.run(
        f"resource        GET {_path(endpoints.resource)}",
        lambda: signed.request("GET", endpoints.resource),
    )
    print(f"     HTTP {response.status}  {response.header('Content-Type')}")
    for line in response.text.rstrip().splitlines():
        print(f"     {line}")
    if not response.ok:
        raise CommandFailed(f"the protected resource answered {response.status}")
    print(f"   total {steps.total:.1f} ms")
    return steps.total


def run(args: argparse.Namespace) -> int:
    """Serve the provider, run the §2 flow through each chosen transport; 0 when all passed."""
    names = [args.transport] if args.transport else list(TRANSPORT_NAMES)
    with DemoProvider().serve() as running:
        print(f"Embedded OAuth 1.0a provider at {running.url} (127.0.0.1 only)")
        print(f'Demo consumer: key "{DEMO_CONSUMER.key}", secret "{DEMO_CONSUMER.secret}"')
        ran = 0
        for name in names:
            print(f"\n== transport: {name} ==")
            try:
                transport = make_transport(name, timeout=5.0)
            except ImportError as exc:
                if args.transport:
                    raise
                print(f"   skipped: {exc}")
                continue
            try:
                run_flow(running.endpoints, transport)
            except (TokenResponseError, AuthorizationResponseError) as exc:
                raise CommandFailed(f"{name}: {exc}") from None
            finally:
                transport.close()
            ran += 1
    print(f"\nThe three-legged flow (RFC 5849 §2) passed through {ran} transport(s).")
    return 0
