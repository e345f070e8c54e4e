"""Other analysts' changes (team projects): poll the project's change feed from a timer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from annotator.core.schema_changes import SchemaRenames, names_dropped
from annotator.services.watch import ProjectChange, ProjectWatcher

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

POLL_MS = 2000


class LiveUpdates(QObject):
    """Keeps the window in step with changes committed by other clients.

    The current document is re-read (only differences reach the panels), the document list
    is refreshed (also when assignments change), and a changed label schema rebuilds the
    palette and actions.
    """

    def __init__(self, window: MainWindow, interval_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.watcher: ProjectWatcher | None = None
        try:
            self.watcher = ProjectWatcher(window.project)
        except Exception as exc:  # a feed that cannot start must not stop anyone working
            window.statusBar().showMessage(f"Live updates are off: {exc}", 15_000)
            return
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> list[ProjectChange]:
        if self.watcher is None:
            return []
        model = self.window.model
        before = model.schema
        try:
            changes = self.watcher.poll()
        except Exception as exc:  # the server went away: say so, try again on the next tick
            self.window.statusBar().showMessage(f"Cannot check for changes: {exc}", 10_000)
            return []
        list_changed = False
        for change in changes:
            if change.kind == "schema":  # the watcher has re-read it; renames relabel spans
                self._reload_current()
                if names_dropped(before, model.schema, SchemaRenames()):
                    model.forget_undo_history()  # undo must not bring back old names
                model.schemaChanged.emit()
            elif change.kind == "documents":
                list_changed = True
            elif change.kind == "assignments":
                list_changed = True
                self.window.team.assignments_changed()
            elif change.kind == "document":
                list_changed = True
                if change.id == model.document_id:
                    self._reload_current()
        if list_changed:
            self.window.documents.reload()
        return changes

    def _reload_current(self) -> None:
        session = self.window.model.session
        if session is None:
            return
        try:
            session.reload()
        except Exception as exc:  # e.g. deleted meanwhile
            self.window.model.errorOccurred.emit(f"Cannot refresh the document: {exc}")

    def stop(self) -> None:
        if self.watcher is not None:
            self.timer.stop()
            self.watcher.close()
            self.watcher = None
