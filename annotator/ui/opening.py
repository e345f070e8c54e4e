"""Opening a project from the GUI: a damaged file offers its backups instead of failing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from annotator.services.project import Project, ProjectCorrupt
from annotator.ui.recovery_dialog import RecoveryDialog


def open_with_recovery(
    opener: Callable[[], Project], parent: QWidget | None = None
) -> Project | None:
    """`opener()`, or None if the file is damaged and the user declined to restore a backup.

    Other ProjectErrors (locked, too new, unreadable) propagate for the caller to show.
    """
    try:
        return opener()
    except ProjectCorrupt as exc:
        if RecoveryDialog(exc, parent).exec() != QDialog.DialogCode.Accepted:
            return None
    return opener()
