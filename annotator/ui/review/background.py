"""Reading review data off the GUI thread: `load(parent, job, done, failed)`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from shiboken6 import isValid

from annotator.ui.workers import Task

log = logging.getLogger(__name__)


def load(
    parent: QObject,
    job: Callable[[], Any],
    done: Callable[[Any], object],
    failed: Callable[[str], object],
) -> Task:
    """Run `job()` on a worker thread; `done(result)` or `failed(message)` on the GUI thread.

    The task belongs to `parent` and outlives nothing: a parent deleted mid-load waits for it.
    """
    task = Task(lambda _progress, _cancelled: job(), parent)
    task.succeeded.connect(done)
    task.failed.connect(failed)
    task.failed.connect(lambda message: log.warning("review data not loaded: %s", message))
    # Not `done`: it is emitted inside run(), and a QThread deleted before run() returns
    # aborts the process; `finished` comes once the thread is through.
    task.finished.connect(task.deleteLater)
    parent.destroyed.connect(lambda *_: _finish(task))
    task.start()
    return task


def _finish(task: Task) -> None:
    """The parent goes: a load still running must end before its thread object does."""
    if isValid(task) and task.isRunning():
        task.wait(30_000)
