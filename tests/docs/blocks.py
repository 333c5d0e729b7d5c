"""The fenced code blocks of README.md and docs/*.md, read as the docs tests run them.

A block's info string (the words after the opening fence) says what the tests do with it; the
conventions are written out in docs/contributing.md ("Writing docs") and in
tests/docs/test_docs_blocks.py. This module only reads: it finds the blocks, splits a console
session into commands and their expected output, and matches output against a ``...`` pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DISPLAY_ONLY",
    "FLAGS",
    "PYTHON",
    "RUNNABLE",
    "Block",
    "Command",
    "blocks",
    "doc_files",
    "matches",
    "session",
]

ROOT = Path(__file__).resolve().parents[2]

#: Languages whose blocks run, and the flags each accepts after the language.
PYTHON = "python"
CONSOLE = "console"
SHELL = frozenset({"sh", "shell", "bash"})
FLAGS = {
    PYTHON: frozenset({"fragment", "provider"}),
    CONSOLE: frozenset({"provider", "unchecked-output"}),
}
RUNNABLE = frozenset(FLAGS) | SHELL
#: Blocks shown to the reader and never run (an output sample, a config file, ...).
DISPLAY_ONLY = frozenset({"text", "toml", "ini", "json", "yaml", "html", "diff", "http", ""})

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language and flags, its text (dedented)."""

    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    flags: tuple[str, ...]
    text: str

    @property
    def where(self) -> str:
        """``README.md:64``: what a failure names, and the test's id."""
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"


@dataclass(frozen=True)
class Command:
    """One ``$ `` command of a console block (continuation lines joined) and what it prints."""

    line: int
    command: str
    expected: tuple[str, ...]


def doc_files() -> list[Path]:
    """README.md, every docs/**/*.md and the examples' READMEs: a new page is tested at once."""
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        *sorted((ROOT / "examples").rglob("README.md")),
    ]


def blocks(path: Path) -> Iterator[Block]:
    """Every fenced block of ``path``, in order; an unclosed fence raises ValueError."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        index += 1
        if opening is None:
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        words = opening["info"].split()
        start, body = index, []
        while index < len(lines) and lines[index].strip() != fence:
            body.append(lines[index][indent:] if lines[index][:indent].isspace() else lines[index])
            index += 1
        if index == len(lines):
            raise ValueError(f"{path.name}:{start}: the block opened here is never closed")
        index += 1
        language = words[0].lower() if words else ""
        yield Block(path, start, language, tuple(words[1:]), "\n".join(body) + "\n")


def session(block: Block) -> list[Command]:
    """The commands of a console block: ``$ `` lines, ``\\`` continuations, then their output."""
    commands: list[Command] = []
    lines = block.text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ "):
            raise ValueError(f"{block.where}: expected a '$ ' command, got {line!r}")
        number, parts = block.line + 1 + index, [line[2:]]
        index += 1
        while parts[-1].endswith("\\") and index < len(lines):
            parts.append(lines[index])
            index += 1
        expected = []
        while index < len(lines) and not lines[index].startswith("$ "):
            expected.append(lines[index])
            index += 1
        commands.append(Command(number, "\n".join(parts), tuple(expected)))
    return commands


def matches(expected: tuple[str, ...], output: str) -> bool:
    """Whether ``output`` is the expected lines: ``...`` in a line stands for any text, a line
    of only ``...`` for any number of lines."""
    pattern = "".join(
        r"(?:[^\n]*\n)*"
        if line == "..."
        else ".*".join(re.escape(piece) for piece in line.split("...")) + r"\n"
        for line in expected
    )
    return re.fullmatch(pattern, output) is not None
