"""CLI start-up: wall time of `annotator stats`, `export` and `import` on a tiny project.

Each run is a fresh interpreter (`python -m annotator.cli ...`), timed from the parent, so
interpreter start-up, imports, opening the project and the command itself all count. A
bare `python -c pass` and `import sqlalchemy.orm` alone (which every command that opens a
project needs) are measured in the same run for comparison. Target: 0.15 s each.

With PYTHONDONTWRITEBYTECODE set (as in some shells and CI), a source checkout has no
bytecode and every run compiles Annotator's modules again; an installed wheel has its .pyc
files (pip compiles them on install, the installers bundle them). The "(bytecode cached)"
rows, what an installed command costs, run with compiled bytecode kept under a
PYTHONPYCACHEPREFIX in the temporary folder (the checkout is not touched); both rows have
the target.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import PYTHON, ROOT, child_env, median, percentile, row

TARGET_S = 0.15
RUNS, QUICK_RUNS = 15, 5


CACHED = " (bytecode cached)"


def _timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def run(quick: bool = False) -> list[dict[str, Any]]:
    runs = QUICK_RUNS if quick else RUNS
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        folder = Path(tmp)
        env = child_env(folder / "home")
        project = folder / "tiny.annotator"
        article = folder / "a.txt"
        article.write_text("Acme hired Jane Doe on Monday.", encoding="utf-8")
        cli = [PYTHON, "-m", "annotator.cli", "--project", str(project)]
        subprocess.run([*cli, "import", str(article)], env=env, check=True, capture_output=True)
        cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        subprocess.run(
            [PYTHON, "-m", "compileall", "-q", str(ROOT / "annotator")],
            env=cached,
            check=True,
            capture_output=True,
        )
        annotator = {
            "annotator stats": [*cli, "stats"],
            "annotator export": [*cli, "export", "--out", str(folder / "out.jsonl")],
            "annotator import": [*cli, "import", str(article)],  # a duplicate: nothing stored
        }
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([PYTHON, "-c", "pass"], env),
            "python -c 'import sqlalchemy.orm'": ([PYTHON, "-c", "import sqlalchemy.orm"], env),
            **{name: (argv, env) for name, argv in annotator.items()},
            **{name + CACHED: (argv, cached) for name, argv in annotator.items()},
        }
        for argv, cached_env in list(commands.values())[-len(annotator) :]:
            subprocess.run(argv, env=cached_env, check=True, capture_output=True)  # warm up
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):  # interleaved, so that a busy moment hits every command alike
            for name, (argv, command_env) in commands.items():
                samples[name].append(_timed(argv, command_env))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    for name, times in samples.items():
        rows.append(
            row(
                f"cli start-up: {name}",
                median(times),
                "s",
                None if name.startswith("python") else TARGET_S,
                f"median of {runs} fresh processes, p95 {percentile(times, 95):.3f} s, "
                f"load {load:.1f}",
                p95=round(percentile(times, 95), 4),
            )
        )
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv[1:]):
        print(r)
