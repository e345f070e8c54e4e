"""The export dialog's background count: latest request wins, errors become messages."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication

from annotator.services.export_options import ExportPreview
from annotator.ui.dialogs.export_preview import PreviewCounter


def test_only_the_latest_request_is_reported(qtbot) -> None:
    counter = PreviewCounter()
    seen: list[ExportPreview] = []
    counter.ready.connect(seen.append)
    release = threading.Event()
    calls: list[int] = []

    def slow() -> ExportPreview:
        calls.append(1)
        release.wait(10)
        return ExportPreview(1, 1)

    def second() -> ExportPreview:
        calls.append(2)
        return ExportPreview(2, 2)

    def third() -> ExportPreview:
        calls.append(3)
        return ExportPreview(3, 3)

    counter.request(slow)
    counter.request(second)  # replaced by the next one before it could start
    counter.request(third)
    assert counter.busy()
    release.set()
    qtbot.waitUntil(lambda: not counter.busy())
    assert seen == [ExportPreview(3, 3)]
    assert calls == [1, 3]


def test_a_failed_count_becomes_a_message(qtbot) -> None:
    counter = PreviewCounter()

    def broken() -> ExportPreview:
        raise RuntimeError("the server closed the connection")

    with qtbot.waitSignal(counter.failed, timeout=10_000) as blocker:
        counter.request(broken)
    assert blocker.args == ["the server closed the connection"]


def test_stop_waits_and_reports_nothing(qtbot) -> None:
    counter = PreviewCounter()
    seen: list[object] = []
    counter.ready.connect(seen.append)
    release = threading.Event()

    def slow() -> ExportPreview:
        release.wait(10)
        return ExportPreview(5, 5)

    counter.request(slow)
    release.set()
    counter.stop()
    assert not counter.busy()
    QCoreApplication.processEvents()  # a result already queued must be ignored
    counter.request(lambda: ExportPreview(6, 6))
    qtbot.waitUntil(lambda: not counter.busy())
    assert seen == [ExportPreview(6, 6)]


def test_a_counter_deleted_mid_count_leaves_its_thread_to_finish(qtbot) -> None:
    """A dialog deleted with its window while counting: a QThread destroyed while it runs
    would abort the whole app (seen as a crash in the test suite)."""
    from PySide6.QtWidgets import QWidget
    from shiboken6 import delete

    from annotator.ui.dialogs import export_preview

    parent = QWidget()
    counter = PreviewCounter(parent)
    seen: list[ExportPreview] = []
    counter.ready.connect(seen.append)
    release = threading.Event()
    counter.request(lambda: ExportPreview(1, 1) if release.wait(10) else ExportPreview(0, 0))
    delete(parent)  # the counter goes with it, at once, mid-count
    release.set()
    reaper = export_preview._reaper
    assert reaper is not None
    qtbot.waitUntil(lambda: not reaper.running)
    assert seen == []  # nobody left to tell
