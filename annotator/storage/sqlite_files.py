"""Whole-file operations on SQLite projects: online backup, integrity checks, revision."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


def has_sqlite_header(path: Path) -> bool:
    """True if the file starts with the SQLite header (raises OSError if unreadable)."""
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER


def integrity_problems(path: Path, *, quick: bool = True) -> list[str]:
    """Problems reported by ``PRAGMA quick_check`` (or ``integrity_check``); [] when sound."""
    if not path.is_file():
        return ["file not found"]
    try:
        conn = sqlite3.connect(path)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        conn.close()
    found = [str(r[0]) for r in rows]
    return [] if found == ["ok"] else found


def backup_database(source: Path, target: Path, *, pages_per_step: int = 1024) -> None:
    """Copy a live database with SQLite's online backup API, then verify the copy.

    The copy is written to a temporary file beside `target` and renamed only after
    ``PRAGMA integrity_check`` passes; raises sqlite3.Error or ValueError otherwise.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst, pages=pages_per_step)
                dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
                dst.commit()
            finally:
                dst.close()
        finally:
            src.close()
        problems = integrity_problems(tmp, quick=False)
        if problems:
            raise ValueError(f"the backup copy failed its integrity check: {problems[0]}")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stored in a project file, or None."""
    if not path.is_file():
        return None
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else str(row[0])
