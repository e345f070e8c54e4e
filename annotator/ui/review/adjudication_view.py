"""Review ▸ Adjudicate: settle analysts' disagreements into the gold layer from the keyboard.

Left, the documents with disagreements (worst first, ✓ once adjudicated); in the middle
the article, each analyst's spans underlined in their colour, gold spans shaded and the
current disagreement highlighted; right, the versions of the current disagreement.

Keys: 1-9 accept that version, 0 accept none, J / K next / previous disagreement,
N / P next / previous document, Ctrl+Z / Ctrl+Shift+Z undo / redo. Editing into gold:
select text in the article and press Alt + a label's hotkey (as in the workbench, e.g.
Alt+1 for PERSON) to add a gold span of your own; Delete removes the gold span at the
selection. Every step is saved at once (see `annotator.services.adjudication`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.offsets import OffsetMap
from annotator.services.adjudication import (
    AdjudicationSession,
    Disagreement,
    QueueEntry,
    adjudication_queue,
)
from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.ui.plain import plain_label, problem_label
from annotator.ui.review.background import load
from annotator.ui.review.charts import series_colour
from annotator.ui.theme import text_colour_on

log = logging.getLogger(__name__)
GOLD_SHADE = QColor(255, 213, 79, 90)
CURRENT_SHADE = QColor(30, 136, 229, 70)
UNDERLINES = (
    QTextCharFormat.UnderlineStyle.SingleUnderline,
    QTextCharFormat.UnderlineStyle.DashUnderline,
    QTextCharFormat.UnderlineStyle.DotLine,
    QTextCharFormat.UnderlineStyle.WaveUnderline,
)


class AdjudicationView(QDialog):
    """The adjudication window of one project (for reviewers)."""

    settledChanged = Signal(str)  # the progress line

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        on_gold_changed: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.on_gold_changed = on_gold_changed
        self.setWindowTitle(f"Adjudicate — {project.display_name}")
        self.resize(1280, 760)
        self.session: AdjudicationSession | None = None
        self.current = 0
        self.queue_entries: list[QueueEntry] = []

        self.queue = QListWidget()
        self.queue.setAccessibleName("Documents with disagreements")
        self.queue.currentRowChanged.connect(self._queue_row)
        self.article = QPlainTextEdit()
        self.article.setReadOnly(True)
        self.article.setAccessibleName("Article")
        self.article.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.legend = plain_label()
        self.progress = plain_label("Finding disagreements…")
        self.progress.setAccessibleName("Progress")
        self.loading = QProgressBar()  # busy while the queue is read on a worker
        self.loading.setAccessibleName("Finding disagreements")
        self.loading.setRange(0, 0)
        self.loading.setTextVisible(False)
        self.unit_title = plain_label()
        self.unit_title.setWordWrap(True)
        self.options = QListWidget()
        self.options.setAccessibleName("Versions")
        self.options.itemActivated.connect(self._option_activated)
        self.problem = problem_label("Adjudication problem")
        keys = plain_label(
            "1–9 accept that version · 0 none of them · J/K next/previous disagreement · "
            "N/P next/previous document · Ctrl+Z undo · Ctrl+Shift+Z redo · select text and "
            "Alt+label key: your own gold span · Delete: remove the gold span there"
        )
        keys.setWordWrap(True)

        right = QWidget()
        side = QVBoxLayout(right)
        for widget in (
            self.progress,
            self.loading,
            self.legend,
            self.unit_title,
            self.options,
            self.problem,
            keys,
        ):
            side.addWidget(widget)
        splitter = QSplitter()
        splitter.addWidget(self.queue)
        splitter.addWidget(self.article)
        splitter.addWidget(right)
        splitter.setSizes([260, 680, 340])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

        bindings: list[tuple[str, Callable[[], object]]] = [
            ("J", lambda: self.step(1)),
            ("K", lambda: self.step(-1)),
            ("N", lambda: self.step_document(1)),
            ("P", lambda: self.step_document(-1)),
            ("0", lambda: self.accept_version(None)),
            ("Ctrl+Z", self.undo),
            ("Ctrl+Shift+Z", self.redo),
            ("Delete", self.delete_gold),
        ]
        for label in project.schema.entity_labels:
            if label.hotkey:
                bindings.append((f"Alt+{label.hotkey}", self._tagger(label.name)))
        bindings += [(str(n), self._accepter(n)) for n in range(1, 10)]
        self.shortcuts = []
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        self.task = load(self, lambda: adjudication_queue(project), self.show_queue, self._failed)

    def _accepter(self, number: int) -> Callable[[], None]:
        return lambda: self.accept_version(number)

    def _tagger(self, label: str) -> Callable[[], None]:
        return lambda: self.tag_selection(label)

    def _selection(self) -> tuple[int, int] | None:
        cursor = self.article.textCursor()
        a, b = sorted((cursor.anchor(), cursor.position()))
        start = self.offsets.to_codepoint(a, "floor")
        end = self.offsets.to_codepoint(b, "ceil")
        text = self.session.text if self.session else ""
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if cursor.hasSelection() else (start, start)

    def tag_selection(self, label: str) -> None:
        """Edit into gold: the selected text becomes a gold span with `label`."""
        span = self._selection()
        if self.session is None or span is None or span[0] >= span[1]:
            self.problem.setText("Select the text of the span first")
            return
        try:
            self.session.add_gold_entity(span[0], span[1], label)
        except (ValueError, StorageError) as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        self._refresh()
        self._gold_changed()

    def delete_gold(self) -> None:
        span = self._selection()
        if self.session is None or span is None:
            return
        entity = self.session.gold_entity_in(*span)
        if entity is None:
            self.problem.setText("No gold span there")
            return
        try:
            self.session.remove_gold_entity(entity.id)
        except StorageError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        self._refresh()
        self._gold_changed()

    # -- the queue --------------------------------------------------------------------------
    def _failed(self, message: str) -> None:
        self.loading.hide()
        self.problem.setText(message)
        self.progress.setText("")

    def show_queue(self, entries: list[QueueEntry]) -> None:
        self.loading.hide()
        self.queue_entries = entries
        self.queue.clear()
        self.queue.addItems([self._queue_text(entry) for entry in entries])  # one call
        if not entries:
            self.progress.setText("No disagreements: nothing to adjudicate.")
            return
        self.queue.setCurrentRow(0)

    @staticmethod
    def _queue_text(entry: QueueEntry, complete: bool | None = None) -> str:
        done = entry.complete if complete is None else complete
        mark = "✓ " if done else ""
        return f"{mark}{entry.title} — {entry.disagreements} ({', '.join(entry.analysts)})"

    def _queue_row(self, row: int) -> None:
        if 0 <= row < len(self.queue_entries):
            self.open_document(self.queue_entries[row].doc_id)

    def step_document(self, delta: int) -> None:
        row = self.queue.currentRow() + delta
        if 0 <= row < self.queue.count():
            self.queue.setCurrentRow(row)

    # -- one document ---------------------------------------------------------------------
    def open_document(self, doc_id: str) -> None:
        try:
            session = AdjudicationSession(self.project, doc_id)
        except StorageError as exc:
            self.problem.setText(f"Cannot adjudicate this document: {exc}")
            return
        self.problem.setText("")
        self.session = session
        session.listeners.append(self._refresh)
        self.offsets = OffsetMap(session.text)
        self.article.setPlainText(session.text)
        analysts = sorted(session.versions)
        self.colours = {who: series_colour(i) for i, who in enumerate(analysts)}
        self.legend.setText(
            "  ".join(
                f'<span style="color:{self.colours[w].name()}">■ {w}</span>' for w in analysts
            )
            + f"  {self._gold_legend()}"
        )
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.current = self._first_unsettled()
        self._refresh()

    def _gold_legend(self) -> str:
        """ "gold" on the shade gold spans have in the article (over this theme's base)."""
        base, a = self.article.palette().base().color(), GOLD_SHADE.alphaF()
        shade = QColor(
            *(
                round(g * a + b * (1 - a))
                for g, b in (
                    (GOLD_SHADE.red(), base.red()),
                    (GOLD_SHADE.green(), base.green()),
                    (GOLD_SHADE.blue(), base.blue()),
                )
            )
        ).name()
        return f'<span style="background:{shade}; color:{text_colour_on(shade)}">gold</span>'

    def _first_unsettled(self) -> int:
        assert self.session is not None
        for i, unit in enumerate(self.session.disagreements):
            if unit.key not in self.session.settled:
                return i
        return 0

    @property
    def unit(self) -> Disagreement | None:
        if self.session is None or not self.session.disagreements:
            return None
        return self.session.disagreements[min(self.current, len(self.session.disagreements) - 1)]

    def step(self, delta: int) -> None:
        if self.session is None or not self.session.disagreements:
            return
        self.current = max(0, min(self.current + delta, len(self.session.disagreements) - 1))
        self._refresh()

    def accept_version(self, number: int | None) -> None:
        """Accept version `number` (1-based as shown) of the current disagreement, None: none."""
        unit = self.unit
        if self.session is None or unit is None:
            return
        option = None
        if number is not None:
            if number > len(unit.options):
                return
            option = unit.options[number - 1]
        try:
            self.session.decide(unit, option)
        except (ValueError, StorageError) as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        if self.current < len(self.session.disagreements) - 1:
            self.current += 1
        self._refresh()
        self._gold_changed()

    def undo(self) -> None:
        if self.session is not None and self.session.undo():
            self._gold_changed()

    def redo(self) -> None:
        if self.session is not None and self.session.redo():
            self._gold_changed()

    def _gold_changed(self) -> None:
        if self.session is not None and self.on_gold_changed is not None:
            self.on_gold_changed(self.session.doc_id)

    def _option_activated(self, item: QListWidgetItem) -> None:
        row = self.options.row(item)
        unit = self.unit
        if unit is not None:
            self.accept_version(row + 1 if row < len(unit.options) else None)

    # -- drawing ------------------------------------------------------------------------------
    def _refresh(self) -> None:
        session = self.session
        if session is None:
            return
        self.progress.setText(session.progress())
        self.settledChanged.emit(session.progress())
        row = self.queue.currentRow()
        if 0 <= row < len(self.queue_entries):
            item = self.queue.item(row)
            if item is not None:
                item.setText(self._queue_text(self.queue_entries[row], session.complete))
        unit = self.unit
        self.options.clear()
        if unit is None:
            self.unit_title.setText("The analysts agree on everything here.")
        else:
            index = session.disagreements.index(unit) + 1
            where = (
                "document sentiment"
                if unit.kind == "sentiment"
                else (
                    f"{unit.kind} at {unit.start}–{unit.end}: "
                    f"{session.text[unit.start : unit.end][:80]!r}"
                )
            )
            state = "settled" if unit.key in session.settled else "open"
            self.unit_title.setText(
                f"Disagreement {index} of {len(session.disagreements)} ({state}) — {where}"
            )
            for n, option in enumerate(unit.options, start=1):
                item = QListWidgetItem(
                    f"{n}  {', '.join(option.analysts)}: {option.describe(session.text)}"
                )
                item.setForeground(self.colours.get(option.analysts[0], QColor("black")))
                self.options.addItem(item)
            self.options.addItem(QListWidgetItem("0  none of them"))
        self._paint(unit)

    def _paint(self, unit: Disagreement | None) -> None:
        session = self.session
        assert session is not None
        selections = []

        def select(start: int, end: int, fmt: QTextCharFormat) -> None:
            a, b = self.offsets.span_to_utf16(start, end)
            cursor = QTextCursor(self.article.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            extra = QTextEdit.ExtraSelection()
            extra.cursor = cursor
            extra.format = fmt
            selections.append(extra)

        if unit is not None and unit.start >= 0:
            current = QTextCharFormat()
            current.setBackground(CURRENT_SHADE)
            select(unit.start, unit.end, current)
        gold = QTextCharFormat()
        gold.setBackground(GOLD_SHADE)
        for e in session.gold.annotations.entities.values():
            select(e.start, e.end, gold)
        for i, (who, version) in enumerate(sorted(session.versions.items())):
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(UNDERLINES[i % len(UNDERLINES)])
            fmt.setUnderlineColor(self.colours[who])
            for e in version.entities.values():
                select(e.start, e.end, fmt)
        self.article.setExtraSelections(selections)
        if unit is not None and unit.start >= 0:
            cursor = QTextCursor(self.article.document())
            cursor.setPosition(self.offsets.to_utf16(unit.start))
            self.article.setTextCursor(cursor)
            self.article.ensureCursorVisible()
