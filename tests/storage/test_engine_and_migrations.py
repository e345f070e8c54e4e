from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text

from annotator.storage import make_engine, prepare_database
from annotator.storage.engine import is_url, sqlite_path
from annotator.storage.migrate import SchemaTooNew, alembic_config, current_revision, head_revision
from annotator.storage.models import SERVER_ONLY_INDEXES, Base
from annotator.storage.search import is_search_object


def compare_opts(conn: Connection) -> dict[str, Any]:
    """Leave out the text index (outside models.py) and, on SQLite, the indexes only
    PostgreSQL has (`SERVER_ONLY_INDEXES`: Alembic's comparison ignores `ddl_if`)."""
    skip = set(SERVER_ONLY_INDEXES) if conn.dialect.name == "sqlite" else set()

    def include(name: str | None, _type: str, _parent: object) -> bool:
        return not is_search_object(name) and name not in skip

    def include_object(_obj: object, name: str | None, kind: str, *_rest: object) -> bool:
        return include(name, kind, None)

    return {"include_name": include, "include_object": include_object}


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
        diff = compare_metadata(
            MigrationContext.configure(conn, opts=compare_opts(conn)), Base.metadata
        )
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
