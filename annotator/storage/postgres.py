"""PostgreSQL specifics: URLs, the driver check, the migration lock, the session's user.

Everything here is a no-op (or a plain answer) on other back ends, so callers need not ask.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
from typing import Any, Final

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL, make_url

DRIVER: Final = "psycopg"
ENABLE_HINT: Final = (
    "server projects need the PostgreSQL driver: pip install 'annotator[server]' "
    "(which installs psycopg[binary])"
)
# pg_advisory_xact_lock key: any constant bigint shared by every Annotator client.
MIGRATION_LOCK_KEY: Final = 0x616E6E6F74617465  # "annotate"


class DriverMissing(RuntimeError):
    """The database URL needs a driver that is not installed."""


def normalise_url(location: str) -> str:
    """Plain libpq URLs (postgres://, postgresql://) use psycopg 3; others pass unchanged."""
    for prefix in ("postgresql://", "postgres://"):
        if location.startswith(prefix):
            return f"postgresql+{DRIVER}://" + location[len(prefix) :]
    return location


def is_postgres(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def check_driver(url: str | URL) -> None:
    """Raise DriverMissing with the install hint when a PostgreSQL URL cannot be served."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    driver = parsed.get_driver_name()
    if driver in ("psycopg", "psycopg2") and importlib.util.find_spec(driver) is None:
        raise DriverMissing(ENABLE_HINT)


def display_url(url: str | URL) -> str:
    """The URL without its password, for messages and titles."""
    return make_url(url).render_as_string(hide_password=True)


def migration_lock(conn: Connection) -> None:
    """Serialise schema creation and upgrades between clients until the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def database_user(engine: Engine) -> str | None:
    """The role the server knows this client as (None on SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        user = conn.scalar(text("SELECT current_user"))
    return str(user) if user is not None else None


# -- change notifications (LISTEN/NOTIFY) ------------------------------------------------
CHANNEL: Final = "annotator_changes"
# table -> the column whose value names what changed
NOTIFYING_TABLES: Final = {"documents": "id", "project_meta": "key", "assignments": "document_id"}

_NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION annotator_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        EXECUTE format('SELECT ($1).%I::text', TG_ARGV[0]) USING OLD INTO changed;
    ELSE
        EXECUTE format('SELECT ($1).%I::text', TG_ARGV[0]) USING NEW INTO changed;
    END IF;
    PERFORM pg_notify('{CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME, 'op', TG_OP, 'id', changed, 'by', current_user)::text);
    RETURN NULL;
END $$
"""


def install_change_notifications(conn: Connection) -> None:
    """Triggers that NOTIFY every committed change of shared rows (PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text(_NOTIFY_FUNCTION))
    for table, column in NOTIFYING_TABLES.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS annotator_notify ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER annotator_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION annotator_notify('{column}')"
            )
        )


def remove_change_notifications(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in NOTIFYING_TABLES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS annotator_notify ON {table}"))
    conn.execute(text("DROP FUNCTION IF EXISTS annotator_notify()"))


def announce_edit(conn: Connection, doc_id: str) -> None:
    """NOTIFY listeners of an edit of `doc_id`, after its commit, in a transaction of its own.

    A NOTIFY inside the edit's transaction would hold PostgreSQL's notification lock across
    the commit's WAL flush and so serialise all analysts' commits; this one writes no WAL.
    A failure is ignored: the edit is committed, and watchers also poll.
    """
    if conn.dialect.name != "postgresql":
        return
    payload = json.dumps({"table": "documents", "op": "EDIT", "id": doc_id})
    driver: Any = conn.connection.driver_connection
    try:
        driver.autocommit = True  # one round trip: no BEGIN/COMMIT around the NOTIFY
        try:
            driver.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
        finally:
            driver.autocommit = False
    except Exception:  # the edit is committed; watchers catch up by polling
        with contextlib.suppress(Exception):
            conn.invalidate()
