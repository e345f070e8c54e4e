"""What the export dialog previews: annotators and counts agree with what export writes."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.ids import new_id
from annotator.core.model import EntitySpan, Status
from annotator.services.export_options import ExportPreview, annotator_names, preview_export
from annotator.services.exporting import export_project
from annotator.services.project import Project, open_project
from annotator.storage.repository import NewDocument

TEXTS = ("Nokia 👩🏽‍💻 met 北京 officials.", "Żaneta left Nokia.", "Nothing to see.")


def _fill(project: Project) -> list[str]:
    """Three documents; alice tags ORG and LOC, bob tags PER; the second one is done."""
    ids = [
        project.repo.add_document(NewDocument(title=f"d{i}", text=t))[0]
        for i, t in enumerate(TEXTS)
    ]
    project.repo.editor(ids[0], "alice").add_many(
        [EntitySpan(new_id(), 0, 5, "ORG", "alice"), EntitySpan(new_id(), 13, 15, "LOC", "alice")]
    )
    project.repo.editor(ids[1], "bob").add_many([EntitySpan(new_id(), 0, 6, "PERSON", "bob")])
    project.repo.editor(ids[1], "alice").add_many([EntitySpan(new_id(), 12, 17, "ORG", "alice")])
    project.repo.set_status(ids[1], Status.DONE)
    return ids


def test_annotator_names_are_those_who_annotated_sorted(project_location: str) -> None:
    with open_project(project_location, "zoe") as project:
        ids = _fill(project)
        assert annotator_names(project) == ["alice", "bob"]  # zoe has not annotated yet
        project.repo.editor(ids[2], "Carol").add_many([EntitySpan(new_id(), 0, 7, "ORG", "Carol")])
        assert annotator_names(project) == ["alice", "bob", "Carol"]


def test_preview_counts_follow_every_filter(project_location: str) -> None:
    with open_project(project_location, "zoe") as project:
        ids = _fill(project)
        assert preview_export(project) == ExportPreview(3, 4)
        assert preview_export(project, status=Status.DONE) == ExportPreview(1, 2)
        assert preview_export(project, annotator="bob") == ExportPreview(3, 1)
        assert preview_export(project, annotator="nobody") == ExportPreview(3, 0)
        assert preview_export(project, labels=["ORG"]) == ExportPreview(3, 2)
        assert preview_export(project, labels=[]) == ExportPreview(3, 0)
        assert preview_export(project, ids=[ids[0], ids[2]]) == ExportPreview(2, 2)
        assert preview_export(project, ids=[ids[0], "missing"]) == ExportPreview(1, 2)
        assert preview_export(project, ids=ids, status=Status.TODO, labels=["LOC", "PERSON"]) == (
            ExportPreview(2, 1)
        )


def test_preview_matches_what_export_writes(tmp_path: Path) -> None:
    with open_project(tmp_path / "p.annotator", "zoe") as project:
        ids = _fill(project)
        filters = dict(annotator="alice", ids=[ids[0], ids[1]], labels=["ORG"])
        preview = preview_export(project, **filters)  # type: ignore[arg-type]
        out = tmp_path / "out.jsonl"
        report = export_project(project, out, **filters)  # type: ignore[arg-type]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (
        preview == ExportPreview(report.documents, report.counts["entities"]) == ExportPreview(2, 2)
    )
    assert sum(len(r["entities"]) for r in records) == 2


def test_preview_summary_reads_naturally() -> None:
    assert ExportPreview(1, 1).summary() == "1 document with 1 entity will be exported."
    assert ExportPreview(0, 0).summary() == "0 documents with 0 entities will be exported."
    assert ExportPreview(12, 340).summary() == "12 documents with 340 entities will be exported."
