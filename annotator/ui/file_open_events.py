"""Files the operating system asks the running app to open.

On macOS, double-clicking a project in Finder or dropping one on the Dock icon does not
pass it on the command line: Qt delivers a QFileOpenEvent to the application instead (also
at launch, just after the event loop starts). Other systems start the app with the path.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent


class FileOpenRequests(QObject):
    """Watches the application for file-open events and emits each path as `requested`."""

    requested = Signal(str)

    def __init__(self, app: QObject) -> None:
        super().__init__(app)
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file() or event.url().toLocalFile()
            if path:
                self.requested.emit(path)
            return True
        return super().eventFilter(watched, event)
