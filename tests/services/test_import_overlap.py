"""A lean import commits each batch while the next is parsed; nothing is lost or miscounted."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.services import importing
from annotator.services.errors import Cancelled
from annotator.services.importing import import_paths
from annotator.services.project import open_project
from annotator.storage import bulk_writes
from annotator.storage.sqlite_store import SqliteStore


def _corpus(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = f"Acme {i:05d} hired Jane Doe."
            record = {
                "id": f"d{i}",
                "text": text,
                "entities": [{"id": f"e{i}", "start": 0, "end": 4, "label": "ORG"}],
                "sentiment": {"document": "neutral"},
            }
            out.write(json.dumps(record) + "\n")
    return path


def _lean(path: Path) -> Any:
    with open_project(path, "ana", backup=False):
        pass  # created at the current schema: the lean path opens it
    project = open_project(path, "ana", backup=False, lean=True)
    assert isinstance(project.bulk, SqliteStore)
    return project


def _stored(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        spans = conn.execute("SELECT COUNT(*) FROM entity_spans").fetchone()[0]
    finally:
        conn.close()
    return int(docs), int(spans)


def test_every_batch_is_stored_and_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 7)
    source = _corpus(tmp_path / "in.jsonl", 50)
    seen: list[int] = []
    with _lean(tmp_path / "p.annotator") as project:
        report = import_paths(project, [source], progress=lambda r: seen.append(r.imported))
    assert report.imported == 50 and report.annotations == 100 and not report.problems
    assert seen == sorted(seen) and seen[-1] == 50
    assert _stored(tmp_path / "p.annotator") == (50, 50)


def _failing_commit_once(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The next batch's COMMIT fails (a deferred foreign key that does not hold)."""
    real = bulk_writes._add_batch
    calls: list[int] = []

    def add_batch(conn: sqlite3.Connection, items: Any, annotator: str) -> Any:
        results = real(conn, items, annotator)
        calls.append(len(items))
        if len(calls) == 1:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            conn.execute(
                "INSERT INTO document_sentiments (document_id, annotator_id, label, created_at)"
                " VALUES ('no such document', 'nobody', 'x', '2026-01-01 00:00:00')"
            )
        return results

    monkeypatch.setattr(bulk_writes, "_add_batch", add_batch)
    return calls


def test_a_failed_commit_is_rolled_back_and_reported_by_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations

    _failing_commit_once(monkeypatch)
    with _lean(tmp_path / "p.annotator") as project:
        store = project.bulk
        item = AnnotatedDocument(Document("d1", "T", "Acme hired Jane."), DocumentAnnotations())
        pending = store.begin_annotated_batch([item], "ana")
        with pytest.raises(Exception, match="FOREIGN KEY"):
            pending.wait()
        assert not store.conn.in_transaction
        assert store.count_documents() == 0
        assert store.begin_annotated_batch([item], "ana").wait() == [("d1", True)]
        assert store.count_documents() == 1


def test_a_batch_whose_commit_fails_is_stored_record_by_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 10)
    calls = _failing_commit_once(monkeypatch)
    source = _corpus(tmp_path / "in.jsonl", 25)
    with _lean(tmp_path / "p.annotator") as project:
        report = import_paths(project, [source])
    assert calls[0] == 10 and len(calls) > 3  # the first batch was stored again, one by one
    assert report.imported == 25 and not report.problems
    assert _stored(tmp_path / "p.annotator") == (25, 25)


def test_cancelling_finishes_the_batch_in_flight_and_counts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 10)
    source = _corpus(tmp_path / "in.jsonl", 40)
    seen: list[int] = []
    asked = iter(range(1000))

    def cancelled() -> bool:
        return next(asked) >= 15  # while the second batch is being read

    with _lean(tmp_path / "p.annotator") as project:
        with pytest.raises(Cancelled):
            import_paths(project, [source], lambda r: seen.append(r.imported), cancelled)
        assert not project.bulk.conn.in_transaction
    docs, spans = _stored(tmp_path / "p.annotator")
    assert docs == spans == seen[-1] == 10  # the first batch: committed and reported


def test_the_repository_path_overlaps_too_and_gives_its_connection_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the window's import uses: the SQLAlchemy-pooled connection, the same overlap."""
    monkeypatch.setattr(importing, "BATCH", 10)
    calls = _failing_commit_once(monkeypatch)
    source = _corpus(tmp_path / "in.jsonl", 35)
    with open_project(tmp_path / "p.annotator", "ana", backup=False) as project:
        assert not isinstance(project.bulk, SqliteStore)
        report = import_paths(project, [source])
        assert project.repo.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert project.repo.count_documents() == 35
    assert calls[0] == 10 and report.imported == 35 and not report.problems
    assert _stored(tmp_path / "p.annotator") == (35, 35)
