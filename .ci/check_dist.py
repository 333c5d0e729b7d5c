"""Prove the artifacts pip installs: what the sdist and the wheel hold, and that the wheel runs.

Editable installs (``make demo``, ``make test``) import straight from the work tree, so they
hide a package left out of the build. This builds both artifacts, checks that every module and
``py.typed`` under ``oauthcore/`` and ``transports/`` is inside each, then installs the wheel into
fresh virtual environments outside the work tree: without extras it must answer
``oauthcore --help`` and import the python-oauth2 layer; with the HTTP extras it must run
``oauthcore demo`` (the three-legged flow against the embedded provider on 127.0.0.1).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("oauthcore", "transports")


def expected_files() -> set[str]:
    """Every module and marker file of the shipped packages, as paths relative to the root."""
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py" or path.name == "py.typed":
                found.add(path.relative_to(ROOT).as_posix())
    return found


def run(*command: str | Path, cwd: Path) -> str:
    """Run ``command`` in ``cwd``; fail loudly with its output if it fails."""
    print("+", " ".join(str(part) for part in command), flush=True)
    done = subprocess.run(  # noqa: S603 - our own interpreter and our own arguments
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def missing(listing: set[str], prefix: str = "") -> list[str]:
    return sorted(name for name in expected_files() if prefix + name not in listing)


def fresh_python(where: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    return where / "bin" / "python"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="oauthcore-dist-") as scratch:
        work = Path(scratch)
        out = work / "dist"
        run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT, cwd=work)
        (wheel,) = out.glob("*.whl")
        (sdist,) = out.glob("*.tar.gz")

        in_wheel = set(zipfile.ZipFile(wheel).namelist())
        with tarfile.open(sdist) as archive:
            top = archive.getnames()[0].split("/")[0]
            in_sdist = set(archive.getnames())
        problems = [f"the wheel lacks {name}" for name in missing(in_wheel)]
        problems += [f"the sdist lacks {name}" for name in missing(in_sdist, f"{top}/")]
        if problems:
            sys.exit("\n".join(problems))
        print(f"{wheel.name} and {sdist.name} hold all {len(expected_files())} files", flush=True)

        # A fresh environment with no extras, run from outside the work tree.
        bare = fresh_python(work / "bare")
        run(bare, "-m", "pip", "install", "--quiet", wheel, cwd=work)
        run(bare.parent / "oauthcore", "--help", cwd=work)
        run(bare, "-c", "import transports.oauth2_compat, transports.cli", cwd=work)
        run(bare, "-m", "pip", "check", cwd=work)

        # With the HTTP extras, the demo runs the whole flow through every transport.
        full = fresh_python(work / "full")
        run(full, "-m", "pip", "install", "--quiet", f"{wheel}[urllib3,httplib2]", cwd=work)
        print(run(full.parent / "oauthcore", "demo", cwd=work), flush=True)


if __name__ == "__main__":
    main()
