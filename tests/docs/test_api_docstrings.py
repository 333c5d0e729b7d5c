"""Every public name has a docstring naming its RFC section, and a page in the API reference.

mkdocstrings renders a name without a docstring as a bare signature and carries on, so
``mkdocs build --strict`` alone would not notice one. This test reads the code as mkdocstrings
does (with griffe, statically: a constant's docstring is the string right after it) and fails
for any name in the ``__all__`` of a documented module that has none.
"""

from __future__ import annotations

import re
from pathlib import Path

import griffe
import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The public modules, each rendered by a ``::: module`` line of a page in docs/reference/.
DOCUMENTED = (
    "oauthcore",
    "oauthcore.client",
    "oauthcore.provider",
    "oauthcore.methods",
    "oauthcore.rsa",
    "oauthcore.diagnosis",
    "oauthcore.bodies",
    "oauthcore.multipart",
    "oauthcore.policy",
    "oauthcore.signing",
    "oauthcore.base_string",
    "oauthcore.header",
    "oauthcore.encoding",
    "oauthcore.redaction",
    "transports",
    "transports.wsgi",
    "transports.demo",
)
# A section of RFC 5849 ("§3.4.1") or a named RFC ("RFC 9110").
_CITES = re.compile(r"§\s?\d|RFC \d+")


def _load(search_path: Path, *packages: str) -> griffe.ModulesCollection:
    loader = griffe.GriffeLoader(search_paths=[str(search_path)])
    for package in packages:
        loader.load(package)
    loader.resolve_aliases(implicit=False, external=False)
    return loader.modules_collection


def undocumented(collection: griffe.ModulesCollection, module: str) -> list[str]:
    """The names of ``module.__all__`` without a docstring, or with one citing no RFC section."""
    found = []
    namespace = collection.get_member(module)
    for name in namespace.exports or ():
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


@pytest.fixture(scope="module")
def code() -> griffe.ModulesCollection:
    return _load(ROOT, "oauthcore", "transports")


@pytest.mark.parametrize("module", DOCUMENTED)
def test_every_public_name_has_a_docstring_naming_its_rfc_section(
    module: str, code: griffe.ModulesCollection
) -> None:
    assert undocumented(code, module) == []


def test_every_documented_module_has_a_reference_page() -> None:
    pages = "\n".join(path.read_text("utf-8") for path in (ROOT / "docs/reference").glob("*.md"))
    rendered = re.findall(r"^::: ([\w.]+)$", pages, re.MULTILINE)
    assert sorted(rendered) == sorted(DOCUMENTED)


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
    assert undocumented(_load(tmp_path, "sample"), "sample") == [
        "sample.LIMIT: no docstring",
        "sample.bare: no docstring",
        "sample.vague: the docstring names no RFC section",
        "sample.ghost: in __all__ but not defined",
    ]
