"""Schema creation and Alembic upgrades, run when a project is opened.

Alembic is imported only when there is work for it (a new database, an upgrade, an unknown
revision): opening an up-to-date project reads the revision with one query and compares it
with the head found by reading the revision files, which keeps start-up fast.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from annotator.storage.models import Base
from annotator.storage.postgres import install_change_notifications, migration_lock
from annotator.storage.revisions import MIGRATIONS_DIR, revision_graph, single_head
from annotator.storage.search import install_search

if TYPE_CHECKING:
    from alembic.config import Config


class SchemaTooNew(RuntimeError):
    """The database was written by a newer Annotator than this one."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config whose script location is resolved at run time (works frozen)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revision() -> str:
    """The newest schema revision this version of Annotator knows."""
    head = single_head()
    if head is not None:
        return head
    from alembic.script import ScriptDirectory  # several heads or none: ask Alembic

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _stored_revision(conn: Connection) -> str | None:
    """The revision in alembic_version, or None if there is none (or no such table)."""
    try:
        with conn.begin_nested():
            found = conn.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        return None
    return None if found is None else str(found)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _stored_revision(conn)


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
        rev = _stored_revision(conn)
        if rev is not None and rev == head_revision():
            return "current"
        migration_lock(conn)
        rev = _stored_revision(conn)  # another client may have migrated while we waited
        if rev is not None and rev == head_revision():
            return "current"
        from alembic import command

        tables = set(inspect(conn).get_table_names())
        if rev is None and not (tables & set(Base.metadata.tables)):
            Base.metadata.create_all(conn)
            install_change_notifications(conn)  # what migrations add beyond the tables
            install_search(conn)
            command.stamp(alembic_config(conn), "head")
            return "created"
        if rev is not None and rev not in revision_graph():
            raise SchemaTooNew(
                f"this project was written by a newer version of Annotator (schema {rev}); "
                "update Annotator to open it"
            )
        command.upgrade(alembic_config(conn), "head")
        return "upgraded"


def upgrade_from_empty(engine: Engine, revision: str = "head") -> None:
    """Run the migration scripts themselves on an empty database, up to `revision`.

    New projects skip the scripts (tables are created at head and stamped); this runs them,
    to build databases as older versions left them and to prove that a frozen build ships
    every script and what they import (`annotator --smoke-test`).
    """
    from alembic import command

    with engine.begin() as conn:
        if set(inspect(conn).get_table_names()) & set(Base.metadata.tables):
            raise ValueError("upgrade_from_empty needs an empty database")
        command.upgrade(alembic_config(conn), revision)
