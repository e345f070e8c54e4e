"""Opening a project written with the oldest schema: backed up first, upgraded, nothing lost."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, insert

from annotator.core.model import Status
from annotator.services import project as project_module
from annotator.services.backups import list_backups
from annotator.services.project import ProjectError, open_project
from annotator.storage import head_revision, make_engine
from annotator.storage import migrate as migrate_module
from annotator.storage.migrate import alembic_config, current_revision
from annotator.storage.sqlite_files import integrity_problems, schema_revision

OLDEST = "0001"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
TEXT = "Angela Merkel said the talks in Paris were “constructive”. 🇩🇪"


def _oldest_revision() -> str:
    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    return revisions[-1].revision


def _make_oldest_project(path: Path) -> None:
    """A project at the first schema revision, with one of every kind of row."""
    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), OLDEST)
        meta = MetaData()
        meta.reflect(engine)
        t = meta.tables
        with engine.begin() as conn:
            conn.execute(
                insert(t["annotators"]), [{"id": "a1", "name": "alice", "created_at": NOW}]
            )
            conn.execute(
                insert(t["documents"]),
                [
                    {
                        "id": "d1",
                        "ordinal": 1,
                        "title": "Talks",
                        "source": "wire",
                        "text": TEXT,
                        "meta": {"outlet": "Reuters"},
                        "status": "in_progress",
                        "content_hash": "h1",
                        "version": 3,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                ],
            )
            conn.execute(
                insert(t["entity_spans"]),
                [
                    {
                        "id": "e1",
                        "document_id": "d1",
                        "annotator_id": "a1",
                        "start_offset": 0,
                        "end_offset": 13,
                        "label": "PERSON",
                        "created_at": NOW,
                        "updated_at": NOW,
                    },
                    {
                        "id": "e2",
                        "document_id": "d1",
                        "annotator_id": "a1",
                        "start_offset": 33,
                        "end_offset": 38,
                        "label": "LOC",
                        "created_at": NOW,
                        "updated_at": NOW,
                    },
                ],
            )
            conn.execute(
                insert(t["claims"]),
                [
                    {
                        "id": "c1",
                        "document_id": "d1",
                        "annotator_id": "a1",
                        "start_offset": 19,
                        "end_offset": 57,
                        "speaker_entity_id": "e1",
                        "speaker_text": "",
                        "attributes": {"stance": "positive"},
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                ],
            )
            conn.execute(
                insert(t["target_sentiments"]),
                [
                    {
                        "id": "t1",
                        "document_id": "d1",
                        "annotator_id": "a1",
                        "entity_id": "e2",
                        "label": "positive",
                        "created_at": NOW,
                    }
                ],
            )
            conn.execute(
                insert(t["document_sentiments"]),
                [
                    {
                        "document_id": "d1",
                        "annotator_id": "a1",
                        "label": "neutral",
                        "created_at": NOW,
                    }
                ],
            )
        assert current_revision(engine) == OLDEST
    finally:
        engine.dispose()


def test_oldest_revision_is_0001() -> None:
    assert _oldest_revision() == OLDEST


def test_oldest_project_opens_backed_up_and_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    _make_oldest_project(path)

    with open_project(path, "bob") as project:
        engine = project.repo.engine
        assert current_revision(engine) == head_revision()
        doc = project.repo.get_document("d1")
        ann = project.repo.load_annotations("d1")

    # Backed up before anything changed: a verified copy still at the oldest revision.
    backups = list_backups(path)
    assert backups, "no backup was made on open"
    oldest_copy = backups[-1].path
    assert schema_revision(oldest_copy) == OLDEST
    assert integrity_problems(oldest_copy, quick=False) == []
    if head_revision() != OLDEST:
        assert [b.reason for b in backups] == ["pre-upgrade"]

    # Nothing lost.
    assert doc.text == TEXT and doc.title == "Talks" and doc.source == "wire"
    assert doc.status is Status.IN_PROGRESS and doc.meta == {"outlet": "Reuters"}
    assert {e.id: (e.start, e.end, e.label, e.annotator) for e in ann.entities.values()} == {
        "e1": (0, 13, "PERSON", "alice"),
        "e2": (33, 38, "LOC", "alice"),
    }
    claim = ann.claims["c1"]
    assert (claim.start, claim.end, claim.speaker_id, claim.attributes) == (
        19,
        57,
        "e1",
        {"stance": "positive"},
    )
    assert [(t.entity_id, t.label) for t in ann.targets.values()] == [("e2", "positive")]
    assert ann.document_sentiment == "neutral"


def test_upgrade_backs_up_before_migrating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Independent of how many revisions exist: the backup comes before `prepare_database`."""
    path = tmp_path / "old.annotator"
    _make_oldest_project(path)
    events: list[str] = []
    real_backup, real_prepare = project_module.create_backup, migrate_module.prepare_database

    def backup(p: Path, reason: str = "auto") -> Path:
        events.append(f"backup:{reason}")
        return real_backup(p, reason)

    def prepare(engine: object) -> str:
        events.append("migrate")
        return real_prepare(engine)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate_module, "needs_upgrade", lambda _engine: True)
    monkeypatch.setattr(project_module, "create_backup", backup)
    monkeypatch.setattr(migrate_module, "prepare_database", prepare)
    open_project(path, backup=False).close()
    assert events == ["backup:pre-upgrade", "migrate"]


def test_upgrade_refused_when_backup_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.annotator"
    _make_oldest_project(path)
    (tmp_path / "backups").write_text("a file where the backups folder should be")
    monkeypatch.setattr(migrate_module, "needs_upgrade", lambda _engine: True)
    migrated: list[object] = []
    monkeypatch.setattr(migrate_module, "prepare_database", migrated.append)
    with pytest.raises(ProjectError, match="not upgraded"):
        open_project(path)
    assert migrated == []
    assert schema_revision(path) == OLDEST
