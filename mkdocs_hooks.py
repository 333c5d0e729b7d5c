"""MkDocs hooks: README.md is the site's home page, and code blocks keep only their language.

README.md is read where it lies (not copied into docs/).
The README links to docs/ pages as ``docs/page.md`` (right on the repository's front page); on
the site those pages are siblings of the home page, so the prefix goes. Links to files outside
docs/ (the examples) have no page on the site and become their link text.

The words after a fence's language (```` ```python fragment ````, ```` ```console provider ````)
tell tests/docs how to run the block; Python-Markdown would not see a code block there at all,
so they are dropped before it reads the page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

README = Path(__file__).parent / "README.md"
_DOCS_LINK = re.compile(r"\]\(docs/")
_FENCE_FLAGS = re.compile(r"^( *`{3,}[\w+-]+)[ \t]+[^`\n]*$", re.MULTILINE)
_OUTSIDE_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://|#|docs/)[^)]+\)")


def on_files(files: Files, config: Any) -> Files:
    """Add README.md to the site as index.md, the home page."""
    files.append(File.generated(config, "index.md", abs_src_path=str(README)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Drop the flags of code blocks; on the home page, point the links at the site's pages."""
    markdown = _FENCE_FLAGS.sub(r"\1", markdown)
    if page.file.src_uri != "index.md":
        return markdown
    return _OUTSIDE_LINK.sub(r"\1", _DOCS_LINK.sub("](", markdown))
