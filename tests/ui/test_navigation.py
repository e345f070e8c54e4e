"""One navigator: `]` / `[` anywhere and Alt+Down / Alt+Up in the text walk the same
reading order and stop at either end (no wrap-around)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_article_view import ARTICLE, span

ALT = Qt.KeyboardModifier.AltModifier


def _tag(window, needle: str, label: str) -> str:
    session = window.model.session
    command = session.new_entity(*span(needle), label)
    assert window.model.push(command)
    return command.span.id


def _claim(window, needle: str, speaker: str) -> str:
    command = window.model.session.new_claim(*span(needle), speaker)
    assert window.model.push(command)
    return command.claim.id


def _walk(qtbot, window, key: Qt.Key, mods: Qt.KeyboardModifier, steps: int) -> list[str]:
    seen = []
    for _ in range(steps):
        qtbot.keyClick(window.view, key, mods)
        seen.append(window.model.selection[1])
    return seen


def test_brackets_and_alt_arrows_agree_and_stop_at_the_ends(qtbot, make_project, open_window):
    window = open_window(make_project(ARTICLE))
    london = _tag(window, "London", "GPE")
    howard = _tag(window, "Howard Lutnick", "PERSON")
    claim = _claim(window, "the talks were “going well,”", howard)
    window.view.setFocus()
    plain = Qt.KeyboardModifier.NoModifier
    for forward, backward, mods in (
        (Qt.Key.Key_BracketRight, Qt.Key.Key_BracketLeft, plain),
        (Qt.Key.Key_Down, Qt.Key.Key_Up, ALT),
    ):
        window.model.select("", "")
        window.view.verticalScrollBar().setValue(0)
        # reading order; at the last one a further step stays there (no wrap-around)
        assert _walk(qtbot, window, forward, mods, 4) == [howard, claim, london, london]
        assert "last annotation" in window.statusBar().currentMessage()
        assert _walk(qtbot, window, backward, mods, 3) == [claim, howard, howard]


@pytest.mark.qt_log_ignore(
    "does not support raise", "does not support grabbing", "does not support propagateSizeHints"
)
def test_alt_down_in_a_combo_box_is_not_taken_by_the_navigator(qtbot, make_project, open_window):
    window = open_window(make_project(ARTICLE))
    _tag(window, "London", "GPE")
    window.documents.status_filter.setFocus()
    qtbot.keyClick(window.documents.status_filter, Qt.Key.Key_Down, ALT)
    assert window.model.selection == ("", "")
    window.documents.status_filter.hidePopup()
