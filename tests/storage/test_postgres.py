"""PostgreSQL specifics: URLs, driver hint, migration under an advisory lock, newer schemas."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor

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
