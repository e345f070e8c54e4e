from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.storage import make_engine, prepare_database
from annotator.storage.engine import is_url, sqlite_path
from annotator.storage.migrate import SchemaTooNew, alembic_config, current_revision, head_revision
from tests.storage.schema_compare import schema_differences


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "p.annotator")
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert conn.scalar(text("PRAGMA synchronous")) == 2  # FULL
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
        assert conn.scalar(text("PRAGMA busy_timeout")) >= 5000
    engine.dispose()


def test_new_database_is_created_and_stamped_at_head(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "p.annotator")
    assert prepare_database(engine) == "created"
    assert current_revision(engine) == head_revision()
    assert prepare_database(engine) == "current"
    engine.dispose()


def test_migrations_build_the_same_schema_as_the_models(tmp_path: Path) -> None:
    """Upgrading an empty database through every migration gives exactly the models' tables."""
    from alembic import command

    engine = make_engine(tmp_path / "m.annotator")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as conn:
        diff = schema_differences(conn)
    assert diff == []
    engine.dispose()


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "n.annotator")
    prepare_database(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(SchemaTooNew, match="newer version"):
        prepare_database(engine)
    engine.dispose()


def test_locations() -> None:
    assert not is_url("C:/data/x.annotator") and is_url("postgresql+psycopg://u@h/db")
    assert sqlite_path("sqlite:////tmp/a.db") == Path("/tmp/a.db")
    assert sqlite_path("postgresql+psycopg://u@h/db") is None
