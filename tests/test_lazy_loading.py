"""What ``import oauthcore`` defers: provider-side modules and large patterns load on first use."""

from __future__ import annotations

import importlib
import subprocess
import sys

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


def test_a_lazy_pattern_compiles_once() -> None:
    pattern = LazyPattern(r"a+", 0)
    first = pattern.compiled
    assert first.fullmatch("aaa")
    assert pattern.compiled is first
