"""Project use cases behave the same on SQLite and PostgreSQL (`project_location` runs both)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.core.model import Status
from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import ProjectError, open_project
from annotator.services.session import Change, DocumentSession

ARTICLES = {
    "emoji.txt": "Crowds 🎉 cheered as 👩🏽‍🚀 Dr. Ana Lima landed.\nShe said: “We did it.”\n",
    "cjk.txt": "东京（路透社）— 日本银行周二表示，将维持利率不变。\n",
    "flags.md": "# Talks\n\n🇺🇸 and 🇨🇳 delegates met in London; Zoë Chen led.\n",
}


def write_articles(folder: Path) -> Path:
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_import_edit_export_round_trip(project_location: str, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in")
    with open_project(project_location, "alice") as project:
        assert project.created
        report = import_paths(project, [folder])
        assert report.imported == 3 and not report.problems
        doc_id = project.repo.document_ids()[0]
        session = DocumentSession(project, doc_id)
        seen: list[Change] = []
        session.subscribe(seen.append)
        text = session.text
        for needle in ("👩🏽‍🚀", "Zoë Chen", "日本银行"):
            if needle in text:
                start = text.index(needle)
                session.apply(session.new_entity(start, start + len(needle), "PERSON"))
        session.apply(session.new_claim(0, 5))
        session.history.undo()
        session.history.redo()
        assert seen and all(c.kind in {"entity", "claim"} for c in seen)
        first = tmp_path / "first.jsonl"
        export_project(project, first)
    with open_project(project_location, "bob", create=False) as project:
        assert not project.created
        again = DocumentSession(project, doc_id)
        assert again.annotations.entities == session.annotations.entities
        second = tmp_path / "second.jsonl"
        export_project(project, second)
    assert first.read_bytes() == second.read_bytes()
    records = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    for record in records:
        for ent in record["entities"]:
            assert record["text"][ent["start"] : ent["end"]] == ent["text"]
            assert ent["annotator"] == "alice"


def test_export_reimport_into_other_backend(project_location: str, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in")
    source = tmp_path / "source.annotator"
    with open_project(source, "alice") as project:
        import_paths(project, [folder])
        for doc_id in project.repo.document_ids():
            session = DocumentSession(project, doc_id)
            session.apply(session.new_entity(0, 2, "ORG"))
            session.set_status(Status.DONE)
        export_project(project, tmp_path / "a.jsonl")
    with open_project(project_location, "carol") as project:
        report = import_paths(project, [tmp_path / "a.jsonl"])
        assert report.imported == 3
        export_project(project, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_cli_takes_path_or_url(
    project_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_articles(tmp_path / "in")
    assert cli_main(["--project", project_location, "import", str(folder)]) == 0
    assert cli_main(["stats", "--project", project_location, "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])["documents"] == 3
    out_file = tmp_path / "out.jsonl"
    assert cli_main(["export", "--project", project_location, "--out", str(out_file)]) == 0
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == 3


def test_server_user_is_default_annotator(pg_database: str) -> None:
    with open_project(pg_database) as project:
        assert project.annotator == "postgres"
        assert "password" not in project.display_name


def test_missing_server_project_is_refused(pg_database: str) -> None:
    with pytest.raises(ProjectError, match="no Annotator project in this database"):
        open_project(pg_database, create=False)


def test_unreachable_server_says_so() -> None:
    url = "postgresql://someone:secret@127.0.0.1:9/nowhere"
    pytest.importorskip("psycopg")
    with pytest.raises(ProjectError) as info:
        open_project(url)
    assert "cannot open project" in str(info.value)
    assert "secret" not in str(info.value)
