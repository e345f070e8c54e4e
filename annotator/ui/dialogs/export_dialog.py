"""Choose what to export: format (from the format registry), status filter and file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from annotator.core.model import Status
from annotator.formats.registry import EXPORT_FORMATS
from annotator.ui.document_list import STATUS_TEXT
from annotator.ui.plain import plain_label, plain_tooltip


@dataclass(frozen=True)
class ExportChoice:
    format: str
    status: Status | None
    path: str


class ExportDialog(QDialog):
    def __init__(self, default_dir: Path, stem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.setAccessibleName("Export annotations")
        self._default_dir = default_dir
        self._stem = stem
        self.format = QComboBox()
        self.format.setAccessibleName("Export format")
        for name, fmt in EXPORT_FORMATS.items():  # the registry's order: native format first
            self.format.addItem(f"{fmt.description} ({fmt.suffix})", name)
            reason = fmt.unavailable_reason()
            if reason:  # e.g. an optional package is missing: say how to enable it
                index = self.format.count() - 1
                self.format.setItemData(index, plain_tooltip(reason), Qt.ItemDataRole.ToolTipRole)
                item = self.format.model().item(index)  # type: ignore[attr-defined]
                item.setEnabled(False)
        self.status = QComboBox()
        self.status.setAccessibleName("Documents to export")
        self.status.addItem("All documents", None)
        for status, text in STATUS_TEXT.items():
            self.status.addItem(f"Only “{text}”", status.value)
        self.path = QLineEdit()
        self.path.setAccessibleName("Export file")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose export file")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.problem = plain_label()
        self.problem.setStyleSheet("color: #cf222e")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Documents", self.status)
        form.addRow("File", row)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        browse.clicked.connect(self._browse)
        self.format.currentIndexChanged.connect(self._suffix_changed)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self._suffix_changed()
        self.resize(560, self.sizeHint().height())

    def _suffix(self) -> str:
        return EXPORT_FORMATS[self.format.currentData()].suffix

    def _suffix_changed(self) -> None:
        current = self.path.text().strip()
        if not current:
            self.path.setText(str(self._default_dir / f"{self._stem}{self._suffix()}"))
        else:
            self.path.setText(str(Path(current).with_suffix(self._suffix())))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path.text(), f"*{self._suffix()};;All files (*)"
        )
        if name:
            self.path.setText(name)

    def _accept(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.problem.setText("Choose a file to export to.")
            return
        target = Path(text).expanduser()
        if target.is_dir():
            self.problem.setText(f"{target} is a folder; choose a file name.")
            return
        if not target.parent.is_dir():
            self.problem.setText(f"The folder {target.parent} does not exist.")
            return
        self.accept()

    def choice(self) -> ExportChoice:
        return ExportChoice(
            self.format.currentData(),
            Status(self.status.currentData()) if self.status.currentData() else None,
            str(Path(self.path.text().strip()).expanduser()),
        )
