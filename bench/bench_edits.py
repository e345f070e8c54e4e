"""Add one span to a document with 20,000 spans and undo it, through DocumentSession.

Each add and each undo is one committed SQLite transaction (WAL, synchronous=FULL), the
same path the GUI's QUndoStack drives. Target: p95 under one 60 Hz frame (16 ms).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import article, median, percentile, row

from annotator.core.ids import new_id
from annotator.core.model import EntitySpan
from annotator.services.project import open_project
from annotator.services.session import DocumentSession
from annotator.storage import NewDocument

SPANS = 20_000
TEXT_CHARS = 3_000_000
FRAME_MS = 16.0


def _one_run(session: DocumentSession, rounds: int) -> tuple[list[float], list[float]]:
    adds, undos = [], []
    n = len(session.text)
    for i in range(rounds):
        start = (i * 7919) % (n - 20)
        t0 = time.perf_counter()
        session.apply(session.new_entity(start, start + 8, "ORG"))
        t1 = time.perf_counter()
        session.history.undo()
        t2 = time.perf_counter()
        adds.append((t1 - t0) * 1000)
        undos.append((t2 - t1) * 1000)
    return adds, undos


def run(quick: bool = False) -> list[dict[str, Any]]:
    runs, rounds = (3, 60) if quick else (7, 100)
    add_p95: list[float] = []
    undo_p95: list[float] = []
    add_all: list[float] = []
    undo_all: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "edits.annotator"
        with open_project(path, "bench", backup=False) as project:
            text = article(TEXT_CHARS)
            doc_id, _ = project.repo.add_document(NewDocument("Long report", text))
            step = len(text) // SPANS
            project.repo.editor(doc_id, "bench").add_many(
                EntitySpan(new_id(), i * step, i * step + 5, "PERSON", "bench")
                for i in range(SPANS)
            )
            opens = []
            for _ in range(runs):
                started = time.perf_counter()
                session = DocumentSession(project, doc_id)
                opens.append((time.perf_counter() - started) * 1000)
                assert len(session.annotations.entities) == SPANS
                adds, undos = _one_run(session, rounds)
                add_p95.append(percentile(adds, 95))
                undo_p95.append(percentile(undos, 95))
                add_all += adds
                undo_all += undos
                assert len(session.annotations.entities) == SPANS
    notes = (
        f"median of {runs} runs of {rounds} add+undo pairs, p95 per run "
        f"{min(add_p95):.1f}-{max(add_p95):.1f} ms (add), "
        f"{min(undo_p95):.1f}-{max(undo_p95):.1f} ms (undo); median add "
        f"{median(add_all):.2f} ms, undo {median(undo_all):.2f} ms; one fsync per commit"
    )
    return [
        row("add span, 20k-span doc (p95)", median(add_p95), "ms", FRAME_MS, notes),
        row("undo add span (p95)", median(undo_p95), "ms", FRAME_MS, notes),
        row(
            "open 20k-span document session",
            median(opens),
            "ms",
            300.0,
            f"3 MB text + 20,000 spans from storage; median of {runs}",
        ),
    ]


if __name__ == "__main__":
    for r in run(quick=True):
        print(r)
