"""PostgreSQL specifics: URLs, the driver check, the migration lock, the session's user.

Everything here is a no-op (or a plain answer) on other back ends, so callers need not ask.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import queue
import threading
import time
from typing import Any, Final

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError

DRIVER: Final = "psycopg"
ENABLE_HINT: Final = (
    "server projects need the PostgreSQL driver: pip install 'annotator[server]' "
    "(which installs psycopg[binary])"
)
# pg_advisory_xact_lock key: any constant bigint shared by every Annotator client.
MIGRATION_LOCK_KEY: Final = 0x616E6E6F74617465  # "annotate"
# a connection unused for longer is pinged before its next use
IDLE_PING_S: Final = 2.0
# Every connection gives up waiting for a lock, or on a statement, after this long (ms), so
# that a session holding a lock (a colleague's open transaction, a stuck client) becomes a
# clear message (`errors.Busy`) instead of a hang. Read when a connection is made.
LOCK_TIMEOUT_MS = 10_000
STATEMENT_TIMEOUT_MS = 300_000
# schema upgrades wait longer for each other (the first client may be migrating)
MIGRATION_LOCK_TIMEOUT_MS = 300_000


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
        conn.execute(text(f"SET LOCAL lock_timeout = {int(MIGRATION_LOCK_TIMEOUT_MS)}"))
        conn.execute(text(f"SET LOCAL statement_timeout = {int(MIGRATION_LOCK_TIMEOUT_MS)}"))
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def install_session_timeouts(engine: Engine) -> None:
    """Give every new connection `lock_timeout` and `statement_timeout` (libpq options, so
    no round trip is added)."""

    @event.listens_for(engine, "do_connect")
    def _timeouts(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        options = (
            f"-c lock_timeout={int(LOCK_TIMEOUT_MS)} "
            f"-c statement_timeout={int(STATEMENT_TIMEOUT_MS)}"
        )
        given = cparams.get("options")
        cparams["options"] = f"{given} {options}" if given else options


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
        'table', TG_TABLE_NAME, 'op', TG_OP, 'id', changed, 'by', session_user)::text);
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


class Announcer:
    """NOTIFYs listeners of committed edits from a background thread, on its own connection.

    A NOTIFY inside an edit's transaction would hold PostgreSQL's notification lock across
    the commit's WAL flush and so serialise all analysts' commits; sending it afterwards
    from the editing thread would add a round trip to every edit. Here it costs neither:
    edits are queued, repeated document ids coalesced, and failures ignored (the edit is
    committed; watchers also poll). After each NOTIFY it waits `interval` seconds, so a
    burst of edits costs the server a few NOTIFYs a second, not one per edit.
    """

    interval: float = 0.1

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def announce(self, doc_id: str) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="annotator-notify", daemon=True
                )
                self._thread.start()
        self._queue.put(doc_id)

    def close(self, timeout: float = 2.0) -> None:
        """Send what is queued, then stop."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def _run(self) -> None:
        conn: Any = None
        while True:
            first = self._queue.get()
            batch = [first]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            ids = list(dict.fromkeys(d for d in batch if d is not None))
            if ids:
                conn = self._send(conn, ids)
            if None not in batch:
                time.sleep(self.interval)
                continue
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            return

    def _send(self, conn: Any, ids: list[str]) -> Any:
        payloads = [json.dumps({"table": "documents", "op": "EDIT", "id": i}) for i in ids]
        for _attempt in range(2):
            try:
                if conn is None:
                    raw = self.engine.raw_connection()
                    conn = raw.driver_connection
                    raw.detach()  # ours alone, never back to the pool
                    conn.autocommit = True
                calls = ", ".join("pg_notify(%s, %s)" for _ in payloads)
                params = [x for p in payloads for x in (CHANNEL, p)]
                conn.execute(f"SELECT {calls}", params)
                return conn
            except Exception:
                with contextlib.suppress(Exception):
                    conn.close()
                conn = None
        return None


def install_idle_ping(engine: Engine, idle_seconds: float = IDLE_PING_S) -> None:
    """Ping pooled connections that sat idle before handing them out (not every checkout).

    A connection the server dropped (restart, failover) is replaced transparently; busy
    editing does not pay a round trip per edit for it.
    """

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("annotator_used", 0.0) <= idle_seconds:
            return
        if not is_alive(engine, dbapi_conn):
            raise DisconnectionError()

    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn: Any, record: Any) -> None:
        record.info["annotator_used"] = time.monotonic()


def is_alive(engine: Engine, dbapi_conn: Any) -> bool:
    """Ping a driver connection: False when the server dropped it; other errors raise."""
    try:
        engine.dialect.do_ping(dbapi_conn)
    except Exception as exc:
        if engine.dialect.is_disconnect(exc, dbapi_conn, None) or getattr(  # type: ignore[arg-type]
            dbapi_conn, "closed", False
        ):
            return False
        raise
    return True
