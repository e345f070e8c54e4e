"""Every entity and claim of the current document, in text order; pick one to select it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import plain_tooltip

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_SNIPPET = 80


def snippet(text: str, limit: int = MAX_SNIPPET) -> str:
    """One line of at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class AnnotationList(QWidget):
    """`annotationPicked(kind, id)` when the user picks a row."""

    annotationPicked = Signal(str, str)

    def __init__(self, model: DocumentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Annotations of this document")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Label", "Text", "Details"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.header().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tree)
        self._updating = False
        self.tree.currentItemChanged.connect(self._picked)
        model.documentChanged.connect(self.rebuild)
        model.annotationChanged.connect(lambda *_: self.rebuild())
        model.schemaChanged.connect(self.rebuild)
        model.selectionChanged.connect(self._show_selection)
        self.rebuild()

    def rebuild(self) -> None:
        self._updating = True
        self.tree.clear()
        session = self.model.session
        if session is not None:
            schema = self.model.schema
            ann = session.annotations
            rows = []
            for e in ann.entities.values():
                target = ann.target_for(e.id)
                details = f"sentiment: {target.label}" if target else ""
                rows.append(
                    (e.start, e.end, "entity", e.id, e.label, schema.color_of(e.label), details)
                )
            for c in ann.claims.values():
                speaker = c.speaker_text or "(no speaker)"
                attrs = ", ".join(c.attributes[k] for k in sorted(c.attributes))
                rows.append(
                    (
                        c.start,
                        c.end,
                        "claim",
                        c.id,
                        "Claim",
                        schema.claim_color,
                        f"{speaker} — {attrs}",
                    )
                )
            for start, end, kind, annotation_id, label, colour, details in sorted(rows):
                item = QTreeWidgetItem([label, snippet(session.text[start:end]), details])
                item.setData(0, KEY_ROLE, f"{kind}\t{annotation_id}")
                swatch = QColor(colour)
                swatch.setAlpha(90)
                item.setBackground(0, QBrush(swatch))
                item.setToolTip(1, plain_tooltip(snippet(session.text[start:end], 500)))
                self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(1, max(120, min(190, self.tree.sizeHintForColumn(1))))
        self._updating = False
        self._show_selection(*self.model.selection)

    def items(self) -> list[QTreeWidgetItem]:
        found = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in found if item is not None]

    def _show_selection(self, kind: str, annotation_id: str) -> None:
        self._updating = True
        for item in self.items():
            if item.data(0, KEY_ROLE) == f"{kind}\t{annotation_id}":
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                break
        else:
            self.tree.setCurrentIndex(QModelIndex())
            self.tree.clearSelection()
        self._updating = False

    def _picked(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if self._updating or item is None:
            return
        kind, annotation_id = str(item.data(0, KEY_ROLE)).split("\t", 1)
        self.annotationPicked.emit(kind, annotation_id)
