"""The Team menu: assigning documents to analysts on server projects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from annotator.services.errors import StorageError
from annotator.services.team import assignment_refusal
from annotator.ui.dialogs.assign_dialog import AssignDialog
from annotator.ui.plain import plain_tooltip

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

ASSIGN_TIP = "Assign documents to analysts, or take them back"


class TeamMenu(QObject):
    """Team ▸ Assign documents…, enabled only for the project's owner and admins.

    The permission is checked when the window opens and again each time the menu opens.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: AssignDialog | None = None
        bar = window.menuBar()
        help_menu = bar.actions()[-1]  # Team goes just before Help
        self.menu = QMenu("&Team", window)
        bar.insertMenu(help_menu, self.menu)
        self.menu.setToolTipsVisible(True)
        self.assign_documents = QAction("&Assign documents…", window)
        self.assign_documents.setProperty("group", "Team")
        self.assign_documents.triggered.connect(lambda _checked=False: self.open_dialog())
        self.menu.addAction(self.assign_documents)
        window.commands.all.append(self.assign_documents)
        self.menu.aboutToShow.connect(self.check_permission)
        self.check_permission()

    def check_permission(self) -> str | None:
        """Enable the action or say, in its tooltip, why it is disabled; returns the reason."""
        try:
            refusal = assignment_refusal(self.window.project)
        except StorageError as exc:
            refusal = f"Cannot check your project roles: {exc}"
        self.assign_documents.setEnabled(refusal is None)
        tip = refusal or ASSIGN_TIP
        self.assign_documents.setToolTip(plain_tooltip(tip))
        self.assign_documents.setStatusTip(tip)
        return refusal

    def open_dialog(self) -> AssignDialog | None:
        refusal = self.check_permission()
        if refusal is not None:
            self.window.show_error(refusal)
            return None
        if self.dialog is not None:
            self.dialog.reload()
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        self.dialog = AssignDialog(self.window.project, self.window)
        self.dialog.assignmentsChanged.connect(self.window.documents.reload)
        self.dialog.finished.connect(self._closed)
        self.dialog.show()
        return self.dialog

    def assignments_changed(self) -> None:
        """Someone else changed assignments: an open dialog shows the new state."""
        if self.dialog is not None:
            self.dialog.reload()

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
