"""Article view: rendering, selection by click, tooltips, deletion and keyboard resizing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPaintEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextDocumentLayout, QToolTip
from pytestqt.qtbot import QtBot

from annotator.core.commands import SetTargetSentiment
from annotator.core.schema import EntityLabel
from annotator.storage import NewDocument
from annotator.ui.article_view import ArticleView
from tests.ui.article_support import (
    MakeView,
    add_claim,
    add_entity,
    click,
    drag,
    inside,
    make_view,
    point_at,
)

__all__ = ["make_view"]

ARTICLE = (
    "US Commerce Secretary Howard Lutnick told Bloomberg Television that the talks were "
    "“going well,” and said more.\n\n"
    "Markets in London stayed calm on Tuesday."
)


def span(needle: str, text: str = ARTICLE) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def viewport_image(view: ArticleView) -> QImage:
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def colour_distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def test_shows_text_plainly_with_reading_typography(make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    assert view.isReadOnly()
    assert view.toPlainText() == ARTICLE
    assert view.font().pointSizeF() >= 11
    assert view.accessibleName() == "Article text"
    assert "annotations" in view.accessibleDescription()


class RecordingDocument(QTextDocument):
    """A plain-text document that records every resource Qt asks it to load."""

    def __init__(self) -> None:
        super().__init__()
        self.setDocumentLayout(QPlainTextDocumentLayout(self))
        self.requested: list[str] = []

    def loadResource(self, kind: int, name: QUrl) -> object:
        self.requested.append(name.toString())
        return None


def test_markup_in_the_article_is_shown_literally(qtbot: QtBot, make_view: MakeView) -> None:
    text = "Before <script>alert(1)</script> and <b>bold</b> then <img src=x> after."
    view = make_view(ARTICLE)
    recording = RecordingDocument()
    view.setDocument(recording)
    session = view.model.session
    assert session is not None
    doc_id, _ = view.model.project.repo.add_document(NewDocument("Markup", text))
    view.model.load(doc_id)
    add_entity(view, *span("<b>bold</b>", text), "ORG")
    view.viewport().repaint()
    assert view.document() is recording
    assert view.toPlainText() == text
    assert recording.characterCount() - 1 == len(text)  # no object replacement character
    assert not any(f.isImageFormat() for f in recording.allFormats())
    assert recording.requested == []
    assert view.tooltip_text_at(inside(view, *span("bold", text))).startswith("ORG: “<b>bold</b>”")


def test_entity_fill_uses_the_label_colour_and_nesting_is_visible(make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    outer = add_entity(view, *span("Commerce Secretary Howard Lutnick"), "PERSON")
    inner = add_entity(view, *span("Lutnick"), "ORG")
    image = viewport_image(view)
    outer_rects = view.span_rects("entity", outer.id)
    inner_rects = view.span_rects("entity", inner.id)
    assert len(outer_rects) == 1 and len(inner_rects) == 1
    # Sample just below the top of the line, where no glyph is drawn.
    only_outer = image.pixelColor(int(outer_rects[0].left() + 3), int(outer_rects[0].top() + 1))
    person = QColor(view.model.schema.color_of("PERSON"))
    assert only_outer.red() > only_outer.blue()  # reddish PERSON tint
    assert colour_distance(only_outer, QColor("white")) > 20
    assert colour_distance(only_outer, person) < colour_distance(QColor("white"), person)
    # The nested span has its own underline in its own colour, stacked below the outer one.
    x = int(inner_rects[0].center().x())
    column = [image.pixelColor(x, y) for y in range(image.height())]
    org = QColor(view.model.schema.color_of("ORG")).darker(135)
    person_line = person.darker(135)
    rows_org = [y for y, c in enumerate(column) if colour_distance(c, org) < 60]
    rows_person = [y for y, c in enumerate(column) if colour_distance(c, person_line) < 60]
    assert rows_org and rows_person
    assert min(rows_org) > max(rows_person)


def test_adding_a_span_does_not_reformat_the_document(make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    revision = view.document().revision()
    entity = add_entity(view, *span("London"), "GPE")
    assert view.index.get("entity", entity.id) is not None
    assert view.document().revision() == revision
    assert view.span_rects("entity", entity.id)


def test_click_selects_innermost_span_and_repeated_clicks_cycle(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view(ARTICLE)
    outer = add_entity(view, *span("Commerce Secretary Howard Lutnick"), "PERSON")
    inner = add_entity(view, *span("Lutnick"), "PERSON")
    claim = add_claim(view, *span("US Commerce Secretary Howard Lutnick told"), inner)
    target = inside(view, *span("Lutnick"))
    click(qtbot, view, target)
    assert view.model.selection == ("entity", inner.id)
    click(qtbot, view, target)
    assert view.model.selection == ("entity", outer.id)
    click(qtbot, view, target)
    assert view.model.selection == ("claim", claim.id)
    click(qtbot, view, target)
    assert view.model.selection == ("entity", inner.id)
    click(qtbot, view, inside(view, *span("Secretary")))
    assert view.model.selection == ("entity", outer.id)
    click(qtbot, view, inside(view, *span("Tuesday")))
    assert view.model.selection == ("", "")


def test_delete_and_backspace_remove_the_selection_undoably(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view(ARTICLE)
    entity = add_entity(view, *span("London"), "GPE")
    claim = add_claim(view, *span("the talks were “going well,”"))
    click(qtbot, view, inside(view, *span("London")))
    assert view.model.selection == ("entity", entity.id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    session = view.model.session
    assert session is not None
    assert entity.id not in session.annotations.entities
    assert view.index.get("entity", entity.id) is None
    assert view.model.selection == ("", "")
    click(qtbot, view, inside(view, *span("talks")))
    assert view.model.selection == ("claim", claim.id)
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert claim.id not in session.annotations.claims
    stack = view.model.undo_stack
    assert stack is not None
    stack.undo()
    stack.undo()
    assert claim.id in session.annotations.claims
    assert entity.id in session.annotations.entities
    assert view.span_rects("entity", entity.id)
    stored = view.model.project.repo.load_annotations(session.document.id)
    assert set(stored.entities) == {entity.id}


def test_shift_arrows_resize_the_selected_entity_by_words(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view(ARTICLE)
    entity = add_entity(view, *span("Howard"), "PERSON")
    click(qtbot, view, inside(view, *span("Howard")))
    session = view.model.session
    assert session is not None

    def current() -> str:
        now = session.annotations.entities[entity.id]
        return ARTICLE[now.start : now.end]

    shift = Qt.KeyboardModifier.ShiftModifier
    ctrl_shift = shift | Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(view, Qt.Key.Key_Right, shift)
    assert current() == "Howard Lutnick"
    qtbot.keyClick(view, Qt.Key.Key_Left, shift)
    assert current() == "Howard"
    qtbot.keyClick(view, Qt.Key.Key_Left, shift)  # never shrinks to nothing
    assert current() == "Howard"
    qtbot.keyClick(view, Qt.Key.Key_Left, ctrl_shift)
    assert current() == "Secretary Howard"
    qtbot.keyClick(view, Qt.Key.Key_Right, ctrl_shift)
    assert current() == "Howard"
    assert view.editor.extend_selected(+1, "end") and current() == "Howard Lutnick"
    stored = view.model.project.repo.load_annotations(session.document.id)
    assert ARTICLE[stored.entities[entity.id].start : stored.entities[entity.id].end] == (
        "Howard Lutnick"
    )
    stack = view.model.undo_stack
    assert stack is not None and stack.count() == 1 + 5
    stack.undo()
    assert current() == "Howard"


def test_extend_across_punctuation_and_paragraphs(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    entity = add_entity(view, *span("more"), "PERSON")
    view.model.select("entity", entity.id)
    session = view.model.session
    assert session is not None
    assert view.editor.extend_selected(+1, "end")
    now = session.annotations.entities[entity.id]
    assert ARTICLE[now.start : now.end] == "more.\n\nMarkets"
    assert view.editor.extend_selected(-1, "end")
    now = session.annotations.entities[entity.id]
    assert ARTICLE[now.start : now.end] == "more"


def test_selected_claim_is_linked_to_its_speaker(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    speaker = add_entity(view, *span("Howard Lutnick"), "PERSON")
    claim = add_claim(view, *span("the talks were “going well,”"), speaker)
    click(qtbot, view, inside(view, *span("talks")))
    assert view.model.selection == ("claim", claim.id)
    links = view.speaker_links()
    assert len(links) == 1
    link = links[0]
    speaker_rect = view.span_rects("entity", speaker.id)[0]
    assert link.speaker_id == speaker.id
    assert abs(link.end.x() - speaker_rect.center().x()) < 1
    # The arrow is really drawn: claim-coloured pixels around the arrow's tip.
    image = viewport_image(view)
    claim_colour = QColor(view.model.schema.claim_color)
    tip = link.end.toPoint()
    near = [
        image.pixelColor(tip.x() + dx, tip.y() + dy)
        for dx in range(-3, 4)
        for dy in range(-9, 1)
        if 0 <= tip.x() + dx < image.width() and 0 <= tip.y() + dy < image.height()
    ]
    assert any(colour_distance(c, claim_colour) < 60 for c in near)
    # Selecting the speaker shows the link too; selecting something else does not.
    view.model.select("entity", speaker.id)
    assert [lk.claim_id for lk in view.speaker_links()] == [claim.id]
    view.model.select("", "")
    assert view.speaker_links() == []


def test_target_sentiment_marker(make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    entity = add_entity(view, *span("London"), "GPE")
    assert view.model.push(SetTargetSentiment(entity.id, "negative", "t1"))
    rect = view.span_rects("entity", entity.id)[-1]
    image = viewport_image(view)
    dot = image.pixelColor(int(rect.right() - 1), int(rect.top() + 2))
    negative = QColor("#E53935")
    assert colour_distance(dot, negative) < 90
    point = inside(view, *span("London"))
    assert "sentiment toward it: negative" in view.tooltip_text_at(point)


def show_tooltip(qtbot: QtBot, view: ArticleView, pos: QPoint) -> str:
    viewport = view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(QToolTip.isVisible)
    doc = QTextDocument()
    doc.setHtml(QToolTip.text())
    return doc.toPlainText()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen platform
def test_tooltip_shows_label_annotator_and_claim_details_as_plain_text(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view(ARTICLE)
    schema = view.model.schema
    view.model.set_schema(
        schema.with_entity_labels([*schema.entity_labels, EntityLabel("<b>Bold</b>", "#123456")])
    )
    speaker = add_entity(view, *span("Howard Lutnick"), "<b>Bold</b>")
    claim = add_claim(view, *span("the talks were “going well,”"), speaker)
    shown = show_tooltip(qtbot, view, inside(view, *span("Lutnick")))
    assert "<b>Bold</b>: “Howard Lutnick”" in shown
    assert "annotator: tester" in shown
    assert "speaker of 1 claim" in shown
    shown = show_tooltip(qtbot, view, inside(view, *span("talks")))
    assert "speaker: Howard Lutnick" in shown
    assert "stance: neutral" in shown and "type: statement" in shown
    assert claim.attributes["attribution"] == "direct"
    QToolTip.hideText()


def test_drag_selection_signal_and_clearing(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    start, end = span("Bloomberg Television")
    with qtbot.waitSignal(view.spanSelectionChanged):
        drag(qtbot, view, point_at(view, start + 2), point_at(view, end - 3))
    assert view.selected_span() == (start, end)
    with qtbot.waitSignal(view.spanSelectionChanged):
        click(qtbot, view, inside(view, *span("Tuesday")))
    assert view.selected_span() is None
    with qtbot.waitSignal(view.spanSelectionChanged):
        view.select_span(start, end)
    assert view.textCursor().selectedText() == "Bloomberg Television"
    with qtbot.waitSignal(view.spanSelectionChanged):
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.selected_span() is None


def test_whitespace_only_drag_selects_nothing(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view("word     \n\n     other")
    drag(qtbot, view, point_at(view, 5), point_at(view, 7))
    assert view.selected_span() is None


def test_switching_documents_reloads_and_external_selection_scrolls(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view(ARTICLE)
    long_text = "\n".join(f"Paragraph {i} mentions Acme Corp in passing." for i in range(400))
    doc_id, _ = view.model.project.repo.add_document(NewDocument("Long", long_text))
    view.select_span(0, 2)
    with qtbot.waitSignal(view.spanSelectionChanged):
        view.model.load(doc_id)
    assert view.toPlainText() == long_text
    assert view.selected_span() is None
    start = long_text.rindex("Acme Corp")
    entity = add_entity(view, start, start + len("Acme Corp"), "ORG")
    assert view.span_rects("entity", entity.id) == []  # far below
    view.model.select("entity", entity.id)
    assert view.span_rects("entity", entity.id)


def test_tagging_the_text_selection_selects_the_new_span(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    start, end = span("Bloomberg Television")
    drag(qtbot, view, point_at(view, start + 1), point_at(view, end - 1))
    assert view.selected_span() == (start, end)
    entity = add_entity(view, start, end, "ORG")
    assert view.model.selection == ("entity", entity.id)
    assert view.selected_span() is None
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    session = view.model.session
    assert session is not None
    now = session.annotations.entities[entity.id]
    assert ARTICLE[now.start : now.end] == "Bloomberg Television that"


def test_pointer_shows_a_hand_over_spans(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view(ARTICLE)
    add_entity(view, *span("London"), "GPE")
    qtbot.mouseMove(view.viewport(), inside(view, *span("London")))
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseMove(view.viewport(), inside(view, *span("Tuesday")))
    assert view.viewport().cursor().shape() == Qt.CursorShape.IBeamCursor


class PaintRecorder(QObject):
    """Records the rectangles of the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.rects.append(event.rect())
        return False


