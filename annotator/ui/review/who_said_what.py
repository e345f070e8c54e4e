"""Review ▸ Who said what: every claim of the corpus grouped by speaker, with filters.

Left, the speakers (canonical entities where merged) with their claim counts; merging
selected names (the first selected is the canonical one) and merge suggestions. Right, the
claims of the selected speaker, filtered by claim attribute (stance, type, attribution),
the claimant's document sentiment and document date; Enter or a double-click jumps to the
claim in the article. Below, the target sentiment toward the speaker over time. A search
box finds documents, entities and claims across the corpus. All reads run off the GUI
thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.services.review import (
    ClaimFilter,
    SaidClaim,
    SearchHit,
    SpeakerGroup,
    claims_of,
    confirm_merge,
    confirmed_merges,
    search,
    sentiment_over_time,
    speaker_groups,
    suggest_merges,
)
from annotator.ui.plain import plain_label, problem_label
from annotator.ui.review.background import load
from annotator.ui.review.charts import LineChart

log = logging.getLogger(__name__)
ANY = "any"
Jump = Callable[[str, int, int], object]  # document id, start, end (code points)


def _parse_day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    return date.fromisoformat(text)


class WhoSaidWhat(QDialog):
    def __init__(self, project: Project, jump: Jump, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.jump = jump
        self.setWindowTitle(f"Who said what — {project.display_name}")
        self.resize(1200, 760)
        self.groups: list[SpeakerGroup] = []
        self.claims: list[SaidClaim] = []
        self.hits: list[SearchHit] = []
        self.suggestions: dict[str, list[str]] = {}

        self.speakers = QListWidget()
        self.speakers.setAccessibleName("Speakers")
        self.speakers.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.speakers.currentRowChanged.connect(lambda _row: self.load_claims())
        self.merge_button = QPushButton("&Merge selected")
        self.merge_button.setToolTip("The first selected name becomes the canonical speaker")
        self.merge_button.clicked.connect(self.merge_selected)
        self.suggest_list = QListWidget()
        self.suggest_list.setAccessibleName("Suggested merges")
        self.suggest_list.setMaximumHeight(120)
        self.confirm_button = QPushButton("&Confirm suggestion")
        self.confirm_button.clicked.connect(self.confirm_suggestion)

        schema = project.schema
        self.attribute_boxes: dict[str, QComboBox] = {}
        filters = QHBoxLayout()
        for attribute in schema.claim_attributes:
            box = QComboBox()
            box.addItems([ANY, *attribute.choices])
            box.setAccessibleName(f"Filter {attribute.name}")
            box.currentIndexChanged.connect(lambda _i: self.load_claims())
            self.attribute_boxes[attribute.name] = box
            filters.addWidget(plain_label(attribute.name))
            filters.addWidget(box)
        self.sentiment_box = QComboBox()
        self.sentiment_box.addItems([ANY, *schema.sentiment_names])
        self.sentiment_box.setAccessibleName("Filter sentiment")
        self.sentiment_box.currentIndexChanged.connect(lambda _i: self.load_claims())
        filters.addWidget(plain_label("sentiment"))
        filters.addWidget(self.sentiment_box)
        self.date_from = QLineEdit()
        self.date_to = QLineEdit()
        for edit, name in ((self.date_from, "from"), (self.date_to, "to")):
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setAccessibleName(f"Date {name}")
            edit.setMaximumWidth(110)
            edit.editingFinished.connect(self.load_claims)
            filters.addWidget(plain_label(name))
            filters.addWidget(edit)
        filters.addStretch(1)

        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            ["Date", "Document", "Speaker", "Attributes", "Sentiment", "Marked by", "Claim"]
        )
        self.table.setAccessibleName("Claims")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellActivated.connect(lambda row, _c: self.jump_to_claim(row))
        self.table.cellDoubleClicked.connect(lambda row, _c: self.jump_to_claim(row))
        self.chart = LineChart("Target sentiment toward the speaker, per month")
        self.chart.setMinimumHeight(170)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search documents, labels, entity text, speakers…")
        self.search_box.setAccessibleName("Search")
        self.search_box.returnPressed.connect(self.run_search)
        self.results = QTableWidget(0, 3)
        self.results.setHorizontalHeaderLabels(["Kind", "Document", "Found"])
        self.results.setAccessibleName("Search results")
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.results.verticalHeader().setVisible(False)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.cellActivated.connect(lambda row, _c: self.jump_to_hit(row))
        self.results.cellDoubleClicked.connect(lambda row, _c: self.jump_to_hit(row))

        self.status = plain_label("Reading speakers…")
        self.problem = problem_label("Who said what problem")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(plain_label("Speakers"))
        left_layout.addWidget(self.speakers)
        left_layout.addWidget(self.merge_button)
        left_layout.addWidget(plain_label("Suggested merges"))
        left_layout.addWidget(self.suggest_list)
        left_layout.addWidget(self.confirm_button)
        claims_page = QWidget()
        claims_layout = QVBoxLayout(claims_page)
        claims_layout.addLayout(filters)
        claims_layout.addWidget(self.table, 3)
        claims_layout.addWidget(self.chart, 1)
        search_page = QWidget()
        search_layout = QVBoxLayout(search_page)
        search_layout.addWidget(self.search_box)
        search_layout.addWidget(self.results)
        self.tabs = QTabWidget()
        self.tabs.addTab(claims_page, "&Claims")
        self.tabs.addTab(search_page, "&Search")
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setSizes([300, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)  # the browser takes the height, not the status lines
        layout.addWidget(self.status)
        layout.addWidget(self.problem)
        self.tasks: list[Any] = []
        self.generation = 0  # of the claims asked for last
        self.reload()

    # -- loading ---------------------------------------------------------------------------
    def _fail(self, message: str) -> None:
        self.problem.setText(message)

    def reload(self) -> None:
        project = self.project

        def job() -> tuple[list[SpeakerGroup], dict[str, list[str]]]:
            groups = speaker_groups(project)
            names = [n for g in groups for n in g.names]
            return groups, suggest_merges(names, confirmed_merges(project))

        self.tasks.append(load(self, job, self._show_speakers, self._fail))

    def _show_speakers(self, data: tuple[list[SpeakerGroup], dict[str, list[str]]]) -> None:
        groups, suggestions = data
        current = self.selected_group()
        self.groups, self.suggestions = groups, suggestions
        self.speakers.blockSignals(True)
        self.speakers.clear()
        for group in groups:
            names = [n for n in group.names if n and n != group.canonical]
            also = f" (also {', '.join(names)})" if names else ""
            item = QListWidgetItem(f"{group.canonical} — {group.claims}{also}")
            item.setData(Qt.ItemDataRole.UserRole, group.canonical)
            self.speakers.addItem(item)
        self.speakers.blockSignals(False)
        self.suggest_list.clear()
        for canonical, aliases in suggestions.items():
            item = QListWidgetItem(f"{', '.join(aliases)} → {canonical}")
            item.setData(Qt.ItemDataRole.UserRole, canonical)
            self.suggest_list.addItem(item)
        self.status.setText(f"{len(groups)} speakers, {sum(g.claims for g in groups)} claims")
        row = next(
            (i for i, g in enumerate(groups) if current and g.canonical == current.canonical), 0
        )
        if groups:
            self.speakers.blockSignals(True)
            self.speakers.setCurrentRow(row)
            self.speakers.blockSignals(False)
            self.load_claims()

    def selected_group(self) -> SpeakerGroup | None:
        row = self.speakers.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def claim_filter(self) -> ClaimFilter:
        attributes = {
            name: box.currentText()
            for name, box in self.attribute_boxes.items()
            if box.currentText() != ANY
        }
        sentiment = self.sentiment_box.currentText()
        return ClaimFilter(
            attributes=attributes,
            sentiment=None if sentiment == ANY else sentiment,
            date_from=_parse_day(self.date_from.text()),
            date_to=_parse_day(self.date_to.text()),
        )

    def load_claims(self) -> None:
        group = self.selected_group()
        if group is None:
            return
        try:
            filters = self.claim_filter()
        except ValueError:
            self.problem.setText("Dates are written YYYY-MM-DD, e.g. 2025-06-10")
            return
        self.problem.setText("")
        project = self.project
        self.generation += 1
        generation = self.generation

        def job() -> tuple[int, str, list[SaidClaim], dict[str, dict[str, int]]]:
            claims = claims_of(project, group, filters)
            over_time = sentiment_over_time(project, group.canonical)
            return generation, group.canonical, claims, over_time

        self.tasks.append(load(self, job, self._show_claims, self._fail))

    def _show_claims(
        self, data: tuple[int, str, list[SaidClaim], dict[str, dict[str, int]]]
    ) -> None:
        generation, canonical, claims, over_time = data
        if generation != self.generation:
            return  # an older answer: a newer question is on its way
        self.claims = claims
        self.table.setRowCount(len(claims))
        for r, c in enumerate(claims):
            attrs = ", ".join(f"{k} {v}" for k, v in sorted(c.attributes.items()))
            values = [
                c.date.isoformat() if c.date else "",
                c.title,
                c.speaker or "(no speaker)",
                attrs,
                ", ".join(c.sentiments),
                ", ".join(c.annotators),
                c.text.replace("\n", " "),
            ]
            for col, value in enumerate(values):
                self.table.setItem(r, col, QTableWidgetItem(value))
        labels = sorted({lab for per in over_time.values() for lab in per})
        self.chart.set_series(
            {lab: {k: per.get(lab, 0) for k, per in over_time.items()} for lab in labels}
        )
        n = len(claims)
        self.status.setText(f"{canonical}: {n} claim{'' if n == 1 else 's'} shown")

    # -- actions -----------------------------------------------------------------------------
    def jump_to_claim(self, row: int) -> None:
        if 0 <= row < len(self.claims):
            c = self.claims[row]
            self.jump(c.document_id, c.start, c.end)

    def jump_to_hit(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            h = self.hits[row]
            self.jump(h.document_id, h.start, h.end)

    def run_search(self) -> None:
        needle = self.search_box.text()
        project = self.project
        self.tasks.append(load(self, lambda: search(project, needle), self._show_hits, self._fail))

    def _show_hits(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        self.results.setRowCount(len(hits))
        for r, h in enumerate(hits):
            for col, value in enumerate((h.kind, h.title, h.what)):
                self.results.setItem(r, col, QTableWidgetItem(value))
        self.status.setText(f"{len(hits)} found")

    def _merge(self, canonical: str, aliases: list[str]) -> None:
        try:
            confirm_merge(self.project, canonical, aliases)
        except (StorageError, ValueError) as exc:
            self.problem.setText(f"Cannot merge: {exc}")
            return
        self.reload()

    def merge_selected(self) -> None:
        rows = sorted(self.speakers.row(i) for i in self.speakers.selectedItems())
        if len(rows) < 2:
            self.problem.setText("Select two or more speakers (Ctrl-click) to merge them")
            return
        groups = [self.groups[r] for r in rows]
        canonical = groups[0].canonical
        aliases = [n for g in groups for n in (g.canonical, *g.names) if n != canonical]
        self._merge(canonical, aliases)

    def confirm_suggestion(self) -> None:
        item = self.suggest_list.currentItem() or self.suggest_list.item(0)
        if item is None:
            return
        canonical = item.data(Qt.ItemDataRole.UserRole)
        self._merge(canonical, self.suggestions.get(canonical, []))
