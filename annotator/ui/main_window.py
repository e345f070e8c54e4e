"""The annotation workbench window: a QMainWindow that hosts one project's workbench.

Everything inside (model, view, panels, actions, helpers) is built and wired by
`annotator.ui.workbench.Workbench`; the window only places it, keeps its geometry, takes
drops and closes the project. The attributes below are read-only views of the workbench's
parts, for tests and the application object.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox

from annotator.services.project import Project
from annotator.ui.settings import AppSettings
from annotator.ui.window_layout import (
    apply_default_layout,
    same_scale,
    screen_key,
    window_screen,
)
from annotator.ui.workbench import Workbench

_open_windows: set[MainWindow] = set()


class MainWindow(QMainWindow):
    """One window per open project; the window owns the project and closes it."""

    def __init__(
        self, project: Project, settings: AppSettings | None = None, restore: bool = True
    ) -> None:
        super().__init__()
        self.project = project
        self.settings = settings or AppSettings()
        self.setObjectName("main_window")
        self.setAccessibleName("Annotator")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.workbench = Workbench(project, self.settings, self, self.replace_with)
        # the workbench's parts, by their names (built there, only referenced here)
        wb = self.workbench
        self.model = wb.model
        self.view = wb.view
        self.editor = wb.editor
        self.navigator = wb.navigator
        self.files = wb.files
        self.documents = wb.documents
        self.labels = wb.labels
        self.annotations = wb.annotations
        self.claims = wb.claims
        self.sentiment = wb.sentiment
        self.docks = wb.docks
        self.commands = wb.commands
        self.team = wb.team
        self.progress = wb.progress
        self.live = wb.live
        self.backups = wb.backups
        apply_default_layout(self, self.workbench.docks)
        self.workbench.reset_layout = self.reset_layout
        if restore:
            self._restore()
        else:
            self.workbench.switcher.open_first()
        self.settings.add_recent_project(project.location)
        self.settings.set_last_project(project.location)
        if project.backup_error:
            self.statusBar().showMessage(project.backup_error, 15_000)
        _open_windows.add(self)

    # -- the workbench's parts -----------------------------------------------------------
    @property
    def last_error(self) -> QMessageBox | None:
        return self.workbench.messages.last_error

    def open_document(self, doc_id: str | None) -> None:
        self.workbench.switcher.open_document(doc_id)

    def go_next_unfinished(self) -> None:
        self.workbench.switcher.go_next_unfinished()

    def show_annotation(self, kind: str, annotation_id: str) -> None:
        self.workbench.navigator.show(kind, annotation_id)

    def show_error(self, message: str) -> None:
        self.workbench.messages.show_error(message)

    # -- geometry ------------------------------------------------------------------------
    def reset_layout(self) -> None:
        """View ▸ Panels ▸ Reset layout: the default size and panels, saved layout dropped."""
        apply_default_layout(self, self.workbench.docks)
        self.settings.forget_window()

    def _restore(self) -> None:
        """The saved layout, if it was saved at this screen scale (device pixel ratio)."""
        saved_for = self.settings.window_screen()
        if same_scale(saved_for, screen_key(window_screen(self))):
            geometry = self.settings.geometry()
            if geometry is not None:
                self.restoreGeometry(geometry)
            state = self.settings.window_state()
            if state is not None:
                self.restoreState(state)
        self.workbench.switcher.open_last_or_first()

    def save_state(self) -> None:
        self.workbench.scroll_memory.flush()
        self.settings.save_window(
            self.saveGeometry(), self.saveState(), screen_key(window_screen(self))
        )
        self.settings.set_last_document(self.project.location, self.workbench.model.document_id)
        self.settings.sync()

    # -- life ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)

    def shut_down(self) -> None:
        """Finish background work, remember the layout and release the project."""
        if self not in _open_windows:
            return
        _open_windows.discard(self)
        self.workbench.stop()
        self.save_state()
        self.workbench.model.load(None)
        self.project.close()  # releases the project lock

    def replace_with(self, project: Project) -> MainWindow:
        """Open `project` in a new window and close this one."""
        self.save_state()
        window = MainWindow(project, self.settings)
        window.show()
        self.close()
        return window

    # -- drag and drop ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and all(url.isLocalFile() for url in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        self.open_paths([u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()])
        event.acceptProposedAction()

    def open_paths(self, paths: list[str]) -> None:
        """One project file opens that project; anything else is imported into this one."""
        projects = [p for p in paths if p.endswith(".annotator") and Path(p).is_file()]
        if len(projects) == 1 and len(paths) == 1:
            self.workbench.files.open_location(projects[0])
        elif paths:
            self.workbench.files.import_paths(paths)


def current_window() -> MainWindow | None:
    """The window that file-open requests go to: the active one, else any open one."""
    active = [w for w in _open_windows if w.isActiveWindow()]
    candidates = active or list(_open_windows)
    return candidates[0] if candidates else None


def close_all_windows() -> None:
    """Release every open project (used when the application quits)."""
    for window in list(_open_windows):
        window.shut_down()
