"""The label schema editor: add, rename and recolour entity labels and their hotkeys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema import EntityLabel, LabelSchema, SchemaError
from annotator.ui.plain import plain_label
from annotator.ui.theme import text_colour_on

ORIGINAL_ROLE = Qt.ItemDataRole.UserRole + 1
NAME, COLOUR, HOTKEY, DESCRIPTION = range(4)
NEW_COLOURS = ("#4FC3F7", "#FF8A65", "#9575CD", "#DCE775", "#F48FB1", "#80CBC4")


class SchemaEditor(QDialog):
    """Edits a copy of `schema`; after `exec()` returns Accepted, read `result_schema` and
    `renames` (old label name -> new). `usage` counts spans per label (removal is refused
    for labels in use)."""

    def __init__(
        self, schema: LabelSchema, usage: Mapping[str, int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Label schema")
        self.setAccessibleName("Label schema editor")
        self.schema = schema
        self.usage = dict(usage)
        self.result_schema: LabelSchema | None = None
        self.renames: dict[str, str] = {}

        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Entity labels")
        self.table.setHorizontalHeaderLabels(["Label", "Colour", "Hotkey", "Description"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for label in schema.entity_labels:
            self._append(label, original=label.name)
        self.table.resizeColumnsToContents()
        self.table.itemChanged.connect(self._item_changed)

        add = QPushButton("Add label")
        remove = QPushButton("Remove label")
        colour = QPushButton("Colour…")
        for button, name in ((add, "Add label"), (remove, "Remove label"), (colour, "Pick colour")):
            button.setAccessibleName(name)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addWidget(colour)
        row.addStretch(1)

        self.claim_hotkey = QLineEdit(schema.claim_hotkey)
        self.claim_hotkey.setMaxLength(1)
        self.claim_hotkey.setAccessibleName("Claim hotkey")
        self.claim_colour = QLineEdit(schema.claim_color)
        self.claim_colour.setAccessibleName("Claim colour")
        claims = QFormLayout()
        claims.addRow("Claim hotkey", self.claim_hotkey)
        claims.addRow("Claim colour", self.claim_colour)

        self.problem = plain_label()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Schema problem")
        self.problem.setStyleSheet("color: #cf222e")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addLayout(claims)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        add.clicked.connect(self.add_label)
        remove.clicked.connect(self.remove_label)
        colour.clicked.connect(self.pick_colour)
        buttons.accepted.connect(self.validate_and_accept)
        buttons.rejected.connect(self.reject)
        self.resize(640, 520)

    # -- rows ----------------------------------------------------------------------------
    def _append(self, label: EntityLabel, original: str | None) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        name = QTableWidgetItem(label.name)
        name.setData(ORIGINAL_ROLE, original or "")
        self.table.setItem(r, NAME, name)
        self.table.setItem(r, COLOUR, QTableWidgetItem(label.color))
        self.table.setItem(r, HOTKEY, QTableWidgetItem(label.hotkey))
        self.table.setItem(r, DESCRIPTION, QTableWidgetItem(label.description))
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

    def add_label(self) -> None:
        n = self.table.rowCount()
        r = self._append(EntityLabel(f"LABEL{n + 1}", NEW_COLOURS[n % len(NEW_COLOURS)]), None)
        self.table.setCurrentCell(r, NAME)
        self.table.editItem(self._item(r, NAME))

    def remove_label(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            self.problem.setText("Select a label to remove.")
            return
        original = self._item(r, NAME).data(ORIGINAL_ROLE)
        used = self.usage.get(original, 0) if original else 0
        if used:
            self.problem.setText(
                f"{original} is used by {used} span{'s' if used != 1 else ''}; "
                "rename it instead, or delete those spans first."
            )
            return
        self.table.removeRow(r)
        self.problem.clear()

    def pick_colour(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            self.problem.setText("Select a label to recolour.")
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

    def build(self) -> tuple[LabelSchema, dict[str, str]]:
        """The edited schema and renames; raises SchemaError with a message for the user."""
        labels = []
        renames: dict[str, str] = {}
        for r in range(self.table.rowCount()):
            name = self._cell(r, NAME)
            labels.append(
                EntityLabel(
                    name,
                    self._cell(r, COLOUR),
                    self._cell(r, HOTKEY).upper(),
                    self._cell(r, DESCRIPTION),
                )
            )
            original = self._item(r, NAME).data(ORIGINAL_ROLE)
            if original and original != name:
                renames[original] = name
        schema = replace(
            self.schema,
            entity_labels=tuple(labels),
            claim_hotkey=self.claim_hotkey.text().strip().upper(),
            claim_color=self.claim_colour.text().strip(),
        )
        return schema, renames

    def validate_and_accept(self) -> None:
        try:
            schema, renames = self.build()
        except SchemaError as exc:
            self.problem.setText(f"Cannot save: {exc}")
            return
        self.result_schema, self.renames = schema, renames
        self.accept()
