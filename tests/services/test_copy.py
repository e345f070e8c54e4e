"""`annotator copy`: SQLite -> PostgreSQL -> SQLite keeps everything, verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.core.model import Claim, Status
from annotator.core.schema import default_schema
from annotator.services.copy import copy_project
from annotator.services.exporting import export_project
from annotator.services.project import ProjectError, open_project
from annotator.services.session import DocumentSession
from annotator.services.team import assign, assignments
from annotator.storage import NewDocument
from annotator.storage.transfer import table_digests

TEXTS = [
    "Zoë Chen 👩🏽‍🚀 said on Tuesday: “the talks in 🇬🇧 London went well.”",
    "习近平在北京会见了美国总统。他说：“合作是唯一正确的选择。”",
    "مرحبا Ahmed said café prices rose 😀 by 3%.",
]


def build_source(path: Path) -> None:
    for who in ("alice", "bob"):
        with open_project(path, who) as project:
            if who == "alice":
                for i, text in enumerate(TEXTS):
                    project.repo.add_document(NewDocument(title=f"doc {i} ✓", text=text))
                project.save_schema(default_schema())
            for doc_id in project.repo.document_ids():
                session = DocumentSession(project, doc_id)
                speaker = session.new_entity(0, 4, "PERSON")
                session.apply(speaker)
                claim = session.new_claim(5, 12, speaker.span.id)
                session.apply(claim)
                session.put_claim(Claim(**{**_fields(claim.claim), "speaker_text": "them"}))
                session.set_document_sentiment("positive" if who == "alice" else "negative")
            if who == "bob":
                ids = project.repo.document_ids()
                DocumentSession(project, ids[0]).set_status(Status.DONE)
                assign(project, ids[1:], ["alice", "bob"])


def _fields(claim: Claim) -> dict[str, object]:
    return {f: getattr(claim, f) for f in Claim.__slots__}


def test_sqlite_to_postgres_to_sqlite(pg_database: str, tmp_path: Path) -> None:
    original = tmp_path / "original.annotator"
    back = tmp_path / "back.annotator"
    build_source(original)
    report = copy_project(original, pg_database)
    assert report.documents == 3 and report.rows["annotators"] == 2
    assert report.rows["document_sentiments"] == 6
    copy_project(pg_database, back)
    exports = []
    for location in (original, pg_database, back):
        with open_project(location, create=False) as project:
            out = tmp_path / f"export-{len(exports)}.jsonl"
            export_project(project, out)
            exports.append(out.read_bytes())
            assert len(assignments(project)) == 2
            assert project.schema == default_schema()
    assert exports[0] == exports[1] == exports[2]
    from annotator.storage import make_engine

    engines = [make_engine(x) for x in (original, pg_database, back)]
    digests = [table_digests(e) for e in engines]
    for e in engines:
        e.dispose()
    assert digests[0] == digests[1] == digests[2]


def test_copy_refuses_a_non_empty_destination(project_location: str, tmp_path: Path) -> None:
    source = tmp_path / "src.annotator"
    build_source(source)
    with open_project(project_location, "x") as project:
        project.repo.add_document(NewDocument(title="t", text="already here"))
    with pytest.raises(ProjectError, match="destination is not empty"):
        copy_project(source, project_location)


def test_cli_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = tmp_path / "a.annotator", tmp_path / "b.annotator"
    build_source(source)
    assert cli_main(["copy", str(source), str(target)]) == 0
    assert "Copied 3 documents" in capsys.readouterr().err
    assert cli_main(["copy", str(source), str(target)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert cli_main(["copy", str(tmp_path / "missing.annotator"), str(tmp_path / "c")]) == 2
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    "location", ["foo://x", "foo+bar://h/db", "mysql://u:s3cret@h/db", "://x", "sqlite://"]
)
def test_unknown_schemes_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], location: str
) -> None:
    source = tmp_path / "a.annotator"
    open_project(source, "alice", backup=False).close()
    for argv in (["--project", location, "stats"], ["copy", str(source), location]):
        assert cli_main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("annotator: ") and err.count("\n") == 1, err
        assert "s3cret" not in err and "Traceback" not in err
    with pytest.raises(ProjectError):
        open_project(location)


def _set_label(path: Path, label: str) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE entity_spans SET label = ? WHERE rowid = (SELECT min(rowid) FROM entity_spans)",
        (label,),
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("label", "why"), [("PER\x00SON", "NUL character"), ("X" * 201, "201 characters")]
)
def test_copy_to_postgres_refuses_what_it_cannot_store_before_writing(
    pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, why: str
) -> None:
    from sqlalchemy import inspect

    from annotator.storage import make_engine

    source = tmp_path / "a.annotator"
    build_source(source)
    _set_label(source, label)
    with pytest.raises(ProjectError, match=why):
        copy_project(source, pg_database)
    assert cli_main(["copy", str(source), pg_database]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and why in err and "entity_spans" in err
    engine = make_engine(pg_database)
    try:
        assert inspect(engine).get_table_names() == []  # nothing was written there
    finally:
        engine.dispose()
    back = tmp_path / "b.annotator"
    assert cli_main(["copy", str(source), str(back)]) == 0  # SQLite stores it as it is
