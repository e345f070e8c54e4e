"""Telling the analyst something: a status-bar line, or a non-blocking warning box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget


class Messages:
    """`show_message(text, ms)` puts a line in the status bar; `show_error(text)` also opens
    a non-blocking box over `parent` (kept as `last_error` for tests and screen readers)."""

    def __init__(self, bar: QStatusBar, parent: QWidget) -> None:
        self.bar = bar
        self.parent = parent
        self.last_error: QMessageBox | None = None

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.bar.showMessage(text, timeout_ms)

    def show_error(self, message: str) -> None:
        """Report a problem without interrupting work: status bar plus a non-blocking box."""
        self.bar.showMessage(message, 15_000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Annotator", "", parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(message)
        box.setAccessibleName("Error message")
        box.open()
        self.last_error = box
