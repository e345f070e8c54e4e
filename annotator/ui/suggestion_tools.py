"""Suggestions in the workbench: drawn over the article, decided with the keyboard, made
by the Suggest menu's suggesters on a worker thread (with progress and cancel).

Keys (in the article, while a suggestion is current and no annotation is selected):
F8 / Shift+F8 next / previous suggestion; Enter accepts it (one undoable edit), Backspace
rejects it, Escape leaves it; Shift+Enter accepts all of its label or source, in this
document or in every document, after a preview of the count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QMenuBar,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.suggestions import Suggestion, SuggestionKind
from annotator.services.gazetteers import suggest_gazetteer
from annotator.services.project import Project
from annotator.services.spacy_suggest import suggest_spacy
from annotator.services.suggesters import (
    preview_occurrences,
    suggest_occurrences,
    suggest_quotes,
)
from annotator.services.suggesting import (
    DocumentSuggestions,
    SuggestionFilter,
    decide_matching,
    suggestion_store,
)
from annotator.ui.article_view import ArticleView
from annotator.ui.dialogs.gazetteer_editor import GazetteerEditor
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import plain_label
from annotator.ui.suggestion_overlay import SuggestionOverlay
from annotator.ui.workers import Job, ProgressRunner, Task

log = logging.getLogger(__name__)


def describe(s: Suggestion, text: str) -> str:
    what = "claim" if s.kind is SuggestionKind.CLAIM else s.label
    said = f" by {text[s.speaker.start : s.speaker.end]}" if s.speaker is not None else ""
    quoted = text[s.start : s.end]
    quoted = quoted if len(quoted) <= 60 else quoted[:57] + "…"
    return f"Suggested {what}{said} from {s.source} ({s.score:.2f}): “{quoted}”"


class SuggestionTools(QObject):
    """The current document's suggestion layer, its overlay, keys and the Suggest menu."""

    def __init__(
        self,
        project: Project,
        model: DocumentModel,
        view: ArticleView,
        menu_bar: QMenuBar,
        register: Callable[..., QAction],
        dialog_parent: QWidget,
        show_message: Callable[[str, int], object],
        show_error: Callable[[str], object],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.model = model
        self.view = view
        self.dialog_parent = dialog_parent
        self.show_message = show_message
        self.show_error = show_error
        self.layer: DocumentSuggestions | None = None
        self.current: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._runners: list[ProgressRunner] = []
        self.overlay = SuggestionOverlay(
            view,
            view.to_utf16,
            lambda: model.schema,
            lambda: self.layer.pending if self.layer is not None else [],
            lambda: self.current,
        )
        self.menu = self._build_menu(menu_bar, register)
        model.documentChanged.connect(self.reload)
        view.installEventFilter(self)
        self.reload()

    # -- the Suggest menu ----------------------------------------------------------------
    def _build_menu(self, menu_bar: QMenuBar, register: Callable[..., QAction]) -> Any:
        menu = menu_bar.addMenu("&Suggest")
        help_menu = next(
            (a for a in menu_bar.actions() if a.text().replace("&", "") == "Help"), None
        )
        if help_menu is not None:
            menu_bar.insertMenu(help_menu, menu)

        def make(text: str, slot: Callable[[], object], key: str | None = None) -> QAction:
            action = QAction(text, self.dialog_parent)
            action.setProperty("group", "Suggest")
            if key:
                action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _checked=False: slot())
            register(action)
            menu.addAction(action)
            return action

        self.find_quotes = make("Find &quotations", self.run_quotes)
        self.run_gazetteer_action = make("Run &gazetteer", self.run_gazetteer)
        self.run_spacy_action = make("Run a s&paCy pipeline…", self.run_spacy)
        self.occurrences_action = make(
            "Suggest all &occurrences of the selected entity…", self.suggest_occurrences
        )
        menu.addSeparator()
        self.next_action = make("&Next suggestion", lambda: self.step(1), "F8")
        self.previous_action = make("P&revious suggestion", lambda: self.step(-1), "Shift+F8")
        self.accept_action = make("&Accept suggestion (Enter)", self.accept_current)
        self.reject_action = make("Re&ject suggestion (Backspace)", self.reject_current)
        self.accept_all_action = make("Accept a&ll like this… (Shift+Enter)", self.accept_all)
        menu.addSeparator()
        self.gazetteer_action = make("&Edit gazetteer…", self.edit_gazetteer)
        return menu

    # -- the current document's layer ------------------------------------------------------
    def reload(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.current = None
        session = self.model.session
        self.layer = None
        if session is not None:
            try:
                self.layer = DocumentSuggestions(session)
            except Exception as exc:  # e.g. the server went away: no suggestions shown
                log.warning("cannot read the suggestions of %s", session.document.id, exc_info=True)
                self.show_message(f"Cannot read suggestions: {exc}", 8000)
            else:
                self._unsubscribe = self.layer.subscribe(lambda _ids: self.overlay.refresh())
        self.overlay.refresh()

    def pending(self) -> list[Suggestion]:
        return self.layer.pending if self.layer is not None else []

    def step(self, direction: int) -> Suggestion | None:
        """Make the next (1) or previous (-1) pending suggestion current and show it."""
        if self.layer is None:
            return None
        cursor = self.view.to_codepoint(self.view.textCursor().position())
        if direction > 0:
            found = self.layer.next_after(cursor, self.current)
        else:
            found = self.layer.previous_before(cursor, self.current)
        if found is None:
            self.show_message("No suggestions in this document.", 4000)
            self.current = None
        else:
            self._make_current(found)
        self.overlay.update()
        return found

    def _make_current(self, s: Suggestion) -> None:
        self.current = s.id
        self.model.select("", "")
        self.view.clear_span_selection()
        if not self.overlay.range_rects(s.start, max(s.end, s.start + 1)):
            block = self.view.document().findBlock(self.view.to_utf16(s.start))
            if block.isValid():
                self.view.verticalScrollBar().setValue(max(0, block.firstLineNumber() - 3))
        index = [p.id for p in self.pending()].index(s.id) + 1
        text = self.model.text
        self.show_message(
            f"{index}/{len(self.pending())} {describe(s, text)} — Enter accepts, Backspace rejects",
            0,
        )

    def _after_decision(self, start: int) -> None:
        """Move on to the next pending suggestion from `start` (where the decided one was)."""
        pending = self.pending()
        if not pending:
            self.current = None
            self.show_message("No more suggestions in this document.", 4000)
        else:
            self._make_current(next((s for s in pending if s.start >= start), pending[0]))
        self.overlay.update()

    def accept_current(self) -> bool:
        if self.layer is None or self.current is None:
            self.show_message("No suggestion is current: F8 goes to the next one.", 4000)
            return False
        start = self._start_of(self.current)
        try:
            command = self.layer.accept(self.current)
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        if not self.model.push(command):
            return False
        self._after_decision(start)
        return True

    def reject_current(self) -> bool:
        if self.layer is None or self.current is None:
            self.show_message("No suggestion is current: F8 goes to the next one.", 4000)
            return False
        start = self._start_of(self.current)
        if not self.model.push(self.layer.reject(self.current)):
            return False
        self._after_decision(start)
        return True

    def _start_of(self, suggestion_id: str) -> int:
        found = self.layer.get(suggestion_id) if self.layer is not None else None
        return found.start if found is not None else 0

    def accept_all(self) -> bool:
        """Accept every suggestion like the current one (its label or its source), here or in
        every document, after showing how many that is."""
        if self.layer is None or self.current is None:
            self.show_message("Go to a suggestion first (F8).", 4000)
            return False
        s = self.layer.get(self.current)
        if s is None:
            return False
        dialog = AcceptAllDialog(self.layer, s, suggestion_store(self.project), self.dialog_parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        label, source, everywhere = dialog.choice()
        if not everywhere:
            try:
                command = self.layer.accept_all(label=label, source=source)
            except ValueError as exc:
                self.show_error(str(exc))
                return False
            ok = self.model.push(command)
            self._after_decision(s.start)
            return ok
        where = SuggestionFilter(source=source, label=label)
        self._run(
            "Accept suggestions",
            "Accepting suggestions in every document…",
            lambda progress, cancelled: decide_matching(
                self.project, where, True, progress, cancelled
            ),
            self._accepted_everywhere,
        )
        return True

    def _accepted_everywhere(self, report: Any) -> None:
        self.model.reload_current()
        self.reload()
        refused = f"; {len(report.refused)} refused" if report.refused else ""
        self.show_message(
            f"Accepted {report.decided} suggestions in {report.documents} documents{refused}",
            8000,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.view or event.type() != QEvent.Type.KeyPress:
            return False
        if self.current is None or self.model.selection[0]:
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        key = key_event.key()
        mods = key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if mods == Qt.KeyboardModifier.NoModifier:
                self.accept_current()
                return True
            if mods == Qt.KeyboardModifier.ShiftModifier:
                self.accept_all()
                return True
        if key == Qt.Key.Key_Backspace and mods == Qt.KeyboardModifier.NoModifier:
            self.reject_current()
            return True
        if key == Qt.Key.Key_Escape:
            self.current = None
            self.overlay.update()
            return True
        return False

    # -- suggesters on a worker ------------------------------------------------------------
    def _run(
        self, title: str, label: str, job: Job, done: Callable[[Any], object]
    ) -> ProgressRunner:
        task = Task(job)
        runner = ProgressRunner(self.dialog_parent, title, label, task)
        task.succeeded.connect(done)
        task.failed.connect(lambda message: self.show_error(f"{title}: {message}"))
        task.wasCancelled.connect(lambda: self.show_message(f"{title}: cancelled", 6000))
        task.done.connect(lambda: self._runners.remove(runner) if runner in self._runners else None)
        self._runners.append(runner)
        runner.start()
        return runner

    def _ran(self, run: Any) -> None:
        self.reload()
        self.show_message(run.summary(), 10_000)

    def run_quotes(self) -> ProgressRunner:
        return self._run(
            "Find quotations",
            "Finding quotations and their speakers in every document…",
            lambda progress, cancelled: suggest_quotes(self.project, None, progress, cancelled),
            self._ran,
        )

    def run_gazetteer(self) -> ProgressRunner:
        return self._run(
            "Run gazetteer",
            "Matching the gazetteer in every document…",
            lambda progress, cancelled: suggest_gazetteer(
                self.project, None, None, progress, cancelled
            ),
            self._ran,
        )

    def run_spacy(self, model_name: str | None = None) -> ProgressRunner | None:
        if model_name is None:
            model_name, ok = QInputDialog.getText(
                self.dialog_parent,
                "Run a spaCy pipeline",
                "Installed pipeline name (e.g. en_core_web_sm) or its folder:",
            )
            if not ok or not model_name.strip():
                return None
        name = model_name.strip()

        def done(result: Any) -> None:
            run, dropped = result
            self._ran(run)
            if dropped:
                labels = ", ".join(f"{n} {label}" for label, n in sorted(dropped.items()))
                self.show_message(f"{run.summary()}; dropped (no schema label): {labels}", 15_000)

        return self._run(
            "Run a spaCy pipeline",
            f"Running {name} over every document…",
            lambda progress, cancelled: suggest_spacy(
                self.project, name, None, None, progress, cancelled
            ),
            done,
        )

    def suggest_occurrences(self) -> ProgressRunner | None:
        kind, annotation_id = self.model.selection
        session = self.model.session
        entity = session.get_entity(annotation_id) if session and kind == "entity" else None
        if session is None or entity is None:
            self.show_message("Select an entity first: its text is looked for.", 5000)
            return None
        here = preview_occurrences(
            self.project, session.document.id, entity.start, entity.end, entity.label
        )
        text = session.text[entity.start : entity.end]
        box = QMessageBox(self.dialog_parent)
        box.setWindowTitle("Suggest all occurrences")
        box.setText(f"Suggest {entity.label} for other occurrences of “{text}”?")
        box.setTextFormat(Qt.TextFormat.PlainText)
        this_doc = box.addButton(f"This document ({here})", QMessageBox.ButtonRole.AcceptRole)
        every = box.addButton("Every document", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked not in (this_doc, every):
            return None
        everywhere = clicked is every
        doc_id = session.document.id
        return self._run(
            "Suggest all occurrences",
            f"Looking for “{text}”…",
            lambda progress, cancelled: suggest_occurrences(
                self.project,
                doc_id,
                entity.start,
                entity.end,
                entity.label,
                everywhere,
                progress,
                cancelled,
            ),
            self._ran,
        )

    def edit_gazetteer(self) -> None:
        GazetteerEditor(self.project, self.dialog_parent).exec()

    def wait(self) -> None:
        """Let running suggesters finish (before the project closes)."""
        for runner in list(self._runners):
            runner.task.cancel()
            runner.task.wait()


class AcceptAllDialog(QDialog):
    """Which suggestions to accept: the current one's label or source, here or everywhere,
    each choice with its count."""

    def __init__(
        self, layer: DocumentSuggestions, s: Suggestion, store: Any, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accept all like this")
        self.suggestion = s
        self._layer = layer
        self._store = store
        layout = QVBoxLayout(self)
        what = s.label if s.kind is not SuggestionKind.CLAIM else ""
        self.by_label = QRadioButton(f"Label {what}" if what else "Claims")
        self.by_source = QRadioButton(f"Source {s.source}")
        self.by_source.setChecked(True)
        self.here = QRadioButton()
        self.everywhere = QRadioButton()
        self.here.setChecked(True)
        kinds = QButtonGroup(self)
        scopes = QButtonGroup(self)
        for button in (self.by_label, self.by_source):
            kinds.addButton(button)
            layout.addWidget(button)
        layout.addWidget(plain_label("in"))
        for button in (self.here, self.everywhere):
            scopes.addButton(button)
            layout.addWidget(button)
        self.note = plain_label()
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for button in (self.by_label, self.by_source, self.here, self.everywhere):
            button.toggled.connect(lambda _on: self._update())
        self._update()

    def choice(self) -> tuple[str | None, str | None, bool]:
        """(label, source, every document)."""
        if self.by_label.isChecked():
            return self.suggestion.label, None, self.everywhere.isChecked()
        return None, self.suggestion.source, self.everywhere.isChecked()

    def _update(self) -> None:
        label, source, _everywhere = self.choice()
        here = self._layer.preview_count(label=label, source=source)
        total = self._store.count(SuggestionFilter(source=source, label=label))
        self.here.setText(f"this document ({here})")
        self.everywhere.setText(f"every document ({total})")
        count = total if self.everywhere.isChecked() else here
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Accept {count}")
        ok.setEnabled(count > 0)
        self.note.setText(
            "Accepting in every document cannot be undone with Undo."
            if self.everywhere.isChecked()
            else "One undoable edit."
        )
