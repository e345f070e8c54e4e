"""Label Studio imports: several annotations and predictions per task, ids kept apart."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from annotator.core.model import AnnotatedDocument
from annotator.formats.doccano import read_doccano
from annotator.formats.label_studio import analyst_name, model_name, parse_task
from annotator.formats.problems import ImportProblem

TEXT = "🎉 Traders in 北京 said Liu He."


def region(rid: str, start: int, end: int, label: str) -> dict[str, object]:
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
    }


def test_each_annotation_under_its_analyst_and_copied_region_ids_kept_apart() -> None:
    same = [region("r1", 2, 9, "NORP")]  # an annotation copied from a prediction keeps ids
    task = {
        "data": {"text": TEXT},
        "annotations": [
            {"completed_by": {"id": 3, "email": "ana@example.com"}, "result": same},
            {"completed_by": 4, "result": [*same, region("r2", 13, 15, "GPE")]},
            {"completed_by": 5, "was_cancelled": True, "result": [region("x", 0, 1, "X")]},
        ],
        "predictions": [{"model_version": "ner-v2", "result": same}],
    }
    item = parse_task(task)
    got = sorted(
        (e.annotator, TEXT[e.start : e.end], e.label) for e in item.annotations.entities.values()
    )
    assert got == [
        ("ana@example.com", "Traders", "NORP"),
        ("model ner-v2", "Traders", "NORP"),
        ("user-4", "Traders", "NORP"),
        ("user-4", "北京", "GPE"),
    ]
    assert len(set(item.annotations.entities)) == 4  # no annotation overwrote another
    assert item.predicted_by == {"model ner-v2"}  # the import makes these suggestions
    assert item.document.status.value == "done"


def test_a_prediction_only_task_is_not_done_and_names_the_model() -> None:
    item = parse_task(
        {"data": {"text": TEXT}, "predictions": [{"result": [region("a", 2, 9, "X")]}]}
    )
    assert item.document.status.value == "todo"
    assert {e.annotator for e in item.annotations.entities.values()} == {"model"}
    assert item.predicted_by == {"model"}


def test_a_task_without_predictions_names_no_model() -> None:
    task = {"data": {"text": TEXT}, "annotations": [{"result": [region("a", 2, 9, "X")]}]}
    item = parse_task(task)
    assert item.predicted_by == frozenset()


def test_relations_stay_inside_their_annotation() -> None:
    claim = {
        "id": "c",
        "from_name": "claim",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 2, "end": 15, "labels": ["Claim"]},
    }
    speaker = region("s", 21, 27, "PERSON")
    rel = {"type": "relation", "from_id": "c", "to_id": "s", "labels": ["speaker"]}
    task = {
        "data": {"text": TEXT},
        "annotations": [
            {"completed_by": 1, "result": [claim, speaker, rel]},
            {"completed_by": 2, "result": [claim, speaker, rel]},
        ],
    }
    item = parse_task(task)
    ann = item.annotations
    assert len(ann.claims) == 2 and len(ann.entities) == 2
    for c in ann.claims.values():
        assert c.speaker_id is not None
        assert ann.entities[c.speaker_id].annotator == c.annotator


def test_analyst_and_model_names() -> None:
    assert analyst_name({"id": 7, "email": " a@b.c "}) == "a@b.c"
    assert analyst_name({"id": 7}) == "user-7"
    assert analyst_name("12") == "user-12"
    assert analyst_name(None, "importer") == "importer"
    assert model_name({"model_version": 3}) == "model 3"
    assert model_name({}) == "model"


def test_doccano_collaborative_all_file_takes_the_default_annotator(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    record = {"id": 1, "text": "Acme hired Jane.", "label": [[0, 4, "ORG"]]}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("all.jsonl", json.dumps(record) + "\n{broken\n")
    out = list(read_doccano(path, annotator="lead"))
    docs = [o for o in out if isinstance(o, AnnotatedDocument)]
    problems = [o for o in out if isinstance(o, ImportProblem)]
    assert [e.annotator for e in docs[0].annotations.entities.values()] == ["lead"]
    assert problems[0].path.endswith("export.zip!all.jsonl") and problems[0].line == 2
