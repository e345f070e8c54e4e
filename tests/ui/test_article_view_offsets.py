"""Article view offsets: real mouse drags after emoji, ZWJ, flags, CJK, accents and RTL."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.storage import NewDocument
from annotator.ui.article_view import ArticleView
from tests.conftest import TRICKY
from tests.ui.article_support import (
    MakeView,
    add_entity,
    click,
    drag,
    inside,
    make_view,
    point_at,
)

__all__ = ["make_view"]


def qt_text(view: ArticleView, u16_start: int, u16_end: int) -> str:
    cursor = QTextCursor(view.document())
    cursor.setPosition(u16_start)
    cursor.setPosition(u16_end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def word(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_document_positions_agree_with_stored_text(make_view: MakeView) -> None:
    view = make_view(TRICKY)
    assert view.document().characterCount() - 1 == len(TRICKY.encode("utf-16-le")) // 2
    assert view.toPlainText() == TRICKY


@pytest.mark.parametrize("needle", ["Acme", "officials", "Tuesday", "said"])
def test_drag_inside_words_after_emoji_snaps_to_whole_words(
    qtbot: QtBot, make_view: MakeView, needle: str
) -> None:
    view = make_view(TRICKY)
    start, end = word(TRICKY, needle)
    with qtbot.waitSignal(view.spanSelectionChanged):
        drag(qtbot, view, point_at(view, start + 1), point_at(view, end - 1))
    assert view.selected_span() == (start, end)
    assert TRICKY[start:end] == needle


def test_drag_over_two_words_backwards_after_zwj_family(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(TRICKY)
    start = TRICKY.index("met")
    end = TRICKY.index("officials") + len("officials")
    drag(qtbot, view, point_at(view, end - 2), point_at(view, start + 1))
    assert view.selected_span() == (start, end)
    assert TRICKY[start:end] == "met 🇬🇧 officials"


def test_character_mode_keeps_exact_characters(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(TRICKY)
    view.snap_to_words = False
    start = TRICKY.index("officials") + 2
    drag(qtbot, view, point_at(view, start), point_at(view, start + 4))
    assert view.selected_span() == (start, start + 4)
    assert TRICKY[start : start + 4] == "fici"


def test_character_mode_selects_a_flag_whole(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(TRICKY)
    view.snap_to_words = False
    start, end = word(TRICKY, "🇬🇧")
    drag(qtbot, view, point_at(view, start), point_at(view, end))
    assert view.selected_span() == (start, end)


def test_cjk_characters_are_words(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(TRICKY)
    start = TRICKY.index("北京市")
    drag(qtbot, view, point_at(view, start), inside(view, start + 1, start + 2))
    assert view.selected_span() == (start, start + 2)


def test_combining_accent_is_kept_with_its_letter(qtbot: QtBot, make_view: MakeView) -> None:
    text = "Emoji 😀 first, then cafe\u0301 and café in one line."
    view = make_view(text)
    view.snap_to_words = False
    start = text.index("cafe\u0301")
    end = start + len("cafe\u0301")
    drag(qtbot, view, point_at(view, start + 2), point_at(view, end))
    span = view.selected_span()
    assert span == (start + 2, end)
    assert text[span[0] : span[1]] == "fe\u0301"


def test_drag_across_a_line_break(qtbot: QtBot, make_view: MakeView) -> None:
    text = "First 😀 paragraph ends here.\n\nSecond 🇫🇷 paragraph starts there."
    view = make_view(text)
    start = text.index("here") + 1
    end = text.index("Second") + 3
    drag(qtbot, view, point_at(view, start), point_at(view, end))
    assert view.selected_span() == (text.index("here"), text.index("Second") + len("Second"))


def test_select_span_round_trips_code_points(make_view: MakeView) -> None:
    view = make_view(TRICKY)
    start, end = word(TRICKY, "👨‍👩‍👧 met")
    view.select_span(start, end)
    assert view.selected_span() == (start, end)
    assert view.textCursor().selectedText() == "👨‍👩‍👧 met"
    with pytest.raises(ValueError):
        view.select_span(0, len(TRICKY) + 1)


@pytest.mark.parametrize("needle", ["Acme", "北京市", "café", "cafe\u0301", "Zoë"])
def test_highlights_cover_the_right_utf16_range(make_view: MakeView, needle: str) -> None:
    view = make_view(TRICKY)
    start, end = word(TRICKY, needle)
    entity = add_entity(view, start, end, "ORG")
    u16 = view.utf16_range("entity", entity.id)
    assert u16 is not None
    assert qt_text(view, *u16) == needle
    rects = view.span_rects("entity", entity.id)
    assert rects, "the span is on screen"
    xs = [point_at(view, start).x() - 1, point_at(view, end).x() - 1]
    left = min(r.left() for r in rects)
    right = max(r.right() for r in rects)
    assert left == pytest.approx(min(xs), abs=1.5)
    assert right == pytest.approx(max(xs), abs=1.5)


def test_rtl_highlight_lies_over_the_arabic_word(make_view: MakeView) -> None:
    view = make_view(TRICKY)
    start, end = word(TRICKY, "بالعالم")
    entity = add_entity(view, start, end, "GPE")
    rects = view.span_rects("entity", entity.id)
    assert rects

    def covered(cp: int) -> bool:
        x = point_at(view, cp).x() - 1
        return any(r.left() - 1.5 <= x <= r.right() + 1.5 for r in rects)

    # Cursor positions inside the word lie in the highlight (its ends are bidi-ambiguous),
    assert all(covered(cp) for cp in range(start + 1, end))
    # positions inside the neighbouring Arabic word and the Latin text do not,
    other, _ = word(TRICKY, "مرحبا")
    assert not any(covered(cp) for cp in range(other + 1, other + 4))
    assert not covered(TRICKY.index("said") + 2)
    # and the highlight is no wider than the word.
    xs = [point_at(view, cp).x() - 1 for cp in range(start + 1, end)]
    assert sum(r.width() for r in rects) <= max(xs) - min(xs) + 30


def test_click_after_emoji_selects_the_span_under_the_pointer(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view(TRICKY)
    acme = add_entity(view, *word(TRICKY, "Acme"), "ORG")
    officials = add_entity(view, *word(TRICKY, "officials"), "NORP")
    with qtbot.waitSignal(view.model.selectionChanged):
        click(qtbot, view, inside(view, *word(TRICKY, "officials")))
    assert view.model.selection == ("entity", officials.id)
    click(qtbot, view, inside(view, *word(TRICKY, "Acme")))
    assert view.model.selection == ("entity", acme.id)


def test_hit_test_after_a_combining_mark_stays_on_its_line(make_view: MakeView) -> None:
    # Qt's own xToCursor sends this point to the end of the line with some fonts.
    text = "Emoji 😀 first, then cafe\u0301 and café in one line."
    view = make_view(text)
    end = text.index("cafe\u0301") + len("cafe\u0301")
    for cp in (end - 2, end, end + 1, len(text)):
        assert view.position_at(point_at(view, cp)) == view.to_utf16(cp)


def test_double_click_selects_the_word_after_emoji(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(TRICKY)
    start, end = word(TRICKY, "officials")
    with qtbot.waitSignal(view.spanSelectionChanged):
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=inside(view, start, end))
    assert view.selected_span() == (start, end)


PIECES = [
    "word",
    " ",
    "\n",
    "😀",
    "👨‍👩‍👧",
    "🇬🇧",
    "北京",
    "e\u0301",
    "مرحبا",
    "Zoë",
    ".",
    "\t",
    "<b>",
]


def test_random_texts_map_every_span_to_the_same_characters(make_view: MakeView) -> None:
    rng = random.Random(20251125)
    view = make_view("seed")
    repo = view.model.project.repo
    for case in range(12):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(5, 60))) + " end"
        doc_id, _ = repo.add_document(NewDocument(f"Case {case}", text))
        view.model.load(doc_id)
        assert view.toPlainText() == text
        for _ in range(6):
            start = rng.randrange(len(text))
            end = rng.randint(start + 1, len(text))
            entity = add_entity(view, start, end, "ORG")
            u16 = view.utf16_range("entity", entity.id)
            assert u16 is not None
            assert qt_text(view, *u16) == text[start:end].replace("\n", "\u2029")
            view.select_span(start, end)
            assert view.textCursor().selectedText() == text[start:end].replace("\n", "\u2029")
