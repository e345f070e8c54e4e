"""Project files, import and export, driven from the menus and drag and drop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

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
from annotator.ui.opening import open_with_recovery
from annotator.ui.workers import Progress, ProgressRunner, Task

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)"
ARTICLE_FILTER = (
    "Articles and JSONL (" + " ".join(f"*{s}" for s in sorted(IMPORTABLE)) + ");;All files (*)"
)


class ProjectFiles(QObject):
    """`importFinished(report)`, `exportFinished(report)`, `exportFailed(message)` and
    `exportCancelled()` tell tests and the status bar how long jobs ended."""

    importFinished = Signal(object)
    exportFinished = Signal(object)
    exportFailed = Signal(str)
    exportCancelled = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.busy = False
        self.last_task: Task | None = None

    # -- projects --------------------------------------------------------------------------
    def _start_dir(self) -> str:
        path = self.window.project.path
        return str(path.parent) if path is not None else str(Path.home())

    def new_project(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self.window, "New project", self._start_dir(), PROJECT_FILTER
        )
        if name:
            if not name.endswith(PROJECT_SUFFIX):
                name += PROJECT_SUFFIX
            if Path(name).exists():
                self.window.show_error(f"{name} already exists; use Open project to open it.")
                return
            self.open_location(name, create=True)

    def open_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Open project", self._start_dir(), PROJECT_FILTER
        )
        if name:
            self.open_location(name)

    def connect_server(self) -> None:
        """Open a team project on a PostgreSQL server."""
        url = ask_server_location(self.window)
        if url:
            self.open_location(url)

    def open_location(self, location: str, create: bool = False) -> None:
        """Open a project in a new window that replaces this one."""
        current = self.window.project
        if (
            current.path is not None
            and Path(location).expanduser().resolve() == current.path.resolve()
        ):
            self.window.statusBar().showMessage("That project is already open.", 6000)
            return
        try:
            # a server project's annotator is its database user; a file keeps this analyst
            who = None if is_url(location) else current.annotator
            project = open_with_recovery(
                lambda: open_project(location, who, create=create), self.window
            )
        except ProjectError as exc:
            self.window.settings.remove_recent_project(location)
            self.window.show_error(str(exc))
            return
        if project is not None:
            self.window.replace_with(project)

    # -- import ----------------------------------------------------------------------------
    def import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.window, "Import articles", self._start_dir(), ARTICLE_FILTER
        )
        if names:
            self.import_paths(names)

    def import_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self.window, "Import folder", self._start_dir())
        if name:
            self.import_paths([name])

    def import_paths(self, paths: Sequence[str]) -> Task | None:
        if self.busy:
            self.window.show_error("Another import or export is still running.")
            return None
        project = self.window.project

        def job(progress: Progress, cancelled: Callable[[], bool]) -> ImportReport:
            return import_paths(
                project,
                list(paths),
                progress=lambda report: progress(report.imported + report.duplicates, 0),
                cancelled=cancelled,
            )

        task = Task(job)
        task.succeeded.connect(self._imported)
        task.failed.connect(lambda message: self.window.show_error(f"Import failed: {message}"))
        task.wasCancelled.connect(self._import_cancelled)
        return self.run(task, "Importing articles…")

    def _imported(self, report: ImportReport) -> None:
        self.window.documents_changed()
        self.window.statusBar().showMessage(report.summary().capitalize(), 10_000)
        if report.document_ids and self.window.model.document_id is None:
            self.window.open_document(report.document_ids[0])
        dialog = ImportReportDialog(report, self.window)
        dialog.setModal(True)
        dialog.open()
        self.last_report_dialog = dialog
        self.importFinished.emit(report)

    def _import_cancelled(self) -> None:
        self.window.documents_changed()
        self.window.statusBar().showMessage(
            "Import cancelled; documents stored before the cancel were kept.", 10_000
        )

    # -- export ----------------------------------------------------------------------------
    def export(self) -> None:
        """Ask what to export (a non-blocking dialog); exporting starts when it is accepted.

        The dialog starts from this project's last choices and remembers the new ones.
        """
        window = self.window
        location = window.project.location
        try:
            dialog = ExportDialog(
                window.model,
                Path(self._start_dir()),
                window.project.display_name,
                window.settings.export_settings(location),
                window,
            )
        except StorageError as exc:  # it lists the project's annotators: a server gone away
            window.show_error(f"Cannot export now: {exc}")
            return
        dialog.setModal(True)

        def accepted() -> None:
            window.settings.set_export_settings(location, dialog.remembered())
            self.export_to(dialog.choice())

        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()

    def export_to(self, choice: ExportChoice) -> Task | None:
        """Start exporting on a worker thread; None if another job is running."""
        if self.busy:
            self.window.show_error("Another import or export is still running.")
            return None
        return self.run(self.export_task(choice), f"Exporting to {Path(choice.path).name}…")

    def export_task(self, choice: ExportChoice) -> Task:
        """The export job for `choice`, not yet started."""
        project: Project = self.window.project

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
                progress=progress,
                cancelled=cancelled,
            )

        task = Task(job)
        task.succeeded.connect(self._exported)
        task.failed.connect(self._export_failed)
        task.wasCancelled.connect(self._export_cancelled)
        return task

    def _exported(self, report: ExportReport) -> None:
        self.window.statusBar().showMessage(report.written(), 15_000)
        self.exportFinished.emit(report)

    def _export_failed(self, message: str) -> None:
        self.window.show_error(f"Export failed; no file was written. {message}")
        self.exportFailed.emit(message)

    def _export_cancelled(self) -> None:
        self.window.statusBar().showMessage("Export cancelled; no file was written.", 10_000)
        self.exportCancelled.emit()

    # -- running -----------------------------------------------------------------------------
    def run(self, task: Task, label: str) -> Task:
        """Run `task` with a cancellable progress dialog."""
        self.busy = True
        self.last_task = task
        runner = ProgressRunner(self.window, "Annotator", label, task)
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
