"""The connection single-statement edits commit on: autocommit, kept between edits."""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

from sqlalchemy import Connection, Engine

from annotator.storage.postgres import IDLE_PING_S, is_alive


class EditConnection:
    """Runs one statement as its own committed transaction, on a connection kept for edits.

    A lone statement outside a transaction is a transaction of its own, and the database
    answers only once it has committed it: on a server that is one round trip where BEGIN,
    statement, COMMIT are three. The connection stays checked out between edits, because
    taking one from the pool and handing it back costs more CPU than the statement; when
    it sat unused for IDLE_PING_S it is pinged first and replaced if the server dropped it.
    A failed statement hands the connection back (the pool discards a broken one).
    Thread-safe; `close` (or garbage collection) returns the connection to the pool.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._slot: list[Connection | None] = [None]
        self._used = 0.0
        self._lock = threading.Lock()
        weakref.finalize(self, _close_slot, self._slot)

    def execute(self, statement: Any, params: Any = None) -> int:
        """Execute and commit `statement`; returns the number of rows it changed (for a
        SELECT, such as a call of a write function, the value it returns)."""
        with self._lock:
            conn = self._connection()
            try:
                result = conn.execute(statement, params)
                count = int(result.scalar() or 0) if result.returns_rows else int(result.rowcount)
                conn.commit()  # ends SQLAlchemy's bookkeeping; nothing is sent in autocommit
            except BaseException:
                _close_slot(self._slot)
                raise
            self._used = time.monotonic()
            return count

    def close(self) -> None:
        with self._lock:
            _close_slot(self._slot)

    def _connection(self) -> Connection:
        conn = self._slot[0]
        if (
            conn is not None
            and time.monotonic() - self._used > IDLE_PING_S
            and not self._alive(conn)
        ):
            conn.invalidate()
            _close_slot(self._slot)
            conn = None
        if conn is None:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._slot[0] = conn
        return conn

    def _alive(self, conn: Connection) -> bool:
        return not conn.invalidated and is_alive(self.engine, conn.connection.dbapi_connection)


def _close_slot(slot: list[Connection | None]) -> None:
    conn, slot[0] = slot[0], None
    if conn is not None:
        conn.close()
