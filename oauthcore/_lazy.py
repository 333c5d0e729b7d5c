"""Regular expressions compiled on first use.

The exact-grammar expressions (canonical percent-encoding, the full Authorization header grammar)
take milliseconds each to compile. ``import oauthcore`` should not pay that for paths a program
may never take, so those are compiled the first time they are needed and kept from then on.
"""

from __future__ import annotations

import re

__all__ = ["LazyPattern"]


class LazyPattern:
    """``re.compile(source, flags)``, done on the first access to ``compiled``."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled expression (compiled now if this is the first use)."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return compiled
