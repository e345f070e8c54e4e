"""Counting what an export would write, off the GUI thread, latest request wins.

On a project of 100,000 documents and a million spans a count by status and label takes
about 0.4 s; the dialog stays responsive and shows only the count for its current filters.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from annotator.services.export_options import ExportPreview

Count = Callable[[], ExportPreview]


class _CountThread(QThread):
    counted = Signal(int, object)  # generation, ExportPreview or an error message

    def __init__(self, generation: int, count: Count) -> None:
        super().__init__()  # no parent: a dialog deleted mid-count must not take it along
        self.generation = generation
        self._count = count

    def run(self) -> None:
        try:
            result: object = self._count()
        except Exception as exc:  # e.g. the server went away: say so, never crash
            result = str(exc) or type(exc).__name__
        self.counted.emit(self.generation, result)


class _Reaper(QObject):
    """Keeps count threads alive until they have finished, then deletes them (GUI thread).

    A QThread destroyed while it runs aborts the process: a dialog closed by its window
    being deleted, say, would otherwise take its running count along.
    """

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.running: set[_CountThread] = set()

    def keep(self, thread: _CountThread) -> None:
        self.running.add(thread)
        thread.finished.connect(self.release)

    @Slot()
    def release(self) -> None:
        thread = self.sender()
        if isinstance(thread, _CountThread) and thread in self.running:
            thread.wait()
            self.running.discard(thread)
            thread.deleteLater()


_reaper: _Reaper | None = None


def _keep_until_finished(thread: _CountThread) -> None:
    global _reaper
    if _reaper is None:
        _reaper = _Reaper(QCoreApplication.instance())
    _reaper.keep(thread)


class PreviewCounter(QObject):
    """`request(count)` runs `count` on a worker thread, one at a time; a request made
    while one runs replaces any waiting one. `ready(preview)` or `failed(message)` report
    only the result for the latest request."""

    ready = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._running: _CountThread | None = None
        self._waiting: Count | None = None

    def request(self, count: Count) -> None:
        self._generation += 1
        if self._running is not None:
            self._waiting = count
            return
        self._start(count)

    def busy(self) -> bool:
        return self._running is not None

    def _start(self, count: Count) -> None:
        thread = _CountThread(self._generation, count)
        thread.counted.connect(self._counted)  # dropped by Qt if this counter goes first
        _keep_until_finished(thread)
        self._running = thread
        thread.start()

    def _counted(self, generation: int, result: object) -> None:
        thread = self._running
        if thread is None or generation != thread.generation:
            return  # from a count that was stopped
        self._running = None
        if self._waiting is not None:
            count, self._waiting = self._waiting, None
            self._start(count)
        elif generation == self._generation:
            if isinstance(result, ExportPreview):
                self.ready.emit(result)
            else:
                self.failed.emit(str(result))

    def stop(self) -> None:
        """Wait for a running count and drop any waiting one (before the dialog goes)."""
        self._waiting = None
        thread = self._running
        if thread is not None:
            thread.wait()
            self._running = None
