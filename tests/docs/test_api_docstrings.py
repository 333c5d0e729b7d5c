"""Every public name has a docstring naming its RFC section, and a page in the API reference.

The public modules are found, not listed: every module of ``oauthcore`` and ``transports``
whose dotted name has no part starting with an underscore (the packages included). Each must
declare ``__all__``, every name in it needs a docstring citing the section it implements, and
each module is rendered by a ``::: module`` line of a page in docs/reference/.

mkdocstrings renders a name without a docstring as a bare signature and carries on, so
``mkdocs build --strict`` alone would not notice one. This test reads the code as mkdocstrings
does (with griffe, statically: a constant's docstring is the string right after it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import griffe
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("oauthcore", "transports")
# A section of a specification ("§3.4.1", "LTI 1.1 §4.3") or a named RFC ("RFC 9110").
_CITES = re.compile(r"§\s?\d|RFC \d+")


def _load(search_path: Path, *packages: str) -> griffe.ModulesCollection:
    loader = griffe.GriffeLoader(search_paths=[str(search_path)])
    for package in packages:
        loader.load(package)
    loader.resolve_aliases(implicit=False, external=False)
    return loader.modules_collection


def _walk(module: griffe.Module) -> Iterator[griffe.Module]:
    yield module
    for submodule in module.modules.values():
        yield from _walk(submodule)


def public_modules(collection: griffe.ModulesCollection, *packages: str) -> list[str]:
    """The dotted names of the modules of ``packages`` with no underscore-prefixed part."""
    return sorted(
        module.path
        for package in packages
        for module in _walk(collection.get_member(package))
        if not any(part.startswith("_") for part in module.path.split("."))
    )


def undocumented(collection: griffe.ModulesCollection, module: str) -> list[str]:
    """The names of ``module.__all__`` without a docstring, or with one citing no RFC section."""
    namespace = collection.get_member(module)
    if namespace.exports is None:
        return [f"{module}: public module without __all__"]
    found = []
    for name in namespace.exports:
        member = namespace.members.get(name)
        if member is None:
            found.append(f"{module}.{name}: in __all__ but not defined")
            continue
        target = member.final_target if member.is_alias else member
        text = target.docstring.value if target.docstring else ""
        if not text.strip():
            found.append(f"{module}.{name}: no docstring")
        elif not _CITES.search(text):
            found.append(f"{module}.{name}: the docstring names no RFC section")
    return found


def rendered_modules(pages: Path) -> list[str]:
    """The modules that a ``::: module`` line of a page under ``pages`` renders."""
    text = "\n".join(path.read_text("utf-8") for path in sorted(pages.glob("*.md")))
    return re.findall(r"^::: ([\w.]+)$", text, re.MULTILINE)


@pytest.fixture(scope="module")
def code() -> griffe.ModulesCollection:
    return _load(ROOT, *PACKAGES)


def test_every_public_name_has_a_docstring_naming_its_rfc_section(
    code: griffe.ModulesCollection,
) -> None:
    missing = [
        problem
        for module in public_modules(code, *PACKAGES)
        for problem in undocumented(code, module)
    ]
    assert missing == [], "\n".join(missing)


def test_every_public_module_has_a_reference_page(code: griffe.ModulesCollection) -> None:
    rendered = rendered_modules(ROOT / "docs/reference")
    unrendered = sorted(set(public_modules(code, *PACKAGES)) - set(rendered))
    assert unrendered == [], "no ::: line in docs/reference/*.md for: " + ", ".join(unrendered)


def test_every_reference_line_renders_a_public_module_once(code: griffe.ModulesCollection) -> None:
    rendered = rendered_modules(ROOT / "docs/reference")
    public = set(public_modules(code, *PACKAGES))
    assert sorted(name for name in rendered if name not in public) == []
    assert sorted(name for name in set(rendered) if rendered.count(name) > 1) == []


def test_the_public_modules_are_found(tmp_path: Path) -> None:
    package = tmp_path / "sample"
    (package / "_private").mkdir(parents=True)
    (package / "sub").mkdir()
    for path in (
        "__init__.py",
        "_helpers.py",
        "open.py",
        "_private/__init__.py",
        "_private/inner.py",
        "sub/__init__.py",
        "sub/leaf.py",
        "sub/_hidden.py",
    ):
        (package / path).write_text('"""A module (RFC 5849)."""\n__all__ = []\n', "utf-8")
    assert public_modules(_load(tmp_path, "sample"), "sample") == [
        "sample",
        "sample.open",
        "sample.sub",
        "sample.sub.leaf",
    ]


def test_a_missing_docstring_is_found(tmp_path: Path) -> None:
    package = tmp_path / "sample"
    package.mkdir()
    (package / "__init__.py").write_text(
        '"""A sample (RFC 5849)."""\n'
        '__all__ = ["LIMIT", "bare", "cited", "vague", "ghost"]\n'
        "LIMIT = 3\n"
        "def bare(): pass\n"
        'def cited():\n    """Signs (§3.4)."""\n'
        'def vague():\n    """Does things."""\n',
        encoding="utf-8",
    )
    (package / "loose.py").write_text('"""No list of names (RFC 5849)."""\n', "utf-8")
    collection = _load(tmp_path, "sample")
    assert undocumented(collection, "sample") == [
        "sample.LIMIT: no docstring",
        "sample.bare: no docstring",
        "sample.vague: the docstring names no RFC section",
        "sample.ghost: in __all__ but not defined",
    ]
    assert undocumented(collection, "sample.loose") == [
        "sample.loose: public module without __all__"
    ]


def test_a_module_without_a_page_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n::: sample\n\n::: sample.open\n", "utf-8")
    (tmp_path / "b.md").write_text("# B\n\n`::: not.a.line`\n::: sample.sub \n", "utf-8")
    assert rendered_modules(tmp_path) == ["sample", "sample.open"]
