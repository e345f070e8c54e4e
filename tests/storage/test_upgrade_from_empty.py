"""Running the migration scripts themselves, as an upgrade of an old project does."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from annotator.storage import head_revision, make_engine, prepare_database
from annotator.storage.migrate import current_revision, upgrade_from_empty
from annotator.storage.models import Base


def test_runs_every_script_up_to_head(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "p.annotator")
    upgrade_from_empty(engine)
    assert current_revision(engine) == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert prepare_database(engine) == "current"
    engine.dispose()


def test_stops_at_an_older_revision_that_opening_then_upgrades(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "old.annotator")
    upgrade_from_empty(engine, "0001")
    assert current_revision(engine) == "0001"
    assert prepare_database(engine) == "upgraded"
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_refuses_a_database_that_has_tables(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "p.annotator")
    prepare_database(engine)
    with pytest.raises(ValueError, match="empty database"):
        upgrade_from_empty(engine)
    engine.dispose()
