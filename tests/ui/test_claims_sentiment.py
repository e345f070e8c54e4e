"""Claims with speakers, claim attributes, document and target sentiment."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import click_at, drag_select

TEXT = (
    "Kevin Hassett told CNBC on Monday that rates will fall soon.\n"
    "Officials in Beijing said the talks were constructive."
)


def tag(qtbot, window, phrase: str, key: Qt.Key) -> str:
    start = TEXT.index(phrase)
    drag_select(qtbot, window.view, start, start + len(phrase))
    qtbot.keyClick(window.view, key)
    return window.model.selection[1]


def test_claim_with_speaker_from_entity(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    speaker_id = tag(qtbot, window, "Kevin Hassett", Qt.Key.Key_1)
    claim_text = "rates will fall soon"
    start = TEXT.index(claim_text)
    drag_select(qtbot, window.view, start, start + len(claim_text))
    qtbot.keyClick(window.view, Qt.Key.Key_C)

    (claim,) = window.model.session.annotations.claims.values()
    assert TEXT[claim.start : claim.end] == claim_text
    assert window.model.selection == ("claim", claim.id)
    panel = window.claims
    assert panel.stack.currentIndex() == 1
    assert panel.quote.toPlainText() == claim_text
    assert dict(claim.attributes) == {
        "type": "statement",
        "attribution": "direct",
        "stance": "neutral",
    }

    # pick the speaker with the keyboard: the first entity after "(no speaker)"
    window.commands.focus_speaker.trigger()
    assert panel.speaker.hasFocus()
    qtbot.keyClick(panel.speaker, Qt.Key.Key_Down)
    claim = window.model.session.get_claim(claim.id)
    assert claim.speaker_id == speaker_id
    assert claim.speaker_text == "Kevin Hassett"
    assert panel.link.text() == "Said by Kevin Hassett (PERSON)"
    assert panel.show_speaker.isEnabled()

    # attributes: choose "prediction" with the keyboard
    type_box = panel.attributes["type"]
    type_box.setFocus()
    qtbot.keyClick(type_box, Qt.Key.Key_Down)
    assert window.model.session.get_claim(claim.id).attributes["type"] == "prediction"

    # the annotation list shows the link
    rows = {item.text(0): item.text(2) for item in window.annotations.items()}
    assert rows["Claim"].startswith("Kevin Hassett")

    # go to the speaker: the view selects the speaker's text, the claim stays selected
    qtbot.mouseClick(panel.show_speaker, Qt.MouseButton.LeftButton)
    assert window.view.selected_span() == (0, len("Kevin Hassett"))
    assert window.model.selection == ("claim", claim.id)

    # deleting the speaker entity keeps the claim, without the link
    window.show_annotation("entity", speaker_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    claim = window.model.session.get_claim(claim.id)
    assert claim.speaker_id is None


def test_claim_with_typed_speaker(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    claim_text = "the talks were constructive"
    start = TEXT.index(claim_text)
    drag_select(qtbot, window.view, start, start + len(claim_text))
    qtbot.mouseClick(window.labels.buttons["Claim"], Qt.MouseButton.LeftButton)
    (claim,) = window.model.session.annotations.claims.values()
    speaker = window.claims.speaker
    speaker.setFocus()
    speaker.lineEdit().selectAll()
    qtbot.keyClicks(speaker.lineEdit(), "Chinese officials")
    qtbot.keyClick(speaker.lineEdit(), Qt.Key.Key_Return)
    claim = window.model.session.get_claim(claim.id)
    assert (claim.speaker_id, claim.speaker_text) == (None, "Chinese officials")
    assert "typed" in window.claims.link.text()


def test_clicking_a_claim_selects_it(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    claim_text = "the talks were constructive"
    start = TEXT.index(claim_text)
    drag_select(qtbot, window.view, start, start + len(claim_text))
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    (claim,) = window.model.session.annotations.claims.values()
    window.model.select("", "")
    assert window.claims.stack.currentIndex() == 0
    click_at(qtbot, window.view, start + 4)
    assert window.model.selection == ("claim", claim.id)
    assert window.claims.stack.currentIndex() == 1


def test_document_sentiment_by_hotkey_and_button(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    qtbot.keyClick(window.view, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    session = window.model.session
    assert session.get_document_sentiment() == "positive"
    buttons = window.sentiment.document_buttons
    assert buttons["positive"].isChecked()
    assert "sentiment: positive" in window.progress.document_info.text()

    qtbot.mouseClick(buttons["negative"], Qt.MouseButton.LeftButton)
    assert session.get_document_sentiment() == "negative"
    assert buttons["negative"].isChecked() and not buttons["positive"].isChecked()
    qtbot.mouseClick(buttons["negative"], Qt.MouseButton.LeftButton)  # click again: clear
    assert session.get_document_sentiment() is None
    stored = window.project.repo.load_annotations(window.model.document_id)
    assert stored.document_sentiment is None


def test_target_sentiment_toward_selected_entity(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    entity_id = tag(qtbot, window, "Beijing", Qt.Key.Key_3)
    panel = window.sentiment
    assert panel.target_label.text() == "Beijing (GPE)"
    qtbot.mouseClick(panel.target_buttons["mixed"], Qt.MouseButton.LeftButton)
    target = window.model.session.get_target(entity_id)
    assert target is not None and target.label == "mixed"
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.model.session.get_target(entity_id).label == "negative"
    assert panel.target_buttons["negative"].isChecked()

    window.model.select("", "")
    assert not panel.target_buttons["negative"].isEnabled()
