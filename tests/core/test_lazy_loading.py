"""What ``import oauthcore`` defers: provider-side modules and large patterns load on first use."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import oauthcore
from oauthcore._lazy import LazyPattern


def test_every_public_name_resolves_to_its_module_object() -> None:
    for name in oauthcore.__all__:
        value = getattr(oauthcore, name)
        assert value is not None, name
    assert oauthcore.verify is importlib.import_module("oauthcore.verification").verify
    assert (
        oauthcore.MemoryNonceStore is importlib.import_module("oauthcore.nonces").MemoryNonceStore
    )
    assert set(oauthcore.__all__) <= set(dir(oauthcore))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'oauthcore' has no attribute 'verfy'"):
        oauthcore.verfy  # noqa: B018


def test_signing_alone_loads_no_provider_module() -> None:
    code = (
        "import sys, oauthcore\n"
        "provider = ('oauthcore.verification', 'oauthcore.provider', 'oauthcore.nonces',"
        " 'oauthcore.problems', 'oauthcore.client', 'oauthcore.redaction')\n"
        "request = oauthcore.Request('GET', 'https://a.example/')\n"
        "oauthcore.sign(request, oauthcore.Consumer('k', 's'))\n"
        "print(sorted(m for m in provider if m in sys.modules))\n"
        "from oauthcore import verify\n"
        "print('oauthcore.verification' in sys.modules)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split("\n")
    assert output[0] == "[]"
    assert output[1] == "True"


def test_type_checkers_see_exactly_the_names_loaded_on_first_use() -> None:
    # The TYPE_CHECKING imports are the one list of lazily loaded names for type checkers; at run
    # time __getattr__ finds them by submodule. Both must name the same set.
    tree = ast.parse(Path(oauthcore.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    typed = sorted(
        alias.asname or alias.name
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    )
    code = "import oauthcore\nprint(sorted(set(oauthcore.__all__) - set(vars(oauthcore))))\n"
    lazy = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert lazy == repr(typed)


def test_a_lazy_pattern_compiles_once() -> None:
    pattern = LazyPattern(r"a+", 0)
    first = pattern.compiled
    assert first.fullmatch("aaa")
    assert pattern.compiled is first
