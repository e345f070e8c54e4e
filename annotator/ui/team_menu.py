"""The Team menu: assigning documents to analysts on server projects."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.services.team import assignment_refusal
from annotator.ui.dialogs.assign_dialog import AssignDialog
from annotator.ui.plain import plain_tooltip

ASSIGN_TIP = "Assign documents to analysts, or take them back"


class TeamMenu(QObject):
    """Team ▸ Assign documents…, enabled only for the project's owner and admins.

    The permission is checked when the window opens and again each time the menu opens.
    """

    def __init__(
        self,
        project: Project,
        menu_bar: QMenuBar,
        register_action: Callable[[QAction], object],
        dialog_parent: QWidget,
        on_assignments_saved: Callable[[], object],
        show_error: Callable[[str], object],
    ) -> None:
        super().__init__(dialog_parent)
        self.project = project
        self.dialog_parent = dialog_parent
        self.on_assignments_saved = on_assignments_saved
        self.show_error = show_error
        self.dialog: AssignDialog | None = None
        help_menu = menu_bar.actions()[-1]  # Team goes just before Help
        self.menu = QMenu("&Team", dialog_parent)
        menu_bar.insertMenu(help_menu, self.menu)
        self.menu.setToolTipsVisible(True)
        self.assign_documents = QAction("&Assign documents…", dialog_parent)
        self.assign_documents.setProperty("group", "Team")
        self.assign_documents.triggered.connect(lambda _checked=False: self.open_dialog())
        self.menu.addAction(self.assign_documents)
        register_action(self.assign_documents)
        self.menu.aboutToShow.connect(self.check_permission)
        self.check_permission()

    def check_permission(self) -> str | None:
        """Enable the action or say, in its tooltip, why it is disabled; returns the reason."""
        try:
            refusal = assignment_refusal(self.project)
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
            self.show_error(refusal)
            return None
        if self.dialog is not None:
            self.dialog.reload()
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        self.dialog = AssignDialog(self.project, self.dialog_parent)
        self.dialog.assignmentsChanged.connect(self.on_assignments_saved)
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
