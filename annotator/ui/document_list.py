"""The document list: title, status and annotation counts, filtered by status and text.

On server projects it also shows whom each document is assigned to, and can keep only the
documents assigned to this analyst.

Every query runs on a worker (`BackgroundQueries`, latest request wins) and its result is
applied on the GUI thread while the table keeps showing the previous rows: a first page of
a new filter replaces the rows and later pages are appended; a refresh under the same
filter changes only the rows that differ (`dataChanged`, `beginInsertRows`,
`beginRemoveRows`); a colleague's change to some documents re-reads only those rows.

The table keeps each row as a plain tuple of strings and integers (`Record`), made on the
worker. Python's cyclic collector stops tracking such tuples at its first pass, so 50,000
rows add nothing to the later passes; as tracked objects (one `DocumentSummary` each) they
made every full pass 30-50 ms longer, run on whichever thread allocated at the time while
holding the interpreter lock, and so the GUI thread stalled.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

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

from annotator.core.gc_pause import gc_paused
from annotator.core.model import DocumentSummary, Status
from annotator.services.documents import document_summaries, iter_documents
from annotator.services.team import assignments, is_team_project
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import PROBLEM_STYLE, plain_label, plain_tooltip, problem_label
from annotator.ui.workers import BackgroundQueries

STATUS_TEXT = {Status.TODO: "To do", Status.IN_PROGRESS: "In progress", Status.DONE: "Done"}
STATUS_COLOUR = {Status.TODO: "#8c959f", Status.IN_PROGRESS: "#d29922", Status.DONE: "#2da44e"}
_STATUS_TEXT = {status.value: text for status, text in STATUS_TEXT.items()}  # by stored value
_STATUS_COLOUR = {status.value: colour for status, colour in STATUS_COLOUR.items()}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
FIRST_PAGE = 200
PAGE = 5000

Index = QModelIndex | QPersistentModelIndex

Record = tuple[str, str, str, int, int, int]
"""One list row: id, title, status value, entity count, claim count, length. A plain
tuple of str and int: not tracked by the cyclic garbage collector (see the module notes)."""
ID: Final = 0
TITLE: Final = 1
STATUS: Final = 2
ENTITIES: Final = 3
CLAIMS: Final = 4
LENGTH: Final = 5


def record_of(summary: DocumentSummary) -> Record:
    return (
        summary.id,
        str(summary.title),
        str(summary.status.value),
        summary.entity_count,
        summary.claim_count,
        summary.length,
    )


def summary_of(record: Record) -> DocumentSummary:
    return DocumentSummary(record[0], record[1], Status(record[2]), *record[3:])


def records_of(summaries: Iterable[DocumentSummary]) -> list[Record]:
    return [record_of(s) for s in summaries]


@dataclass(frozen=True, slots=True)
class ListFilter:
    status: Status | None = None
    search: str = ""
    mine_only: bool = False

    def admits(self, row: Record) -> bool:
        """Whether a re-read row still belongs (its text and title never change)."""
        return self.status is None or row[STATUS] == self.status.value


@dataclass(frozen=True, slots=True)
class MergePlan:
    """How to turn some rows into a fresh result of `size` rows: remove `gone` (indices),
    then change `changed` (indices after the removal), then insert `added` (final indices,
    ascending)."""

    gone: list[int]
    changed: list[tuple[int, Record]]
    added: list[tuple[int, Record]]
    size: int


def merge_plan(old: Sequence[Record], new: Sequence[Record]) -> MergePlan | None:
    """The row changes from `old` to `new`, or None when the rows kept by both are not in
    the same order (then only a reset will do). Pure Python: runs on the worker."""
    new_ids = {row[ID] for row in new}
    old_ids = {row[ID] for row in old}
    kept = [row for row in old if row[ID] in new_ids]
    if [row[ID] for row in kept] != [row[ID] for row in new if row[ID] in old_ids]:
        return None
    gone = [i for i, row in enumerate(old) if row[ID] not in new_ids]
    kept_at = {row[ID]: i for i, row in enumerate(kept)}
    changed = []
    added = []
    for i, row in enumerate(new):
        at = kept_at.get(row[ID])
        if at is None:
            added.append((i, row))
        elif kept[at] != row:
            changed.append((at, row))
    return MergePlan(gone, changed, added, len(new))


class DocumentTableModel(QAbstractTableModel):
    """Rows (`Record` tuples of the services' `DocumentSummary`), changed row by row."""

    HEADERS = ("Title", "Status", "Entities", "Claims")
    TEAM_HEADERS = (*HEADERS, "Assigned to")

    def __init__(self, parent: QObject | None = None, team: bool = False) -> None:
        super().__init__(parent)
        self.headers = self.TEAM_HEADERS if team else self.HEADERS
        self.rows: list[Record] = []
        self.assignees: dict[str, list[str]] = {}
        self._rows_of: dict[str, int] = {}
        self.generation = 0  # grows with every change of the rows: a snapshot's plan applies

    def set_rows(self, rows: list[Record], assignees: dict[str, list[str]] | None = None) -> None:
        """Replace every row (a new filter's first page)."""
        self.generation += 1
        self.beginResetModel()
        self.rows = list(rows)
        if assignees is not None:
            self.assignees = assignees
        self._index()
        self.endResetModel()

    def append_rows(self, rows: list[Record]) -> None:
        if not rows:
            return
        self.generation += 1
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.rows.extend(rows)
        for i, row in enumerate(rows, start):
            self._rows_of[row[ID]] = i
        self.endInsertRows()

    def merge_rows(self, rows: list[Record]) -> bool:
        """Show `rows` (the same filter's fresh result) changing only what differs: rows
        whose values changed, rows removed, rows added. False (nothing done) when the
        order of the remaining rows differs; the caller then uses `set_rows`."""
        plan = merge_plan(self.rows, rows)
        if plan is None:
            return False
        self.apply_plan(plan)
        return True

    def apply_plan(self, plan: MergePlan) -> None:
        """Apply a `merge_plan` computed against the current rows."""
        self.remove_rows(plan.gone)
        for at, row in plan.changed:
            self.update_row(at, row)
        added = plan.added
        if added and added[0][0] == len(self.rows) and added[-1][0] == plan.size - 1:
            self.append_rows([row for _, row in added])  # an import: new rows at the end
            return
        for i, row in added:  # ascending: each lands where the fresh result has it
            self.generation += 1
            self.beginInsertRows(QModelIndex(), i, i)
            self.rows.insert(i, row)
            self.endInsertRows()
        if added:
            self._index()

    def remove_rows(self, rows: Iterable[int]) -> None:
        """Remove rows (indices into the current rows), in runs, from the bottom up."""
        ordered = sorted(set(rows), reverse=True)
        if not ordered:
            return
        self.generation += 1
        while ordered:
            last = first = ordered.pop(0)
            while ordered and ordered[0] == first - 1:
                first = ordered.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            del self.rows[first : last + 1]
            self.endRemoveRows()
        self._index()

    def update_row(self, row: int, record: Record) -> None:
        self.generation += 1
        self.rows[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))

    def set_assignees(self, assignees: dict[str, list[str]]) -> None:
        if assignees == self.assignees or len(self.headers) < 5:
            self.assignees = assignees
            return
        self.assignees = assignees
        if self.rows:
            column = len(self.headers) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))

    def assigned_text(self, doc_id: str) -> str:
        return ", ".join(self.assignees.get(doc_id, []))

    def row_of(self, doc_id: str | None) -> int:
        return -1 if doc_id is None else self._rows_of.get(doc_id, -1)

    def summary(self, row: int) -> DocumentSummary:
        """Row `row` as the services' `DocumentSummary`."""
        return summary_of(self.rows[row])

    def summaries(self) -> list[DocumentSummary]:
        """Every row as a `DocumentSummary` (builds them all: for checks, not for views)."""
        return [summary_of(r) for r in self.rows]

    def _index(self) -> None:
        self._rows_of = {row[ID]: i for i, row in enumerate(self.rows)}

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
            return row[ID]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 4:
                return self.assigned_text(row[ID])
            if column == 1:
                return _STATUS_TEXT[row[STATUS]]
            return row[(TITLE, STATUS, ENTITIES, CLAIMS)[column]]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(row[TITLE])
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            names = self.assigned_text(row[ID])
            return plain_tooltip(f"Assigned to {names}" if names else "Not assigned")
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(_STATUS_COLOUR[row[STATUS]])
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
        # Widths from the font, not from the rows: sizing columns to their contents makes
        # Qt ask the model about rows on every reset, insert and scroll (tens of ms each).
        metrics = self.table.fontMetrics()
        samples = ("In progress", "Entities", "99999", "Claims", "99999")
        for column in range(1, len(self.table_model.headers)):
            words = [self.table_model.headers[column], *samples[column - 1 : column + 1]]
            width = max(metrics.horizontalAdvance(w) for w in words) + 24
            mode = (
                QHeaderView.ResizeMode.Interactive if column == 4 else QHeaderView.ResizeMode.Fixed
            )
            header.setSectionResizeMode(column, mode)
            header.resizeSection(column, width if column < 4 else 4 * width)
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

        self.queries = BackgroundQueries(self, name="annotator-document-list")
        self._shown: ListFilter | None = None  # the filter the rows were read with
        self._loading: ListFilter | None = None
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.status_filter.currentIndexChanged.connect(self.reload)
        self.mine_only.toggled.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(self._publish_selection)
        # The current row's counts and status come from the open session, without a query.
        model.documentsChanged.connect(self._current_row_changed)
        model.documentChanged.connect(self._show_current)
        queries = self.queries
        self.destroyed.connect(lambda *_: queries.stop())
        self.reload()

    # -- queries (on the worker) ----------------------------------------------------------
    def current_filter(self) -> ListFilter:
        value = self.status_filter.currentData()
        return ListFilter(
            Status(value) if value else None,
            self.search.text().strip(),
            self.team and self.mine_only.isChecked(),
        )

    def reload(self) -> None:
        """Query the documents again on the worker, keeping the current document selected.

        The table shows its rows until the answer comes: a new filter's first page then
        replaces them and later pages are appended; the same filter's answer changes only
        the rows that differ. When the database cannot answer (a server gone away), the
        list keeps what it shows and says why; the next change or filter tries again.
        """
        wanted = self.current_filter()
        project = self.model.project
        team = self.team
        fresh = wanted != self._shown
        self._loading = wanted
        snapshot = self.table_model.generation, tuple(self.table_model.rows)

        def query(partial: Callable[[Any], None], stale: Callable[[], bool]) -> Any:
            # No collector pass while a page is read (thousands of short-lived objects, no
            # cycles), and the collector back on between pages: its next pass then meets
            # one page of new row tuples (and stops tracking them), never all 50,000 at once.
            # A pass holds the interpreter lock, and so stalls the GUI thread.
            assigned = assignments(project) if team else None
            rows: list[Record] = []
            pages = iter(
                iter_documents(
                    project, wanted.status, wanted.search, wanted.mine_only, FIRST_PAGE, PAGE
                )
            )
            while True:
                with gc_paused():
                    summaries = next(pages, None)
                    page = None if summaries is None else records_of(summaries)
                    del summaries
                if page is None:
                    break
                if stale():
                    return None
                if fresh:
                    partial((page, assigned if not rows else None))
                rows.extend(page)
            with gc_paused():
                plan = None if fresh else merge_plan(snapshot[1], rows)
            return rows, assigned, snapshot[0], plan

        self.queries.submit(
            "list",
            query,
            lambda value: self._apply_list(wanted, fresh, value),
            self._show_problem,
            lambda value: self._apply_page(wanted, *value),
        )

    def refresh(self, ids: Collection[str] | None = None) -> None:
        """Other clients changed documents `ids` (their status or annotations), or the set
        of documents itself (None: added or removed). Only those rows are re-read."""
        if ids is None or self._shown is None or self._loading != self._shown:
            self.reload()
            return
        wanted = list(ids)
        if not wanted:
            return
        project = self.model.project
        shown = self._shown
        self.queries.submit(
            f"rows {len(wanted)} {hash(tuple(wanted))}",
            lambda _partial, _stale: {
                doc_id: record_of(summary)
                for doc_id, summary in document_summaries(project, wanted).items()
            },
            lambda found: self._apply_rows(shown, wanted, found),
            self._show_problem,
        )

    def refresh_assignments(self) -> None:
        """Assignments changed: the "Assigned to" column, and the rows under "mine"."""
        if self.current_filter().mine_only:
            self.reload()
            return
        if not self.team:
            return
        project = self.model.project
        self.queries.submit(
            "assignments",
            lambda _partial, _stale: assignments(project),
            self.table_model.set_assignees,
            self._show_problem,
        )

    def stop(self) -> None:
        """Drop queries not yet answered (before the project closes)."""
        self.queries.stop()

    def pending(self) -> bool:
        """Whether a query is running whose answer the table does not show yet."""
        return self.queries.busy()

    # -- answers (on the GUI thread) ----------------------------------------------------
    def _apply_page(
        self, wanted: ListFilter, page: list[Record], assigned: dict[str, list[str]] | None
    ) -> None:
        keep = set(self.model.selected_documents)
        if self._shown != wanted:  # the first page of a new filter
            self._shown = wanted
            self.table_model.set_rows(page, assigned)
            self._restore_selection(keep)
        else:
            self.table_model.append_rows(page)
            self._select_if_arrived(page)
        self.problem.hide()

    def _apply_list(self, wanted: ListFilter, fresh: bool, value: Any) -> None:
        if value is None:
            return
        rows, assigned, generation, plan = value
        self.problem.hide()
        if not fresh or self._shown != wanted:
            keep = set(self.model.selected_documents)
            table = self.table_model
            if assigned is not None:
                table.set_assignees(assigned)
            if self._shown == wanted and plan is not None and generation == table.generation:
                table.apply_plan(plan)  # worked out on the worker
                if plan.gone or plan.added:
                    self._restore_selection(keep)
            elif self._shown == wanted and table.merge_rows(rows):
                self._select_if_arrived(rows)
            else:
                self._shown = wanted
                self.table_model.set_rows(rows, assigned)
                self._restore_selection(keep)
        self.empty_hint.setVisible(not self.table_model.rows)

    def _apply_rows(self, shown: ListFilter, ids: list[str], found: dict[str, Record]) -> None:
        if shown != self._shown:
            return  # the filter changed meanwhile: its own query shows the rows
        table = self.table_model
        gone = []
        for doc_id in ids:
            row = table.row_of(doc_id)
            summary = found.get(doc_id)
            if summary is not None and not shown.admits(summary):
                summary = None
            if row >= 0 and summary is None:
                gone.append(row)
            elif row >= 0 and summary is not None and table.rows[row] != summary:
                table.update_row(row, summary)
            elif row < 0 and summary is not None:  # now matches the filter: find its place
                self.reload()
                return
        if gone:
            keep = set(self.model.selected_documents)
            table.remove_rows(gone)
            self._restore_selection(keep)
        self.empty_hint.setVisible(not table.rows)

    def _show_problem(self, message: str) -> None:
        self.problem.setText(f"The list was not refreshed: {message}")
        self.problem.show()

    # -- this client's own edits -------------------------------------------------------
    def _current_row_changed(self) -> None:
        session = self.model.session
        row = self.table_model.row_of(self.model.document_id)
        if session is None or row < 0:
            return
        ann = session.annotations
        old = self.table_model.rows[row]
        summary: Record = (
            old[ID],
            old[TITLE],
            str(session.document.status.value),
            len(ann.entities),
            len(ann.claims),
            old[LENGTH],
        )
        if self._shown is not None and not self._shown.admits(summary):
            keep = set(self.model.selected_documents)
            self.table_model.remove_rows([row])
            self._restore_selection(keep)
            self.empty_hint.setVisible(not self.table_model.rows)
            return
        if summary != self.table_model.rows[row]:
            self.table_model.update_row(row, summary)

    # -- selection ------------------------------------------------------------------------
    def _current_selected(self) -> bool:
        row = self.table_model.row_of(self.model.document_id)
        return row >= 0 and self.table.currentIndex().row() == row

    def _select_if_arrived(self, rows: list[Record]) -> None:
        """The current document came with a later page: select it now."""
        current = self.model.document_id
        arrived = current is not None and any(row[ID] == current for row in rows)
        if arrived and not self._current_selected():
            self._restore_selection(set(self.model.selected_documents))

    def _show_current(self) -> None:
        """Select the current document's row (already done when the user clicked it)."""
        if self._current_selected():
            self.table.viewport().update()
            return
        self._restore_selection(set(self.model.selected_documents))

    def _restore_selection(self, keep: set[str]) -> None:
        """Select the current document's row, and the rows of `keep` if it is among them."""
        current = self.model.document_id
        wanted = keep if current in keep else {current}
        table = self.table_model
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.blockSignals(True)
        runs = QItemSelection()  # contiguous runs: Ctrl+A on 100,000 rows is one range
        found = sorted(r for r in (table.row_of(i) for i in wanted if i is not None) if r >= 0)
        start = previous = -2
        for r in [*found, -2]:
            if r != previous + 1 or r == -2:
                if start >= 0:
                    runs.select(table.index(start, 0), table.index(previous, 0))
                start = r
            previous = r
        selection.select(runs, flags.ClearAndSelect | flags.Rows)
        row = table.row_of(current)
        if row >= 0:
            index = table.index(row, 0)
            selection.setCurrentIndex(index, flags.NoUpdate)
            self.table.scrollTo(index)
            QTimer.singleShot(0, self._scroll_to_current)  # again once laid out (a restart)
        selection.blockSignals(False)
        self.table.viewport().update()
        self._publish_selection()

    def _scroll_to_current(self) -> None:
        if self.table.currentIndex().isValid():
            self.table.scrollTo(self.table.currentIndex())

    def _publish_selection(self) -> None:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows(0))
        self.model.set_selected_documents([self.table_model.rows[r][ID] for r in rows])

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            doc_id = current.data(ID_ROLE)
            if doc_id != self.model.document_id:
                self.documentActivated.emit(doc_id)

    def visible_ids(self) -> list[str]:
        """Ids of the rows shown (the previous answer while a query runs: see `pending`)."""
        return [row[ID] for row in self.table_model.rows]
