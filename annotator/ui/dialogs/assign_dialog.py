"""Team ▸ Assign documents: give documents to analysts, or take them back.

Each button press is one service call; refusals (no permission, server away) are shown in
the dialog and nothing changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import DocumentSummary, Status
from annotator.services.documents import list_documents
from annotator.services.errors import NotPermitted, StorageError
from annotator.services.project import Project
from annotator.services.team import Analyst, analysts, assign, assignments, unassign
from annotator.ui.document_list import STATUS_COLOUR, STATUS_TEXT
from annotator.ui.plain import PROBLEM_STYLE, plain_label, plain_tooltip

ID_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2


def analyst_text(analyst: Analyst) -> str:
    return f"{analyst.name} ({', '.join(analyst.roles)})" if analyst.roles else analyst.name


class AssignDialog(QDialog):
    """Documents (title, status, assignees) and analysts, both multi-select.

    `assignmentsChanged` after every change that went through.
    """

    assignmentsChanged = Signal()

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Assign documents")
        self.setAccessibleName("Assign documents")
        self._documents: list[DocumentSummary] = []
        self._assigned: dict[str, list[str]] = {}

        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Filter by status")
        self.status_filter.addItem("All statuses", None)
        for status, text in STATUS_TEXT.items():
            self.status_filter.addItem(text, status.value)
        self.unassigned_only = QCheckBox("&Unassigned only")
        self.documents = QTableWidget(0, 3)
        self.documents.setAccessibleName("Documents to assign")
        self.documents.setHorizontalHeaderLabels(["Title", "Status", "Assigned to"])
        self.documents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.documents.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents.setWordWrap(False)
        self.documents.verticalHeader().hide()
        header = self.documents.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.analysts = QListWidget()
        self.analysts.setAccessibleName("Analysts")
        self.analysts.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.assign_button = QPushButton("&Assign to selected analysts")
        self.unassign_button = QPushButton("U&nassign from selected analysts")
        self.message = plain_label()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Assignment message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:"))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.unassigned_only)
        filters.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(filters)
        left.addWidget(self.documents, 1)
        right = QVBoxLayout()
        right.addWidget(plain_label("Analysts (click to select one or more):"))
        right.addWidget(self.analysts, 1)
        right.addWidget(self.assign_button)
        right.addWidget(self.unassign_button)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(860, 520)

        self.status_filter.currentIndexChanged.connect(self._fill_documents)
        self.unassigned_only.toggled.connect(self._fill_documents)
        self.documents.itemSelectionChanged.connect(self._update_buttons)
        self.analysts.itemSelectionChanged.connect(self._update_buttons)
        self.assign_button.clicked.connect(self.assign_selected)
        self.unassign_button.clicked.connect(self.unassign_selected)
        self.reload()

    # -- reading -------------------------------------------------------------------------
    def reload(self) -> bool:
        """Read documents, assignments and analysts again, keeping the selections."""
        try:
            documents = list_documents(self.project)
            assigned = assignments(self.project)
            people = analysts(self.project)
        except StorageError as exc:
            self.show_message(f"Cannot read the assignments: {exc}", error=True)
            self._update_buttons()
            return False
        self._documents, self._assigned = documents, assigned
        chosen = set(self.selected_analysts())
        self.analysts.clear()
        for analyst in people:
            item = QListWidgetItem(analyst_text(analyst))
            item.setData(NAME_ROLE, analyst.name)
            self.analysts.addItem(item)
            item.setSelected(analyst.name in chosen)
        self._fill_documents()
        return True

    def _fill_documents(self) -> None:
        chosen = set(self.selected_documents())
        value = self.status_filter.currentData()
        status = Status(value) if value else None
        rows = [
            d
            for d in self._documents
            if (status is None or d.status is status)
            and not (self.unassigned_only.isChecked() and self._assigned.get(d.id))
        ]
        self.documents.blockSignals(True)
        self.documents.clearSelection()
        self.documents.setRowCount(len(rows))
        for i, doc in enumerate(rows):
            names = ", ".join(self._assigned.get(doc.id, []))
            title = QTableWidgetItem(doc.title)
            title.setData(ID_ROLE, doc.id)
            title.setToolTip(plain_tooltip(doc.title))
            state = QTableWidgetItem(STATUS_TEXT[doc.status])
            state.setForeground(QColor(STATUS_COLOUR[doc.status]))
            who = QTableWidgetItem(names or "—")
            who.setToolTip(plain_tooltip(f"Assigned to {names}" if names else "Not assigned"))
            for column, item in enumerate((title, state, who)):
                self.documents.setItem(i, column, item)
        self.documents.blockSignals(False)
        for i, doc in enumerate(rows):
            if doc.id in chosen:
                self.documents.selectRow(i)
        self._update_buttons()

    def _row_id(self, row: int) -> str:
        return str(self.documents.model().index(row, 0).data(ID_ROLE))

    def visible_ids(self) -> list[str]:
        return [self._row_id(i) for i in range(self.documents.rowCount())]

    def selected_documents(self) -> list[str]:
        rows = sorted({index.row() for index in self.documents.selectedIndexes()})
        return [self._row_id(row) for row in rows]

    def selected_analysts(self) -> list[str]:
        return [item.data(NAME_ROLE) for item in self.analysts.selectedItems()]

    def _update_buttons(self) -> None:
        ready = bool(self.selected_documents()) and bool(self.selected_analysts())
        self.assign_button.setEnabled(ready)
        self.unassign_button.setEnabled(ready)

    # -- changing ------------------------------------------------------------------------
    def assign_selected(self) -> None:
        docs, people = self.selected_documents(), self.selected_analysts()
        if not docs or not people:
            return
        try:
            added = assign(self.project, docs, people)
        except StorageError as exc:
            self._refused("Nothing was assigned", exc)
            return
        self.show_message(
            f"Assigned {_documents(len(docs))} to {', '.join(people)} "
            f"({added} new assignment{'' if added == 1 else 's'})."
        )
        self._changed()

    def unassign_selected(self) -> None:
        docs, people = self.selected_documents(), self.selected_analysts()
        if not docs or not people:
            return
        try:
            removed = unassign(self.project, docs, people)
        except StorageError as exc:
            self._refused("Nothing was unassigned", exc)
            return
        self.show_message(
            f"Unassigned {_documents(len(docs))} from {', '.join(people)} "
            f"({removed} assignment{'' if removed == 1 else 's'} removed)."
        )
        self._changed()

    def _refused(self, what: str, exc: StorageError) -> None:
        hint = (
            " Only the project's owner or an admin can assign documents."
            if isinstance(exc, NotPermitted)
            else ""
        )
        self.show_message(f"{what}: {exc}.{hint}", error=True)

    def _changed(self) -> None:
        note = self.message.text()
        if self.reload():
            self.show_message(note)
        self.assignmentsChanged.emit()

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(PROBLEM_STYLE if error else "")
        self.message.setText(text)
        self.message.setProperty("error", error)


def _documents(n: int) -> str:
    return f"{n} document{'' if n == 1 else 's'}"
