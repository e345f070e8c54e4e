"""Whole-file operations on SQLite projects: online backup, integrity checks, revision."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
# Backups up to this size are verified with integrity_check (which also cross-checks every
# index: tens of seconds for a large file); larger ones with quick_check (every page and record).
FULL_CHECK_MAX_BYTES = 64 * 2**20


def has_sqlite_header(path: Path) -> bool:
    """True if the file starts with the SQLite header (raises OSError if unreadable)."""
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER


def file_problem(path: Path) -> str | None:
    """Why an existing file cannot be a project at all (empty, not SQLite), or None.

    Raises OSError if it cannot be read.
    """
    if path.stat().st_size == 0:
        return "the file is empty (0 bytes)"
    if not has_sqlite_header(path):
        return "it is not an Annotator project (not a SQLite database)"
    return None


def foreign_problem(path: Path) -> str | None:
    """None for an Annotator project (or a SQLite file with no tables at all, which a new
    project may use); otherwise why this SQLite file belongs to something else."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        names = {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not names:
            return None
        if "alembic_version" not in names:
            return "it is a SQLite database of another application, not an Annotator project"
        if conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] != 1:
            return "it has no Annotator schema revision"
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return None


def project_problems(path: Path, *, quick: bool = True) -> list[str]:
    """Why a file is not a sound Annotator project: missing, empty, not SQLite, damaged
    (``quick_check`` or ``integrity_check``), another application's, or without tables.
    [] when sound. What a backup must pass."""
    if not path.is_file():
        return ["file not found"]
    try:
        problem = file_problem(path)
    except OSError as exc:
        return [f"cannot read ({exc.strerror or exc})"]
    if problem is not None:
        return [problem]
    found = integrity_problems(path, quick=quick)
    if found:
        return found
    problem = foreign_problem(path) or (
        None if schema_revision(path) is not None else "it holds no Annotator project"
    )
    return [problem] if problem is not None else []


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


def backup_database(source: Path, target: Path) -> None:
    """Copy a live database with SQLite's online backup API, then verify the copy.

    The copy is made in one step: one read transaction, a consistent snapshot that (in WAL
    mode) does not block writers. A stepwise copy would restart whenever another connection
    wrote to the project, and might never finish while someone is annotating.

    An empty or non-SQLite source is refused before anything is written. The copy is
    written to a temporary file beside `target` and renamed only after it passes
    `project_problems` (``integrity_check``, quick_check above FULL_CHECK_MAX_BYTES, and an
    Annotator schema revision); raises sqlite3.Error or ValueError otherwise.
    """
    problem = file_problem(source)
    if problem is not None:
        raise ValueError(f"the project cannot be copied: {problem}; older backups were kept")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
                dst.commit()
            finally:
                dst.close()
        finally:
            src.close()
        problems = project_problems(tmp, quick=tmp.stat().st_size > FULL_CHECK_MAX_BYTES)
        if problems:
            raise ValueError(
                "the project appears damaged: its copy failed the check of a sound project "
                f"({problems[0]}); older backups were kept"
            )
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
