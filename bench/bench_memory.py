"""Peak memory with a 1,000,000-span project: open it, compute its statistics, list its
documents and load its largest document (20,000 spans) for editing, in a fresh process.

Peak resident set size of that process (VmHWM; ru_maxrss where there is no /proc) is the
figure; target under 300 MB.
Opening time (lock, quick check, migrations check) is reported too; the backup that follows
an open (in the background in the GUI) runs in the same process and counts towards the peak.

The real window: a fresh process opens the same project in `MainWindow` (offscreen,
1400x860, every panel) and visits 50 large documents with `open_document` (the 3 MB /
20,000-span article first and last, 48 of the 1,000-span ones between); its peak RSS and
its RSS at the end are the figures (target 300 MB): a left document must be released.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from benchlib import PYTHON, article, child_env, median, row

from annotator.core.ids import new_id
from annotator.core.model import EntitySpan
from annotator.formats.native_jsonl import parse_native_record
from annotator.services.project import open_project

TOTAL_SPANS = 1_000_000
LARGEST_SPANS = 20_000
PER_DOC = 1_000
TARGET_MB = 300.0

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time

    def rss_mb(field="VmHWM"):
        # Linux: the high-water mark of this process's own memory. ru_maxrss is not used
        # there: after fork+exec it still counts the parent's peak at fork time.
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith(field + ":"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024

    from annotator.services.backups import backup_if_due
    from annotator.services.project import open_project
    from annotator.services.session import DocumentSession
    from annotator.services.statistics import project_stats

    out = {"after_import_mb": rss_mb("VmRSS")}
    t0 = time.perf_counter()
    project = open_project(sys.argv[1], "bench", backup=False)  # as the GUI opens it
    out["open_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    stats = project_stats(project)
    out["stats_s"] = time.perf_counter() - t0
    out["entities"] = stats.entities
    t0 = time.perf_counter()
    docs = project.repo.list_documents()
    out["list_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    session = DocumentSession(project, sys.argv[2])
    out["load_largest_s"] = time.perf_counter() - t0
    out["largest_spans"] = len(session.annotations.entities)
    out["documents"] = len(docs)
    t0 = time.perf_counter()
    made = backup_if_due(project)  # the GUI's on-open backup, in this process
    out["backup_s"] = time.perf_counter() - t0 if made else None
    out["peak_mb"] = rss_mb()
    project.close()
    print(json.dumps(out))
    """
)


WINDOW_CHILD = textwrap.dedent(
    """
    import json, sys, time

    def rss_mb(field):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.services.project import open_project
    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import AppSettings

    app = QApplication(sys.argv[:1])
    path, big_id, settings_path = sys.argv[1:4]
    project = open_project(path, "bench", backup=False)
    settings = AppSettings(QSettings(settings_path, QSettings.Format.IniFormat))
    window = MainWindow(project, settings, restore=False)
    window.resize(1400, 860)
    window.show()
    for _ in range(3):
        app.processEvents()
    others = [d for d in project.repo.document_ids() if d != big_id][:48]
    visits = [big_id, *others, big_id]
    out = {"start_mb": rss_mb("VmRSS")}
    t0 = time.perf_counter()
    for doc_id in visits:
        window.open_document(doc_id)
        for _ in range(3):
            app.processEvents()
        assert window.model.document_id == doc_id
    out["visit_s"] = time.perf_counter() - t0
    out["visited"] = len(visits)
    out["spans_open"] = len(window.model.session.annotations.entities)
    out["end_mb"] = rss_mb("VmRSS")
    out["peak_mb"] = rss_mb("VmHWM")
    window.close()
    app.processEvents()
    print(json.dumps(out))
    """
)


