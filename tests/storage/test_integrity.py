"""Invalid stored values: the database refuses them, and readers skip old ones and carry on."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import column as sa_column
from sqlalchemy import insert, text
from sqlalchemy import table as sa_table
from sqlalchemy.exc import DBAPIError

from annotator.core.model import Claim, EntitySpan, Status
from annotator.core.text import content_hash
from annotator.services.copy import copy_project
from annotator.services.exporting import export_project
from annotator.services.project import open_project
from annotator.services.session import DocumentSession
from annotator.storage import NewDocument, head_revision, make_engine
from annotator.storage.errors import InvalidValue
from annotator.storage.migrate import alembic_config, current_revision
from annotator.storage.models import (
    AnnotatorRow,
    ClaimRow,
    DocumentRow,
    EntityRow,
    TargetSentimentRow,
)

TEXT = "Zoë Chen met 習近平 in London on Tuesday. 😀 Talks went well, she said."
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _span(i: str, doc: str, start: int, end: int, label: str = "PERSON") -> dict[str, Any]:
    return dict(
        id=i,
        document_id=doc,
        annotator_id="a1",
        start_offset=start,
        end_offset=end,
        label=label,
        created_at=NOW,
        updated_at=NOW,
    )


def _claim(i: str, doc: str, attributes: Any, speaker: str | None = None) -> dict[str, Any]:
    return dict(
        id=i,
        document_id=doc,
        annotator_id="a1",
        start_offset=0,
        end_offset=5,
        speaker_entity_id=speaker,
        speaker_text="",
        attributes=attributes,
        created_at=NOW,
        updated_at=NOW,
    )


def _document(i: str, status: str, ordinal: int) -> dict[str, Any]:
    body = f"{TEXT} {i}"
    return dict(
        id=i,
        ordinal=ordinal,
        title=i,
        source="",
        text=body,
        meta={},
        status=status,
        content_hash=content_hash(body),
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE documents SET status = 'pwned'",
        "UPDATE entity_spans SET start_offset = -5",
        "UPDATE entity_spans SET start_offset = end_offset + 1",
        "UPDATE entity_spans SET end_offset = start_offset",
        "UPDATE claims SET start_offset = -5",
        "UPDATE claims SET attributes = '[1, 2]'",
        "UPDATE claims SET attributes = '{\"type\": 1}'",
        "UPDATE claims SET attributes = 'not json'",
    ],
)
def test_the_database_refuses_invalid_values(project_location: str, statement: str) -> None:
    with open_project(project_location, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="t", text=TEXT))
        editor = project.repo.editor(doc_id, "alice")
        editor.put_entity(EntitySpan("e1", 0, 3, "PERSON"))
        editor.put_claim(Claim("c1", 4, 20, "e1", attributes={"type": "statement"}))
        before = project.repo.load_annotations(doc_id)
        with pytest.raises(DBAPIError), project.repo.engine.begin() as conn:
            conn.execute(text(statement))
        assert project.repo.load_annotations(doc_id) == before
        assert project.repo.get_document(doc_id).status is Status.TODO


def test_the_server_refuses_offsets_past_the_text(pg_database: str) -> None:
    with open_project(pg_database, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="t", text=TEXT))
        project.repo.editor(doc_id, "alice").put_entity(EntitySpan("e1", 0, 3, "PERSON"))
        refused = pytest.raises(DBAPIError, match="beyond the end of the text")
        with refused, project.repo.engine.begin() as conn:
            conn.execute(text("UPDATE entity_spans SET end_offset = 1000000000"))


def test_refusals_reach_the_caller_as_one_line(project_location: str) -> None:
    with open_project(project_location, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="t", text=TEXT))
        editor = project.repo.editor(doc_id, "alice")
        bad = Claim("c1", 0, 5, attributes={"type": 1})  # type: ignore[dict-item]
        with pytest.raises(InvalidValue, match="JSON object of strings") as refused:
            editor.put_claim(bad)
        assert "\n" not in str(refused.value)


def _insert_as_of_then(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert with only the columns given: later revisions may add columns to the models."""
    types = table.__table__.c
    columns = (sa_column(k, types[k].type) for k in rows[0])
    conn.execute(insert(sa_table(table.__tablename__, *columns)), rows)


def _old_project_with_bad_rows(location: str) -> None:
    """A project as revision 0002 left it, holding rows the new rules refuse."""
    engine = make_engine(location)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        _insert_as_of_then(conn, AnnotatorRow, [dict(id="a1", name="alice", created_at=NOW)])
        _insert_as_of_then(
            conn,
            DocumentRow,
            [_document("good", "done", 1), _document("pwned", "pwned", 2)],
        )
        _insert_as_of_then(
            conn,
            EntityRow,
            [
                _span("ok", "good", 0, 3),
                _span("negative", "good", -5, 1),
                _span("reversed", "good", 9, 4),
                _span("huge", "good", 0, 10**9),
                _span("past", "good", 0, len(TEXT) + 6),  # a few code points too far
            ],
        )
        _insert_as_of_then(
            conn,
            ClaimRow,
            [
                _claim("c_ok", "good", {"type": "statement"}, speaker="ok"),
                _claim("c_list", "good", [1, 2]),
                _claim("c_ints", "good", {"type": 1}),
                _claim("c_orphan", "good", {}, speaker="huge"),
            ],
        )
        _insert_as_of_then(
            conn,
            TargetSentimentRow,
            [
                dict(
                    id=f"t_{e}",
                    document_id="good",
                    annotator_id="a1",
                    entity_id=e,
                    label="positive",
                    created_at=NOW,
                )
                for e in ("ok", "huge")
            ],
        )
    engine.dispose()


def test_an_old_project_with_bad_rows_upgrades_and_every_reader_carries_on(
    project_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main as cli_main

    _old_project_with_bad_rows(project_location)
    with open_project(project_location, "alice") as project:
        assert current_revision(project.repo.engine) == head_revision()
        listed = {d.id: d.status for d in project.repo.list_documents()}
        assert listed == {"good": Status.DONE, "pwned": Status.TODO}
        session = DocumentSession(project, "good")  # what the GUI loads
        assert set(session.annotations.entities) == {"ok"}
        assert set(session.annotations.claims) == {"c_ok", "c_orphan"}
        assert session.annotations.claims["c_orphan"].speaker_id is None
        assert set(session.annotations.targets) == {"t_ok"}
        out = tmp_path / "export.jsonl"
        export_project(project, out, "jsonl")
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert sorted(r["id"] for r in records) == ["good", "pwned"]
        assert project.repo.bad_rows.count > 0
        # new writes obey the rules even though old rows do not
        with pytest.raises(DBAPIError), project.repo.engine.begin() as conn:
            conn.execute(text("UPDATE documents SET status = 'pwned' WHERE id = 'good'"))
    assert cli_main(["export", "--project", project_location, "--out", str(out)]) == 0
    assert "unusable stored rows were skipped" in capsys.readouterr().err
    report = copy_project(project_location, tmp_path / "copy.annotator")
    assert report.bad_rows is not None and report.bad_rows.count > 0
    assert "unusable stored rows were skipped" in report.summary()
    with open_project(tmp_path / "copy.annotator", "alice") as copied:
        assert copied.repo.get_document("pwned").status is Status.TODO
        assert set(copied.repo.load_annotations("good").entities) == {"ok"}
        assert copied.repo.bad_rows.count == 0