def test_adding_a_span_repaints_only_its_paragraph(qtbot: QtBot, make_view: MakeView) -> None:
    text = "\n".join(f"Paragraph {i}: officials met in London on Tuesday." for i in range(40))
    view = make_view(text)
    view.viewport().repaint()
    QApplication.processEvents()  # nothing pending from opening the document
    recorder = PaintRecorder()
    view.viewport().installEventFilter(recorder)
    start = text.index("London", text.index("Paragraph 3:"))
    add_entity(view, start, start + len("London"), "GPE")
    qtbot.waitUntil(lambda: bool(recorder.rects))
    line = view.span_rects("entity", view.index.at(start)[0].id)[0]
    for rect in recorder.rects:
        assert rect.height() < view.viewport().height() / 4
        assert rect.top() <= line.top() and rect.bottom() >= line.bottom()


def test_claim_across_paragraphs_is_bracketed_at_both_ends(
    qtbot: QtBot, make_view: MakeView
) -> None:
    view = make_view(ARTICLE)
    start = ARTICLE.index("said more")
    end = ARTICLE.index("stayed calm") + len("stayed calm")
    claim = add_claim(view, start, end)
    placed = [p for p in view.placed_spans() if p.mark.key == ("claim", claim.id)]
    assert len(placed) == 1
    item = placed[0]
    assert item.head and item.tail
    assert len(item.rects) == 2  # one line in each paragraph (the empty one has none)
    assert item.rects[0].top() < item.rects[1].top()
    # scrolled so that only the last paragraph shows, the head is cut off
    view.resize(view.width(), 60)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(view.document().lastBlock().firstLineNumber())
    cut = [p for p in view.placed_spans() if p.mark.key == ("claim", claim.id)]
    assert cut and not cut[0].head and cut[0].tail
