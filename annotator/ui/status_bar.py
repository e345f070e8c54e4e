"""The permanent part of the status bar: the current document and the project's progress."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressBar, QStatusBar

from annotator.services.errors import StorageError
from annotator.services.statistics import project_stats
from annotator.ui.document_list import STATUS_TEXT
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import plain_label

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
        self.progress_bar.setMaximumHeight(14)
        self.progress_bar.setTextVisible(False)
        bar.addPermanentWidget(self.document_info)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.progress_label)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.update_progress)
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
        try:
            stats = project_stats(self.model.project)
        except StorageError as exc:  # e.g. the server went away; the next change tries again
            log.warning("project statistics unavailable", exc_info=True)
            self.bar.showMessage(f"Cannot read project statistics: {exc}", 6000)
            return
        done = stats.by_status.get("done", 0)
        self.progress_bar.setMaximum(max(stats.documents, 1))
        self.progress_bar.setValue(done)
        self.progress_label.setText(
            f"{done} / {stats.documents} done · {stats.annotations_today} annotations today"
        )
