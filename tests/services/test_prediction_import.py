"""Label Studio predictions come in as suggestions from their model; the analysts'
annotations of the same task as annotations under each analyst."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from annotator.core.suggestions import IMPORT_SOURCE, Suggestion, SuggestionKind
from annotator.services.importing import import_paths
from annotator.services.project import Project, open_project
from annotator.services.suggesting import SuggestionFilter, suggestion_store

TEXT = "Anna Berg said Acme will grow. Paris agreed."
MODEL = "model ner-v2"
FIXTURE = Path(__file__).parents[1] / "formats" / "fixtures" / "label_studio_predictions.json"


def _labels(rid: str, start: int, end: int, label: str, tag: str = "label") -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": tag,
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
    }


def _task() -> dict[str, Any]:
    prediction = [
        _labels("p1", 0, 9, "PERSON"),
        _labels("p2", 15, 19, "ORG"),
        _labels("p3", 15, 29, "Claim", "claim"),
        {"type": "relation", "from_id": "p3", "to_id": "p1", "labels": ["speaker"]},
        {
            "id": "p2",
            "from_name": "target_sentiment",
            "to_name": "text",
            "type": "choices",
            "value": {"start": 15, "end": 19, "choices": ["positive"]},
        },
        {
            "from_name": "sentiment",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": ["positive"]},
        },
    ]
    return {
        "data": {"text": TEXT, "doc_id": "berg"},
        "annotations": [
            {"completed_by": {"id": 1, "email": "ana@example.com"}, "result": [prediction[0]]},
            {"completed_by": 2, "result": [_labels("r", 31, 36, "GPE")]},
        ],
        "predictions": [{"model_version": "ner-v2", "result": prediction}],
    }


def _write(path: Path, tasks: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def _stored(project: Project, doc_id: str) -> list[tuple[str, str, str]]:
    ann = project.repo.load_annotations(doc_id)
    return sorted((e.annotator, TEXT[e.start : e.end], e.label) for e in ann.entities.values())


def _suggested(project: Project, source: str) -> list[Suggestion]:
    return suggestion_store(project).find(SuggestionFilter(status=None, source=source))


def test_predictions_become_suggestions_beside_the_analysts_annotations(
    project_location: str, tmp_path: Path
) -> None:
    path = _write(tmp_path / "tasks.json", [_task()])
    with open_project(project_location, "lead") as project:
        report = import_paths(project, [path])
        assert (report.imported, report.annotations, report.suggestions) == (1, 2, 4)
        assert report.targets_not_imported == 1 and not report.problems
        assert "2 annotations, 4 suggestions" in report.summary()
        assert "1 target sentiment not imported" in report.summary()
        [doc_id] = report.document_ids
        assert _stored(project, doc_id) == [
            ("ana@example.com", "Anna Berg", "PERSON"),
            ("user-2", "Paris", "GPE"),
        ]
        ann = project.repo.load_annotations(doc_id)
        assert not ann.claims and not ann.targets and ann.document_sentiment is None
        assert not [n for n in project.repo.annotator_names().values() if "model" in n]
        found = _suggested(project, MODEL)
        assert sorted((s.kind.value, TEXT[s.start : s.end], s.label) for s in found) == [
            ("claim", "Acme will grow", ""),
            ("document_sentiment", "", "positive"),
            ("entity", "Acme", "ORG"),
            ("entity", "Anna Berg", "PERSON"),
        ]
        claim = next(s for s in found if s.kind is SuggestionKind.CLAIM)
        assert claim.speaker is not None
        assert (claim.speaker.start, claim.speaker.end, claim.speaker.label) == (0, 9, "PERSON")
        assert _suggested(project, IMPORT_SOURCE) == []

        again = import_paths(project, [path])
        assert (again.imported, again.duplicates) == (0, 1)
        assert (again.added_to_existing, again.suggestions) == (0, 0)
        assert _stored(project, doc_id) == [
            ("ana@example.com", "Anna Berg", "PERSON"),
            ("user-2", "Paris", "GPE"),
        ]
        assert len(_suggested(project, MODEL)) == 4


def test_predictions_for_a_document_already_in_the_project(
    project_location: str, tmp_path: Path
) -> None:
    plain = tmp_path / "berg.txt"
    plain.write_text(TEXT, encoding="utf-8")
    path = _write(tmp_path / "tasks.json", [_task()])
    with open_project(project_location, "lead") as project:
        [doc_id] = import_paths(project, [plain]).document_ids
        report = import_paths(project, [path])
        assert (report.duplicates, report.added_to_existing, report.suggestions) == (1, 2, 4)
        assert [who for who, _text, _label in _stored(project, doc_id)] == [
            "ana@example.com",
            "user-2",
        ]
        assert {s.document_id for s in _suggested(project, MODEL)} == {doc_id}
        assert import_paths(project, [path]).suggestions == 0


def test_as_suggestions_keeps_the_model_apart_from_the_analysts(
    project_location: str, tmp_path: Path
) -> None:
    path = _write(tmp_path / "tasks.json", [_task()])
    with open_project(project_location, "lead") as project:
        report = import_paths(project, [path], as_suggestions=True)
        assert (report.annotations, report.suggestions, report.targets_not_imported) == (0, 6, 1)
        [doc_id] = report.document_ids
        assert project.repo.load_annotations(doc_id).is_empty()
        assert len(_suggested(project, MODEL)) == 4
        analysts = _suggested(project, IMPORT_SOURCE)
        assert sorted(TEXT[s.start : s.end] for s in analysts) == ["Anna Berg", "Paris"]


def test_label_studio_export_with_predictions_imports_them_as_suggestions(
    project_location: str, tmp_path: Path
) -> None:
    tasks = json.loads(FIXTURE.read_text("utf-8"))
    predicted = Counter(
        (r["value"]["text"], r["value"]["labels"][0])
        for t in tasks
        for p in t["predictions"]
        for r in p["result"]
        if r.get("type") == "labels"
    )
    with open_project(project_location, "lead") as project:
        report = import_paths(project, [FIXTURE])
        assert report.imported == len(tasks) and not report.problems
        assert report.annotations == 0
        assert all(project.repo.load_annotations(d).is_empty() for d in report.document_ids)
        found = _suggested(project, "model annotator")
        texts = {d: project.repo.get_document(d).text for d in report.document_ids}
        spans = Counter(
            (texts[s.document_id][s.start : s.end], s.label or "Claim")
            for s in found
            if s.kind is not SuggestionKind.DOCUMENT_SENTIMENT
        )
        assert spans == predicted
        assert [s.label for s in found if s.kind is SuggestionKind.DOCUMENT_SENTIMENT] != []
        assert report.suggestions == len(found)
        assert report.targets_not_imported == 1
        assert import_paths(project, [FIXTURE]).suggestions == 0
