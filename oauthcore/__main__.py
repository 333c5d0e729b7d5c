"""``python -m oauthcore``: the ``oauthcore`` command, handed over to ``transports.cli``.

The command line is I/O (a terminal, sockets), so it lives in ``transports``, which the core
never imports. This module is the one exception, and only when run as a program: it imports
``transports.cli`` by name at run time, so importing ``oauthcore`` (or this module) still loads
nothing from ``transports`` (RFC 5849 in a shell: ``demo``, ``serve``, ``sign``, ``request``).
"""

from __future__ import annotations

import importlib
import sys

if __name__ == "__main__":
    sys.exit(importlib.import_module("transports.cli").main())
