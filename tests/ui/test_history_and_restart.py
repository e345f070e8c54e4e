"""Undo/redo through the standard shortcuts, and a restart showing the same annotations."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from annotator.services.project import open_project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import drag_select

TEXT = "Ursula von der Leyen met Xi Jinping in Brussels 🇪🇺 to discuss tariffs."
OTHER = "A second article about Lagarde and the ECB."


def press(qtbot, widget, sequence: QKeySequence.StandardKey) -> None:
    key = QKeySequence(sequence)[0]
    qtbot.keyClick(widget, key.key(), key.keyboardModifiers())


def test_undo_and_redo_every_edit(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    view = window.view
    start = TEXT.index("Xi Jinping")
    drag_select(qtbot, view, start, start + len("Xi Jinping"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_5)  # relabel the selected entity as NORP
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    session = window.model.session
    (entity,) = session.annotations.entities.values()
    assert entity.label == "NORP" and session.get_document_sentiment() == "mixed"
    assert window.commands.undo.text() == "&Undo Document sentiment: mixed"

    press(qtbot, view, QKeySequence.StandardKey.Undo)
    assert session.get_document_sentiment() is None
    press(qtbot, view, QKeySequence.StandardKey.Undo)
    assert session.get_entity(entity.id).label == "PERSON"
    press(qtbot, view, QKeySequence.StandardKey.Undo)
    assert session.annotations.entities == {}
    assert window.project.repo.load_annotations(window.model.document_id).is_empty()
    assert window.annotations.items() == []

    press(qtbot, view, QKeySequence.StandardKey.Redo)
    press(qtbot, view, QKeySequence.StandardKey.Redo)
    press(qtbot, view, QKeySequence.StandardKey.Redo)
    stored = window.project.repo.load_annotations(window.model.document_id)
    assert [(e.start, e.label) for e in stored.entities.values()] == [(start, "NORP")]
    assert stored.document_sentiment == "mixed"


def test_undo_stack_follows_the_current_document(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT, OTHER))
    drag_select(qtbot, window.view, 0, len("Ursula"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    first = window.model.document_id
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert window.model.document_id != first
    assert not window.commands.undo.isEnabled()
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier)
    assert window.model.document_id == first
    assert window.commands.undo.isEnabled()


def test_restart_shows_the_same_annotations(
    qtbot, make_project, open_window, project_path, settings
):
    window = open_window(make_project(OTHER, TEXT))
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    doc_id = window.model.document_id
    start = TEXT.index("Brussels")
    drag_select(qtbot, window.view, start, start + len("Brussels"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    drag_select(qtbot, window.view, 0, len("Ursula von der Leyen"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    claim_start = TEXT.index("to discuss")
    drag_select(qtbot, window.view, claim_start, len(TEXT) - 1)
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    window.commands.focus_speaker.trigger()
    qtbot.keyClick(window.claims.speaker, Qt.Key.Key_Down)
    qtbot.keyClick(window.view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    before = window.model.session.annotations
    rows_before = [(i.text(0), i.text(1), i.text(2)) for i in window.annotations.items()]
    window.close()

    again = MainWindow(open_project(project_path, "tester"), settings)
    qtbot.addWidget(again)
    again.show()
    assert again.model.document_id == doc_id  # the last document is reopened
    assert again.view.toPlainText() == TEXT
    after = again.model.session.annotations
    assert after.entities == before.entities
    assert after.claims == before.claims
    assert after.document_sentiment == "negative"
    assert [(i.text(0), i.text(1), i.text(2)) for i in again.annotations.items()] == rows_before
    assert again.commands.status[again.model.current_status()].isChecked()
    assert again.model.current_status().value == "done"
    assert again.claims is not None
    again.close()
