"""The ``oauthcore`` command: ``demo``, ``serve``, ``sign``, ``request``, ``diff`` (RFC 5849).

``main`` never lets a traceback out for a mistake the user can fix: it prints one line on stderr
and returns 2 for usage and transport errors (``request`` returns 1 for a non-2xx reply).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from oauthcore import OAuthError, __version__

from ..base import TransportError
from . import demo, diff, request, serve, sign
from .common import CommandFailed, UsageError

__all__ = ["build_parser", "main"]

EXAMPLES = """\
examples:
  oauthcore demo                      the whole three-legged flow against a local provider
  oauthcore serve --port 8080         run that provider in the foreground
  oauthcore sign GET https://api.example.com/photos --explain
  oauthcore request GET http://127.0.0.1:8080/api/me --transport urllib3
  oauthcore diff @client-base-string.txt @provider-reply.txt

Run 'oauthcore COMMAND --help' for each command's options and examples.
"""

_Runner = Callable[[argparse.Namespace], int]

# What a shell reports for a command that a closed pipe stopped: 128 + SIGPIPE (13).
_SIGPIPE_STATUS = 141


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: ``demo``/``serve`` (RFC 5849 §2), ``sign``/``request``/``diff`` (§3)."""
    parser = argparse.ArgumentParser(
        prog="oauthcore",
        description="OAuth 1.0a (RFC 5849): sign, send and debug requests; run a local provider.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"oauthcore {__version__}")
    subparsers = parser.add_subparsers(
        title="commands", metavar="COMMAND", dest="command", required=True
    )
    for module in (demo, serve, sign, request, diff):
        module.add_parser(subparsers)
    return parser


def _closed_pipe() -> int:
    # The reader of our output went away (`| head -2`): stop quietly, as a command killed by
    # SIGPIPE does. Later writes, and the flush at exit, go to /dev/null instead of failing again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return _SIGPIPE_STATUS


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``oauthcore`` command line (RFC 5849 §2, §3); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    runner: _Runner = args.run
    try:
        status = runner(args)
        sys.stdout.flush()  # a reader gone away shows here, not in the flush at exit
        return status
    except BrokenPipeError:
        return _closed_pipe()
    except KeyboardInterrupt:
        print("oauthcore: interrupted", file=sys.stderr)
        return 130
    except CommandFailed as exc:
        print(f"oauthcore {args.command}: failed: {exc}", file=sys.stderr)
        return 1
    except (
        UsageError,
        OAuthError,
        TransportError,
        ValueError,
        TypeError,
        OSError,
        ImportError,
    ) as exc:
        # One line, no traceback: these are the user's to fix (arguments, network, setup).
        print(f"oauthcore {args.command}: error: {exc}", file=sys.stderr)
        return 2
