"""Choose what to export: format, documents, layer, annotator, labels, offsets and file.

The dialog reads the project only through services (annotators, a count preview) and the
document selection through the DocumentModel; it remembers its choices per project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Status
from annotator.formats.export_context import OffsetUnit
from annotator.formats.registry import EXPORT_FORMATS
from annotator.services.export_options import ExportPreview, annotator_names, preview_export
from annotator.ui.dialogs.export_preview import PreviewCounter
from annotator.ui.document_list import STATUS_TEXT
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import plain_label, plain_tooltip, problem_label
from annotator.ui.settings import ExportSettings

LAYER_TEXT: dict[str, str] = {  # the CLI's --layer all|gold (annotator:NAME: the Annotator box)
    "all": "Every analyst's annotations, as stored",
    "gold": "Gold: adjudicated documents, else the analysts' agreed version",
}
GOLD_SUMMARY = (
    "Up to {n} from the gold layer: adjudicated documents with their gold annotations, the "
    "others with their analysts' version where they agree (the rest are left out and "
    "listed in the manifest)."
)

OFFSET_TEXT: dict[str, str] = {
    "codepoint": "Code points (Python, spaCy, Label Studio)",
    "utf16": "UTF-16 code units (JavaScript, doccano)",
}


@dataclass(frozen=True)
class ExportChoice:
    """Everything `export_project` needs; None filters mean "all"."""

    format: str
    status: Status | None
    path: str
    annotator: str | None = None
    ids: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    offsets: OffsetUnit = "codepoint"
    manifest: bool = True
    layer: str = "all"  # as `export_project(layer=...)`: all, gold or annotator:NAME


class ExportDialog(QDialog):
    """Filters with a live count of what will be written; `remembered()` for the settings."""

    def __init__(
        self,
        model: DocumentModel,
        default_dir: Path,
        stem: str,
        remembered: ExportSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.setAccessibleName("Export annotations")
        self.model = model
        self._default_dir = default_dir
        self._stem = stem
        self._selected = tuple(model.selected_documents)
        last = remembered or ExportSettings()

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

        self.scope = QComboBox()
        self.scope.setAccessibleName("Which documents")
        self.scope.addItem("All documents", False)
        n = len(self._selected)
        which = "the selected document" if n == 1 else f"the {n} selected documents"
        self.scope.addItem(f"Only {which}" if n else "Only selected documents (none)", True)
        if not self._selected:
            self.scope.model().item(1).setEnabled(False)  # type: ignore[attr-defined]
            self.scope.setItemData(
                1,
                plain_tooltip("Select documents in the document list (Ctrl/Shift-click) first."),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.status = QComboBox()
        self.status.setAccessibleName("Documents to export")
        self.status.addItem("Any status", None)
        for status, text in STATUS_TEXT.items():
            self.status.addItem(f"Only “{text}”", status.value)
        documents = QHBoxLayout()
        documents.addWidget(self.scope, 1)
        documents.addWidget(self.status)

        self.layer = QComboBox()
        self.layer.setAccessibleName("Layer")
        for value, text in LAYER_TEXT.items():
            self.layer.addItem(text, value)
        self.layer.setToolTip(
            plain_tooltip(
                "Gold writes one version per document: the adjudicated one (Review ▸ "
                "Adjudicate), else the analysts' version where they all agree."
            )
        )

        self.annotator = QComboBox()
        self.annotator.setAccessibleName("Annotator")
        self.annotator.setToolTip(plain_tooltip("Export only the annotations this analyst made."))
        self.annotator.addItem("All annotators", None)
        for name in annotator_names(model.project):
            self.annotator.addItem(name, name)

        self.labels = QListWidget()
        self.labels.setAccessibleName("Entity labels to export")
        self.labels.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for label in model.schema.entity_labels:
            item = QListWidgetItem(label.name)
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(label.color))
            item.setIcon(swatch)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            unchecked = label.name in last.unchecked_labels
            item.setCheckState(Qt.CheckState.Unchecked if unchecked else Qt.CheckState.Checked)
            self.labels.addItem(item)
        rows = max(3, min(self.labels.count(), 6))
        self.labels.setFixedHeight(
            rows * self.labels.sizeHintForRow(0) + 2 * self.labels.frameWidth()
        )
        self.check_all = QPushButton("All")
        self.check_all.setAccessibleName("Check every label")
        self.check_none = QPushButton("None")
        self.check_none.setAccessibleName("Uncheck every label")
        label_buttons = QVBoxLayout()
        label_buttons.addWidget(self.check_all)
        label_buttons.addWidget(self.check_none)
        label_buttons.addStretch(1)
        label_row = QHBoxLayout()
        label_row.addWidget(self.labels, 1)
        label_row.addLayout(label_buttons)

        self.offsets = QComboBox()
        self.offsets.setAccessibleName("Offsets")
        for unit, text in OFFSET_TEXT.items():
            self.offsets.addItem(text, unit)
        self.manifest = QCheckBox("Write a manifest (filters, counts, SHA-256) beside the file")
        self.manifest.setAccessibleName("Write a manifest")

        self.path = QLineEdit()
        self.path.setAccessibleName("Export file")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose export file")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.summary = plain_label()
        self.summary.setAccessibleName("Export summary")
        self.problem = problem_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Documents", documents)
        form.addRow("Layer", self.layer)
        form.addRow("Annotator", self.annotator)
        form.addRow("Labels", label_row)
        form.addRow("Offsets", self.offsets)
        form.addRow("", self.manifest)
        form.addRow("File", row)
        form.addRow(self.summary)
        form.addRow(self.problem)
        form.addRow(self.buttons)

        self._restore(last)
        self.counter = PreviewCounter(self)
        self.counter.ready.connect(self._show_preview)
        self.counter.failed.connect(lambda msg: self.summary.setText(f"Cannot count: {msg}"))
        # Several changes at once (e.g. "All" checks every label) cost one count.
        self._preview_timer = QTimer(self, singleShot=True, interval=50)
        self._preview_timer.timeout.connect(self.update_summary)
        browse.clicked.connect(self._browse)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.layer.currentIndexChanged.connect(self._layer_changed)
        for combo in (self.scope, self.status, self.annotator, self.layer):
            combo.currentIndexChanged.connect(self._preview_timer.start)
        self.labels.itemChanged.connect(self._preview_timer.start)
        self.check_all.clicked.connect(lambda: self._check_every(Qt.CheckState.Checked))
        self.check_none.clicked.connect(lambda: self._check_every(Qt.CheckState.Unchecked))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self._format_changed(restored=True)
        self.update_summary()
        self.resize(620, self.sizeHint().height())

    # -- restoring the last choices ----------------------------------------------------------
    def _restore(self, last: ExportSettings) -> None:
        def pick(combo: QComboBox, value: object) -> None:
            index = combo.findData(value)
            item = combo.model().item(index) if index >= 0 else None  # type: ignore[attr-defined]
            if item is not None and item.isEnabled():
                combo.setCurrentIndex(index)

        pick(self.format, last.format)
        pick(self.scope, last.selected_only)
        pick(self.status, last.status or None)
        pick(self.annotator, last.annotator or None)
        pick(self.layer, last.layer)
        self._layer_changed()
        pick(self.offsets, last.offsets)
        self.manifest.setChecked(last.manifest)
        folder = Path(last.folder) if last.folder and Path(last.folder).is_dir() else None
        self.path.setText(str((folder or self._default_dir) / f"{self._stem}{self._suffix()}"))

    def remembered(self) -> ExportSettings:
        """The current choices, to restore next time for this project."""
        return ExportSettings(
            format=self.format.currentData(),
            status=self.status.currentData() or "",
            annotator=self.annotator.currentData() or "",
            layer=self.layer.currentData(),
            unchecked_labels=tuple(
                item.text()
                for item in self._label_items()
                if item.checkState() != Qt.CheckState.Checked
            ),
            selected_only=bool(self.scope.currentData()),
            offsets=self.offsets.currentData(),
            manifest=self.manifest.isChecked(),
            folder=str(Path(self.path.text().strip()).expanduser().parent),
        )

    # -- filters -----------------------------------------------------------------------------
    def _label_items(self) -> list[QListWidgetItem]:
        return [self.labels.item(i) for i in range(self.labels.count())]

    def _check_every(self, state: Qt.CheckState) -> None:
        for item in self._label_items():
            item.setCheckState(state)

    def checked_labels(self) -> tuple[str, ...] | None:
        """The checked labels; None when all are checked (no label filter at all)."""
        items = self._label_items()
        checked = tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)
        return None if len(checked) == len(items) else checked

    def _ids(self) -> tuple[str, ...] | None:
        return self._selected if self.scope.currentData() else None

    def _status(self) -> Status | None:
        value = self.status.currentData()
        return Status(value) if value else None

    def _gold(self) -> bool:
        return bool(self.layer.currentData() == "gold")

    def _layer_changed(self, _index: int = -1) -> None:
        """Gold is one version per document: no annotator filter goes with it (as the CLI)."""
        self.annotator.setEnabled(not self._gold())

    def _annotator(self) -> str | None:
        return None if self._gold() else self.annotator.currentData()

    def _layer(self) -> str:
        if self._gold():
            return "gold"
        name = self.annotator.currentData()
        return f"annotator:{name}" if name else "all"

    def update_summary(self) -> None:
        """Count (through the services, on a worker thread) what the filters would export."""
        self._preview_timer.stop()
        labels = self.checked_labels()
        if labels == ():
            self.summary.setText("No labels are checked: check at least one.")
            return
        project, status, annotator, ids = (
            self.model.project,
            self._status(),
            self._annotator(),
            self._ids(),
        )
        self.summary.setText("Counting…")
        self.counter.request(
            lambda: preview_export(
                project, status=status, annotator=annotator, ids=ids, labels=labels
            )
        )

    def _show_preview(self, preview: ExportPreview) -> None:
        if self.checked_labels() == ():
            return
        if self._gold():
            n = preview.documents
            self.summary.setText(GOLD_SUMMARY.format(n=f"{n} document{'s' if n != 1 else ''}"))
        else:
            self.summary.setText(preview.summary())

    def done(self, result: int) -> None:
        self.counter.stop()  # no count may outlive the dialog
        super().done(result)

    # -- format and file -----------------------------------------------------------------------
    def _suffix(self) -> str:
        return EXPORT_FORMATS[self.format.currentData()].suffix

    def _format_changed(self, _index: int = -1, *, restored: bool = False) -> None:
        fmt = EXPORT_FORMATS[self.format.currentData()]
        if fmt.utf16_option and not restored:  # the target tool's own unit (doccano: UTF-16)
            self.offsets.setCurrentIndex(self.offsets.findData(fmt.default_offsets))
        if fmt.utf16_option:
            self.offsets.setEnabled(True)
            self.offsets.setToolTip(
                plain_tooltip(
                    "Code points match Python string indexes; UTF-16 code units match "
                    "JavaScript (an emoji counts as 2)."
                )
            )
        else:
            self.offsets.setEnabled(False)
            with_utf16 = ", ".join(f.name for f in EXPORT_FORMATS.values() if f.utf16_option)
            self.offsets.setToolTip(
                plain_tooltip(
                    f"The {fmt.name} format always counts offsets in code points (Python "
                    f"string indexes). UTF-16 offsets are offered for: {with_utf16}."
                )
            )
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
        if self.checked_labels() == ():
            self.problem.setText("Check at least one label: with none checked nothing is exported.")
            return
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
        self.problem.clear()
        self.accept()

    def choice(self) -> ExportChoice:
        offsets: OffsetUnit = (
            self.offsets.currentData() if self.offsets.isEnabled() else "codepoint"
        )
        return ExportChoice(
            self.format.currentData(),
            self._status(),
            str(Path(self.path.text().strip()).expanduser()),
            annotator=self._annotator(),
            ids=self._ids(),
            labels=self.checked_labels(),
            offsets=offsets,
            manifest=self.manifest.isChecked(),
            layer=self._layer(),
        )
