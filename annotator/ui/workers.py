"""Long jobs (import, export) on a worker thread, with a cancellable progress dialog."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.services.importing import Cancelled
from annotator.ui.plain import plain_label

Progress = Callable[[int, int], None]
Job = Callable[[Progress, Callable[[], bool]], Any]


class Task(QThread):
    """Runs `job(progress, cancelled)` off the GUI thread.

    Exactly one of `succeeded(result)`, `failed(message)` or `wasCancelled()` is emitted,
    then `done()`.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    wasCancelled = Signal()
    done = Signal()

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self._cancel = threading.Event()
        self._last_report = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        """Report progress at most every 50 ms (and always the final step)."""
        now = time.monotonic()
        if now - self._last_report >= 0.05 or (total and done >= total):
            self._last_report = now
            self.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self._job(self._progress, self._cancel.is_set)
        except Cancelled:
            self.wasCancelled.emit()
        except Exception as exc:  # reported to the user, never a traceback
            self.failed.emit(_describe(exc))
        else:
            if self._cancel.is_set():
                self.wasCancelled.emit()
            else:
                self.succeeded.emit(result)
        self.done.emit()


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    return str(exc) or type(exc).__name__


class ProgressRunner(QObject):
    """Shows a window-modal progress dialog for a `Task`; Cancel asks the task to stop."""

    def __init__(self, parent: QWidget, title: str, label: str, task: Task) -> None:
        super().__init__(parent)
        self.task = task
        task.setParent(self)  # owned by Qt from here on: deleted with the runner
        self.dialog = QProgressDialog("", "Cancel", 0, 0, parent)
        self.dialog.setLabel(plain_label(label))
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setAccessibleName(title)
        self.dialog.canceled.connect(task.cancel)
        task.progressed.connect(self._progress)
        task.done.connect(self._finish)

    def start(self) -> None:
        self.task.start()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _finish(self) -> None:
        self.task.wait()
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.deleteLater()
