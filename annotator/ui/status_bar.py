"""The permanent part of the status bar: the current document and the project's progress.

The project's statistics are read on a worker thread (a query over every document), at
most every 200 ms while edits keep coming; the latest request wins and the bar shows the
previous figures meanwhile.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressBar, QStatusBar

from annotator.core.model import ProjectStats
from annotator.services.statistics import project_stats
from annotator.ui.document_list import STATUS_TEXT
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import plain_label
from annotator.ui.workers import Task

log = logging.getLogger(__name__)


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class ProgressStatus(QObject):
    """ "In progress · 3 entities · 1 claim · sentiment: mixed" and "4 / 10 done · 27
    annotations today" with a progress bar; statistics are re-read at most every 200 ms."""

    def __init__(self, model: DocumentModel, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.model = model
        self.bar = bar
        self.document_info = plain_label()
        self.document_info.setAccessibleName("Current document")
        self.progress_label = plain_label()
        self.progress_label.setAccessibleName("Project progress")
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Documents done")
        self.progress_bar.setMaximumWidth(140)
        self.progress_bar.setFixedHeight(8)
        self.progress_bar.setTextVisible(False)
        # a thin track, not a box that looks like a text field while nothing is done
        self.progress_bar.setStyleSheet(
            "QProgressBar { border: none; border-radius: 4px; background: palette(mid); }"
            " QProgressBar::chunk { border-radius: 4px; background: palette(highlight); }"
        )
        bar.addPermanentWidget(self.document_info)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.progress_label)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.update_progress)
        self._task: Task | None = None
        self._again = False
        model.documentsChanged.connect(self._timer.start)
        model.documentChanged.connect(self.show_document)
        model.statusChanged.connect(self.show_document)
        model.documentSentimentChanged.connect(self.show_document)
        model.annotationChanged.connect(lambda *_: self.show_document())
        model.annotationsReset.connect(self.show_document)
        self.document_info.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self.show_document()
        self.update_progress()

    def show_document(self) -> None:
        session = self.model.session
        if session is None:
            self.document_info.setText("No document open")
            return
        ann = session.annotations
        self.document_info.setText(
            f"{STATUS_TEXT[session.document.status]}"
            f" · {count(len(ann.entities), 'entity', 'entities')}"
            f" · {count(len(ann.claims), 'claim', 'claims')}"
            f" · sentiment: {ann.document_sentiment or '—'}"
        )

    def update_progress(self) -> None:
        """Read the statistics on a worker; a request during a read runs once it ends."""
        if self._task is not None:
            self._again = True
            return
        project = self.model.project
        task = Task(lambda _progress, _cancelled: project_stats(project), self)
        task.succeeded.connect(self._show_progress)
        task.failed.connect(self._failed)
        task.done.connect(self._finished)
        self._task = task
        task.start()

    def _finished(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.wait()
            task.deleteLater()
        if self._again:
            self._again = False
            self.update_progress()

    def _failed(self, message: str) -> None:
        # e.g. the server went away; the next change tries again
        log.warning("project statistics unavailable: %s", message)
        self.bar.showMessage(f"Cannot read project statistics: {message}", 6000)

    def _show_progress(self, stats: ProjectStats) -> None:
        done = stats.by_status.get("done", 0)
        self.progress_bar.setMaximum(max(stats.documents, 1))
        self.progress_bar.setValue(done)
        self.progress_label.setText(
            f"{done} / {stats.documents} done · {stats.annotations_today} annotations today"
        )

    def wait(self) -> None:
        """Let a running read finish (before the project is closed)."""
        self._timer.stop()
        self._again = False
        if self._task is not None:
            self._task.wait()
