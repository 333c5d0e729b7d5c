"""Every code block of README.md, docs/ and the examples' READMEs runs as written and shows
what it prints.

The info string after the opening fence says what happens to a block (docs/contributing.md,
"Writing docs", says the same for the writer):

``python``
    Run as written in a fresh interpreter (``python -I -W error``, so warnings fail too), in an
    empty temporary directory, with no ``OAUTH_*`` variable in the environment.
``python fragment``
    A deliberate excerpt (a method body, a settings file): only compiled.
``python provider``
    Run like ``python``, with the embedded demo provider (``transports.demo.DemoProvider``,
    demo consumer ``demo-consumer-key`` / ``demo-consumer-secret``) served on a free 127.0.0.1
    port. The block is written for a reader who started ``oauthcore serve`` in another terminal:
    every ``http://127.0.0.1:8080`` in it is replaced by the served provider's address.
``console``
    A shell session. Each ``$ `` line (with its ``\\`` continuation lines) runs in one bash, in
    order, so ``export`` carries to the next command; the lines after it, up to the next ``$ ``,
    are what it prints, stdout and stderr together as a terminal shows them. In an expected line
    ``...`` stands for any text (a date, a fresh token), and a line of only ``...`` for any
    number of lines. The ``oauthcore`` command and ``python`` are the ones under test.
``console provider``
    The same, with the provider served as for ``python provider`` (the address replaced in the
    commands and in the expected output).
``console unchecked-output``
    Commands run, but what they print is not compared; it must not hold a traceback.
``sh``, ``shell``, ``bash``
    Commands for the reader that the tests cannot run (an install, a long-running server, a
    request to a real provider): checked with ``bash -n`` only.
``text`` and other languages
    Shown only (an output sample, a configuration file).

Pages added to docs/ are picked up without a change here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

from tests.docs.blocks import (
    CONSOLE,
    DISPLAY_ONLY,
    FLAGS,
    PYTHON,
    RUNNABLE,
    SHELL,
    Block,
    blocks,
    doc_files,
    matches,
    session,
)
from transports.demo import DemoProvider

#: The address of ``oauthcore serve`` that blocks are written against.
SERVE_DEFAULT = "http://127.0.0.1:8080"
TIMEOUT = 120
# The shell the sessions are written for, by its full path (not whatever PATH finds first).
BASH = shutil.which("bash") or "/bin/bash"
_MARK = "\x1e"  # between two commands' outputs in a console run; never printed by a command

ALL_BLOCKS = [block for path in doc_files() for block in blocks(path)]


def _params(language: str | frozenset[str]) -> list[object]:
    wanted = {language} if isinstance(language, str) else language
    return [pytest.param(block, id=block.where) for block in ALL_BLOCKS if block.language in wanted]


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("OAUTH_")}
    # The interpreter and the `oauthcore` command under test come first on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(HOME=str(tmp_path), COLUMNS="100", PYTHONDONTWRITEBYTECODE="1", LC_ALL="C.UTF-8")
    env.pop("PYTHONPATH", None)
    return env


@contextmanager
def _provider(block: Block) -> Iterator[str | None]:
    if "provider" not in block.flags:
        with nullcontext():
            yield None
        return
    with DemoProvider().serve() as running:
        yield running.url


def _served(text: str, base: str | None) -> str:
    return text if base is None else text.replace(SERVE_DEFAULT, base)


def test_the_docs_have_blocks_of_each_kind() -> None:
    kinds = {(block.language, block.flags) for block in ALL_BLOCKS}
    assert {("python", ()), ("python", ("fragment",)), ("console", ())} <= kinds
    assert any(block.path.name == "README.md" for block in ALL_BLOCKS)


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[block.where for block in ALL_BLOCKS])
def test_each_block_says_what_it_is(block: Block) -> None:
    # A misspelt flag ("fragement") or language would quietly skip a block: name it instead.
    known = RUNNABLE | DISPLAY_ONLY
    assert block.language in known, f"{block.where}: unknown language {block.language!r}"
    allowed = FLAGS.get(block.language, frozenset())
    unknown = [flag for flag in block.flags if flag not in allowed]
    assert unknown == [], f"{block.where}: unknown flags {unknown} (known: {sorted(allowed)})"


@pytest.mark.parametrize("block", _params(PYTHON))
def test_python_block_runs_as_written(block: Block, tmp_path: Path) -> None:
    if "fragment" in block.flags:
        compile(block.text, block.where, "exec")
        return
    with _provider(block) as base:
        source = _served(block.text, base)
        result = subprocess.run(
            [sys.executable, "-I", "-W", "error", "-c", source],
            cwd=tmp_path,
            env=_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    assert result.returncode == 0, f"{block.where} failed:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("block", _params(CONSOLE))
def test_console_block_prints_what_it_shows(block: Block, tmp_path: Path) -> None:
    commands = session(block)
    with _provider(block) as base:
        script = "exec 2>&1\n" + "".join(
            f"printf '{_MARK}'\n{_served(command.command, base)}\n" for command in commands
        )
        result = subprocess.run(
            [BASH, "--noprofile", "--norc", "-c", script],
            cwd=tmp_path,
            env=_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    outputs = result.stdout.split(_MARK)[1:]
    assert len(outputs) == len(commands), f"{block.where}: the session stopped:\n{result.stdout}"
    for command, output in zip(commands, outputs, strict=True):
        shown = f"{block.path.name}:{command.line}: $ {command.command}"
        assert "Traceback (most recent call last)" not in output, f"{shown}\n{output}"
        if "unchecked-output" in block.flags:
            continue
        expected = tuple(_served(line, base) for line in command.expected)
        assert matches(expected, output), (
            f"{shown}\nexpected:\n" + "\n".join(expected) + f"\ngot:\n{output}"
        )


@pytest.mark.parametrize("block", _params(SHELL))
def test_shell_block_is_valid_shell(block: Block) -> None:
    result = subprocess.run(
        [BASH, "-n"],
        input=block.text,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{block.where}: {result.stderr}"
    prompts = [line for line in block.text.splitlines() if re.match(r"\$ ", line)]
    assert prompts == [], f"{block.where}: a session with '$ ' prompts is a ```console block"
