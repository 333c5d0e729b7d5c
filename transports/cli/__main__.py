"""``python -m transports.cli``: the ``oauthcore`` command without the console script."""

from __future__ import annotations

from . import main

raise SystemExit(main())
