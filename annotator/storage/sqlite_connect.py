"""Connections to a SQLite project file with the project's settings, without SQLAlchemy.

The one place that says how a project file is opened: the SQLAlchemy engine applies the
same pragmas to each pooled connection (`engine.py`), and the bulk paths (import, export,
statistics from the command line) open plain `sqlite3` connections with them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
# Bulk statements touch many pages (an import batch writes several B-trees): a larger page
# cache than SQLite's 2 MB default keeps them in memory between the statements of a batch.
BULK_CACHE_KIB = 64 * 1024


def apply_pragmas(conn: sqlite3.Connection) -> None:
    """WAL, synchronous=FULL, foreign keys and a busy timeout; run outside a transaction."""
    cursor = conn.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def connect(path: Path) -> sqlite3.Connection:
    """An autocommit connection (transactions are begun explicitly) with the pragmas."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        apply_pragmas(conn)
        conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def bulk_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """The bulk page cache for the duration, on any connection (a pooled one of the
    SQLAlchemy engine too); its own size comes back afterwards, so memory stays flat."""
    (size,) = conn.execute("PRAGMA cache_size").fetchone()
    bulk = -BULK_CACHE_KIB
    if size == bulk:
        yield
        return
    conn.execute(f"PRAGMA cache_size = {bulk}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(size)}")
