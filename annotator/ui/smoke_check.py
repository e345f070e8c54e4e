"""The Qt half of `annotator --smoke-test`: build the real main window once and show it.

Run after the Qt-free round trip (annotator.services.smoke); in a frozen build this proves
that the Qt libraries, the platform plugin, the icon and the window code were all bundled.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import (
    QEventLoop,
    QLibraryInfo,
    QSettings,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from annotator.services.project import open_project
from annotator.services.smoke import SmokeTestFailed
from annotator.ui.app_icon import app_icon
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings

EXPOSE_TIMEOUT = 10.0
# Said by Qt's offscreen platform for every top-level window it shows; it means nothing here.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


class WindowCheckFailed(SmokeTestFailed):
    """The main window could not be shown or painted."""


def check_main_window(project_path: Path, annotator: str) -> str:
    """Open the project in the real main window, wait until it is on screen, paint it, close it.

    Returns a one-line summary naming the Qt platform plugin that was used.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1] or ["annotator"])
    icon = app_icon()
    if icon.pixmap(64, 64).isNull():
        raise WindowCheckFailed("the application icon did not load (SVG support missing?)")
    with open_project(project_path, annotator, create=False) as project, _without_noise():
        # settings of its own, beside the temporary project: the user's stay untouched
        ini = str(project_path.parent / "smoke-settings.ini")
        window = MainWindow(project, AppSettings(QSettings(ini, QSettings.Format.IniFormat)))
        try:
            window.setWindowIcon(icon)
            window.show()
            handle = window.windowHandle()
            deadline = time.monotonic() + EXPOSE_TIMEOUT
            while (handle is None or not handle.isExposed()) and time.monotonic() < deadline:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
                handle = window.windowHandle()
            if handle is None or not handle.isExposed():
                raise WindowCheckFailed(f"the main window was not shown within {EXPOSE_TIMEOUT}s")
            picture = window.grab()
            if picture.isNull() or picture.width() < 100:
                raise WindowCheckFailed("the main window could not be painted")
            title = window.windowTitle()
        finally:
            window.close()
            window.deleteLater()
            app.processEvents()
    platform = QGuiApplication.platformName()
    version = QLibraryInfo.version().toString()
    return f"main window {title!r} shown on the {platform!r} platform (Qt {version})"


@contextmanager
def _without_noise() -> Iterator[None]:
    """Pass Qt's messages on to the previous handler, except the offscreen platform's noise."""
    previous = None

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if message == OFFSCREEN_NOISE:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
