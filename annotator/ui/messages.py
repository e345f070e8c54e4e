"""Telling the analyst something: a status-bar line, or a non-blocking warning box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QSizeGrip, QStatusBar, QWidget


class Messages:
    """`show_message(text, ms)` puts a line in the status bar; `show_error(text)` also opens
    a non-blocking box over `parent` (kept as `last_error` for tests and screen readers)."""

    def __init__(self, bar: QStatusBar, parent: QWidget) -> None:
        self.bar = bar
        self.parent = parent
        self.last_error: QMessageBox | None = None
        self.last_message = ""

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        """The line in the status bar; one too long for the room left of the permanent
        widgets is elided in the middle, with the whole text as the bar's tooltip."""
        self.last_message = text
        shown = self._fitted(text)
        self.bar.setToolTip(text if shown != text else "")
        self.bar.showMessage(shown, timeout_ms)

    def _fitted(self, text: str) -> str:
        text = " ".join(text.split())
        taken = sum(
            w.width() + 8
            for w in self.bar.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            if w.isVisible() and not isinstance(w, QSizeGrip)
        )
        room = self.bar.width() - taken - 24
        if room <= 80:
            return text
        return self.bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, room)

    def show_error(self, message: str) -> None:
        """Report a problem without interrupting work: status bar plus a non-blocking box."""
        self.show_message(message, 15_000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Annotator", "", parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(message)
        box.setAccessibleName("Error message")
        box.open()
        self.last_error = box
