"""The README's Install section names every extra of pyproject.toml, so a new one gets its row."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_extra_has_a_row_in_the_install_table() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Install\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `pip install 'oauthcore\[([\w-]+)\]'` \|", section, re.MULTILINE)
    assert sorted(rows) == sorted(extras)
