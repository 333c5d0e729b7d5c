"""The message for an optional HTTP library that is not installed, naming the extra to install."""

from __future__ import annotations

__all__ = ["missing_extra"]


def missing_extra(adapter: str, library: str) -> ImportError:
    """An ``ImportError`` telling the user which ``oauthcore`` extra brings ``library``."""
    return ImportError(
        f"{adapter} needs {library}, which is not installed: pip install 'oauthcore[{library}]'"
    )
