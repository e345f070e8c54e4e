"""The workbench's own dialogs: label schema, keyboard shortcuts, About, the log folder
and the theme."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator import __version__
from annotator.services.errors import StorageError
from annotator.services.logs import log_dir
from annotator.services.project import Project
from annotator.ui.article_view import VIEW_KEYS
from annotator.ui.dialogs.schema_editor import SchemaEditor
from annotator.ui.dialogs.shortcuts import ShortcutsDialog
from annotator.ui.document_model import DocumentModel
from annotator.ui.settings import AppSettings
from annotator.ui.theme import apply_theme


class WorkbenchDialogs:
    """Opens dialogs over `parent`. `actions()` lists every QAction (for the shortcuts
    table) and `reserved_alt_keys()` the Alt keys the menus already use."""

    def __init__(
        self,
        parent: QWidget,
        project: Project,
        model: DocumentModel,
        settings: AppSettings,
        actions: Callable[[], list[QAction]],
        reserved_alt_keys: Callable[[], dict[str, str]],
        show_message: Callable[[str], object],
        show_error: Callable[[str], object],
    ) -> None:
        self.parent = parent
        self.project = project
        self.model = model
        self.settings = settings
        self.actions = actions
        self.reserved_alt_keys = reserved_alt_keys
        self.show_message = show_message
        self.show_error = show_error

    def edit_schema(self) -> None:
        try:
            usage = self.project.schema_usage()  # what stored annotations use, per name
        except StorageError as exc:
            self.show_error(f"Cannot edit the label schema now: {exc}")
            return
        reserved = self.reserved_alt_keys()
        dialog = SchemaEditor(
            self.model.schema, usage, self.parent, reserved, self.model.save_schema
        )
        if dialog.exec() == SchemaEditor.DialogCode.Accepted:
            self.show_message("Label schema saved.")

    def show_shortcuts(self) -> ShortcutsDialog:
        view_keys = [("Article text", row.text, row.keys) for row in VIEW_KEYS]
        dialog = ShortcutsDialog(self.actions(), self.parent, view_keys)
        dialog.setModal(True)
        dialog.open()
        return dialog

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self.parent)
        box.setWindowTitle("About Annotator")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Annotator {__version__}\n\nTag entities, claims and sentiment in news articles.\n"
            f"Project: {self.project.location}\nAnnotator: {self.project.annotator}"
        )
        box.open()
        return box

    def open_log_folder(self) -> None:
        """Show the folder of the application log in the desktop's file manager."""
        folder = log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.show_error(f"Cannot create the log folder {folder}: {exc.strerror or exc}")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.show_message(f"The log is in {folder}")

    def set_theme(self, theme: str) -> None:
        self.settings.set_theme(theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
