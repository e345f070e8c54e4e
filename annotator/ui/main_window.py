"""The annotation workbench window: document list, article view and annotation panels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QWidget,
)

from annotator import __version__
from annotator.core.model import Status
from annotator.services.documents import document_exists, first_document, next_unfinished
from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.ui.actions import WorkbenchActions
from annotator.ui.annotation_list import AnnotationList
from annotator.ui.article_view import ArticleView
from annotator.ui.backup_timer import BackupTimer
from annotator.ui.claim_panel import ClaimPanel
from annotator.ui.dialogs.schema_editor import SchemaEditor
from annotator.ui.dialogs.shortcuts import ShortcutsDialog
from annotator.ui.document_list import DocumentListPanel
from annotator.ui.document_model import DocumentModel
from annotator.ui.editing import AnnotationEditor
from annotator.ui.file_ops import ProjectFiles
from annotator.ui.label_palette import LabelPalette
from annotator.ui.live_updates import LiveUpdates
from annotator.ui.sentiment_panel import SentimentPanel
from annotator.ui.settings import AppSettings
from annotator.ui.status_bar import ProgressStatus
from annotator.ui.team_menu import TeamMenu
from annotator.ui.theme import apply_theme

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

        self.model = DocumentModel(project, self)
        self.view = ArticleView(self.model)
        self.view.setFrameShape(self.view.Shape.NoFrame)
        self.view.setMinimumWidth(320)
        self.setCentralWidget(self.view)
        self.editor = AnnotationEditor(self.model, self.view, self)
        self.files = ProjectFiles(self)

        self.documents = DocumentListPanel(self.model)
        self.labels = LabelPalette(self.model)
        self.annotations = AnnotationList(self.model)
        self.claims = ClaimPanel(self.model, self.editor)
        self.sentiment = SentimentPanel(self.model, self.editor)
        self.docks = {
            "documents": self._dock(
                "Documents", self.documents, Qt.DockWidgetArea.LeftDockWidgetArea
            ),
            "labels": self._dock("Labels", self.labels, Qt.DockWidgetArea.RightDockWidgetArea),
            "claim": self._dock("Claim", self.claims, Qt.DockWidgetArea.RightDockWidgetArea),
            "sentiment": self._dock(
                "Sentiment", self.sentiment, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "annotations": self._dock(
                "Annotations", self.annotations, Qt.DockWidgetArea.LeftDockWidgetArea
            ),
        }
        self.commands = WorkbenchActions(self)
        for dock in self.docks.values():
            self.commands.panels_menu.addAction(dock.toggleViewAction())
        self.team = TeamMenu(self)

        bar = self.statusBar()
        self.progress = ProgressStatus(self.model, bar)

        self.labels.labelChosen.connect(self._label_clicked)
        self.labels.claimChosen.connect(self._claim_clicked)
        self.documents.documentActivated.connect(self.open_document)
        self.annotations.annotationPicked.connect(self.show_annotation)
        self.claims.showSpeaker.connect(self._show_speaker)
        self.editor.message.connect(lambda text: bar.showMessage(text, 6000))
        self.model.errorOccurred.connect(self.show_error)
        self.model.documentChanged.connect(self._document_changed)

        self.live = LiveUpdates(
            project,
            self.model,
            self.documents.refresh,
            self._assignments_changed,
            lambda text: bar.showMessage(text, 10_000),
            self,
        )
        self.backups = BackupTimer(project, self)
        self.backups.failed.connect(lambda message: self.statusBar().showMessage(message, 15_000))
        self._fit_to_screen()
        self.resizeDocks(
            [self.docks["documents"], self.docks["labels"]], [330, 360], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.docks["documents"], self.docks["annotations"]],
            [300, 500],
            Qt.Orientation.Vertical,
        )
        self.commands.themes.get(self.settings.theme(), self.commands.themes["system"]).setChecked(
            True
        )
        if restore:
            self._restore()
        else:
            self._open_first()
        self.settings.add_recent_project(project.location)
        self.settings.set_last_project(project.location)
        self._document_changed()
        if project.backup_error:
            self.statusBar().showMessage(project.backup_error, 15_000)
        _open_windows.add(self)

    def _fit_to_screen(self) -> None:
        """First-run size: 1400x860, or 92% of a smaller screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        width, height = 1400, 860
        if screen is not None:
            free = screen.availableGeometry()
            width = min(width, int(free.width() * 0.92))
            height = min(height, int(free.height() * 0.92))
            self.move(
                free.x() + (free.width() - width) // 2, free.y() + (free.height() - height) // 2
            )
        self.resize(width, height)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setAccessibleName(f"{title} panel")
        if area == Qt.DockWidgetArea.RightDockWidgetArea:  # stays usable on short screens
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QScrollArea.Shape.NoFrame)
            scroller.setWidget(widget)
            dock.setWidget(scroller)
        else:
            dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    # -- state ----------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        last = self.settings.last_document(self.project.location)
        if last and document_exists(self.project, last):
            self.open_document(last)
        else:
            self._open_first()

    def _open_first(self) -> None:
        first = next_unfinished(self.project, None) or first_document(self.project)
        if first is not None:
            self.open_document(first)

    def save_state(self) -> None:
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.set_last_document(self.project.location, self.model.document_id)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)

    def shut_down(self) -> None:
        """Finish background work, remember the layout and release the project."""
        if self not in _open_windows:
            return
        _open_windows.discard(self)
        self.files.wait()
        self.live.stop()
        self.documents.stop()
        self.progress.stop()
        self.backups.timer.stop()
        self.backups.wait(60)
        self.save_state()
        self.model.load(None)
        self.project.close()  # releases the project lock

    def replace_with(self, project: Project) -> MainWindow:
        """Open `project` in a new window and close this one."""
        self.save_state()
        window = MainWindow(project, self.settings)
        window.show()
        self.close()
        return window

    # -- documents ---------------------------------------------------------------------------
    def open_document(self, doc_id: str | None) -> None:
        if doc_id == self.model.document_id:
            return
        try:
            self.model.load(doc_id)
        except Exception as exc:  # e.g. the document was deleted by another client
            self.show_error(f"Cannot open the document: {exc}")
            self.documents.reload()
            return
        self.settings.set_last_document(self.project.location, doc_id)

    def documents_changed(self) -> None:
        """Documents were added (imports never change stored ones, so undo stacks stay)."""
        self.model.documentsChanged.emit()
        self.documents.reload()

    def _assignments_changed(self) -> None:
        self.team.assignments_changed()
        self.documents.refresh_assignments()

    def go_next_unfinished(self) -> None:
        try:
            found = next_unfinished(self.project, self.model.document_id)
        except StorageError as exc:  # a server gone away: say so, stay on this document
            self.show_error(f"Cannot find the next unfinished document: {exc}")
            return
        if found is None:
            self.statusBar().showMessage("Every document is done.", 6000)
        else:
            self.open_document(found)

    def done_and_next(self) -> None:
        if self.model.session is not None:
            self.editor.set_status(Status.DONE)
        self.go_next_unfinished()

    def step_document(self, step: int) -> None:
        ids = self.documents.visible_ids()
        if not ids:
            return
        current = self.model.document_id
        i = ids.index(current) + step if current in ids else 0
        if 0 <= i < len(ids):
            self.open_document(ids[i])

    def _document_changed(self) -> None:
        session = self.model.session
        title = session.document.title if session else "No document"
        self.setWindowTitle(f"{title} — {self.project.display_name} — Annotator")

    # -- annotations ---------------------------------------------------------------------------
    def _label_clicked(self, name: str) -> None:
        self.editor.apply_label(name)
        self.view.setFocus()

    def _claim_clicked(self) -> None:
        self.editor.mark_claim()
        self.view.setFocus()

    def show_annotation(self, kind: str, annotation_id: str) -> None:
        """Select an annotation and bring its text into view."""
        session = self.model.session
        if session is None:
            return
        item = (
            session.get_entity(annotation_id)
            if kind == "entity"
            else session.get_claim(annotation_id)
        )
        if item is None:
            return
        self.model.select(kind, annotation_id)
        self.view.select_span(item.start, item.end)
        self.view.ensureCursorVisible()

    def _show_speaker(self, entity_id: str) -> None:
        session = self.model.session
        entity = session.get_entity(entity_id) if session else None
        if entity is not None:
            self.view.select_span(entity.start, entity.end)
            self.view.ensureCursorVisible()

    def step_annotation(self, step: int) -> None:
        session = self.model.session
        if session is None:
            return
        ann = session.annotations
        keys = [(e.start, -e.end, "entity", e.id) for e in ann.entities.values()]
        keys += [(c.start, -c.end, "claim", c.id) for c in ann.claims.values()]
        order = [(k, i) for _, _, k, i in sorted(keys)]
        if not order:
            return
        current = self.model.selection
        i = order.index(current) + step if current in order else (0 if step > 0 else -1)
        self.show_annotation(*order[i % len(order)])

    # -- dialogs -----------------------------------------------------------------------------
    def edit_schema(self) -> None:
        try:
            usage = self.project.schema_usage()  # what stored annotations use, per name
        except StorageError as exc:
            self.show_error(f"Cannot edit the label schema now: {exc}")
            return
        reserved = self.commands.reserved_alt_keys()
        dialog = SchemaEditor(self.model.schema, usage, self, reserved, self.model.save_schema)
        if dialog.exec() == SchemaEditor.DialogCode.Accepted:
            self.statusBar().showMessage("Label schema saved.", 6000)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.commands.all, self)
        dialog.setModal(True)
        dialog.open()
        return dialog

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About Annotator")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Annotator {__version__}\n\nTag entities, claims and sentiment in news articles.\n"
            f"Project: {self.project.location}\nAnnotator: {self.project.annotator}"
        )
        box.open()

    def show_error(self, message: str) -> None:
        """Report a problem without interrupting work: status bar plus a non-blocking box."""
        self.statusBar().showMessage(message, 15_000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Annotator", "", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(message)
        box.setAccessibleName("Error message")
        box.open()
        self.last_error = box

    def focus_search(self) -> None:
        self.documents.search.setFocus()
        self.documents.search.selectAll()

    def set_theme(self, theme: str) -> None:
        self.settings.set_theme(theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

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
        if len(paths) == 1 and projects:
            self.files.open_location(projects[0])
        elif paths:
            self.files.import_paths(paths)


def current_window() -> MainWindow | None:
    """The window that file-open requests go to: the active one, else any open one."""
    active = [w for w in _open_windows if w.isActiveWindow()]
    candidates = active or list(_open_windows)
    return candidates[0] if candidates else None


def close_all_windows() -> None:
    """Release every open project (used when the application quits)."""
    for window in list(_open_windows):
        window.shut_down()
