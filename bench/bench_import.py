"""Import 10,000 plain-text articles from a folder into a new project (services.import_paths)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import article, median, row

from annotator.services.importing import import_paths
from annotator.services.project import open_project

FILES = 10_000
TARGET_S = 30.0  # 10,000 files in half a minute: > 330 files/s


def run(quick: bool = False) -> list[dict[str, Any]]:
    files = 2_000 if quick else FILES
    repeats = 1 if quick else 3
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        total = 0
        for i in range(files):
            text = f"Article {i}\n\n" + article(1_500 + (i % 7) * 500, seed=i)
            (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
            total += len(text)
        for attempt in range(repeats):
            path = Path(tmp) / f"import{attempt}.annotator"
            with open_project(path, "bench", backup=False) as project:
                started = time.perf_counter()
                report = import_paths(project, [folder])
                times.append(time.perf_counter() - started)
                assert report.imported == files, report.summary()
    scaled = median(times) * FILES / files
    notes = (
        f"{files} files ({total / 2**20:.0f} MB) per run, {repeats} runs, "
        f"{files / median(times):.0f} files/s"
        + (f"; scaled to {FILES} files" if files != FILES else "")
    )
    return [row(f"import {FILES:,} text files", scaled, "s", TARGET_S, notes)]


if __name__ == "__main__":
    print(run(quick=True))