def _window_visits(path: Path, big_id: str, tmp: Path) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, "-c", WINDOW_CHILD, str(path), big_id, str(tmp / "settings.ini")],
        capture_output=True,
        text=True,
        env=child_env(tmp / "home"),
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _build(path: Path, total: int) -> str:
    """A project with `total` entity spans: one 3 MB article with 20,000, the rest 1,000 each."""
    with open_project(path, "bench", backup=False) as project:
        big = parse_native_record({"text": article(3_000_000), "meta": {"title": "Largest"}})
        ((big_id, _),) = project.repo.add_annotated_batch([big], "bench")
        rest = total - LARGEST_SPANS
        n_docs = max(1, rest // PER_DOC)
        batch = [parse_native_record({"text": article(20_000, seed=i + 1)}) for i in range(n_docs)]
        ids = [doc_id for doc_id, _ in project.repo.add_annotated_batch(batch, "bench")]
        labels = ["PERSON", "ORG", "LOC", "MISC"]
        for doc_id, spans in [(big_id, LARGEST_SPANS)] + [(d, PER_DOC) for d in ids]:
            length = 3_000_000 if doc_id == big_id else 20_000
            step = length // spans
            project.repo.editor(doc_id, "bench").add_many(
                EntitySpan(new_id(), i * step, i * step + 4, labels[i % 4], "bench")
                for i in range(spans)
            )
    return big_id


def run(quick: bool = False) -> list[dict[str, Any]]:
    total = 100_000 if quick else TOTAL_SPANS
    repeats = 1 if quick else 3
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "million.annotator"
        started = time.perf_counter()
        big_id = _build(path, total)
        build_s = time.perf_counter() - started
        size_mb = path.stat().st_size / 2**20
        for _ in range(repeats):
            done = subprocess.run(
                [PYTHON, "-c", CHILD, str(path), big_id],
                capture_output=True,
                text=True,
                env=child_env(Path(tmp) / "home"),
                timeout=600,
            )
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-2000:])
            results.append(json.loads(done.stdout))
        visits = [_window_visits(path, big_id, Path(tmp)) for _ in range(repeats)]
    first = results[0]
    assert first["entities"] == total and first["largest_spans"] == LARGEST_SPANS
    peak = median([r["peak_mb"] for r in results])
    notes = (
        f"{total:,} spans in {first['documents']:,} documents, file {size_mb:.0f} MB "
        f"(built in {build_s:.0f} s); RSS after imports {first['after_import_mb']:.0f} MB; "
        f"stats {median([r['stats_s'] for r in results]):.2f} s, list documents "
        f"{median([r['list_s'] for r in results]):.2f} s, load largest "
        f"{median([r['load_largest_s'] for r in results]):.2f} s"
    )
    open_notes = (
        "lock, quick check (files up to 16 MB), schema check, as the GUI opens it; the "
        "on-open backup then runs in the background: "
        + ", ".join(f"{r['backup_s']:.1f} s" for r in results if r["backup_s"] is not None)
    )
    window_notes = (
        f"MainWindow 1400x860 offscreen, {visits[0]['visited']} documents visited with "
        f"open_document (the {LARGEST_SPANS:,}-span article first and last, "
        f"{PER_DOC:,}-span ones between) in {median([v['visit_s'] for v in visits]):.1f} s; "
        f"RSS with the window open {median([v['start_mb'] for v in visits]):.0f} MB, at the "
        f"end {median([v['end_mb'] for v in visits]):.0f} MB; {len(visits)} runs"
    )
    return [
        row(
            "window: peak RSS after visiting 50 large documents",
            median([v["peak_mb"] for v in visits]),
            "MB",
            TARGET_MB,
            window_notes,
        ),
        row(
            "window: RSS at the end of the 50 visits",
            median([v["end_mb"] for v in visits]),
            "MB",
            TARGET_MB,
            window_notes,
        ),
        row(f"peak RSS, {total:,}-span project", peak, "MB", TARGET_MB, notes),
        row(
            f"open {total:,}-span project",
            median([r["open_s"] for r in results]),
            "s",
            1.0,
            open_notes,
        ),
    ]


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
