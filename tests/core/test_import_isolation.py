"""``import oauthcore`` loads no HTTP library and no `cryptography` (design rule 1).

A fresh subprocess is the only honest check: this test process has long since imported everything.
Also the package's public surface: its exports and its error tree.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import KEYS

ROOT = Path(__file__).resolve().parents[2]

# Top-level packages the core must never pull in: HTTP clients, TLS, socket-level HTTP servers.
FORBIDDEN = [
    "http.client",
    "http.server",
    "ssl",
    "socket",
    "socketserver",
    "urllib.request",
    "urllib3",
    "httplib2",
    "requests",
    "httpx",
    "aiohttp",
    "cryptography",
    "transports",
]

_PROBE = """
import json, sys
import oauthcore
after_import = sorted(sys.modules)
pem = open(sys.argv[1], encoding="ascii").read()
consumer = oauthcore.Consumer("ck", rsa_key=pem)
signed = oauthcore.sign(
    oauthcore.Request("GET", "https://example.com/"), consumer, method=oauthcore.RSA_SHA256
)
print(json.dumps({"after_import": after_import, "after_rsa": sorted(sys.modules)}))
"""


def _loaded(names: list[str], prefix: str) -> list[str]:
    return [name for name in names if name == prefix or name.startswith(prefix + ".")]


def test_import_oauthcore_loads_no_http_library_and_rsa_loads_cryptography_lazily() -> None:
    key = KEYS / "oauthlib_1024.pem"
    result = subprocess.run(
        [sys.executable, "-I", "-c", _PROBE, str(key)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    modules = json.loads(result.stdout)
    after_import: list[str] = modules["after_import"]
    after_rsa: list[str] = modules["after_rsa"]
    assert "oauthcore" in after_import
    for forbidden in FORBIDDEN:
        assert _loaded(after_import, forbidden) == [], f"import oauthcore loaded {forbidden}"
    # Using an RSA key is what brings `cryptography` in, and still no HTTP library. (`cryptography`
    # itself imports ``socket`` for its x509 types; that is its business, not an HTTP stack.)
    assert "cryptography" in after_rsa
    for forbidden in FORBIDDEN:
        if forbidden not in ("cryptography", "socket"):
            assert _loaded(after_rsa, forbidden) == [], f"RSA signing loaded {forbidden}"


# --- the public surface -------------------------------------------------------------------------


def test_every_public_name_is_exported() -> None:
    import oauthcore

    for name in oauthcore.__all__:
        assert getattr(oauthcore, name) is not None, name
    assert oauthcore.__version__.count(".") == 2


def test_error_tree_statuses_and_problem_codes() -> None:
    from oauthcore import errors

    expected = {
        errors.OAuthError: (400, "parameter_rejected"),
        errors.BadRequest: (400, "parameter_rejected"),
        errors.ParameterAbsent: (400, "parameter_absent"),
        errors.ParameterRejected: (400, "parameter_rejected"),
        errors.SignatureMethodRejected: (400, "signature_method_rejected"),
        errors.VersionRejected: (400, "version_rejected"),
        errors.Unauthorized: (401, "signature_invalid"),
        errors.SignatureInvalid: (401, "signature_invalid"),
        errors.TimestampRefused: (401, "timestamp_refused"),
        errors.NonceUsed: (401, "nonce_used"),
        errors.ConsumerKeyUnknown: (401, "consumer_key_unknown"),
        errors.TokenRejected: (401, "token_rejected"),
        errors.VerifierInvalid: (401, "permission_denied"),
    }
    for cls, (status, problem) in expected.items():
        error = cls("what went wrong", parameter="oauth_x")
        assert isinstance(error, errors.OAuthError)
        assert (error.status, error.problem) == (status, problem), cls.__name__
        assert (str(error), error.message, error.parameter) == (
            "what went wrong",
            "what went wrong",
            "oauth_x",
        )
    assert errors.OAuthError("m").parameter is None


def test_timestamp_refused_carries_the_acceptable_window() -> None:
    from oauthcore import TimestampRefused

    error = TimestampRefused("too old", acceptable=(100, 700))
    assert (error.parameter, error.acceptable) == ("oauth_timestamp", (100, 700))
    assert TimestampRefused("too old").acceptable is None


# --- what each extra brings ---------------------------------------------------------------------

_COMPAT_WITHOUT_HTTPLIB2 = """
import sys
sys.modules["httplib2"] = None  # as if the httplib2 extra were not installed
import transports.oauth2_compat as oauth
consumer = oauth.Consumer("key", "secret")
request = oauth.Request.from_consumer_and_token(consumer, http_url="https://api.example.com/")
request.sign_request(oauth.SignatureMethod_HMAC_SHA1(), consumer, None)
print(request.to_header()["Authorization"].startswith("OAuth "))
try:
    oauth.Client
except ImportError as exc:
    print(exc)
