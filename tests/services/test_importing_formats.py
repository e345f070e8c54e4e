"""Importing other tools' formats: recognition by suffix and content, explicit choice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import Project, open_project
from tests.formats.corpus import corpus


def test_a_folder_of_mixed_formats_is_recognised_file_by_file(
    project: Project, tmp_path: Path
) -> None:
    project.repo.add_annotated_batch(corpus(), "tester")
    folder = tmp_path / "incoming"
    export_project(project, folder / "brat", "brat")  # a folder of .txt/.ann pairs
    export_project(project, folder / "a.jsonl", "doccano", ids=["doc-1"], manifest=False)
    export_project(project, folder / "b.json", "label-studio", ids=["doc-2"], manifest=False)
    (folder / "c.conll").write_text("-DOCSTART- -X- -X- O\n\nParis _ _ B-GPE\n", "utf-8")
    (folder / "notes.txt").write_text("A plain article about Rome.", "utf-8")
    (folder / "d.jsonl").write_text('{"text": "Prodigy", "spans": []}\n', "utf-8")
    with open_project(tmp_path / "new.annotator") as fresh:
        report = import_paths(fresh, [folder])
        assert report.problems == []
        # brat: 2 pairs (their .txt halves are not articles of their own); doccano and
        # Label Studio: their texts are already in via brat; conll, notes.txt, prodigy: new.
        assert (report.imported, report.duplicates) == (5, 2)
        assert report.files == 7
        texts = {d.title for d in fresh.repo.list_documents()}
        assert "A plain article about Rome." in texts


def test_an_explicit_format_applies_to_every_file(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "odd-name.txt"
    path.write_text("EU B-ORG\nsays O\n", "utf-8")
    report = import_paths(project, [path], fmt="conll")
    assert report.imported == 1 and report.annotations == 1
    (doc,) = project.repo.iter_annotated()
    assert doc.document.text == "EU says"


def test_unknown_format_and_utf16_choice(project: Project, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown import format"):
        import_paths(project, [tmp_path], fmt="xml")
    text = "👍 Acme"
    path = tmp_path / "u.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[3, 7, "ORG"]]}) + "\n", "utf-8")
    report = import_paths(project, [path], fmt="doccano", offsets="utf16")
    assert report.imported == 1
    (doc,) = project.repo.iter_annotated()
    (entity,) = doc.annotations.entities.values()
    assert text[entity.start : entity.end] == "Acme"


def test_bad_records_in_other_formats_name_file_and_line(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"text": "ok", "spans": [{"start": 0, "end": 2, "label": "X"}]}\n'
        '{"text": "no", "spans": [{"start": 5, "end": 9, "label": "X"}]}\n',
        "utf-8",
    )
    report = import_paths(project, [path])
    assert report.imported == 1
    (problem,) = report.problems
    assert (problem.path, problem.line) == (str(path), 2)
