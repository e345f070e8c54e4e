"""An editable table of labels (name, colour, hotkey[, description]) for the schema editor."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.theme import text_colour_on

ORIGINAL_ROLE = Qt.ItemDataRole.UserRole + 1
NAME, COLOUR, HOTKEY, DESCRIPTION = range(4)
NEW_COLOURS = ("#4FC3F7", "#FF8A65", "#9575CD", "#DCE775", "#F48FB1", "#80CBC4")


def fresh_name(stem: str, names: Sequence[str]) -> str:
    """`stem` numbered after the existing `names` (stem3 beside two), skipping any taken."""
    taken = set(names)
    k = len(names) + 1
    while f"{stem}{k}" in taken:
        k += 1
    return f"{stem}{k}"


@dataclass(frozen=True, slots=True)
class LabelRow:
    """One row as typed: `original` is the stored name it started from ("" when new)."""

    original: str
    name: str
    color: str
    hotkey: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Wording:
    """How a table names its rows and their uses in messages and buttons."""

    thing: str  # "label", "sentiment label"
    use: str  # "span", "sentiment"
    remedy: str  # what to do instead of removing one in use
    new_name: str  # prefix of names given to added rows


class LabelTable(QWidget):
    """Rows of labels with Add / Remove / Colour buttons. A row whose stored name is used by
    annotations (`usage`) cannot be removed; `report` shows messages to the user."""

    def __init__(
        self,
        rows: list[LabelRow],
        usage: Mapping[str, int],
        wording: Wording,
        report: Callable[[str], None],
        with_description: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.usage = dict(usage)
        self.wording = wording
        self.report = report
        self.with_description = with_description
        columns = ["Name", "Colour", "Hotkey"] + (["Description"] if with_description else [])
        self.table = QTableWidget(0, len(columns))
        self.table.setAccessibleName(f"{wording.thing.capitalize()}s")
        self.table.setHorizontalHeaderLabels(columns)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            len(columns) - 1, QHeaderView.ResizeMode.Stretch
        )
        for row in rows:
            self._append(row)
        self.table.resizeColumnsToContents()
        self.table.itemChanged.connect(self._item_changed)

        thing = wording.thing
        self.add_button = QPushButton(f"Add {thing}")
        self.remove_button = QPushButton(f"Remove {thing}")
        self.colour_button = QPushButton("Colour…")
        self.add_button.setAccessibleName(f"Add {thing}")
        self.remove_button.setAccessibleName(f"Remove {thing}")
        self.colour_button.setAccessibleName(f"Pick {thing} colour")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.colour_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.colour_button.clicked.connect(self.pick_colour)

    # -- rows ----------------------------------------------------------------------------
    def _append(self, row: LabelRow) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        name = QTableWidgetItem(row.name)
        name.setData(ORIGINAL_ROLE, row.original)
        self.table.setItem(r, NAME, name)
        self.table.setItem(r, COLOUR, QTableWidgetItem(row.color))
        self.table.setItem(r, HOTKEY, QTableWidgetItem(row.hotkey))
        if self.with_description:
            self.table.setItem(r, DESCRIPTION, QTableWidgetItem(row.description))
        self._paint(r)
        return r

    def _paint(self, r: int) -> None:
        item = self.table.item(r, COLOUR)
        if item is None:
            return
        colour = QColor(item.text().strip())
        if colour.isValid():
            self.table.blockSignals(True)
            item.setBackground(QBrush(colour))
            item.setForeground(QBrush(QColor(text_colour_on(colour.name()))))
            self.table.blockSignals(False)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == COLOUR:
            self._paint(item.row())

    def add(self) -> None:
        """Append a row with a fresh name and colour and start editing its name."""
        n = self.table.rowCount()
        name = fresh_name(self.wording.new_name, [self._cell(r, NAME) for r in range(n)])
        colour = NEW_COLOURS[n % len(NEW_COLOURS)]
        r = self._append(LabelRow("", name, colour, ""))
        self.table.setCurrentCell(r, NAME)
        self.table.editItem(self._item(r, NAME))

    def remove(self) -> None:
        """Remove the current row, unless annotations still use its stored name."""
        r = self.table.currentRow()
        if r < 0:
            self.report(f"Select a {self.wording.thing} to remove.")
            return
        original = self._item(r, NAME).data(ORIGINAL_ROLE)
        used = self.usage.get(original, 0) if original else 0
        if used:
            uses = f"{self.wording.use}{'s' if used != 1 else ''}"
            self.report(
                f"The {self.wording.thing} {original} is used by {used} {uses}; "
                f"it was not removed. {self.wording.remedy}"
            )
            return
        self.table.removeRow(r)
        self.report("")

    def pick_colour(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            self.report(f"Select a {self.wording.thing} to recolour.")
            return
        item = self._item(r, COLOUR)
        chosen = QColorDialog.getColor(QColor(item.text()), self, "Label colour")
        if chosen.isValid():
            item.setText(chosen.name().upper())

    # -- result ----------------------------------------------------------------------------
    def _item(self, r: int, c: int) -> QTableWidgetItem:
        item = self.table.item(r, c)
        if item is None:
            item = QTableWidgetItem("")
            self.table.setItem(r, c, item)
        return item

    def _cell(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item else ""

    def rows(self) -> list[LabelRow]:
        """The rows as typed (names and colours trimmed, hotkeys upper-cased)."""
        return [
            LabelRow(
                str(self._item(r, NAME).data(ORIGINAL_ROLE) or ""),
                self._cell(r, NAME),
                self._cell(r, COLOUR),
                self._cell(r, HOTKEY).upper(),
                self._cell(r, DESCRIPTION) if self.with_description else "",
            )
            for r in range(self.table.rowCount())
        ]

    def renames(self) -> dict[str, str]:
        """Stored name -> new name, for the rows renamed."""
        return {
            row.original: row.name
            for row in self.rows()
            if row.original and row.original != row.name
        }

    def row_of(self, name: str) -> int:
        """The row showing `name`, or -1."""
        for r in range(self.table.rowCount()):
            if self._cell(r, NAME) == name:
                return r
        return -1
