"""Exporting every registered format through the service: filters, manifests, re-import."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annotator.core.model import Status
from annotator.formats.registry import EXPORT_FORMATS
from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import Project, open_project
from tests.formats.corpus import corpus, facts

# Formats that come back in, and the name auto-detection gives their output.
REIMPORTABLE = {
    "jsonl": "jsonl",
    "spacy": "spacy",
    "prodigy": "prodigy",
    "doccano": "doccano",
    "doccano-relations": "doccano",
    "label-studio": "label-studio",
    "label-studio-predictions": "label-studio",
    "conll": "conll",
    "hf": "hf",
    "brat": "brat",
}


@pytest.fixture
def filled(project: Project) -> Project:
    project.repo.add_annotated_batch(corpus(), "tester")
    return project


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_every_format_exports_with_a_manifest_and_comes_back(
    filled: Project, tmp_path: Path, fmt: str
) -> None:
    spec = EXPORT_FORMATS[fmt]
    out = tmp_path / f"export{spec.suffix}"
    report = export_project(filled, out, fmt)
    assert report.documents == 2 and out.is_file()
    manifest = json.loads(Path(report.manifest or "").read_text("utf-8"))
    assert report.manifest == str(out) + ".manifest.json"
    assert manifest["format"] == fmt and manifest["schema_version"] == 1
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["bytes"] == out.stat().st_size
    assert manifest["counts"]["documents"] == 2 and manifest["counts"]["entities"] == 14
    assert manifest["counts"]["labels"]["PERSON"] == 4
    assert "PERSON" in manifest["label_set"]["entity_labels"]
    assert manifest["exported_at"].endswith("+00:00")
    if fmt not in REIMPORTABLE:
        return
    with open_project(tmp_path / "again.annotator") as again:
        imported = import_paths(again, [out])
        assert imported.problems == [] and imported.imported == 2, imported.problems
        back = list(again.repo.iter_annotated())
    texts = sorted("".join(b.document.text.split()) for b in back)
    assert texts == sorted("".join(i.document.text.split()) for i in corpus())


def test_native_round_trip_through_a_project_is_exact(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    export_project(filled, out)
    with open_project(tmp_path / "again.annotator") as again:
        import_paths(again, [out], fmt="jsonl")
        back = {b.document.text: facts(b) for b in again.repo.iter_annotated()}
    assert back == {i.document.text: facts(i) for i in corpus()}


def test_filters_status_labels_annotator_documents(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"

    def lines(**filters: object) -> list[dict[str, object]]:
        export_project(filled, out, **filters)  # type: ignore[arg-type]
        return [json.loads(x) for x in out.read_text("utf-8").splitlines()]

    assert [r["id"] for r in lines(status=Status.DONE)] == ["doc-1"]
    assert [r["id"] for r in lines(ids=["doc-2"])] == ["doc-2"]
    people = lines(labels=["PERSON"])
    assert {e["label"] for r in people for e in r["entities"]} == {"PERSON"}  # type: ignore[attr-defined]
    claims = {c["id"]: c for c in people[0]["claims"]}  # type: ignore[attr-defined]
    assert claims["c1"]["speaker"] == "e6"  # a PERSON speaker stays linked
    just_bob = lines(annotator="bob")
    assert {e["annotator"] for r in just_bob for e in r["entities"]} == {"bob"}  # type: ignore[attr-defined]
    manifest = json.loads((tmp_path / "f.jsonl.manifest.json").read_text("utf-8"))
    assert manifest["filters"]["annotator"] == "bob"


def test_labels_filter_turns_a_removed_speaker_into_text(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "gpe.jsonl"
    report = export_project(filled, out, labels=["GPE"])
    record = json.loads(out.read_text("utf-8").splitlines()[0])
    claims = {c["id"]: c for c in record["claims"]}
    assert claims["c1"]["speaker"] is None and claims["c1"]["speaker_text"] == "José Núñez"
    assert [t["entity"] for t in record["sentiment"]["targets"]] == ["e2"]
    manifest = json.loads(Path(report.manifest or "").read_text("utf-8"))
    assert manifest["label_set"]["entity_labels"] == ["GPE"]


def test_brat_into_a_folder_and_overlaps_in_the_report(filled: Project, tmp_path: Path) -> None:
    folder = tmp_path / "brat-out"
    report = export_project(filled, folder, "brat")
    assert sorted(p.name for p in folder.iterdir())[:2] == ["annotation.conf", "doc-1.ann"]
    assert Path(str(folder) + ".manifest.json").is_file()
    again = export_project(filled, folder, "brat")  # replaces the folder atomically
    assert again.documents == report.documents == 2
    conll = export_project(filled, tmp_path / "x.conll", "conll")
    assert conll.note_counts["overlap"] == 2 and "overlap" in conll.summary()


def test_utf16_offsets_only_for_formats_that_take_them(filled: Project, tmp_path: Path) -> None:
    export_project(filled, tmp_path / "ls.json", "label-studio", offsets="utf16")
    with pytest.raises(ValueError, match="code points"):
        export_project(filled, tmp_path / "x.conll", "conll", offsets="utf16")


def test_cancel_leaves_no_file_and_no_manifest(filled: Project, tmp_path: Path) -> None:
    from annotator.services.importing import Cancelled

    out = tmp_path / "c.hf.jsonl"
    with pytest.raises(Cancelled):
        export_project(filled, out, "hf", cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == [tmp_path / "test.annotator"] or not out.exists()
    assert not out.exists() and not Path(str(out) + ".manifest.json").exists()


def test_spacy_into_a_folder_of_shards_that_spacy_train_reads(
    filled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.training import Corpus

    from annotator.formats import spacy_docbin

    monkeypatch.setattr(spacy_docbin, "SHARD_SIZE", 1)
    folder = tmp_path / "corpus"
    report = export_project(filled, folder, "spacy")
    assert report.documents == 2
    assert sorted(p.name for p in folder.iterdir()) == ["part-0000.spacy", "part-0001.spacy"]
    nlp = spacy.blank("xx")
    examples = list(Corpus(folder)(nlp))
    assert sorted(len(e.reference.spans["entities"]) for e in examples) == [3, 11]
    with open_project(tmp_path / "again.annotator") as again:
        assert import_paths(again, [folder]).imported == 2


def test_progress_total_counts_documents_matching_both_filters(
    filled: Project, tmp_path: Path
) -> None:
    totals: list[int] = []
    report = export_project(
        filled,
        tmp_path / "p.jsonl",
        status=Status.DONE,
        ids=["doc-1", "doc-2", "missing"],
        progress=lambda _n, total: totals.append(total),
    )
    assert report.documents == 1 and totals == [1]  # not 3: the ids asked for


def test_written_says_what_was_written(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "w.conll"
    report = export_project(filled, out, "conll", ids=["doc-2"])
    n = report.counts["entities"]
    text = report.written()
    assert text.startswith(f"Exported 1 document ({n} entities, ") and " as conll to " in text
    assert f"{out}; manifest {out}.manifest.json" in text
    assert text.endswith(".")
    quiet = export_project(filled, tmp_path / "q.jsonl", manifest=False, labels=["PERSON"])
    assert "manifest" not in quiet.written() and "2 documents" in quiet.written()
