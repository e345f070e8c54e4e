"""Project files, import and export, driven from the menus and drag and drop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from annotator.services.errors import StorageError
from annotator.services.exporting import ExportReport, export_project
from annotator.services.importing import IMPORTABLE, ImportReport, import_paths
from annotator.services.project import (
    PROJECT_SUFFIX,
    Project,
    ProjectError,
    is_url,
    open_project,
)
from annotator.ui.connect_dialog import ask_server_location
from annotator.ui.dialogs.export_dialog import ExportChoice, ExportDialog
from annotator.ui.dialogs.import_report import ImportReportDialog
from annotator.ui.document_model import DocumentModel
from annotator.ui.opening import open_with_recovery
from annotator.ui.settings import AppSettings
from annotator.ui.workers import Progress, ProgressRunner, Task

PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)"
ARTICLE_FILTER = (
    "Articles and JSONL (" + " ".join(f"*{s}" for s in sorted(IMPORTABLE)) + ");;All files (*)"
)


class ProjectFiles(QObject):
    """`importFinished(report)`, `exportFinished(report)`, `exportFailed(message)` and
    `exportCancelled()` tell tests and the status bar how long jobs ended.

    Collaborators: the project and settings, the document model (what is open), the
    widget dialogs belong to, `documents_added()` after an import, `open_document(id)`,
    `replace_project(project)` to open another project in place of this one, and the
    `show_message(text, ms)` / `show_error(text)` callables.
    """

    importFinished = Signal(object)
    exportFinished = Signal(object)
    exportFailed = Signal(str)
    exportCancelled = Signal()

    def __init__(
        self,
        project: Project,
        settings: AppSettings,
        model: DocumentModel,
        dialog_parent: QWidget,
        documents_added: Callable[[], object],
        open_document: Callable[[str], object],
        replace_project: Callable[[Project], object],
        show_message: Callable[[str, int], object],
        show_error: Callable[[str], object],
    ) -> None:
        super().__init__(dialog_parent)
        self.project = project
        self.settings = settings
        self.model = model
        self.parent_widget = dialog_parent
        self.documents_added = documents_added
        self.open_document = open_document
        self.replace_project = replace_project
        self.show_message = show_message
        self.show_error = show_error
        self.busy = False
        self.last_task: Task | None = None
        self.last_report_dialog: ImportReportDialog | None = None  # shown only on refusals

    # -- projects --------------------------------------------------------------------------
    def _start_dir(self) -> str:
        path = self.project.path
        return str(path.parent) if path is not None else str(Path.home())

    def new_project(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self.parent_widget, "New project", self._start_dir(), PROJECT_FILTER
        )
        if name:
            if not name.endswith(PROJECT_SUFFIX):
                name += PROJECT_SUFFIX
            if Path(name).exists():
                self.show_error(f"{name} already exists; use Open project to open it.")
                return
            self.open_location(name, create=True)

    def open_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.parent_widget, "Open project", self._start_dir(), PROJECT_FILTER
        )
        if name:
            self.open_location(name)

    def connect_server(self) -> None:
        """Open a team project on a PostgreSQL server."""
        url = ask_server_location(self.parent_widget)
        if url:
            self.open_location(url)

    def open_location(self, location: str, create: bool = False) -> None:
        """Open a project in a new window that replaces this one."""
        current = self.project
        if (
            current.path is not None
            and Path(location).expanduser().resolve() == current.path.resolve()
        ):
            self.show_message("That project is already open.", 6000)
            return
        try:
            # a server project's annotator is its database user; a file keeps this analyst
            who = None if is_url(location) else current.annotator
            project = open_with_recovery(
                lambda: open_project(location, who, create=create), self.parent_widget
            )
        except ProjectError as exc:
            self.settings.remove_recent_project(location)
            self.show_error(str(exc))
            return
        if project is not None:
            self.replace_project(project)

    # -- import ----------------------------------------------------------------------------
    def _import_dir(self) -> str:
        """Where the import dialogs open: the folder last imported from, if it still exists."""
        last = self.settings.last_import_folder()
        return last if last and Path(last).is_dir() else self._start_dir()

    def import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.parent_widget, "Import articles", self._import_dir(), ARTICLE_FILTER
        )
        if names:
            self.settings.set_last_import_folder(str(Path(names[0]).parent))
            self.import_paths(names)

    def import_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(
            self.parent_widget, "Import folder", self._import_dir()
        )
        if name:
            self.settings.set_last_import_folder(str(Path(name).parent))
            self.import_paths([name])

    def import_paths(self, paths: Sequence[str]) -> Task | None:
        if self.busy:
            self.show_error("Another import or export is still running.")
            return None
        project = self.project

        def job(progress: Progress, cancelled: Callable[[], bool]) -> ImportReport:
            return import_paths(
                project,
                list(paths),
                progress=lambda report: progress(report.imported + report.duplicates, 0),
                cancelled=cancelled,
            )

        task = Task(job)
        task.succeeded.connect(self._imported)
        task.failed.connect(lambda message: self.show_error(f"Import failed: {message}"))
        task.wasCancelled.connect(self._import_cancelled)
        return self.run(task, "Importing articles…")

    def _imported(self, report: ImportReport) -> None:
        self.documents_added()
        self.show_message(report.summary().capitalize(), 10_000)
        if report.document_ids and self.model.document_id is None:
            self.open_document(report.document_ids[0])
        self.last_report_dialog = None
        if report.problems or report.skipped_files:  # success alone: the status bar says it
            dialog = ImportReportDialog(report, self.parent_widget)
            dialog.setModal(True)
            dialog.open()
            self.last_report_dialog = dialog
        self.importFinished.emit(report)

    def _import_cancelled(self) -> None:
        self.documents_added()
        self.show_message("Import cancelled; documents stored before the cancel were kept.", 10_000)

    # -- export ----------------------------------------------------------------------------
    def export(self) -> None:
        """Ask what to export (a non-blocking dialog); exporting starts when it is accepted.

        The dialog starts from this project's last choices and remembers the new ones.
        """
        location = self.project.location
        try:
            dialog = ExportDialog(
                self.model,
                Path(self._start_dir()),
                self.project.display_name,
                self.settings.export_settings(location),
                self.parent_widget,
            )
        except StorageError as exc:  # it lists the project's annotators: a server gone away
            self.show_error(f"Cannot export now: {exc}")
            return
        dialog.setModal(True)

        def accepted() -> None:
            self.settings.set_export_settings(location, dialog.remembered())
            self.export_to(dialog.choice())

        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()

    def export_to(self, choice: ExportChoice) -> Task | None:
        """Start exporting on a worker thread; None if another job is running."""
        if self.busy:
            self.show_error("Another import or export is still running.")
            return None
        return self.run(self.export_task(choice), f"Exporting to {Path(choice.path).name}…")

    def export_task(self, choice: ExportChoice) -> Task:
        """The export job for `choice`, not yet started."""
        project: Project = self.project

        def job(progress: Progress, cancelled: Callable[[], bool]) -> ExportReport:
            return export_project(
                project,
                choice.path,
                choice.format,
                status=choice.status,
                annotator=choice.annotator,
                ids=choice.ids,
                labels=choice.labels,
                offsets=choice.offsets,
                manifest=choice.manifest,
                layer=choice.layer,
                progress=progress,
                cancelled=cancelled,
            )

        task = Task(job)
        task.succeeded.connect(self._exported)
        task.failed.connect(self._export_failed)
        task.wasCancelled.connect(self._export_cancelled)
        return task

    def _exported(self, report: ExportReport) -> None:
        self.show_message(report.written(), 15_000)
        self.exportFinished.emit(report)

    def _export_failed(self, message: str) -> None:
        self.show_error(f"Export failed; no file was written. {message}")
        self.exportFailed.emit(message)

    def _export_cancelled(self) -> None:
        self.show_message("Export cancelled; no file was written.", 10_000)
        self.exportCancelled.emit()

    # -- running -----------------------------------------------------------------------------
    def run(self, task: Task, label: str) -> Task:
        """Run `task` with a cancellable progress dialog."""
        self.busy = True
        self.last_task = task
        runner = ProgressRunner(self.parent_widget, "Annotator", label, task)
        task.done.connect(self._idle)
        runner.start()
        return task

    def _idle(self) -> None:
        self.busy = False
        self.last_task = None

    def wait(self) -> None:
        """Block until a running job ends (used when the window closes)."""
        task = self.last_task
        if task is not None:
            task.cancel()
            task.wait()
