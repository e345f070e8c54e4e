"""Catching up the search index on a worker thread while the project is open.

Imports leave their documents out of the search index (searches still find them, by
scanning); this indexes them after the project opens and after each import, a short
transaction at a time, so edits on the GUI thread wait at most one chunk. The status bar
shows "Indexing for search: N left" meanwhile. A run that ends with documents left (the
project was locked by another writer) is tried again a little later, a few times.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from annotator.services.project import Project
from annotator.services.search_index import build_search_index, search_index_pending
from annotator.ui.plain import plain_label
from annotator.ui.workers import Progress, Task

log = logging.getLogger(__name__)

START_DELAY_MS = 1_000  # after opening: the window and its document list come first
RETRY_DELAY_MS = 30_000
MAX_RETRIES = 3


class SearchIndexer(QObject):
    """Runs `build_search_index` on a `Task`; `start()` (again) whenever documents were
    added, `stop()` before the project closes."""

    def __init__(self, project: Project, bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.label = plain_label()
        self.label.setAccessibleName("Search indexing")
        self.label.hide()
        bar.addPermanentWidget(self.label)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._run)
        self._task: Task | None = None
        self._again = False
        self._retries = 0
        self._stopped = False

    def start(self, delay_ms: int | None = None) -> None:
        """Index what waits, after `delay_ms` (default START_DELAY_MS); a run under way
        is followed by another."""
        if self._stopped:
            return
        self._retries = 0
        if self._task is not None:
            self._again = True
        else:
            self._timer.start(START_DELAY_MS if delay_ms is None else delay_ms)

    def busy(self) -> bool:
        return self._task is not None or self._timer.isActive()

    def _run(self) -> None:
        if self._stopped or self._task is not None:
            return
        project = self.project

        def job(progress: Progress, cancelled: Callable[[], bool]) -> int:
            build_search_index(project, cancelled, progress)
            return search_index_pending(project)

        task = Task(job, self)
        task.progressed.connect(self._progressed)
        task.succeeded.connect(self._finished_with)
        task.failed.connect(lambda message: log.warning("search indexing failed: %s", message))
        task.done.connect(self._done)
        self._task = task
        task.start()

    def _progressed(self, done: int, total: int) -> None:
        self.label.setText(f"Indexing for search: {max(total - done, 0)} left")
        self.label.show()

    def _finished_with(self, left: int) -> None:
        if left and not self._again and self._retries < MAX_RETRIES:
            self._retries += 1
            log.info("%d documents left to index for search; trying again later", left)
            self._timer.start(RETRY_DELAY_MS)

    def _done(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.wait()
            task.deleteLater()
        self.label.hide()
        if self._again and not self._stopped:
            self._again = False
            self._timer.start(0)

    def stop(self) -> None:
        """Stop after the chunk under way (before the project is closed)."""
        self._stopped = True
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task.wait()
