"""One set of Alembic migrations for both back ends: upgrades end where new databases start."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from annotator.storage import make_engine, prepare_database
from annotator.storage.migrate import alembic_config, current_revision, head_revision
from annotator.storage.models import SERVER_ONLY_INDEXES
from tests.storage.schema_compare import schema_differences


def test_upgrade_from_first_revision_matches_new_schema(project_location: str) -> None:
    engine = make_engine(project_location)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    assert current_revision(engine) == "0001"
    assert prepare_database(engine) == "upgraded"
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diffs = schema_differences(conn)
    engine.dispose()
    assert diffs == []


def test_downgrade_and_upgrade_again(project_location: str) -> None:
    engine = make_engine(project_location)
    assert prepare_database(engine) == "created"
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert prepare_database(engine) == "upgraded"
    engine.dispose()


def test_sqlite_projects_drop_the_server_only_indexes(tmp_path: Path) -> None:
    """0008 drops them on upgrade and restores them on downgrade; queries stay right."""
    from annotator.storage.revisions import revision_graph

    (before,) = revision_graph()["0008"]
    engine = make_engine(tmp_path / "old.annotator")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), before)

    def indexes() -> set[str]:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
            return {str(r[0]) for r in rows}

    assert set(SERVER_ONLY_INDEXES) <= indexes()
    assert prepare_database(engine) == "upgraded"
    assert not set(SERVER_ONLY_INDEXES) & indexes()
    assert "ix_entity_spans_document_start" in indexes()
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), before)
    assert set(SERVER_ONLY_INDEXES) <= indexes()
    engine.dispose()


def test_revision_lines_read_quickly_agree_with_a_full_parse() -> None:
    from annotator.storage import revisions

    for script in sorted((revisions.MIGRATIONS_DIR / "versions").glob("*.py")):
        source = script.read_text(encoding="utf-8")
        quick = revisions._quick_values(source)
        assert quick is not None, script.name
        full = revisions._parsed_values(source)
        assert quick == {k: full[k] for k in ("revision", "down_revision")}, script.name


def test_revision_values_that_are_not_one_line_literals_are_parsed_in_full() -> None:
    from annotator.storage.revisions import _quick_values

    merge = 'revision = "0009"\ndown_revision = (\n    "0007",\n    "0008",\n)\n'
    assert _quick_values(merge) is None
    twice = '"""\nrevision = "x"\n"""\nrevision = "0009"\ndown_revision = "0008"\n'
    assert _quick_values(twice) is None
    typed = 'revision: str = "0009"  # note\ndown_revision: str | None = "0008"\n'
    assert _quick_values(typed) == {"revision": "0009", "down_revision": "0008"}
