"""Rotating, verified backups of SQLite projects, in a `backups/` folder beside the project.

Backups are taken with SQLite's online backup API (consistent while the project is open),
checked with ``PRAGMA integrity_check`` before they replace anything, and rotated so the
newest `KEEP` of each kind remain. `backup_if_due` is cheap when nothing is due; the GUI
calls it from a timer, and `open_project` calls it on open.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.services.errors import ProjectError
from annotator.storage.sqlite_files import backup_database, project_problems

if TYPE_CHECKING:
    from annotator.services.project import Project

BACKUP_DIR_NAME = "backups"
KEEP = 10
INTERVAL_SECONDS = 10 * 60
_STAMP = "%Y%m%dT%H%M%S%fZ"


class BackupFailed(ProjectError):
    """A backup could not be written or did not verify."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    created: datetime
    reason: str


def backups_dir(project_path: Path) -> Path:
    return project_path.parent / BACKUP_DIR_NAME


def _pattern(project_path: Path) -> re.Pattern[str]:
    stem, suffix = re.escape(project_path.stem), re.escape(project_path.suffix)
    return re.compile(rf"{stem}-(\d{{8}}T\d{{12}}Z)-([a-z][a-z-]*){suffix}")


def _stamp_time(stamp: str) -> datetime:
    """`datetime.strptime(stamp, _STAMP)` in UTC, for the pattern's 8 + 12 digits, read
    without loading `_strptime` (whose error a stamp out of range still gets)."""
    try:
        return datetime(
            int(stamp[0:4]),
            int(stamp[4:6]),
            int(stamp[6:8]),
            int(stamp[9:11]),
            int(stamp[11:13]),
            int(stamp[13:15]),
            int(stamp[15:21]),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc)


def list_backups(project_path: Path) -> list[Backup]:
    """Backups of this project, newest first."""
    folder = backups_dir(project_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(project_path)
    found = []
    for child in folder.iterdir():
        match = pattern.fullmatch(child.name)
        if match is None or not child.is_file():
            continue
        created = _stamp_time(match.group(1))
        found.append(Backup(child, created, match.group(2)))
    found.sort(key=lambda b: b.created, reverse=True)
    return found


def create_backup(project_path: Path, reason: str = "auto", keep: int = KEEP) -> Path:
    """Back up the project now, verify the copy, and drop the oldest beyond `keep`."""
    if not re.fullmatch(r"[a-z][a-z-]*", reason):
        raise ValueError(f"bad backup reason {reason!r}")
    if not project_path.is_file():
        raise BackupFailed(f"{project_path}: no such project to back up")
    _remove_partials(project_path)
    stamp = datetime.now(timezone.utc).strftime(_STAMP)
    name = f"{project_path.stem}-{stamp}-{reason}{project_path.suffix}"
    target = backups_dir(project_path) / name
    try:
        backup_database(project_path, target)
    except (OSError, sqlite3.Error, ValueError) as exc:
        raise BackupFailed(f"{project_path}: backup failed ({exc})") from None
    _rotate(project_path, reason, keep, target)
    return target


def _remove_partials(project_path: Path) -> None:
    """Delete unfinished copies left by a backup that was killed part-way.

    Only the process holding the project lock writes backups, so any partial copy of this
    project's backups is a leftover.
    """
    folder = backups_dir(project_path)
    if not folder.is_dir():
        return
    pattern = _pattern(project_path)
    for child in folder.glob(".*.partial"):
        if pattern.fullmatch(child.name[1 : -len(".partial")]):
            with contextlib.suppress(OSError):
                child.unlink()


def _rotate(project_path: Path, reason: str, keep: int, made: Path) -> None:
    """Drop the oldest backups of this kind beyond `keep`, never `made`: it was just
    verified as a sound project, so a good backup always remains. (A project whose file
    fails its check is never copied: `backup_database` refuses it, and nothing rotates.)"""
    same_kind = [b for b in list_backups(project_path) if b.reason == reason]
    for old in same_kind[keep:]:
        if old.path != made:
            with contextlib.suppress(OSError):
                old.path.unlink()


def latest_good_backup(project_path: Path) -> Path | None:
    """The newest backup that is a sound Annotator project (SQLite's quick check, and a
    schema revision: an empty database is no backup), or None."""
    for backup in list_backups(project_path):
        if not project_problems(backup.path, quick=True):
            return backup.path
    return None


def _changed_since(project_path: Path, when: float) -> bool:
    for path in (project_path, project_path.with_name(project_path.name + "-wal")):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime > when:
                return True
    return False


def backup_due(project_path: Path, interval: float = INTERVAL_SECONDS) -> bool:
    """True when there is no backup yet, or the newest is older than `interval` and stale."""
    backups = list_backups(project_path)
    if not backups:
        return True
    newest = backups[0].created.timestamp()
    return time.time() - newest >= interval and _changed_since(project_path, newest)


def backup_if_due(project: Project, interval: float = INTERVAL_SECONDS) -> Path | None:
    """Back up an open SQLite project if due; returns the new backup, or None.

    Projects on a database server are backed up by the server's own tools: nothing to do.
    """
    path = project.path
    if path is None or not path.is_file() or not backup_due(path, interval):
        return None
    return create_backup(path)


def restore_backup(project_path: Path, backup: Path) -> Path:
    """Put `backup` in place of the project; the damaged file is kept, renamed, not deleted.

    Returns where the damaged project was moved. The caller must not have it open. A
    symbolic link is followed: the file it names is replaced, and the link stays a link.
    """
    from annotator.services.lock import ProjectLock, real_path

    project_path = real_path(project_path)

    problems = project_problems(backup, quick=False)
    if problems:
        raise BackupFailed(f"{backup.name} is damaged too ({problems[0]}); choose another")
    stamp = datetime.now(timezone.utc).strftime(_STAMP)
    aside = project_path.with_name(f"{project_path.name}.damaged-{stamp}")
    with ProjectLock(project_path, "restore"):
        try:
            staged = project_path.with_name(f".{project_path.name}.restoring")
            backup_database(backup, staged)
            if project_path.exists():
                os.replace(project_path, aside)
            for extra in ("-wal", "-shm", "-journal"):
                side = project_path.with_name(project_path.name + extra)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + extra))
            os.replace(staged, project_path)
        except (OSError, sqlite3.Error, ValueError) as exc:
            raise BackupFailed(f"restoring {backup.name} failed ({exc})") from None
    return aside
