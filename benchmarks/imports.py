"""Import cost: ``import oauthcore`` against ``import attrs``, each in a fresh interpreter.

Two methods, both on the interpreter running the benchmark, runs interleaved (attrs, oauthcore,
attrs, ...) so that load affects both alike, best (minimum) of the runs reported with the median:

1. Judged: CPU time of the import alone. The fresh interpreter reads ``time.process_time()``
   just before and just after the ``import`` statement and prints the difference: start-up is
   left out, and so is the time spent waiting for a core on a busy machine.
2. Reference: ``-X importtime``, the cumulative microseconds the interpreter reports for the
   top-level module (everything that import pulled in, attrs included for oauthcore). It is
   wall-clock time, so on a loaded machine it is the noisier of the two.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from .common import verdict

__all__ = ["extra_modules", "import_cpu_us", "import_times", "main"]

_ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    # Fixed argument list, no shell: the interpreter running this benchmark, on a constant.
    return subprocess.run(  # noqa: S603 - trusted, constant command line
        [sys.executable, *options, "-c", code],
        cwd=_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


def import_times(module: str) -> tuple[int, dict[str, int]]:
    """``-X importtime`` for ``import module`` in a fresh interpreter: the cumulative µs of the
    top-level module, and the self µs of every module that import loaded."""
    stderr = _run(f"import {module}", "-X", "importtime").stderr
    total: int | None = None
    own: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative, name = line[len("import time:") :].split("|")
        own[name.strip()] = int(self_us)
        # Nested imports are indented under their importer; the top-level one is not.
        if name.rstrip() == f" {module}":
            total = int(cumulative)
    if total is None:
        raise AssertionError(f"no -X importtime line for {module}")
    return total, own


def import_cpu_us(module: str) -> float:
    """CPU microseconds that ``import module`` takes in a fresh interpreter, start-up excluded."""
    code = (
        "import time\n"
        "start = time.process_time_ns()\n"
        f"import {module}\n"
        "print((time.process_time_ns() - start) / 1000)"
    )
    return float(_run(code).stdout)


def extra_modules() -> list[str]:
    """Modules that ``import oauthcore`` loads beyond what ``import attrs`` loads."""
    probe = "import sys, {0}; print('\\n'.join(sorted(sys.modules)))"
    attrs_mods = set(_run(probe.format("attrs")).stdout.split())
    ours = set(_run(probe.format("oauthcore")).stdout.split())
    return sorted(name for name in ours - attrs_mods if not name.startswith("oauthcore"))


def main(runs: int = 31) -> None:
    """Measure both ways, print a table and judge the 1.5x target."""
    modules = ("attrs", "oauthcore")
    for module in modules:  # warm the bytecode caches first
        _run(f"import {module}")
    cpu: dict[str, list[float]] = {module: [] for module in modules}
    cumulative: dict[str, list[int]] = {module: [] for module in modules}
    own_best: dict[str, dict[str, int]] = {module: {} for module in modules}
    for _ in range(runs):
        for module in modules:
            cpu[module].append(import_cpu_us(module))
            total, own = import_times(module)
            cumulative[module].append(total)
            best = own_best[module]
            for name, self_us in own.items():
                best[name] = min(self_us, best.get(name, self_us))
    print(f"\nImport cost in a fresh interpreter ({runs} runs each, interleaved; µs)")
    print(
        f"  {'module':<10}  {'CPU best':>9}  {'CPU median':>10}"
        f"  {'-X importtime best':>18}  {'median':>8}"
    )
    for module in modules:
        print(
            f"  {module:<10}  {min(cpu[module]):>9,.0f}  {statistics.median(cpu[module]):>10,.0f}"
            f"  {min(cumulative[module]):>18,}  {statistics.median(cumulative[module]):>8,.0f}"
        )
    extra = extra_modules()
    print(f"  modules oauthcore loads beyond attrs ({len(extra)}): {', '.join(extra)}")
    beyond = {
        name: self_us
        for name, self_us in own_best["oauthcore"].items()
        if name not in own_best["attrs"]
    }
    heaviest = sorted(beyond.items(), key=lambda item: -item[1])[:12]
    print(
        "  heaviest of them, oauthcore's own modules included (-X importtime self µs, best run):"
        f"\n    {', '.join(f'{name} {self_us:,}' for name, self_us in heaviest)}"
        f"\n    all {len(beyond)} together: {sum(beyond.values()):,} µs"
    )
    ratio = min(cpu["oauthcore"]) / min(cpu["attrs"])
    reference = min(cumulative["oauthcore"]) / min(cumulative["attrs"])
    verdict(
        "import oauthcore: at most 1.5x import attrs",
        ratio <= 1.5,
        f"{ratio:.2f}x by CPU time of the import (-X importtime, wall: {reference:.2f}x)",
    )
