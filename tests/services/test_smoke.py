"""The Qt-free half of `annotator --smoke-test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.services.smoke import (
    SMOKE_ANNOTATOR,
    SmokeTestFailed,
    _verify_export,
    run_smoke_test,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_round_trip_tags_exports_and_verifies(tmp_path: Path) -> None:
    messages: list[str] = []
    report = run_smoke_test(tmp_path, SEEDS, log=messages.append)

    assert report.project.is_file() and report.export.is_file()
    assert messages == report.steps and messages[-1].startswith("export verified")
    lines = report.export.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(list(SEEDS.glob("*.txt")))
    record = next(json.loads(line) for line in lines if report.document_id in line)
    (entity,) = record["entities"]
    start, end = report.span
    assert (entity["start"], entity["end"], entity["label"]) == (start, end, report.label)
    assert record["text"][start:end] == entity["text"] != ""
    assert entity["annotator"] == SMOKE_ANNOTATOR


def test_finds_the_shipped_seeds_by_itself(tmp_path: Path) -> None:
    assert run_smoke_test(tmp_path).steps[1].endswith(str(SEEDS))


def test_missing_seeds_are_reported(tmp_path: Path) -> None:
    with pytest.raises(SmokeTestFailed, match="seed articles not found"):
        run_smoke_test(tmp_path, tmp_path / "nowhere")


def test_empty_seed_folder_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "seeds"
    empty.mkdir()
    with pytest.raises(SmokeTestFailed, match="no seed articles imported"):
        run_smoke_test(tmp_path, empty)


def test_refuses_to_reuse_an_existing_project(tmp_path: Path) -> None:
    run_smoke_test(tmp_path, SEEDS)
    with pytest.raises(SmokeTestFailed, match="already existed"):
        run_smoke_test(tmp_path, SEEDS)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start", 0, "expected one entity"),
        ("text", "Elsewhere", r"entity text is 'Elsewhere'"),
        ("label", "NOPE", "wrong label"),
    ],
)
def test_a_corrupted_export_fails_verification(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    report = run_smoke_test(tmp_path, SEEDS)
    records = [json.loads(line) for line in report.export.read_text("utf-8").splitlines()]
    for record in records:
        for entity in record["entities"]:
            entity[field] = value
    report.export.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    with pytest.raises(SmokeTestFailed, match=message):
        _verify_export(report)


def test_an_export_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    report = run_smoke_test(tmp_path, SEEDS)
    report.export.write_text('{"id": 1}\n{broken\n', "utf-8")
    with pytest.raises(SmokeTestFailed, match=r"smoke-export\.jsonl:2: invalid JSON"):
        _verify_export(report)
