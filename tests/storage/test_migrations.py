"""One set of Alembic migrations for both back ends: upgrades end where new databases start."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from annotator.storage import make_engine, prepare_database
from annotator.storage.migrate import alembic_config, current_revision, head_revision
from annotator.storage.models import Base
from annotator.storage.search import is_search_object

# the text index (FTS5 tables, trigram indexes) lives outside models.py
SEARCH_OPTS = {"include_name": lambda name, _type, _parent: not is_search_object(name)}


def test_upgrade_from_first_revision_matches_new_schema(project_location: str) -> None:
    engine = make_engine(project_location)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    assert current_revision(engine) == "0001"
    assert prepare_database(engine) == "upgraded"
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts=SEARCH_OPTS), Base.metadata)
    engine.dispose()
    assert diffs == []


def test_downgrade_and_upgrade_again(project_location: str) -> None:
    engine = make_engine(project_location)
    assert prepare_database(engine) == "created"
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert prepare_database(engine) == "upgraded"
    engine.dispose()
