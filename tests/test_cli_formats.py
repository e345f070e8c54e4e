"""`annotator export --format NAME` and `annotator import --format NAME`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.services.project import open_project
from tests.formats.corpus import corpus


def test_export_and_import_with_a_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "p.annotator"
    with open_project(proj) as project:
        project.repo.add_annotated_batch(corpus(), "tester")
    out = tmp_path / "train.conll"
    code = main(
        [
            "export",
            "--project",
            str(proj),
            "--format",
            "conll",
            "--out",
            str(out),
            "--labels",
            "PERSON,GPE,NORP",
            "--status",
            "done",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0 and "Exported 1 document as conll" in err and "overlap" in err
    assert "note: document doc-1:" in err
    manifest = json.loads((tmp_path / "train.conll.manifest.json").read_text("utf-8"))
    assert manifest["filters"]["labels"] == ["PERSON", "GPE", "NORP"]
    assert "B-ORG" not in out.read_text("utf-8")
    code = main(
        ["import", "--project", str(tmp_path / "q.annotator"), "--format", "conll", str(out)]
    )
    assert code == 0 and "Imported 1 document" in capsys.readouterr().out


def test_export_documents_from_a_file_and_bad_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "p.annotator"
    with open_project(proj) as project:
        project.repo.add_annotated_batch(corpus(), "tester")
    ids = tmp_path / "ids.txt"
    ids.write_text("doc-2\n", "utf-8")
    out = tmp_path / "x.jsonl"
    assert (
        main(
            [
                "export",
                "--project",
                str(proj),
                "--documents",
                f"@{ids}",
                "--out",
                str(out),
                "--format",
                "doccano",
                "--no-manifest",
            ]
        )
        == 0
    )
    assert [json.loads(x)["id"] for x in out.read_text("utf-8").splitlines()] == ["doc-2"]
    assert not (tmp_path / "x.jsonl.manifest.json").exists()
    with pytest.raises(SystemExit):
        main(["export", "--project", str(proj), "--format", "xml"])
    capsys.readouterr()


@pytest.mark.parametrize("out_name", ["train.spacy", "corpus"])
def test_a_span_ending_in_a_space_is_trimmed_and_the_spacy_export_completes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], out_name: str
) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    source = tmp_path / "in.jsonl"
    record = {
        "id": "d1",
        "text": "Hello world, said Angela Merkel in Berlin.",
        "entities": [
            {"id": "e1", "start": 0, "end": 6, "label": "PERSON"},  # "Hello "
            {"id": "e2", "start": 18, "end": 32, "label": "PERSON"},  # "Angela Merkel "
            {"id": "e3", "start": 35, "end": 41, "label": "GPE"},
        ],
    }
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    proj = str(tmp_path / "p.annotator")
    assert main(["import", str(source), "--project", proj]) == 0
    out = tmp_path / out_name
    capsys.readouterr()
    code = main(["export", "--project", proj, "--format", "spacy", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "'Hello ' [0, 6) trimmed of whitespace to [0, 5)" in err
    assert "'Angela Merkel ' [18, 32) trimmed of whitespace to [18, 31)" in err
    manifest = json.loads(Path(f"{out}.manifest.json").read_text("utf-8"))
    assert manifest["notes"]["counts"]["trimmed"] == 2
    path = out if out.is_file() else next(out.glob("*.spacy"))
    (doc,) = DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Hello", "PERSON"),
        ("Angela Merkel", "PERSON"),
        ("Berlin", "GPE"),
    ]
