"""Every entity and claim of the current document, in reading order; pick one to select it.

`AnnotationRows` is an item model fed by the document model's change events: an edit
inserts, removes or updates one row (`beginInsertRows` / `beginRemoveRows` /
`dataChanged`); only another document or a whole re-read (`annotationsReset`) resets it.
Cell texts are made when the view asks for them, i.e. for the rows on screen. Its order
(start, longest first, kind, id) is the reading order the `Navigator` walks.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from annotator.core.model import Claim, EntitySpan
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import plain_tooltip

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_SNIPPET = 80
HEADERS = ("Label", "Text", "Details")

Key = tuple[int, int, str, str]  # (start, -end, kind, id): reading order
_ROLES = frozenset(
    {
        int(Qt.ItemDataRole.DisplayRole),
        int(Qt.ItemDataRole.ToolTipRole),
        int(Qt.ItemDataRole.BackgroundRole),
        int(KEY_ROLE),
    }
)
Index = QModelIndex | QPersistentModelIndex


def snippet(text: str, limit: int = MAX_SNIPPET) -> str:
    """One line of at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def key_of(kind: str, item: EntitySpan | Claim) -> Key:
    return (item.start, -item.end, kind, item.id)


class AnnotationRows(QAbstractTableModel):
    """One row per entity and claim of the model's current document, in reading order."""

    def __init__(self, model: DocumentModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.removing = False  # True while a row is being removed
        self.model = model
        self._keys: list[Key] = []
        self._key: dict[str, dict[str, Key]] = {"entity": {}, "claim": {}}  # kind, id
        self._target_entity: dict[str, str] = {}  # target id -> entity id
        self._brushes: dict[str, QBrush] = {}
        model.documentChanged.connect(self.reset)
        model.annotationsReset.connect(self.reset)
        model.annotationChanged.connect(self._changed)
        model.schemaChanged.connect(self._restyle)
        self.reset()

    # -- order -----------------------------------------------------------------------
    @property
    def keys(self) -> list[Key]:
        """The rows' keys in reading order (read-only use)."""
        return self._keys

    def row_of(self, kind: str, annotation_id: str) -> int:
        """The row of an annotation, or -1."""
        key = self._key.get(kind, {}).get(annotation_id)
        return -1 if key is None else bisect_left(self._keys, key)

    def reset(self) -> None:
        """Rebuild every row (another document, or its annotations re-read as a whole)."""
        self.beginResetModel()
        session = self.model.session
        self._target_entity = {}
        entities: list[Key] = []
        claims: list[Key] = []
        if session is not None:
            ann = session.annotations
            entities = [(e.start, -e.end, "entity", e.id) for e in ann.entities.values()]
            claims = [(c.start, -c.end, "claim", c.id) for c in ann.claims.values()]
            self._target_entity = {t.id: t.entity_id for t in ann.targets.values()}
        # tens of thousands of rows: list comprehensions and one sort, no per-row statements
        self._key = {
            "entity": dict(zip(map(itemgetter(3), entities), entities, strict=True)),
            "claim": dict(zip(map(itemgetter(3), claims), claims, strict=True)),
        }
        entities.extend(claims)
        entities.sort()
        self._keys = entities
        self._brushes = {}
        self.endResetModel()

    def _changed(self, kind: str, annotation_id: str, removed: bool) -> None:
        session = self.model.session
        if session is None:
            return
        ann = session.annotations
        if kind == "target":
            target = None if removed else ann.targets.get(annotation_id)
            entity_id = self._target_entity.pop(annotation_id, None)
            if target is not None:
                self._target_entity[annotation_id] = target.entity_id
            for entity in {entity_id, target.entity_id if target else None} - {None}:
                self._refresh_row(self.row_of("entity", str(entity)))
            return
        if kind not in ("entity", "claim"):
            return
        table: dict[str, Any] = ann.entities if kind == "entity" else ann.claims
        item = None if removed else table.get(annotation_id)
        old = self._key[kind].get(annotation_id)
        new = key_of(kind, item) if item is not None else None
        if old is not None and old == new:
            self._refresh_row(bisect_left(self._keys, old))
            return
        if old is not None:
            row = bisect_left(self._keys, old)
            self.removing = True  # the view's selection moving off the row is no pick
            try:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._keys[row]
                del self._key[kind][annotation_id]
                self.endRemoveRows()
            finally:
                self.removing = False
        if new is not None:
            row = bisect_left(self._keys, new)
            self.beginInsertRows(QModelIndex(), row, row)
            self._keys.insert(row, new)
            self._key[kind][annotation_id] = new
            self.endInsertRows()

    def _refresh_row(self, row: int) -> None:
        if 0 <= row < len(self._keys):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def _restyle(self) -> None:
        """Label colours or names changed: every cell may read differently."""
        self._brushes = {}
        if self._keys:
            last = self.index(len(self._keys) - 1, len(HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- QAbstractTableModel ------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # most of a paint's questions: answered at once
            return None
        session = self.model.session
        if session is None or not index.isValid() or index.row() >= len(self._keys):
            return None
        start, neg_end, kind, annotation_id = self._keys[index.row()]
        column = index.column()
        if role == KEY_ROLE:
            return f"{kind}\t{annotation_id}"
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return plain_tooltip(snippet(session.text[start:-neg_end], 500))
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            schema = self.model.schema
            if kind == "claim":
                return self._brush(schema.claim_color)
            entity = session.annotations.entities.get(annotation_id)
            return self._brush(schema.color_of(entity.label)) if entity else None
        return None

    def cell_text(self, row: int, column: int) -> str:
        session = self.model.session
        if session is None:
            return ""
        start, neg_end, kind, annotation_id = self._keys[row]
        if column == 1:
            return snippet(session.text[start:-neg_end])
        ann = session.annotations
        if kind == "entity":
            entity = ann.entities.get(annotation_id)
            if entity is None:
                return ""
            if column == 0:
                return entity.label
            target = ann.target_for(entity.id)
            return f"sentiment: {target.label}" if target else ""
        claim = ann.claims.get(annotation_id)
        if claim is None:
            return ""
        if column == 0:
            return "Claim"
        speaker = claim.speaker_text or "(no speaker)"
        attrs = ", ".join(claim.attributes[k] for k in sorted(claim.attributes))
        return f"{speaker} — {attrs}"

    def _brush(self, colour: str) -> QBrush:
        brush = self._brushes.get(colour)
        if brush is None:
            swatch = QColor(colour)
            swatch.setAlpha(90)
            brush = self._brushes[colour] = QBrush(swatch)
        return brush


class Row:
    """One row as the user reads it (for tests and accessibility checks)."""

    def __init__(self, rows: AnnotationRows, row: int) -> None:
        self._rows = rows
        self._row = row

    def text(self, column: int) -> str:
        return self._rows.cell_text(self._row, column)

    def toolTip(self, column: int) -> str:
        return str(
            self._rows.data(self._rows.index(self._row, column), Qt.ItemDataRole.ToolTipRole) or ""
        )


class AnnotationList(QWidget):
    """`annotationPicked(kind, id)` when the user picks a row."""

    annotationPicked = Signal(str, str)

    def __init__(
        self, model: DocumentModel, rows: AnnotationRows, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.rows = rows
        # A flat table view: an inserted row costs it no per-row calls into the model (a
        # tree view lays out every row again, 20,000 Python calls per edit).
        self.table = QTableView()
        self.table.setAccessibleName("Annotations of this document")
        self.table.setModel(rows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows_header = self.table.verticalHeader()
        rows_header.hide()
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no row measuring
        rows_header.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table)
        self._updating = False
        # a pick is a selected row (a click, the arrow keys); focus alone only moves the
        # current index, and must not select an annotation
        self.table.selectionModel().selectionChanged.connect(self._picked)
        model.selectionChanged.connect(self._show_selection)
        rows.modelReset.connect(self._after_reset)
        # the selection may name a row that arrives later in the same edit's fan-out
        rows.rowsInserted.connect(self._after_reset)
        # a removed row moves the view's current row to its neighbour: that is no pick
        # (a resized span leaves its row and comes back in another place)
        rows.rowsRemoved.connect(self._after_reset)
        model.schemaChanged.connect(self._size_columns)
        self._size_columns()
        self._after_reset()

    def _size_columns(self) -> None:
        """Column widths from the schema's label names, not from 20,000 rows."""
        metrics = self.table.fontMetrics()
        names = [*self.model.schema.entity_label_names, "Claim", "Label"]
        self.table.setColumnWidth(0, max(metrics.horizontalAdvance(n) for n in names) + 24)
        self.table.setColumnWidth(1, 190)

    def items(self) -> list[Row]:
        return [Row(self.rows, i) for i in range(self.rows.rowCount())]

    def _after_reset(self) -> None:
        self._show_selection(*self.model.selection)

    def _show_selection(self, kind: str, annotation_id: str) -> None:
        self._updating = True
        try:
            row = self.rows.row_of(kind, annotation_id) if kind else -1
            selection = self.table.selectionModel()
            if row >= 0:
                index = self.rows.index(row, 0)
                flags = (
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows
                )
                selection.setCurrentIndex(index, flags)
                self.table.scrollTo(index)
            else:
                selection.clear()
        finally:
            self._updating = False

    def _picked(self, *_args: object) -> None:
        if self._updating or self.rows.removing:
            return
        rows = self.table.selectionModel().selectedRows(0)
        if not rows:
            return
        kind, annotation_id = str(rows[0].data(KEY_ROLE)).split("\t", 1)
        self.annotationPicked.emit(kind, annotation_id)
