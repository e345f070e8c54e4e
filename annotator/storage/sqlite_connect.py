"""Connections to a SQLite project file with the project's settings, without SQLAlchemy.

The one place that says how a project file is opened: the SQLAlchemy engine applies the
same pragmas to each pooled connection (`engine.py`), and the bulk paths (import, export,
statistics from the command line) open plain `sqlite3` connections with them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
# Bulk statements touch many pages (an import batch writes several B-trees): a larger page
# cache than SQLite's 2 MB default keeps them in memory between the statements of a batch.
BULK_CACHE_KIB = 64 * 1024
STREAMING_CACHE_KIB = 2000  # SQLite's default (cache_size -2000)


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
def page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """A page cache of `kib` KiB for the duration, on any connection (a pooled one of the
    SQLAlchemy engine too); its own size comes back afterwards, so memory stays flat."""
    (size,) = conn.execute("PRAGMA cache_size").fetchone()
    wanted = -kib
    if size == wanted:
        yield
        return
    conn.execute(f"PRAGMA cache_size = {wanted}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(size)}")


def bulk_cache(conn: sqlite3.Connection) -> AbstractContextManager[None]:
    """The bulk page cache (BULK_CACHE_KIB) for the duration of a batch."""
    return page_cache(conn, BULK_CACHE_KIB)


def streaming_cache(conn: sqlite3.Connection) -> AbstractContextManager[None]:
    """SQLite's own small page cache while reading a project through once (an export):
    each page is read once, and a large cache only costs the work of filling and recycling
    it (the bulk cache made an export of 100,000 documents about a tenth slower)."""
    return page_cache(conn, STREAMING_CACHE_KIB)
