"""PostgreSQL specifics: URLs, driver hint, migration under an advisory lock, newer schemas."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text

from annotator.services.project import ProjectError, open_project
from annotator.storage import make_engine, prepare_database
from annotator.storage.postgres import (
    DriverMissing,
    check_driver,
    display_url,
    normalise_url,
)


def test_plain_libpq_urls_use_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    assert display_url("postgresql+psycopg://u:pw@h/db") == "postgresql+psycopg://u:***@h/db"


def test_missing_driver_says_how_to_enable(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    with pytest.raises(DriverMissing, match=r"annotator\[server\]"):
        check_driver("postgresql+psycopg://u@h/db")
    with pytest.raises(ProjectError, match=r"pip install 'annotator\[server\]'"):
        open_project("postgresql://u:pw@h/db")


def test_clients_starting_together_migrate_once(pg_database: str) -> None:
    engines = [make_engine(pg_database) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            actions = sorted(pool.map(prepare_database, engines))
    finally:
        for engine in engines:
            engine.dispose()
    assert actions == ["created", "current", "current", "current"]


def test_newer_schema_is_refused(project_location: str) -> None:
    with open_project(project_location, "a"):
        pass
    engine = make_engine(project_location)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(ProjectError, match="newer version of Annotator"):
        open_project(project_location, "a")


def test_edits_by_id_search_the_primary_key_before_any_analyze(pg_database: str) -> None:
    """A never-analysed table made the (document, start) index look as cheap as the key:
    a prepared relabel or delete then read every span of the document (7 ms at 10,000)."""
    from sqlalchemy import delete, update

    from annotator.core.model import EntitySpan
    from annotator.storage import NewDocument
    from annotator.storage.models import ClaimRow, EntityRow

    with open_project(pg_database, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument("t", "Zoë met 习近平. " * 200))
        editor = project.repo.editor(doc_id, "alice")
        editor.add_many(EntitySpan(f"e{i}", i, i + 2, "PERSON", "alice") for i in range(500))
        statements = [
            delete(EntityRow).where(*editor._row(EntityRow, "e1")),
            update(EntityRow).where(*editor._row(EntityRow, "e1")).values(label="ORG"),
            delete(ClaimRow).where(*editor._row(ClaimRow, "c1")),
        ]
        with project.repo.engine.connect() as conn:
            conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            for statement in statements:
                compiled = statement.compile(dialect=conn.dialect)
                conn.exec_driver_sql("PREPARE edit AS " + _numbered(compiled))
                plan = "\n".join(conn.exec_driver_sql(_explain(compiled)).scalars())
                conn.exec_driver_sql("DEALLOCATE edit")
                assert "Index Scan using pk_" in plan, plan


def _numbered(compiled: Any) -> str:
    """The statement with $1, $2, ... for its parameters, as PREPARE wants it."""
    names = list(compiled.params)
    return str(compiled) % {name: f"${i}" for i, name in enumerate(names, 1)}


def _explain(compiled: Any) -> str:
    values = ", ".join(
        "'" + str(value).replace("'", "''") + "'" for value in compiled.params.values()
    )
    return f"EXPLAIN EXECUTE edit({values})"
