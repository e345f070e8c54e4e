"""`annotator suggest`, `annotator suggestions` and `export --include-suggestions`, on
both back ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from tests.conftest import SEED


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(project_location: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, _ = run(capsys, "import", str(SEED), "--project", project_location)
    assert code == 0
    return project_location


def test_suggest_quotes_json_lines(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "suggest", "quotes", "--json", "--project", seeded)
    assert code == 0
    assert "quotes: 1 documents" in err
    lines = [json.loads(line) for line in out.splitlines()]
    text = SEED.read_text(encoding="utf-8")
    claims = [x for x in lines if x["kind"] == "claim"]
    assert len(claims) == 17
    for x in lines:
        assert set(x) == {
            "document", "kind", "start", "end", "text", "label", "speaker", "source", "score"
        }  # fmt: skip
        assert text[x["start"] : x["end"]] == x["text"]
        assert x["source"] == "quotes" and 0 < x["score"] <= 1
    hassett = next(x for x in claims if x["text"].startswith("In Geneva"))
    assert hassett["speaker"]["text"] == "Kevin Hassett"
    sp = hassett["speaker"]
    assert text[sp["start"] : sp["end"]] == "Kevin Hassett"
    assert all(x["speaker"] is None for x in lines if x["kind"] == "entity")
    # a second run stores nothing new
    code, out, _ = run(capsys, "suggest", "quotes", "--project", seeded)
    assert code == 0 and "0 new suggestions stored" in out


def test_batch_decisions_with_a_preview(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "suggest", "quotes", "--project", seeded)
    code, out, _ = run(
        capsys, "suggestions", "accept", "--kind", "claim", "--dry-run", "--project", seeded
    )
    assert code == 0 and out.startswith("17 pending suggestions would be accepted")
    code, out, _ = run(capsys, "suggestions", "reject", "--label", "ORG", "--project", seeded)
    assert code == 0 and out.startswith("rejected ")
    code, out, _ = run(capsys, "suggestions", "accept", "--source", "quotes", "--project", seeded)
    assert code == 0
    code, out, _ = run(capsys, "stats", "--json", "--project", seeded)
    stats = json.loads(out)
    assert stats["claims"] == 17 and stats["entities"] >= 7
    code, out, _ = run(capsys, "suggestions", "accept", "--dry-run", "--project", seeded)
    assert out.startswith("0 pending")


def test_export_with_and_without_suggestions(
    seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "suggest", "quotes", "--project", seeded)
    plain = tmp_path / "plain.jsonl"
    code, _, _ = run(capsys, "export", "--out", str(plain), "--project", seeded)
    assert code == 0
    record = json.loads(plain.read_text(encoding="utf-8"))
    assert "suggestions" not in record
    assert record["entities"] == [] and record["claims"] == []
    full = tmp_path / "full.jsonl"
    code, _, _ = run(
        capsys, "export", "--out", str(full), "--include-suggestions", "--project", seeded
    )
    assert code == 0
    record = json.loads(full.read_text(encoding="utf-8"))
    assert record["entities"] == [] and record["claims"] == []  # never as annotations
    kinds = [s["kind"] for s in record["suggestions"]]
    assert kinds.count("claim") == 17
    for s in record["suggestions"]:
        assert record["text"][s["start"] : s["end"]] == s["text"]
    manifest = json.loads(Path(str(full) + ".manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["suggestions"] == len(kinds)
    code, _, err = run(
        capsys, "export", "--format", "doccano", "--out", str(tmp_path / "d.jsonl"),
        "--include-suggestions", "--project", seeded,
    )  # fmt: skip
    assert code == 2 and "--format jsonl" in err


def test_suggest_gazetteer_from_a_terms_file(
    seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "suggest", "gazetteer", "--project", seeded)
    assert code == 2 and "gazetteer is empty" in err
    terms = tmp_path / "orgs.csv"
    terms.write_text("label,term\nORG,Bloomberg Television\nORG,CNBC\nGPE,London\n", "utf-8")
    code, out, _ = run(
        capsys, "suggest", "gazetteer", "--terms", str(terms), "--json", "--project", seeded
    )
    assert code == 0
    found = sorted({(json.loads(x)["text"], json.loads(x)["label"]) for x in out.splitlines()})
    assert found == [("Bloomberg Television", "ORG"), ("CNBC", "ORG"), ("London", "GPE")]


def test_suggest_spacy_needs_a_model(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "suggest", "spacy", "--project", seeded)
    assert code == 2 and "--model" in err


def test_label_studio_predictions_import_as_suggestions_of_their_model(
    project_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = Path(__file__).parent / "formats" / "fixtures" / "label_studio_predictions.json"
    code, out, err = run(capsys, "import", str(fixture), "--project", project_location)
    assert code == 0, err
    assert "Imported 5 documents, 20 suggestions" in out
    assert "1 target sentiment not imported" in out
    source = ("--source", "model annotator", "--project", project_location)
    code, out, _ = run(capsys, "suggestions", "accept", "--dry-run", *source)
    assert (code, out.strip()) == (0, "20 pending suggestions would be accepted")
    code, out, _ = run(capsys, "import", str(fixture), "--project", project_location)
    assert "5 already in the project" in out and "suggestions" not in out
