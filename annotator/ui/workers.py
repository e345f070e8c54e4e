"""Work off the GUI thread: long jobs (import, export) with a cancellable progress dialog,
and `BackgroundQueries`, where the latest request of each kind wins."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.services.importing import Cancelled
from annotator.ui.plain import plain_label

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Job = Callable[[Progress, Callable[[], bool]], Any]

SWITCH_INTERVAL_S = 0.001


def share_interpreter_lock() -> None:
    """Let a worker running Python code hand the interpreter lock over every 1 ms.

    The GUI thread takes the lock again for each Python slot of an event-loop pass; with a
    worker busy in Python code it waits up to the switch interval each time (5 ms by
    default, so a few slots made a 20 ms stall). Process-wide, and never raised again.
    """
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)


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
        share_interpreter_lock()
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
        except Exception as exc:  # reported to the user; the traceback goes to the log
            log.exception("background job failed")
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


Partial = Callable[[Any], None]
Query = Callable[[Partial, Callable[[], bool]], Any]


@dataclass
class _Request:
    key: str
    generation: int
    query: Query
    on_result: Callable[[Any], None]
    on_error: Callable[[str], None] | None
    on_partial: Callable[[Any], None] | None


class BackgroundQueries(QObject):
    """Runs database reads on one worker thread; results are applied on the GUI thread.

    `submit(key, query, on_result)` replaces any request of the same `key` that has not
    started, and makes the result of one already running stale: only the latest request
    of each key reaches its callbacks. `query(partial, stale)` runs on the worker; it may
    hand over early results with `partial(value)` (e.g. a first page) and should stop when
    `stale()` says a newer request came. Callbacks run on the GUI thread, in order.
    """

    _delivered = Signal(object, str, object)  # request, kind (partial/result/error), value

    def __init__(self, parent: QObject | None = None, name: str = "annotator-queries") -> None:
        super().__init__(parent)
        share_interpreter_lock()
        self._name = name
        self._latest: dict[str, int] = {}
        self._pending: dict[str, _Request] = {}
        self._running: _Request | None = None
        self._generation = 0
        self._wake = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._undelivered: set[str] = set()  # keys whose latest result is not applied yet
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        key: str,
        query: Query,
        on_result: Callable[[Any], None],
        on_error: Callable[[str], None] | None = None,
        on_partial: Callable[[Any], None] | None = None,
    ) -> None:
        with self._wake:
            if self._stopped:
                return
            self._generation += 1
            self._latest[key] = self._generation
            self._pending[key] = _Request(
                key, self._generation, query, on_result, on_error, on_partial
            )
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._wake.notify()

    def busy(self, key: str | None = None) -> bool:
        """Whether a request (of `key`, or any) is waiting, running or not yet delivered."""
        with self._wake:
            if key is None:
                return bool(self._pending) or self._running is not None or bool(self._undelivered)
            running = self._running is not None and self._running.key == key
            return key in self._pending or running or key in self._undelivered

    def stop(self, timeout: float = 5.0) -> None:
        """Drop what waits, let a running query finish (its result is dropped)."""
        with self._wake:
            self._stopped = True
            self._pending.clear()
            self._latest.clear()
            self._wake.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _stale(self, request: _Request) -> bool:
        with self._wake:
            return self._stopped or self._latest.get(request.key) != request.generation

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                key = next(iter(self._pending))
                request = self._pending.pop(key)
                self._running = request
                self._undelivered.add(key)
            try:
                value = request.query(_partial(self, request), _staleness(self, request))
            except Exception as exc:  # reported through on_error; the traceback is logged
                log.exception("background query %s failed", request.key)
                self._delivered.emit(request, "error", _describe(exc))
            else:
                self._delivered.emit(request, "result", value)
            with self._wake:
                self._running = None

    def _deliver(self, request: _Request, kind: str, value: Any) -> None:
        with self._wake:
            current = self._latest.get(request.key) == request.generation
            if kind != "partial" and current:
                self._undelivered.discard(request.key)
        if not current:
            return
        if kind == "partial":
            if request.on_partial is not None:
                request.on_partial(value)
        elif kind == "error":
            if request.on_error is not None:
                request.on_error(value)
        else:
            request.on_result(value)


def _partial(queries: BackgroundQueries, request: _Request) -> Partial:
    return lambda value: queries._delivered.emit(request, "partial", value)


def _staleness(queries: BackgroundQueries, request: _Request) -> Callable[[], bool]:
    return lambda: queries._stale(request)
