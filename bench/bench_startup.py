"""Cold start to first painted window: a fresh interpreter runs `annotator.app.run_gui` on an
existing project (offscreen) and reports when the main window first paints.

The clock starts in the parent just before it launches the child, so interpreter start-up,
imports, opening the project (lock, quick check, migrations check) and building the window
all count. The project holds 2,000 articles with 300,000 entity spans (150 each), the size
issue 13 names. Target: under 1 s.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from benchlib import PYTHON, article, child_env, median, row

TARGET_S = 1.0
DOCUMENTS = 2_000
SPANS = 300_000
LABELS = ("PERSON", "ORG", "LOC", "MISC")

# The child starts like the `annotator` console script: annotator.cli is imported first.
CHILD = textwrap.dedent(
    """
    import sys, time
    started = float(sys.argv[2])
    from annotator import cli

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    painted = []

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if (
                not painted
                and event.type() == QEvent.Type.Paint
                and obj.isWidgetType()
                and isinstance(obj.window(), QMainWindow)
            ):
                painted.append(time.time() - started)
                QTimer.singleShot(0, app.quit)
            return False

    spy = FirstPaint()
    app.installEventFilter(spy)
    code = cli.main(["--project", sys.argv[1], "--annotator", "bench", "gui"])
    print(painted[0] if painted else -1, code, flush=True)
    """
)


def _make_project(path: Path) -> None:
    from annotator.formats.native_jsonl import parse_native_record
    from annotator.services.project import open_project
    from annotator.services.statistics import project_stats

    per_doc = SPANS // DOCUMENTS
    step = 3_000 // per_doc
    with open_project(path, "bench", backup=False) as project:
        for first in range(0, DOCUMENTS, 500):
            batch = [
                parse_native_record(
                    {
                        "text": article(3_000, seed=i),
                        "meta": {"title": f"Doc {i}"},
                        "entities": [
                            {"start": k * step, "end": k * step + 4, "label": LABELS[k % 4]}
                            for k in range(per_doc)
                        ],
                    }
                )
                for i in range(first, min(DOCUMENTS, first + 500))
            ]
            project.repo.add_annotated_batch(batch, "bench")
        stored = project_stats(project).entities
    if stored != SPANS:
        raise RuntimeError(f"start-up project has {stored} spans, not {SPANS}")


def run(quick: bool = False) -> list[dict[str, Any]]:
    repeats = 3 if quick else 7
    samples: list[float] = []
    cpu: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "startup.annotator"
        _make_project(path)
        env = child_env(Path(tmp) / "home")
        for _ in range(repeats + 1):  # the first run also writes the on-open backup
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.time()
            done = subprocess.run(
                [PYTHON, "-c", CHILD, str(path), repr(started)],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            parts = done.stdout.split()
            if done.returncode != 0 or not parts or float(parts[0]) < 0:
                raise RuntimeError(f"start-up run failed: {done.stdout}\n{done.stderr[-2000:]}")
            samples.append(float(parts[0]))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    first, rest = samples[0], samples[1:]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    notes = (
        f"{repeats} runs after a first one ({first:.2f} s, includes the on-open backup); "
        f"project of {DOCUMENTS:,} documents, {SPANS:,} spans; "
        f"min {min(rest):.2f} s, max {max(rest):.2f} s; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    cpu_notes = (
        "user+sys CPU time of the child process: less sensitive than wall time to other "
        "processes on the machine, but still inflated by contention"
    )
    return [
        row("cold start to first paint", median(rest), "s", TARGET_S, notes),
        row("cold start CPU time (user+sys)", median(cpu[1:]), "s", TARGET_S, cpu_notes),
    ]


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
