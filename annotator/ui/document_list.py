"""The document list: title, status and annotation counts, filtered by status and text.

On server projects it also shows whom each document is assigned to, and can keep only the
documents assigned to this analyst.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import DocumentSummary, Status
from annotator.services.documents import list_documents
from annotator.services.errors import StorageError
from annotator.services.team import assignments, is_team_project
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import PROBLEM_STYLE, plain_label, plain_tooltip, problem_label

STATUS_TEXT = {Status.TODO: "To do", Status.IN_PROGRESS: "In progress", Status.DONE: "Done"}
STATUS_COLOUR = {Status.TODO: "#8c959f", Status.IN_PROGRESS: "#d29922", Status.DONE: "#2da44e"}
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class DocumentTableModel(QAbstractTableModel):
    """Rows of `DocumentSummary` from the services layer."""

    HEADERS = ("Title", "Status", "Entities", "Claims")
    TEAM_HEADERS = (*HEADERS, "Assigned to")

    def __init__(self, parent: QObject | None = None, team: bool = False) -> None:
        super().__init__(parent)
        self.headers = self.TEAM_HEADERS if team else self.HEADERS
        self.rows: list[DocumentSummary] = []
        self.assignees: dict[str, list[str]] = {}

    def set_rows(
        self, rows: list[DocumentSummary], assignees: dict[str, list[str]] | None = None
    ) -> None:
        self.beginResetModel()
        self.rows = rows
        self.assignees = assignees or {}
        self.endResetModel()

    def update_row(self, row: int, summary: DocumentSummary) -> None:
        self.rows[row] = summary
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))

    def assigned_text(self, doc_id: str) -> str:
        return ", ".join(self.assignees.get(doc_id, []))

    def row_of(self, doc_id: str | None) -> int:
        for i, row in enumerate(self.rows):
            if row.id == doc_id:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 4:
                return self.assigned_text(row.id)
            return (row.title, STATUS_TEXT[row.status], row.entity_count, row.claim_count)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(row.title)
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            names = self.assigned_text(row.id)
            return plain_tooltip(f"Assigned to {names}" if names else "Not assigned")
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(STATUS_COLOUR[row.status])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentListPanel(QWidget):
    """Filter controls over a table of documents. `documentActivated(id)` when the user
    picks a document. Ctrl/Shift-click selects several (e.g. to export only those); the
    selection is published to the model as `selected_documents`."""

    documentActivated = Signal(str)

    def __init__(self, model: DocumentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.team = is_team_project(model.project)
        self.table_model = DocumentTableModel(self, team=self.team)
        self.search = QLineEdit(placeholderText="Search title and text…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search documents")
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Filter documents by status")
        self.status_filter.addItem("All", None)
        for status, text in STATUS_TEXT.items():
            self.status_filter.addItem(text, status.value)
        self.mine_only = QCheckBox("Assigned to &me")
        self.mine_only.setAccessibleName("Show only documents assigned to me")
        self.mine_only.setVisible(self.team)
        self.table = QTableView()
        self.table.setAccessibleName("Documents")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.table_model.headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Size those columns from a sample of rows: by default Qt asks the model about 1,000
        # rows per column on every reset and scroll (72,000 data() calls, ~1 s, at start-up).
        # (0, "visible rows only", means every row while the table is still hidden.)
        header.setResizeContentsPrecision(100)
        header.setHighlightSections(False)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        if self.team:
            filters.addWidget(self.mine_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.empty_hint = plain_label(
            "No documents match. To add articles, drop .txt, .md or .jsonl files or folders "
            "onto this window, or use File ▸ Import articles…"
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAccessibleName("Document list hint")
        self.empty_hint.setStyleSheet("color: palette(placeholder-text); padding: 6px;")
        layout.addWidget(self.empty_hint)
        self.problem = problem_label("Document list problem")
        self.problem.setStyleSheet(f"{PROBLEM_STYLE} padding: 6px;")
        self.problem.hide()
        layout.addWidget(self.problem)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.status_filter.currentIndexChanged.connect(self.reload)
        self.mine_only.toggled.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(self._publish_selection)
        # Counts and status of the current row change at once; the full query (which
        # sees other documents too) runs at most every 400 ms while edits keep coming.
        self._refresh = QTimer(self, singleShot=True, interval=400)
        self._refresh.timeout.connect(self.reload)
        model.documentsChanged.connect(self._current_row_changed)
        model.documentsChanged.connect(self._refresh.start)
        model.documentChanged.connect(self._show_current)
        self.reload()

    def reload(self) -> None:
        """Query the documents again, keeping the current document selected.

        When the database cannot answer (a server gone away), the list keeps what it shows
        and says why; the next change or filter tries again.
        """
        value = self.status_filter.currentData()
        status = Status(value) if value else None
        keep = set(self.model.selected_documents)
        project = self.model.project
        mine = self.team and self.mine_only.isChecked()
        try:
            rows = list_documents(project, status, self.search.text(), mine_only=mine)
            assigned = assignments(project) if self.team else None
        except StorageError as exc:
            self.problem.setText(f"The list was not refreshed: {exc}")
            self.problem.show()
            return
        self.problem.hide()
        self.table_model.set_rows(rows, assigned)
        self.empty_hint.setVisible(not rows)
        self._restore_selection(keep)

    def _current_row_changed(self) -> None:
        session = self.model.session
        row = self.table_model.row_of(self.model.document_id)
        if session is None or row < 0:
            return
        ann = session.annotations
        self.table_model.update_row(
            row,
            replace(
                self.table_model.rows[row],
                status=session.document.status,
                entity_count=len(ann.entities),
                claim_count=len(ann.claims),
            ),
        )

    def _show_current(self) -> None:
        """Select the current document's row (already done when the user clicked it)."""
        row = self.table_model.row_of(self.model.document_id)
        if row >= 0 and self.table.currentIndex().row() == row:
            self.table.viewport().update()
            return
        self._restore_selection(set(self.model.selected_documents))

    def _restore_selection(self, keep: set[str]) -> None:
        """Select the current document's row, and the rows of `keep` if it is among them."""
        current = self.model.document_id
        wanted = keep if current in keep else {current}
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.blockSignals(True)
        runs = QItemSelection()  # contiguous runs: Ctrl+A on 100,000 rows is one range
        start = -1
        rows = self.table_model.rows
        for i in range(len(rows) + 1):
            inside = i < len(rows) and rows[i].id in wanted
            if inside and start < 0:
                start = i
            elif not inside and start >= 0:
                runs.select(self.table_model.index(start, 0), self.table_model.index(i - 1, 0))
                start = -1
        selection.select(runs, flags.ClearAndSelect | flags.Rows)
        row = self.table_model.row_of(current)
        if row >= 0:
            index = self.table_model.index(row, 0)
            selection.setCurrentIndex(index, flags.NoUpdate)
            self.table.scrollTo(index)
        selection.blockSignals(False)
        self.table.viewport().update()
        self._publish_selection()

    def _publish_selection(self) -> None:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows(0))
        self.model.set_selected_documents([self.table_model.rows[r].id for r in rows])

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            doc_id = current.data(ID_ROLE)
            if doc_id != self.model.document_id:
                self.documentActivated.emit(doc_id)

    def visible_ids(self) -> list[str]:
        return [row.id for row in self.table_model.rows]
