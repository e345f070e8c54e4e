"""The composition root of the workbench: builds every part once and wires their signals.

Who builds what (all here, in this order, nothing built elsewhere):

- `Messages` (status bar line, warning box) -> `show_message` / `show_error` callables;
- `DocumentModel` (current document, selection, undo) and the `ArticleView` on it;
- `AnnotationEditor` (every edit), `AnnotationRows` (the annotation list's item model,
  also the reading order) and the `Navigator` over it;
- the panels: document list, label palette, annotation list, claim and sentiment panels,
  each given the model (and the editor where it edits), put into docks of `host`;
- `DocumentSwitcher` (which document is open), `ProjectFiles` (projects, import, export),
  `WorkbenchDialogs`, `WorkbenchActions` (menus, toolbar) through an `ActionRegistry`,
  `TeamMenu`, `ProgressStatus`, `LiveUpdates`, `BackupTimer` and `SearchIndexer`.

Helpers get narrow collaborators (callables, the menu bar, a `register_action` callback,
the widget their dialogs belong to), never the window. `host` is only the QMainWindow the
parts are placed in; `replace_project(project)` is how the window is asked to open
another project in its place.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QWidget

from annotator.services.project import Project
from annotator.ui.actions import ActionRegistry, WorkbenchActions, WorkbenchCommands
from annotator.ui.annotation_list import AnnotationList, AnnotationRows
from annotator.ui.article_view import ArticleView
from annotator.ui.backup_timer import BackupTimer
from annotator.ui.claim_panel import ClaimPanel
from annotator.ui.document_list import DocumentListPanel
from annotator.ui.document_model import DocumentModel
from annotator.ui.document_switcher import DocumentSwitcher
from annotator.ui.editing import AnnotationEditor
from annotator.ui.file_ops import ProjectFiles
from annotator.ui.label_palette import LabelPalette
from annotator.ui.live_updates import LiveUpdates
from annotator.ui.messages import Messages
from annotator.ui.navigator import Navigator
from annotator.ui.review.menu import ReviewMenu
from annotator.ui.scroll_memory import ScrollMemory
from annotator.ui.search_indexer import SearchIndexer
from annotator.ui.sentiment_panel import SentimentPanel
from annotator.ui.settings import AppSettings
from annotator.ui.status_bar import ProgressStatus
from annotator.ui.suggestion_tools import SuggestionTools
from annotator.ui.team_menu import TeamMenu
from annotator.ui.workbench_dialogs import WorkbenchDialogs


def make_document_list(model: DocumentModel) -> DocumentListPanel:
    """The document list panel (one place, so a new implementation is a one-line change)."""
    return DocumentListPanel(model)


class Workbench(QObject):
    """Every part of one project's workbench, built into `host`."""

    def __init__(
        self,
        project: Project,
        settings: AppSettings,
        host: QMainWindow,
        replace_project: Callable[[Project], object],
    ) -> None:
        super().__init__(host)
        self.project = project
        self.settings = settings
        # the host sets this: back to the default size and panels (View ▸ Panels)
        self.reset_layout: Callable[[], object] = lambda: None
        self.messages = Messages(host.statusBar(), host)
        show_message = self.messages.show_message
        show_error = self.messages.show_error

        self.model = DocumentModel(project, self)
        self.view = ArticleView(self.model)
        self.view.setFrameShape(self.view.Shape.NoFrame)
        self.view.setMinimumWidth(320)
        host.setCentralWidget(self.view)
        self.editor = AnnotationEditor(self.model, self.view, self)
        self.rows = AnnotationRows(self.model, self)
        self.navigator = Navigator(self.model, self.rows, self.view, show_message)

        self.documents = make_document_list(self.model)
        self.labels = LabelPalette(self.model)
        self.annotations = AnnotationList(self.model, self.rows)
        self.claims = ClaimPanel(self.model, self.editor)
        self.sentiment = SentimentPanel(self.model, self.editor)
        self.docks = {
            "documents": _dock(
                host, "Documents", self.documents, Qt.DockWidgetArea.LeftDockWidgetArea
            ),
            "labels": _dock(host, "Labels", self.labels, Qt.DockWidgetArea.RightDockWidgetArea),
            "claim": _dock(host, "Claim", self.claims, Qt.DockWidgetArea.RightDockWidgetArea),
            "sentiment": _dock(
                host, "Sentiment", self.sentiment, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "annotations": _dock(
                host, "Annotations", self.annotations, Qt.DockWidgetArea.LeftDockWidgetArea
            ),
        }

        self.switcher = DocumentSwitcher(
            project,
            self.model,
            self.editor,
            settings,
            self.documents.visible_ids,
            self.documents.reload,
            show_message,
            show_error,
        )
        self.files = ProjectFiles(
            project,
            settings,
            self.model,
            host,
            self.documents_added,
            self.switcher.open_document,
            replace_project,
            show_message,
            show_error,
        )
        self.registry = ActionRegistry(host)
        self.dialogs = WorkbenchDialogs(
            host,
            project,
            self.model,
            settings,
            lambda: self.registry.all,
            lambda: self.commands.reserved_alt_keys(),
            show_message,
            show_error,
        )
        self.commands = WorkbenchActions(
            host.menuBar(),
            self.registry,
            self.model,
            self.editor,
            self._commands(host),
            self.view,
        )
        host.addToolBar(self.commands.toolbar)
        for dock in self.docks.values():
            self.commands.panels_menu.addAction(dock.toggleViewAction())
        self.commands.panels_menu.addSeparator()
        self.commands.panels_menu.addAction(self.commands.reset_layout)
        self.team = TeamMenu(
            project, host.menuBar(), self.registry.register, host, self.documents.reload, show_error
        )
        self.progress = ProgressStatus(self.model, host.statusBar())
        self.suggestions = SuggestionTools(
            project,
            self.model,
            self.view,
            host.menuBar(),
            self.registry.register,
            host,
            show_message,
            show_error,
            self,
        )
        self.review = ReviewMenu(
            project,
            host.menuBar(),
            self.registry.register,
            host,
            self.switcher.open_document,
            lambda: self.model.document_id,
            self.view.select_span,
            show_error,
        )

        self.labels.labelChosen.connect(self._label_clicked)
        self.labels.claimChosen.connect(self._claim_clicked)
        self.documents.documentActivated.connect(self.switcher.open_document)
        self.annotations.annotationPicked.connect(self.navigator.show)
        self.claims.showSpeaker.connect(self.navigator.reveal_entity)
        self.editor.message.connect(show_message)
        self.model.errorOccurred.connect(show_error)
        self.model.documentChanged.connect(lambda: host.setWindowTitle(self.title()))

        self.live = LiveUpdates(
            project,
            self.model,
            self.documents_changed_elsewhere,
            self.assignments_changed,
            lambda text: show_message(text, 10_000),
            self,
        )
        self.scroll_memory = ScrollMemory(self.model, self.view, settings, project.location)
        self.backups = BackupTimer(project, self)
        self.backups.failed.connect(lambda message: show_message(message, 15_000))
        self.search_index = SearchIndexer(project, host.statusBar(), self)
        self.search_index.start()  # what earlier imports (the command line's) left
        size = settings.text_size()
        if size is not None:
            self.view.set_text_size(size)
        self.view.set_show_tags(settings.inline_tags())
        self.commands.inline_tags.setChecked(self.view.show_tags)
        self.commands.themes.get(settings.theme(), self.commands.themes["system"]).setChecked(True)
        host.setWindowTitle(self.title())

    def _commands(self, host: QMainWindow) -> WorkbenchCommands:
        files, switcher, dialogs, settings = self.files, self.switcher, self.dialogs, self.settings
        return WorkbenchCommands(
            new_project=files.new_project,
            open_project=files.open_project,
            connect_server=files.connect_server,
            open_location=files.open_location,
            recent_projects=settings.recent_projects,
            clear_recent_projects=settings.clear_recent_projects,
            import_files=files.import_files,
            import_folder=files.import_folder,
            export=files.export,
            quit=host.close,
            edit_schema=dialogs.edit_schema,
            step_annotation=self.navigator.step,
            done_and_next=switcher.done_and_next,
            next_unfinished=switcher.go_next_unfinished,
            step_document=switcher.step_document,
            focus_search=self.focus_search,
            focus_list=self.documents.table.setFocus,
            focus_article=self.view.setFocus,
            focus_speaker=self.claims.speaker.setFocus,
            set_theme=dialogs.set_theme,
            reset_layout=lambda: self.reset_layout(),
            step_text_size=self.step_text_size,
            set_inline_tags=self.set_inline_tags,
            show_shortcuts=dialogs.show_shortcuts,
            show_about=dialogs.show_about,
            open_log_folder=dialogs.open_log_folder,
        )

    # -- small glue ------------------------------------------------------------------
    def title(self) -> str:
        session = self.model.session
        title = session.document.title if session else "No document"
        return f"{title} — {self.project.display_name} — Annotator"

    def documents_added(self) -> None:
        """Documents were added (imports never change stored ones, so undo stacks stay)."""
        self.model.documentsChanged.emit()
        self.documents.reload()
        self.search_index.start(0)

    def documents_changed_elsewhere(self, ids: Collection[str] | None = None) -> None:
        """Another client changed documents `ids` (None: added or removed some): what was
        read ahead may be out of date, and their list rows are read again."""
        self.model.drop_prefetched()
        self.documents.refresh(ids)

    def assignments_changed(self) -> None:
        self.team.assignments_changed()
        self.documents.refresh_assignments()

    def step_text_size(self, step: int) -> None:
        """Ctrl+Plus / Ctrl+Minus / Ctrl+0: the article's font size, remembered."""
        size = self.view.step_text_size(step)
        self.settings.set_text_size(size)
        self.messages.show_message(f"Text size {size:g} pt", 3000)

    def set_inline_tags(self, on: bool) -> None:
        self.view.set_show_tags(on)
        self.settings.set_inline_tags(on)

    def focus_search(self) -> None:
        self.documents.search.setFocus()
        self.documents.search.selectAll()

    def _label_clicked(self, name: str) -> None:
        self.editor.apply_label(name)
        self.view.setFocus()

    def _claim_clicked(self) -> None:
        self.editor.mark_claim()
        self.view.setFocus()

    def stop(self) -> None:
        """Finish background work (before the project is closed)."""
        self.search_index.stop()
        self.files.wait()
        self.progress.wait()
        self.model.wait()
        self.suggestions.wait()
        self.live.stop()
        self.documents.stop()
        self.backups.timer.stop()
        self.backups.wait(60)


def _dock(host: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    dock = QDockWidget(title, host)
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
    host.addDockWidget(area, dock)
    return dock
