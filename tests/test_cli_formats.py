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
    assert code == 0 and "Exported 1 documents as conll" in err and "overlap" in err
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
