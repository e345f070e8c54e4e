"""Exports by worker processes: the same bytes and report as one process, one snapshot,
failures raised, cancels honoured, and a quiet fallback where workers cannot run."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    Status,
    TargetSentiment,
)
from annotator.core.text import content_hash
from annotator.services import export_workers
from annotator.services.exporting import Cancelled, ExportReport, export_project
from annotator.services.project import Project, open_project
from annotator.storage import sqlite_connect, sqlite_reads
from tests.storage.test_sqlite_reads import _without_triggers

DOCUMENTS = 45
STATUSES = (Status.TODO, Status.IN_PROGRESS, Status.DONE)


def _documents(annotator: str) -> Iterator[AnnotatedDocument]:
    for i in range(DOCUMENTS):
        text = f"Report {i}: Liu He 👩‍👩‍👧 met José in 北京; he said “talks will resume”."
        who = text.index("Liu He")
        quote = text.index("“")
        person = EntitySpan(f"{annotator}-p{i}", who, who + 6, "PERSON")
        place = EntitySpan(f"{annotator}-g{i}", text.index("北京"), text.index("北京") + 2, "GPE")
        end = text.index("”") + 1
        claim = Claim(f"{annotator}-c{i}", quote, end, speaker_id=person.id)
        target = TargetSentiment(f"{annotator}-t{i}", person.id, "positive")
        doc = Document(
            f"d{i:03d}",
            f"Report {i}",
            text,
            "test",
            {"n": i},
            STATUSES[i % 3],
            content_hash(text),
        )
        entities = [person, place] if i % 4 else [person]
        annotations = DocumentAnnotations.of(
            entities, [claim], [target], document_sentiment="neutral"
        )
        yield AnnotatedDocument(doc, annotations)


@pytest.fixture
def filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    monkeypatch.setattr(export_workers, "RANGE_SIZE", 7)  # 45 documents: 7 ranges
    with open_project(tmp_path / "many.annotator") as project:
        project.repo.add_annotated_batch(list(_documents("tester")), "tester")
        project.repo.add_annotated_batch(list(_documents("other"))[::3], "other")
        yield project


def _export(project: Project, out: Path, workers: int, **options: object) -> ExportReport:
    return export_project(project, out, "jsonl", workers=workers, **options)  # type: ignore[arg-type]


def _manifest(path: Path) -> dict[str, object]:
    data = json.loads(Path(f"{path}.manifest.json").read_text(encoding="utf-8"))
    for key in ("exported_at", "output"):
        data.pop(key)
    return data


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"status": Status.DONE},
        {"annotator": "other"},
        {"labels": ["GPE"]},
        {"layer": "annotator:tester", "status": Status.TODO},
    ],
    ids=["all", "status", "annotator", "labels", "layer"],
)
def test_workers_write_the_bytes_and_the_report_of_one_process(
    filled: Project, tmp_path: Path, options: dict[str, object]
) -> None:
    alone = _export(filled, tmp_path / "alone.jsonl", 1, **options)
    side_by_side = _export(filled, tmp_path / "workers.jsonl", 3, **options)
    expected = (tmp_path / "alone.jsonl").read_bytes()
    assert expected and (tmp_path / "workers.jsonl").read_bytes() == expected
    assert side_by_side.documents == alone.documents > 0
    assert side_by_side.counts == alone.counts
    assert side_by_side.losses == alone.losses and side_by_side.notes == alone.notes
    assert _manifest(tmp_path / "workers.jsonl") == _manifest(tmp_path / "alone.jsonl")
    assert not multiprocessing.active_children()


def test_progress_is_reported_for_every_document_in_order(filled: Project, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    _export(filled, tmp_path / "out.jsonl", 2, progress=lambda n, total: seen.append((n, total)))
    assert seen == [(DOCUMENTS, DOCUMENTS)]  # every 100th and the last, as in one process
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"d{i:03d}" for i in range(DOCUMENTS)]


def test_unusable_rows_are_reported_once_by_the_exporting_process(
    filled: Project, tmp_path: Path
) -> None:
    statement = "UPDATE documents SET status = 'pwned' WHERE id IN ('d003', 'd040')"
    _without_triggers(filled.path, [(statement, ())])  # type: ignore[arg-type]
    report = _export(filled, tmp_path / "out.jsonl", 2)
    assert report.documents == DOCUMENTS
    bad = filled.bulk.bad_rows
    assert bad.count == 2
    assert any("d003" in m for m in bad.messages) and any("d040" in m for m in bad.messages)


def test_a_cancel_stops_the_workers_and_writes_nothing(filled: Project, tmp_path: Path) -> None:
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 10

    with pytest.raises(Cancelled):
        _export(filled, tmp_path / "out.jsonl", 2, cancelled=cancelled)
    assert not (tmp_path / "out.jsonl").exists()
    assert not multiprocessing.active_children()


def test_a_worker_that_dies_fails_the_export_and_leaves_the_old_file(
    filled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(filled.path) as conn:  # type: ignore[arg-type]
        # 900 KB of text: more than the pipes hold, so no worker can have sent all of it
        conn.execute("UPDATE documents SET text = text || printf('%.20000c', ' ')")
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")
    original = export_workers._write_ranges

    def write_after_killing(*args: object) -> int:
        for child in multiprocessing.active_children():
            child.kill()
            child.join()
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(export_workers, "_write_ranges", write_after_killing)
    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        _export(filled, out, 2)
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not multiprocessing.active_children()


def test_a_worker_error_reaches_the_exporting_process(filled: Project, tmp_path: Path) -> None:
    with (tmp_path / "out").open("wb") as out, pytest.raises(ValueError, match="nowhere"):
        export_workers.export_in_workers(
            filled.path,  # type: ignore[arg-type]
            out,
            export_workers.ExportContext(),
            fmt="nowhere",  # each worker looks its writer up after its snapshot: and fails
            workers=2,
        )
    assert not multiprocessing.active_children()


def test_every_worker_reads_the_snapshot_taken_while_the_project_was_locked(
    filled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = export_workers._start

    def start_then_edit(*args: object) -> object:
        result = started(*args)  # type: ignore[arg-type]
        with sqlite3.connect(filled.path) as conn:  # type: ignore[arg-type]
            conn.execute("UPDATE documents SET title = 'changed' WHERE id IN ('d000', 'd044')")
            conn.execute("DELETE FROM claims WHERE document_id = 'd030'")
        return result

    monkeypatch.setattr(export_workers, "_start", start_then_edit)
    alone = tmp_path / "alone.jsonl"
    _export(filled, alone, 1)
    expected = alone.read_bytes()  # before the edits
    _export(filled, tmp_path / "workers.jsonl", 2)
    assert (tmp_path / "workers.jsonl").read_bytes() == expected
    _export(filled, alone, 1)
    assert alone.read_bytes() != expected  # the edits did land, after the snapshot


def test_a_project_that_cannot_be_locked_is_exported_by_one_process(
    filled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_connect, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(filled.path, isolation_level=None)  # type: ignore[arg-type]
    holder.execute("BEGIN IMMEDIATE")  # a colleague's long write
    try:
        report = _export(filled, tmp_path / "out.jsonl", 2)
    finally:
        holder.rollback()
        holder.close()
    assert report.documents == DOCUMENTS
    assert not multiprocessing.active_children()


def test_workers_that_do_not_start_leave_the_export_to_one_process(
    filled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_workers, "START_TIMEOUT_S", 0.0)  # none is ready at once
    with (tmp_path / "x").open("wb") as out:
        started = export_workers.export_in_workers(
            filled.path,  # type: ignore[arg-type]
            out,
            export_workers.ExportContext(),
            fmt="jsonl",
            workers=2,
        )
    assert started is None and not multiprocessing.active_children()
    assert (tmp_path / "x").read_bytes() == b""
    assert _export(filled, tmp_path / "out.jsonl", 2).documents == DOCUMENTS


def test_ordinal_ranges_cover_every_document_once(filled: Project) -> None:
    conn = sqlite_connect.connect(filled.path)  # type: ignore[arg-type]
    try:
        for status in (None, Status.DONE):
            ranges = sqlite_reads.ordinal_bounds(conn, status, 7)
            assert ranges[0][0] == -1 and ranges[-1][1] is None
            ids = [
                item.document.id
                for after, upto in ranges
                for item in sqlite_reads.iter_annotated(conn, status, after=after, upto=upto)
            ]
            whole = [item.document.id for item in sqlite_reads.iter_annotated(conn, status)]
            assert ids == whole and len(set(ids)) == len(ids)
        assert sqlite_reads.ordinal_bounds(conn, Status.DONE, 1000) == [(-1, None)]
    finally:
        conn.close()


def test_how_many_workers_are_worth_starting() -> None:
    few, many = export_workers.MIN_DOCUMENTS - 1, 100_000
    assert export_workers.worker_count(few, "jsonl", cores=8) == 0
    assert export_workers.worker_count(many, "jsonl", cores=1) == 0
    assert export_workers.worker_count(many, "doccano", cores=8) == 0
    assert export_workers.worker_count(many, "jsonl", cores=2) == 2
    assert export_workers.worker_count(many, "jsonl", cores=64) == export_workers.MAX_WORKERS


def test_the_command_line_exports_side_by_side_to_a_file_and_to_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main

    monkeypatch.setattr(export_workers, "RANGE_SIZE", 5)
    path = tmp_path / "cli.annotator"
    with open_project(path) as project:
        project.repo.add_annotated_batch(list(_documents("tester")), "tester")
    base = ["export", "--project", str(path), "--no-manifest"]
    assert main([*base, "--out", str(tmp_path / "one.jsonl"), "--workers", "1"]) == 0
    assert main([*base, "--out", str(tmp_path / "two.jsonl"), "--workers", "2"]) == 0
    capsys.readouterr()
    assert main([*base, "--out", "-", "--workers", "3"]) == 0
    printed = capsys.readouterr().out.encode("utf-8")
    expected = (tmp_path / "one.jsonl").read_bytes()
    assert (tmp_path / "two.jsonl").read_bytes() == expected and printed == expected
    with pytest.raises(SystemExit) as info:
        main([*base, "--workers", "0"])
    assert info.value.code == 2 and "whole number from 1" in capsys.readouterr().err
