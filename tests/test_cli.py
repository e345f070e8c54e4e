from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_export_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "p.annotator")
    (tmp_path / "a.txt").write_text("Hello 😀 Acme", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00")
    code, out, err = run(
        capsys, "import", str(tmp_path / "a.txt"), str(tmp_path / "bad.txt"), "--project", project
    )
    assert code == 1
    assert "Imported 1 document" in out and "1 refused" in out
    assert f"{tmp_path / 'bad.txt'}:1:" in err
    assert "note: search index: 1 document will be indexed when the project is next opened" in err

    out_file = tmp_path / "out.jsonl"
    code, _, err = run(
        capsys, "export", "--format", "jsonl", "--out", str(out_file), "--project", project
    )
    assert code == 0 and "Exported 1 document as jsonl" in err
    assert json.loads(out_file.read_text(encoding="utf-8"))["text"] == "Hello 😀 Acme"

    code, out, _ = run(capsys, "export", "--out", "-", "--status", "done", "--project", project)
    assert code == 0 and out == ""

    code, out, _ = run(capsys, "stats", "--json", "--project", project)
    assert code == 0 and json.loads(out)["documents"] == 1
    code, out, _ = run(capsys, "stats", "--project", project)
    assert "documents: 1" in out


def test_bad_input_gives_one_line_and_nonzero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_db = tmp_path / "x.annotator"
    not_db.write_text("hello")
    code, _, err = run(capsys, "stats", "--project", str(not_db))
    assert code == 2 and err.count("\n") == 1 and "not an Annotator project" in err

    code, _, err = run(capsys, "export", "--project", str(tmp_path / "missing.annotator"))
    assert code == 2 and "no such project" in err

    with pytest.raises(SystemExit) as info:
        main(["export", "--format", "nope"])
    assert info.value.code == 2


def test_default_project_gets_the_seed_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Angela Merkel spoke.", encoding="utf-8")
    code, _, _ = run(capsys, "import", str(tmp_path / "a.txt"))  # creates it, under its lock
    assert code == 0
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["documents"] == 2  # the seed article and a.txt


def test_read_only_commands_never_create_the_default_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.services.project import default_project_path

    for argv in (["stats"], ["stats", "--json"], ["export", "--out", str(tmp_path / "o.jsonl")]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and "no such project" in err and out == "", argv
        assert not default_project_path().exists(), argv
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_project_option_is_an_error_not_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    from annotator.services.project import default_project_path

    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    for argv in (
        ["--project", value, "stats"],
        ["stats", "--project", value],
        ["import", str(tmp_path / "a.txt"), "--project", value],
        ["backup", "--project", value],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "--project is empty" in err, argv
    assert not default_project_path().exists()
