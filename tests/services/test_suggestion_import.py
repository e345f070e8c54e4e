"""Importing annotations for documents already in the project: added under their own
annotator (never skipped, never twice), or stored as suggestions with as_suggestions."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.suggestions import IMPORT_SOURCE, SuggestionKind
from annotator.services.importing import import_paths
from annotator.services.project import open_project
from annotator.services.suggesting import SuggestionFilter, suggestion_store

TEXT = "Anna Berg said Acme will grow. Paris agreed."


def _jsonl(path: Path, annotator: str) -> Path:
    record = {
        "text": TEXT,
        "annotator": annotator,
        "entities": [
            {"id": "e1", "start": 0, "end": 9, "label": "PERSON"},
            {"id": "e2", "start": 15, "end": 19, "label": "ORG"},
        ],
        "claims": [{"id": "c1", "start": 15, "end": 29, "speaker": "e1"}],
        "sentiment": {"document": "positive", "targets": [{"entity": "e2", "label": "positive"}]},
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_annotations_for_a_stored_document_are_added_once(
    project_location: str, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text(TEXT, encoding="utf-8")
    with open_project(project_location, "alice") as project:
        first = import_paths(project, [plain])
        [doc_id] = first.document_ids
        report = import_paths(project, [_jsonl(tmp_path / "bob.jsonl", "bob")])
        assert (report.imported, report.duplicates, report.added_to_existing) == (0, 1, 5)
        assert "1 already in the project (5 annotations added)" in report.summary()
        ann = project.repo.load_annotations(doc_id)
        assert sorted(e.label for e in ann.entities.values()) == ["ORG", "PERSON"]
        assert {e.annotator for e in ann.entities.values()} == {"bob"}
        [claim] = ann.claims.values()
        assert ann.entities[claim.speaker_id].label == "PERSON"  # type: ignore[index]
        [target] = ann.targets.values()
        assert ann.entities[target.entity_id].label == "ORG"
        assert project.repo.editor(doc_id, "bob").get_document_sentiment() == "positive"
        again = import_paths(project, [_jsonl(tmp_path / "bob.jsonl", "bob")])
        assert again.added_to_existing == 0
        assert len(project.repo.load_annotations(doc_id).entities) == 2


def test_as_suggestions_for_new_and_stored_documents(project_location: str, tmp_path: Path) -> None:
    with open_project(project_location, "alice") as project:
        report = import_paths(project, [_jsonl(tmp_path / "a.jsonl", "bob")], as_suggestions=True)
        assert (report.imported, report.suggestions, report.annotations) == (1, 4, 0)
        [doc_id] = report.document_ids
        assert project.repo.load_annotations(doc_id).is_empty()
        store = suggestion_store(project)
        found = store.find(SuggestionFilter(source=IMPORT_SOURCE))
        kinds = sorted(s.kind.value for s in found)
        assert kinds == ["claim", "document_sentiment", "entity", "entity"]
        claim = next(s for s in found if s.kind is SuggestionKind.CLAIM)
        assert claim.speaker is not None and (claim.speaker.start, claim.speaker.end) == (0, 9)
        again = import_paths(project, [_jsonl(tmp_path / "a.jsonl", "bob")], as_suggestions=True)
        assert (again.duplicates, again.suggestions) == (1, 0)
