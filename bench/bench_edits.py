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


def run(quick: bool = False) -> list[dict[str, Any]]:
    rounds = 60 if quick else 300
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
            started = time.perf_counter()
            session = DocumentSession(project, doc_id)
            open_ms = (time.perf_counter() - started) * 1000
            assert len(session.annotations.entities) == SPANS
            adds, undos = [], []
            for i in range(rounds):
                start = (i * 7919) % (len(text) - 20)
                t0 = time.perf_counter()
                session.apply(session.new_entity(start, start + 8, "ORG"))
                t1 = time.perf_counter()
                session.history.undo()
                t2 = time.perf_counter()
                adds.append((t1 - t0) * 1000)
                undos.append((t2 - t1) * 1000)
            assert len(session.annotations.entities) == SPANS
    notes = f"{rounds} rounds; median add {median(adds):.2f} ms, undo {median(undos):.2f} ms"
    return [
        row("add span, 20k-span doc (p95)", percentile(adds, 95), "ms", FRAME_MS, notes),
        row("undo add span (p95)", percentile(undos, 95), "ms", FRAME_MS, notes),
        row("open 20k-span document session", open_ms, "ms", 300.0, "load text + annotations"),
    ]


if __name__ == "__main__":
    for r in run(quick=True):
        print(r)
