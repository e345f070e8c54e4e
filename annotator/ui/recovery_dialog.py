"""The dialog shown when a project file is damaged: restore a good backup, or quit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.services.backups import list_backups, restore_backup
from annotator.services.project import ProjectCorrupt, ProjectError
from annotator.ui.plain import plain_label


def _plain_label(text: str) -> QLabel:
    label = plain_label(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RecoveryDialog(QDialog):
    """Explains what is wrong and offers the project's backups, the latest good one first.

    Accepted once a backup has been restored (`restored_from`, `moved_aside` say what was
    done); the damaged file is renamed, never deleted.
    """

    def __init__(self, error: ProjectCorrupt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.restored_from: Path | None = None
        self.moved_aside: Path | None = None
        self.setWindowTitle("Project cannot be opened — Annotator")
        layout = QVBoxLayout(self)
        layout.addWidget(
            _plain_label(
                f"The project {error.path.name} cannot be opened.\n\n"
                f"Reason: {error.detail}.\n\nFile: {error.path}"
            )
        )
        self.backups = QListWidget()
        self.backups.setObjectName("backups")
        self.error_label = _plain_label("")
        self.error_label.setObjectName("restoreError")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.hide()
        buttons = QDialogButtonBox()
        self.quit_button = buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button: QPushButton | None = None
        found = list_backups(error.path)
        if found:
            layout.addWidget(
                _plain_label(
                    "You can restore a backup. The damaged file is kept beside it, renamed, "
                    "so nothing is deleted. Edits made after the backup was taken are not in it."
                )
            )
            for backup in found:
                when = backup.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")
                item = QListWidgetItem(f"{when}  ({backup.reason})  {backup.path.name}")
                item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
                self.backups.addItem(item)
                if error.latest_backup is not None and backup.path == error.latest_backup:
                    self.backups.setCurrentItem(item)
            if self.backups.currentItem() is None:
                self.backups.setCurrentRow(0)
            layout.addWidget(self.backups)
            self.restore_button = buttons.addButton(
                "Restore selected backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.restore_button.setDefault(True)
            # A bound method, not a lambda: a lambda holding `self` inside a Qt connection is a
            # cycle Python cannot collect, and the dialog would outlive its exec().
            self.backups.itemDoubleClicked.connect(self._restore_item)
        else:
            self.backups.hide()
            layout.addWidget(
                _plain_label(
                    "No backup of this project was found. The file has been left as it is; "
                    "a copy of it may still be recoverable with SQLite's own tools."
                )
            )
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self._restore)
        self.resize(620, 380)

    def selected_backup(self) -> Path | None:
        item = self.backups.currentItem()
        return None if item is None else Path(item.data(Qt.ItemDataRole.UserRole))

    def _restore_item(self, _item: QListWidgetItem) -> None:
        self._restore()

    def _restore(self) -> None:
        chosen = self.selected_backup()
        if chosen is None:
            return
        try:
            self.moved_aside = restore_backup(self.error.path, chosen)
        except ProjectError as exc:  # a damaged backup, or the project opened elsewhere
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.restored_from = chosen
        self.accept()
