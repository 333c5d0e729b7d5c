"""The message for an optional HTTP library that is not installed, naming the extra to install."""

from __future__ import annotations

__all__ = ["missing_extra"]


def missing_extra(adapter: str, library: str, *, extra: str | None = None) -> ImportError:
    """An ``ImportError`` telling the user which ``oauthcore`` extra brings ``library``.

    ``extra`` is the extra's name when it is not the library's (``sql`` brings sqlalchemy).
    """
    name = library if extra is None else extra
    return ImportError(
        f"{adapter} needs {library}, which is not installed: pip install 'oauthcore[{name}]'"
    )