"""


def test_the_python_oauth2_layer_imports_and_signs_without_httplib2() -> None:
    # Only its Client is an httplib2.Http; signing and verifying need no HTTP library.
    result = subprocess.run(
        [sys.executable, "-c", _COMPAT_WITHOUT_HTTPLIB2],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.splitlines() == [
        "True",
        "oauth2_compat.Client needs httplib2, which is not installed:"
        " pip install 'oauthcore[httplib2]'",
    ]


def test_the_python_oauth2_client_loads_on_first_use() -> None:
    import transports.oauth2_compat as oauth
    from transports.oauth2_compat._client import Client

    assert oauth.Client is Client
    assert "Client" in oauth.__all__
    with pytest.raises(AttributeError, match="has no attribute 'Clinet'"):
        oauth.Clinet  # noqa: B018


def test_a_broken_python_oauth2_client_module_is_not_blamed_on_httplib2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import transports.oauth2_compat as oauth

    monkeypatch.setitem(sys.modules, "transports.oauth2_compat._client", None)
    with pytest.raises(ModuleNotFoundError) as caught:
        oauth.Client  # noqa: B018
    assert "httplib2" not in str(caught.value)


def test_the_python_oauth2_client_names_its_extra_when_httplib2_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import transports.oauth2_compat as oauth

    monkeypatch.delitem(sys.modules, "transports.oauth2_compat._client")
    monkeypatch.setitem(sys.modules, "httplib2", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthcore\[httplib2\]'"):
        oauth.Client  # noqa: B018


# --- the edge uses only the core's public names (design rule 1) ---------------------------------


def _core_uses(tree: ast.AST) -> list[tuple[str, str, int]]:
    """Every (core module, name, line) a module of ``transports`` takes from ``oauthcore``."""
    uses: list[tuple[str, str, int]] = []
    bound: dict[str, str] = {}  # a local name -> the core module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            if node.module == "oauthcore" or node.module.startswith("oauthcore."):
                uses += [(node.module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "oauthcore" or alias.name.startswith("oauthcore."):
                    if alias.asname is not None:
                        bound[alias.asname] = alias.name
                    else:
                        bound["oauthcore"] = "oauthcore"
                        if alias.name != "oauthcore":
                            # ``import oauthcore.x``: the submodule itself must be public.
                            parent, _, child = alias.name.rpartition(".")
                            uses.append((parent, child, node.lineno))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = bound.get(node.value.id)
            if module is not None:
                uses.append((module, node.attr, node.lineno))
    return uses


def test_transports_import_only_names_in_the_core_all() -> None:
    import importlib

    found = []
    for path in sorted((ROOT / "transports").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for module, name, line in _core_uses(tree):
            private = any(part.startswith("_") for part in module.split("."))
            exported = getattr(importlib.import_module(module), "__all__", ())
            if private or name not in exported:
                found.append(f"{path.relative_to(ROOT)}:{line}: {module}.{name}")
    assert found == [], "transports uses core names outside __all__:\n" + "\n".join(found)


def test_the_import_walk_sees_every_form() -> None:
    source = (
        "import oauthcore\n"
        "import oauthcore.encoding\n"
        "import oauthcore.records as recs\n"
        "from oauthcore.records import to_pairs\n"
        "from . import sibling\n"
        "def f():\n"
        "    from oauthcore import sign\n"
        "    return oauthcore.HMAC_SHA1, recs.first_header, sibling.x\n"
    )
    uses = {(module, name) for module, name, _ in _core_uses(ast.parse(source))}
    assert uses == {
        ("oauthcore", "encoding"),
        ("oauthcore.records", "to_pairs"),
        ("oauthcore", "sign"),
        ("oauthcore", "HMAC_SHA1"),
        ("oauthcore", "encoding"),
        ("oauthcore.records", "first_header"),
    }


# --- the core imports nothing from the edge (design rule 1), python -m oauthcore ---------------


def test_no_core_module_imports_transports() -> None:
    found = []
    for path in sorted((ROOT / "oauthcore").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
                for name in names
                if name == "transports" or name.startswith("transports.")
            ]
    assert found == []


def test_python_m_oauthcore_hands_over_to_the_cli_only_when_run() -> None:
    # The one place the core names the edge: oauthcore/__main__.py, by a string, at run time.
    source = (ROOT / "oauthcore" / "__main__.py").read_text(encoding="utf-8")
    mentions = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "oauthcore").rglob("*.py")
        if '"transports.cli"' in path.read_text(encoding="utf-8")
    ]
    assert mentions == ["oauthcore/__main__.py"]
    assert 'if __name__ == "__main__":\n    sys.exit(importlib.import_module("transports.cli")' in (
        source
    )
    probe = "import sys, oauthcore.__main__; print(sorted(m for m in sys.modules if 'transp' in m))"
    loaded = subprocess.run(
        [sys.executable, "-I", "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert loaded.stdout.strip() == "[]"


def test_python_m_oauthcore_is_the_oauthcore_command() -> None:
    command = Path(sys.executable).parent / "oauthcore"
    for args in (["--version"], ["sign", "--help"]):
        as_module = subprocess.run(
            [sys.executable, "-m", "oauthcore", *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        as_script = subprocess.run(
            [command, *args], capture_output=True, text=True, check=True, timeout=120
        )
        assert as_module.stdout == as_script.stdout
    assert as_module.stdout.startswith("usage: oauthcore sign ")


def test_python_m_oauthcore_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["oauthcore", "--version"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("oauthcore", run_name="__main__")
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("oauthcore ")
    # Imported rather than run, it does nothing.
    runpy.run_module("oauthcore.__main__", run_name="oauthcore.__main__")
