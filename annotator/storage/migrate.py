"""Schema creation and Alembic upgrades, run when a project is opened."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from annotator.storage.models import Base
from annotator.storage.postgres import install_change_notifications, migration_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer Annotator than this one."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config whose script location is resolved at run time (works frozen)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revision() -> str:
    """The newest schema revision this version of Annotator knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    """True when the database holds an older schema that `prepare_database` would migrate."""
    rev = current_revision(engine)
    return rev is not None and rev != head_revision()


def prepare_database(engine: Engine) -> str:
    """Create a new database at head, or upgrade an older one. Returns what was done.

    On PostgreSQL this runs under an advisory lock, so clients starting together take turns:
    the first creates or upgrades, the others then find the schema current.
    """
    with engine.begin() as conn:
        migration_lock(conn)
        tables = set(inspect(conn).get_table_names())
        rev = MigrationContext.configure(conn).get_current_revision()
        script = ScriptDirectory.from_config(alembic_config())
        if rev is None and not (tables & set(Base.metadata.tables)):
            Base.metadata.create_all(conn)
            install_change_notifications(conn)  # what migrations add beyond the tables
            command.stamp(alembic_config(conn), "head")
            return "created"
        if rev == head_revision():
            return "current"
        if rev is not None and rev not in {s.revision for s in script.walk_revisions()}:
            raise SchemaTooNew(
                f"this project was written by a newer version of Annotator (schema {rev}); "
                "update Annotator to open it"
            )
        command.upgrade(alembic_config(conn), "head")
        return "upgraded"
