"""Errors the services raise or pass on; their messages are meant for the user.

The storage errors are re-exported here so that the ui layer never imports `storage`.
"""

from __future__ import annotations

from pathlib import Path

from annotator.storage.errors import (
    ConflictError,
    NotFound,
    NotPermitted,
    SchemaInUse,
    ServerUnavailable,
    StorageError,
)

__all__ = [
    "Cancelled",
    "ConflictError",
    "NotFound",
    "NotPermitted",
    "ProjectCorrupt",
    "ProjectError",
    "SchemaInUse",
    "ServerUnavailable",
    "StorageError",
]


class Cancelled(Exception):
    """The user cancelled a long operation."""


class ProjectError(RuntimeError):
    """A project that cannot be opened; the message is meant for the user."""


class ProjectCorrupt(ProjectError):
    """The project file is damaged or not a project; `latest_backup` is the newest good copy."""

    def __init__(self, path: Path, latest_backup: Path | None, detail: str) -> None:
        self.path = path
        self.latest_backup = latest_backup
        self.detail = detail
        offer = (
            f" The latest good backup is {latest_backup.name}."
            if latest_backup is not None
            else " No backup of it was found."
        )
        super().__init__(f"{path} cannot be opened: {detail}.{offer}")
