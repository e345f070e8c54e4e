"""Suggestions in the window: drawn over the article without hiding annotations, decided
with real keys (F8, Enter, Backspace, Shift+Enter, Ctrl+Z), made by the Suggest menu on a
worker, and the gazetteer editor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from annotator.core.suggestions import SuggestionKind, SuggestionStatus
from annotator.services.gazetteers import load_gazetteer
from annotator.services.suggesters import suggest_quotes
from annotator.services.suggesting import SuggestionFilter, suggestion_store
from annotator.ui.dialogs.gazetteer_editor import GazetteerEditor
from annotator.ui.suggestion_tools import AcceptAllDialog
from tests.conftest import SEED

try:  # imported before the network guard starts: urllib3 probes IPv6 with a socket on import
    import spacy
except ImportError:  # pragma: no cover - the test extra installs spaCy
    spacy = None

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _seed_window(make_project, open_window, suggest: bool = True):  # type: ignore[no-untyped-def]
    project = make_project(SEED.read_text(encoding="utf-8"))
    if suggest:
        suggest_quotes(project)
    window = open_window(project)
    return window, window.workbench.suggestions


def test_suggestions_are_drawn_over_the_article(qtbot, make_project, open_window):
    window, tools = _seed_window(make_project, open_window)
    pending = tools.pending()
    assert sum(s.kind is SuggestionKind.CLAIM for s in pending) == 17
    placed = tools.overlay.placed()
    assert placed and all(p.rects for p in placed)
    claims = [p for p in placed if p.suggestion.kind is SuggestionKind.CLAIM]
    assert any(p.speaker for p in claims)  # speaker links have somewhere to go
    # the overlay lets the mouse through to the view and never fills over annotations
    assert tools.overlay.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    image = tools.overlay.grab().toImage()
    widest = max((r for p in claims for r in p.rects), key=lambda r: r.width())
    rect = widest.toRect().adjusted(4, 4, -4, -4)
    ratio = image.devicePixelRatio()
    inside = [
        image.pixelColor(int(x * ratio), int(y * ratio)).alpha()
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    ]
    assert inside and sum(a > 0 for a in inside) / len(inside) < 0.2  # outline, no fill
    assert window.view.toPlainText() == window.model.text


def test_keyboard_accept_undo_reject(qtbot, make_project, open_window):
    window, tools = _seed_window(make_project, open_window)
    view = window.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F8)
    first = tools.layer.get(tools.current)
    assert first is not None and first.start == min(s.start for s in tools.pending())
    before = len(tools.pending())
    qtbot.keyClick(view, Qt.Key.Key_Return)
    session = window.model.session
    if first.kind is SuggestionKind.CLAIM:
        [claim] = session.annotations.claims.values()
        assert (claim.start, claim.end) == (first.start, first.end)
        assert claim.speaker_id in session.annotations.entities
    else:
        assert any(
            (e.start, e.end) == (first.start, first.end)
            for e in session.annotations.entities.values()
        )
    assert len(tools.pending()) < before
    assert tools.current is not None and tools.current != first.id  # moved on
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.annotations.claims == {} and session.annotations.entities == {}
    assert len(tools.pending()) == before
    # reject with Backspace: stored as rejected, and it stays away after a rerun
    tools.current = None
    qtbot.keyClick(view, Qt.Key.Key_F8)
    rejected = tools.current
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert rejected not in {s.id for s in tools.pending()}
    store = suggestion_store(window.project)
    assert store.get(rejected).status is SuggestionStatus.REJECTED
    suggest_quotes(window.project)
    tools.reload()
    assert rejected not in {s.id for s in tools.pending()}
    assert len(tools.pending()) == before - 1


def test_shift_enter_accepts_all_of_a_source_with_a_preview(qtbot, make_project, open_window):
    window, tools = _seed_window(make_project, open_window)
    view = window.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F8)
    total = len(tools.pending())
    seen: list[AcceptAllDialog] = []

    def confirm() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AcceptAllDialog))
        seen.append(dialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.text() == f"Accept {total}"  # the preview count
        assert dialog.here.text() == f"this document ({total})"
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, confirm)
    qtbot.keyClick(view, Qt.Key.Key_Return, SHIFT)
    assert seen
    session = window.model.session
    assert len(session.annotations.claims) == 17
    assert tools.pending() == []
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step
    assert session.annotations.claims == {}
    assert len(tools.pending()) == total


def test_suggest_menu_runs_the_quote_detector_on_a_worker(qtbot, make_project, open_window):
    window, tools = _seed_window(make_project, open_window, suggest=False)
    assert tools.pending() == []
    runner = tools.run_quotes()
    qtbot.waitUntil(lambda: runner not in tools._runners, timeout=20_000)
    qtbot.waitUntil(lambda: len(tools.pending()) > 17)
    assert "quotes:" in window.statusBar().currentMessage()
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("Team") < titles.index("Suggest") < titles.index("Help")


def test_gazetteer_editor_stores_terms_per_label(qtbot, make_project, open_window, tmp_path):
    window, tools = _seed_window(make_project, open_window, suggest=False)
    dialog = GazetteerEditor(window.project, window)
    qtbot.addWidget(dialog)
    dialog.label.setCurrentText("ORG")
    dialog.terms.setFocus()
    qtbot.keyClicks(dialog.terms, "CNBC")
    qtbot.keyClick(dialog.terms, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.terms, "Bloomberg Television")
    dialog.label.setCurrentText("GPE")
    terms = tmp_path / "places.txt"
    terms.write_text("London\nGeneva\n", encoding="utf-8")
    dialog.import_file(str(terms))
    dialog.save()
    stored = load_gazetteer(window.project)
    assert stored.entry("ORG").terms == ("CNBC", "Bloomberg Television")
    assert stored.entry("GPE").terms == ("London", "Geneva")
    runner = tools.run_gazetteer()
    qtbot.waitUntil(lambda: runner not in tools._runners, timeout=20_000)
    found = suggestion_store(window.project).find(SuggestionFilter(source="gazetteer"))
    assert {s.label for s in found} == {"ORG", "GPE"}
    qtbot.waitUntil(lambda: len(tools.pending()) == len(found))


def test_suggest_menu_runs_a_spacy_pipeline_folder(qtbot, make_project, open_window, tmp_path):
    if spacy is None:
        pytest.skip("spaCy is not installed")
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "ORG", "pattern": "CNBC"}, {"label": "FAC", "pattern": "Lancaster House"}]
    )
    nlp.to_disk(tmp_path / "ruler")
    window, tools = _seed_window(make_project, open_window, suggest=False)
    runner = tools.run_spacy(str(tmp_path / "ruler"))
    qtbot.waitUntil(lambda: runner not in tools._runners, timeout=20_000)
    qtbot.waitUntil(lambda: len(tools.pending()) == 1)
    [s] = tools.pending()
    assert (window.model.text[s.start : s.end], s.label) == ("CNBC", "ORG")
    assert s.source.startswith("spacy:en_")
    qtbot.waitUntil(lambda: "FAC" in window.statusBar().currentMessage())


def test_all_occurrences_of_the_selected_entity_with_a_preview(qtbot, make_project, open_window):
    text = "Acme hired staff. Acme grew. Later Acme paid."
    window = open_window(make_project(text, "Acme again."))
    tools = window.workbench.suggestions
    session = window.model.session
    command = session.new_entity(0, 4, "ORG")
    window.model.push(command)
    window.model.select("entity", command.span.id)
    shown: list[str] = []

    def choose() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox))
        here = next(b for b in box.buttons() if b.text().startswith("This document"))
        shown.append(here.text())
        qtbot.mouseClick(here, Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, choose)
    runner = tools.suggest_occurrences()
    assert shown == ["This document (2)"]
    qtbot.waitUntil(lambda: runner not in tools._runners, timeout=20_000)
    qtbot.waitUntil(lambda: len(tools.pending()) == 2)
    assert {text[s.start : s.end] for s in tools.pending()} == {"Acme"}
