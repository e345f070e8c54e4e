"""Help > Keyboard shortcuts: a table generated from the window's actual QActions."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def shortcut_rows(
    actions: Iterable[QAction], extra: Iterable[tuple[str, str, str]] = ()
) -> list[tuple[str, str, str]]:
    """(group, action, keys) for every action with a shortcut, then the `extra` rows
    (group, what, keys: the article view's own keys and gestures). Actions of the same
    group and name are one row listing all their keys."""
    rows: dict[tuple[str, str], list[str]] = {}
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if not keys:
            continue
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        group = str(action.property("group") or "")
        listed = rows.setdefault((group, name), [])
        listed.extend(k for k in keys if k not in listed)
    for group, name, key in extra:
        listed = rows.setdefault((group, name), [])
        if key not in listed:
            listed.append(key)
    return [(group, name, ", ".join(listed)) for (group, name), listed in rows.items()]


class ShortcutsDialog(QDialog):
    def __init__(
        self,
        actions: Iterable[QAction],
        parent: QWidget | None = None,
        extra: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        rows = shortcut_rows(actions, extra)
        self.table = QTableWidget(len(rows), 3)
        self.table.setAccessibleName("Shortcut list")
        self.table.setHorizontalHeaderLabels(["Group", "Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        width, height = 620, 560
        screen = (
            parent.screen() if parent is not None else None
        ) or QGuiApplication.primaryScreen()
        if screen is not None:  # fits a small (or 2x-scaled) screen
            free = screen.availableGeometry()
            width = min(width, int(free.width() * 0.9))
            height = min(height, int(free.height() * 0.85))
        self.resize(width, height)
