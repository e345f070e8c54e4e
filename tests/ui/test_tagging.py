"""Tagging entities with real mouse drags and hotkeys."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.services.project import open_project
from tests.ui.conftest import click_at, drag_select

EMOJI_TEXT = "Launch day 🚀👩‍🚀 for Acme Corp in Paris.\nThe 🇫🇷 team cheered."


def test_tag_entity_after_emoji_with_hotkey(qtbot, make_project, open_window, project_path):
    window = open_window(make_project(EMOJI_TEXT))
    view = window.view
    start = EMOJI_TEXT.index("Acme")
    end = start + len("Acme Corp")
    drag_select(qtbot, view, start, end)
    assert view.selected_span() == (start, end)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_2)  # ORG

    entities = window.model.session.annotations.sorted_entities()
    assert [(e.start, e.end, e.label) for e in entities] == [(start, end, "ORG")]
    assert EMOJI_TEXT[entities[0].start : entities[0].end] == "Acme Corp"
    assert window.model.selection == ("entity", entities[0].id)
    assert window.annotations.items()[0].text(1) == "Acme Corp"
    # committed at once: a second connection sees it
    with open_project(project_path, "other", create=False, lock=False) as other:
        doc_id = window.model.document_id
        stored = other.repo.load_annotations(doc_id).entities
        assert [(e.start, e.end, e.label) for e in stored.values()] == [(start, end, "ORG")]


def test_palette_click_tags_and_relabels(qtbot, make_project, open_window):
    window = open_window(make_project(EMOJI_TEXT))
    start = EMOJI_TEXT.index("Paris")
    drag_select(qtbot, window.view, start, start + 5)
    qtbot.mouseClick(window.labels.buttons["GPE"], Qt.MouseButton.LeftButton)
    (entity,) = window.model.session.annotations.entities.values()
    assert (entity.start, entity.end, entity.label) == (start, start + 5, "GPE")
    assert window.labels.buttons["GPE"].isChecked()

    # click the highlight to select it, then press another label's hotkey
    window.model.select("", "")
    click_at(qtbot, window.view, start + 2)
    assert window.model.selection == ("entity", entity.id)
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # LOC
    (relabelled,) = window.model.session.annotations.entities.values()
    assert (relabelled.id, relabelled.label) == (entity.id, "LOC")
    assert window.labels.buttons["LOC"].isChecked()

    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.model.session.annotations.entities == {}


def test_hotkey_without_selection_explains(qtbot, make_project, open_window):
    window = open_window(make_project(EMOJI_TEXT))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert window.model.session.annotations.entities == {}
    assert "Select some text" in window.statusBar().currentMessage()


def test_flag_and_cjk_span_offsets_are_code_points(qtbot, make_project, open_window):
    text = "東京の会議 🇯🇵 with Ministry of Finance officials"
    window = open_window(make_project(text))
    start = text.index("Ministry")
    end = start + len("Ministry of Finance")
    drag_select(qtbot, window.view, start, end)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    (entity,) = window.model.session.annotations.entities.values()
    assert text[entity.start : entity.end] == "Ministry of Finance"
