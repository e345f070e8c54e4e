"""Fixtures for driving the workbench window with real mouse and key events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from annotator.core.offsets import OffsetMap
from annotator.services.importing import import_paths
from annotator.services.project import Project, open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform plugin says this of every window with dock widgets. (Only the
    # closest qt_log_ignore marker counts, so a module's own patterns are kept alongside.)
    for item in items:
        if "tests/ui/" in str(item.path).replace("\\", "/"):
            own = item.get_closest_marker("qt_log_ignore")
            patterns = (*(own.args if own else ()), "does not support propagateSizeHints")
            item.add_marker(pytest.mark.qt_log_ignore(*patterns))


@pytest.fixture(autouse=True)
def _no_leftover_windows(qapp: QApplication) -> Iterator[None]:
    """Close and delete every main window after each test, so none leaks into the next."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "work.annotator"


@pytest.fixture
def make_project(tmp_path: Path, project_path: Path) -> Callable[..., Project]:
    """Open the test project with articles imported from the given texts (in order)."""

    def make(*texts: str) -> Project:
        project = open_project(project_path, "tester")
        folder = tmp_path / "articles"
        folder.mkdir(exist_ok=True)
        paths = []
        for i, text in enumerate(texts):
            path = folder / f"article{i:02d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        if paths:
            report = import_paths(project, paths)
            assert not report.problems, report.problems
        return project

    return make


@pytest.fixture
def open_window(qtbot, settings: AppSettings) -> Iterator[Callable[[Project], MainWindow]]:
    windows: list[MainWindow] = []

    def open_(project: Project) -> MainWindow:
        window = MainWindow(project, settings)
        qtbot.addWidget(window)
        window.resize(1400, 860)  # wider than the offscreen screen: a roomy article view
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.waitUntil(lambda: not window.documents.pending())  # the list loads on a worker
        qtbot.waitUntil(lambda: window.live.watcher is not None or not window.live.active)
        windows.append(window)
        return window

    yield open_
    for window in windows:
        if window.isVisible():
            window.close()


def _cursor(view: QPlainTextEdit, cp: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(view.model.text).to_utf16(cp))  # type: ignore[attr-defined]
    return cursor


def caret_point(view: QPlainTextEdit, cp: int) -> QPoint:
    """The viewport point of the caret before code point `cp` (scrolled into view)."""
    cursor = _cursor(view, cp)
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    return view.cursorRect(cursor).center()


def drag_select(qtbot, view: QPlainTextEdit, start: int, end: int) -> None:
    """Select code points [start, end) by dragging the mouse across the viewport."""
    caret_point(view, end)
    a = caret_point(view, start)
    b = view.cursorRect(_cursor(view, end)).center()  # no scrolling after `a` was measured
    assert view.viewport().rect().contains(b), "span does not fit the view"
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, pos=QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    qtbot.mouseMove(viewport, pos=b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


def click_at(qtbot, view: QPlainTextEdit, cp: int) -> None:
    """Click inside the character at code point `cp`."""
    a = caret_point(view, cp)
    b = view.cursorRect(_cursor(view, cp + 1)).center()
    point = QPoint((a.x() + b.x()) // 2, a.y()) if a.y() == b.y() else a + QPoint(2, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
