"""Opening a project from the GUI: a damaged file offers its backups instead of failing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from annotator.services.project import PROJECT_SUFFIX, Project, ProjectCorrupt, ProjectLocked
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


def choose_instead_of_locked(exc: ProjectLocked, parent: QWidget | None = None) -> str | None:
    """The project is open in another Annotator: offer to open another one.

    Returns the project file chosen, or None when the user quits.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, "Annotator", "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(str(exc))
    box.setInformativeText("You can open another project, or quit and close it there first.")
    other = box.addButton("Open another project…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(other)
    box.exec()
    if box.clickedButton() is not other:
        return None
    folder = str(exc.path.parent)
    chosen, _ = QFileDialog.getOpenFileName(
        parent, "Open project", folder, f"Annotator projects (*{PROJECT_SUFFIX})"
    )
    return chosen or None
