"""What got in an analyst's way on the first day (issue 14), driven with mouse and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QStyleOptionViewItem

from annotator.ui.article_view import VIEW_KEYS
from annotator.ui.dialogs.shortcuts import ShortcutsDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.window_layout import screen_key, window_screen
from tests.ui.conftest import caret_point, click_at, drag_select

TEXT = (
    "US President Donald Trump said on Monday that tariffs would rise by 10%.\n"
    "Officials in Beijing said the talks were constructive. Markets fell."
)


def tag(qtbot, window, phrase: str, key: Qt.Key) -> str:
    start = window.model.text.index(phrase)
    drag_select(qtbot, window.view, start, start + len(phrase))
    qtbot.keyClick(window.view, key)
    return window.model.selection[1]


def double_click_at(qtbot, view, cp: int) -> None:
    a = caret_point(view, cp)
    b = caret_point(view, cp + 1)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=(a + b) / 2)


# -- 1. a layout saved at another scale ------------------------------------------------
def dock_width(window: MainWindow, name: str) -> int:
    return window.docks[name].width()


def test_a_layout_saved_at_another_scale_is_not_restored(
    qtbot, make_project, open_window, settings
):
    window = open_window(make_project(TEXT))
    docks = window.docks
    window.resizeDocks([docks["documents"], docks["labels"]], [90, 90], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock_width(window, "labels") < 150)
    project = window.project
    location = project.location
    window.close()  # saves the narrow layout, with the screen it was made on
    assert settings.window_screen() == screen_key(window_screen(window))

    from annotator.services.project import open_project

    # the same screen: the narrow layout is what the analyst left
    again = open_window(open_project(location, "tester", create=False))
    qtbot.waitUntil(lambda: dock_width(again, "labels") < 150)
    again.close()

    # saved during a 2x session: discarded, the panels start at their usual widths
    geometry, state = settings.geometry(), settings.window_state()
    assert geometry is not None and state is not None
    settings.save_window(geometry, state, "2@700x500")
    third = open_window(open_project(location, "tester", create=False))
    qtbot.waitUntil(lambda: dock_width(third, "labels") > 250)
    assert dock_width(third, "documents") > 250


@pytest.mark.qt_log_ignore(  # menus on the offscreen platform
    "does not support grabbing the keyboard",
    "does not support raise",
    "does not support propagateSizeHints",
)
def test_reset_layout_brings_back_the_default_panels(qtbot, make_project, open_window, settings):
    window = open_window(make_project(TEXT))
    docks = window.docks
    docks["claim"].close()
    window.resizeDocks([docks["documents"]], [80], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock_width(window, "documents") < 150)
    # View ▸ Panels ▸ Reset layout, with the menu keys
    assert window.commands.reset_layout in window.commands.panels_menu.actions()
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_P)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is window.commands.panels_menu)
    qtbot.keyClick(window.commands.panels_menu, Qt.Key.Key_R)
    # the default size on this (800x800 offscreen) screen, with the usual panel widths
    free = window.screen().availableGeometry()
    qtbot.waitUntil(lambda: window.width() == min(1400, int(free.width() * 0.92)))
    qtbot.waitUntil(lambda: dock_width(window, "documents") > 150)
    assert docks["claim"].isVisible()
    assert settings.window_state() is None


# -- 2. double-click inside a span ---------------------------------------------------------
def test_double_click_inside_a_span_selects_the_word_for_a_nested_span(
    qtbot, make_project, open_window
):
    window = open_window(make_project(TEXT))
    view = window.view
    outer = tag(qtbot, window, "US President Donald Trump", Qt.Key.Key_1)  # PERSON
    click_at(qtbot, view, TEXT.index("Donald"))
    assert window.model.selection == ("entity", outer)  # a click selects the span
    double_click_at(qtbot, view, TEXT.index("US") + 1)
    assert view.selected_span() == (0, 2)
    assert window.model.selection == ("", "")
    qtbot.keyClick(view, Qt.Key.Key_3)  # GPE
    entities = window.model.session.annotations.entities
    assert entities[outer].label == "PERSON"  # not relabelled
    nested = {TEXT[e.start : e.end]: e.label for e in entities.values()}
    assert nested == {"US President Donald Trump": "PERSON", "US": "GPE"}


# -- 3. the claim panel's hint ---------------------------------------------------------------
def test_claim_hint_is_at_the_top_after_a_claim_and_names_the_real_marks(
    qtbot, make_project, open_window
):
    window = open_window(make_project(TEXT))
    panel = window.claims
    assert "underlined" not in panel.placeholder.text()
    assert "dashed line above" in panel.placeholder.text()
    assert "brackets" in panel.placeholder.text()
    entity = tag(qtbot, window, "Officials", Qt.Key.Key_5)
    tag(qtbot, window, "the talks were constructive", Qt.Key.Key_C)
    scroller = window.docks["claim"].widget()
    assert isinstance(scroller, QScrollArea)
    window.resizeDocks([window.docks["claim"]], [90], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: scroller.verticalScrollBar().maximum() > 0)
    scroller.verticalScrollBar().setValue(scroller.verticalScrollBar().maximum())
    click_at(qtbot, window.view, TEXT.index("Officials") + 2)
    assert window.model.selection == ("entity", entity)
    assert panel.stack.currentIndex() == 0
    top = panel.placeholder.mapTo(scroller.viewport(), panel.placeholder.rect().topLeft())
    assert top.y() >= 0
    assert scroller.verticalScrollBar().value() == 0


# -- 4. the shortcuts dialog lists everything ---------------------------------------------------
def test_shortcuts_dialog_lists_every_registered_action_and_the_view_keys(
    qtbot, make_project, open_window
):
    window = open_window(make_project(TEXT))
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    (dialog,) = [w for w in window.findChildren(ShortcutsDialog) if w.isVisible()]
    table = dialog.table
    shown = {}
    for r in range(table.rowCount()):
        shown.setdefault(table.item(r, 1).text(), set()).update(
            k.strip() for k in table.item(r, 2).text().split(",")
        )
    for action in window.workbench.registry.all:
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        for key in action.shortcuts():
            assert key.toString() in shown.get(name, set()), (name, key.toString())
    for row in VIEW_KEYS:
        assert row.keys in shown[row.text]
    next_keys = shown["Select next annotation"]
    assert {"]", "Alt+Down"} <= next_keys
    assert {"Del", "Backspace"} <= shown["Delete the selected entity or claim"]
    assert any("Select text" in name for name in shown)
    dialog.close()


# -- 5. punctuation only ----------------------------------------------------------------------
def test_a_selection_without_letters_or_digits_is_refused(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    view = window.view
    view.setFocus()
    caret_point(view, TEXT.index("%."))  # the caret before "%."
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert TEXT[slice(*view.selected_span())] == "%."
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert not window.model.session.annotations.entities
    assert "no letter or digit" in window.statusBar().currentMessage()
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert not window.model.session.annotations.claims


# -- 7. claims grow and shrink like entities -----------------------------------------------------
def test_a_claim_grows_and_shrinks_with_shift_arrows(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    view = window.view
    tag(qtbot, window, "Officials", Qt.Key.Key_5)  # a neighbour in the annotation list
    tag(qtbot, window, "Markets", Qt.Key.Key_2)
    claim_id = tag(qtbot, window, "the talks were", Qt.Key.Key_C)
    start = TEXT.index("the talks")
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    # the claim's list row moved: the list must not select its neighbour instead
    assert window.model.selection == ("claim", claim_id)
    claim = window.model.session.get_claim(claim_id)
    assert TEXT[claim.start : claim.end] == "the talks were constructive"
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view, Qt.Key.Key_Right, control_shift)
    assert window.model.selection == ("claim", claim_id)
    claim = window.model.session.get_claim(claim_id)
    assert TEXT[claim.start : claim.end] == "talks were constructive"
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    window.model.undo()
    window.model.undo()
    window.model.undo()
    claim = window.model.session.get_claim(claim_id)
    assert (claim.start, claim.end) == (start, start + len("the talks were"))
    assert window.model.selection[0] == "claim"


# -- 8. claim panel tab order ---------------------------------------------------------------------
def test_claim_panel_tab_order_is_speaker_then_attributes_then_buttons(
    qtbot, make_project, open_window
):
    window = open_window(make_project(TEXT))
    tag(qtbot, window, "the talks were constructive", Qt.Key.Key_C)
    panel = window.claims
    panel.speaker.setFocus()
    qtbot.waitUntil(panel.speaker.hasFocus)
    order = []
    for _ in range(5):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        order.append(focused())
    attributes = panel.attributes
    assert order == [
        attributes["type"],
        attributes["attribution"],
        attributes["stance"],
        panel.show_speaker if panel.show_speaker.isEnabled() else panel.delete,
        panel.delete if panel.show_speaker.isEnabled() else order[4],
    ]


def focused():
    return QApplication.focusWidget()


# -- 6. scroll position per document ------------------------------------------------------------
LONG = "\n".join(f"Paragraph {i} of a long report about tariffs and talks." for i in range(400))


def test_each_document_reopens_where_it_was_scrolled_to(qtbot, make_project, open_window, settings):
    window = open_window(make_project(LONG, TEXT))
    view = window.view
    first = window.model.document_id
    view.setFocus()
    for _ in range(6):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
    top = view.top_offset()
    assert top > 1000
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)  # next doc
    assert window.model.document_id != first
    assert view.top_offset() == 0
    qtbot.keyClick(view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier)
    assert window.model.document_id == first
    qtbot.waitUntil(lambda: view.top_offset() == top)
    location = window.project.location
    window.close()

    from annotator.services.project import open_project

    again = open_window(open_project(location, "tester", create=False))
    assert again.model.document_id == first
    qtbot.waitUntil(lambda: again.view.top_offset() == top)


def test_the_open_documents_row_is_scrolled_into_view_after_a_restart(
    qtbot, make_project, open_window
):
    window = open_window(make_project(*[f"Article number {i}." for i in range(120)]))
    ids = window.documents.visible_ids()
    assert len(ids) == 120
    window.open_document(ids[110])
    doc = window.model.document_id
    location = window.project.location
    window.close()

    from annotator.services.project import open_project

    again = open_window(open_project(location, "tester", create=False))
    assert again.model.document_id == doc
    table = again.documents.table
    row = again.documents.table_model.row_of(doc)
    qtbot.waitUntil(
        lambda: table.viewport().rect().intersects(table.visualRect(table.model().index(row, 0)))
    )


# -- 9. the first edit starts work on a document ---------------------------------------------------
def test_the_first_edit_moves_a_document_to_in_progress_undoably(qtbot, make_project, open_window):
    from annotator.core.model import Status

    window = open_window(make_project(TEXT, TEXT + " Again."))
    assert window.model.current_status() == Status.TODO
    tag(qtbot, window, "Beijing", Qt.Key.Key_3)
    assert window.model.current_status() == Status.IN_PROGRESS
    assert window.commands.status[Status.IN_PROGRESS].isChecked()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not window.model.session.annotations.entities
    assert window.model.current_status() == Status.TODO  # the same undo step
    qtbot.keyClick(window.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert window.model.current_status() == Status.IN_PROGRESS
    # a document marked done stays done
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.model.current_status() == Status.DONE
    tag(qtbot, window, "Markets", Qt.Key.Key_2)
    assert len(window.model.session.annotations.entities) == 2
    assert window.model.current_status() == Status.DONE


# -- 8. the speaker box ----------------------------------------------------------------------------
SPEECH = (
    "On Monday the Treasury said prices in China rose 3%.\n"
    "Janet Yellen met Li Qiang in Beijing. Later Reuters reported that the talks went well."
)


def test_speaker_box_offers_persons_and_orgs_nearest_first_with_their_sentence(
    qtbot, make_project, open_window
):
    window = open_window(make_project(SPEECH))
    tag(qtbot, window, "Monday", Qt.Key.Key_6)  # DATE
    tag(qtbot, window, "Treasury", Qt.Key.Key_2)  # ORG
    tag(qtbot, window, "3%", Qt.Key.Key_8)  # PERCENT
    tag(qtbot, window, "Janet Yellen", Qt.Key.Key_1)  # PERSON
    reuters = tag(qtbot, window, "Reuters", Qt.Key.Key_2)  # ORG
    tag(qtbot, window, "the talks went well", Qt.Key.Key_C)
    panel = window.claims
    combo = panel.speaker
    rows = [combo.itemText(i) for i in range(combo.count())]
    assert rows[0] == "(no speaker)"
    assert [r.split(" · ")[0] for r in rows[1:]] == [
        "Reuters",
        "Janet Yellen",
        "Treasury",
        "3%",
        "Monday",
    ]
    # the list shows the sentence around each mention (the box itself only the name)
    from annotator.ui.claim_panel import CONTEXT_ROLE

    context = combo.model().index(1, 0).data(CONTEXT_ROLE)
    assert context == "Later Reuters reported that the talks went well."
    assert rows[1] == "Reuters · ORG"
    option = QStyleOptionViewItem()
    combo.view().itemDelegate().initStyleOption(option, combo.model().index(1, 0))
    assert option.text.endswith("— Later Reuters reported that the talks went well.")
    # pick the nearest with the keyboard, then delete that entity: the status bar says so
    window.commands.focus_speaker.trigger()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    claim = next(iter(window.model.session.annotations.claims.values()))
    assert claim.speaker_id == reuters
    window.show_annotation("entity", reuters)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    message = window.statusBar().currentMessage()
    assert "free text “Reuters”" in message
    claim = window.model.session.get_claim(claim.id)
    assert claim.speaker_id is None and claim.speaker_text == "Reuters"


# -- 10. imports --------------------------------------------------------------------------------
def test_a_clean_import_is_reported_in_the_status_bar_and_refusals_in_a_wrapped_dialog(
    qtbot, make_project, open_window, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog, QPlainTextEdit

    window = open_window(make_project(TEXT))
    folder = tmp_path / "incoming"
    folder.mkdir()
    good = folder / "good.txt"
    good.write_text("A fresh article about tariffs.", encoding="utf-8")
    asked: list[str] = []

    def pick(_parent, _title, start, _filter):  # the file dialog, answered
        asked.append(start)
        return [str(good)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick))
    with qtbot.waitSignal(window.files.importFinished, timeout=20_000):
        qtbot.keyClick(
            window.view,
            Qt.Key.Key_O,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert window.files.last_report_dialog is None  # no dialog for a success
    assert "imported 1" in window.statusBar().currentMessage().lower()

    blank = folder / "blank.txt"
    blank.write_text("  \n\t \n", encoding="utf-8")
    good.write_text("Another article about talks.", encoding="utf-8")

    def pick_both(_parent, _title, start, _filter):
        asked.append(start)
        return [str(good), str(blank)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick_both))
    with qtbot.waitSignal(window.files.importFinished, timeout=20_000):
        qtbot.keyClick(
            window.view,
            Qt.Key.Key_O,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert asked[1] == str(folder)  # the dialog opened where the last import came from
    dialog = window.files.last_report_dialog
    assert dialog is not None and dialog.isVisible()
    assert "file is empty (whitespace only)" in dialog.details.toPlainText()
    assert dialog.details.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    dialog.close()


# -- 11. inline label tags ----------
def test_inline_label_tags_are_a_remembered_view_toggle(qtbot, make_project, open_window, settings):
    window = open_window(make_project(TEXT))
    view = window.view
    tag(qtbot, window, "Beijing", Qt.Key.Key_3)
    window.model.select("", "")
    rect = view.span_rects("entity", window.model.session.annotations.sorted_entities()[0].id)[0]
    above = rect.adjusted(0, -14, 0, -rect.height()).toAlignedRect()  # just above the span
    revision = view.document().revision()

    def ink() -> int:
        view.viewport().repaint()
        image = view.viewport().grab().toImage()
        base = image.pixelColor(above.left() - 1 if above.left() > 0 else 0, above.top())
        return sum(
            1
            for x in range(above.left(), above.right())
            for y in range(max(0, above.top()), above.bottom())
            if image.pixelColor(x, y) != base
        )

    assert ink() == 0
    view.setFocus()
    window.commands.inline_tags.trigger()  # View ▸ Label names on spans
    assert view.show_tags and settings.inline_tags()
    rect = view.span_rects("entity", window.model.session.annotations.sorted_entities()[0].id)[0]
    above = rect.adjusted(0, -14, 0, -rect.height()).toAlignedRect()
    assert ink() > 20  # the "GPE" tag
    assert view.document().revision() == revision  # the text was not touched
    click_at(qtbot, view, TEXT.index("Beijing") + 2)  # hit tests still land on the span
    assert window.model.selection[0] == "entity"
    location = window.project.location
    window.close()
    from annotator.services.project import open_project

    again = open_window(open_project(location, "tester", create=False))
    assert again.view.show_tags and again.commands.inline_tags.isChecked()


# -- 12. reading typography ----------
def test_paragraph_spacing_measure_and_remembered_text_size(
    qtbot, make_project, open_window, settings
):
    window = open_window(make_project(TEXT))
    view = window.view
    first = view.document().firstBlock()
    second = first.next()
    gap = view.blockBoundingGeometry(second).top() - view.blockBoundingGeometry(first).bottom()
    lines = view.blockBoundingGeometry(first).height()
    line_height = first.layout().lineAt(0).height()
    assert lines >= first.layout().lineCount() * line_height + line_height * 0.4  # spacing
    assert gap >= 0
    assert view.toPlainText() == TEXT  # no characters were inserted
    # a wide window keeps a readable line length (the article is centred)
    window.resize(2400, 900)
    for name in ("documents", "annotations", "labels", "claim", "sentiment"):
        window.docks[name].hide()
    qtbot.waitUntil(lambda: view.viewportMargins().left() > 100)
    assert view.viewportMargins().left() == view.viewportMargins().right()
    # Ctrl+Plus / Ctrl+Minus / Ctrl+0, remembered
    size = view.text_size
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.text_size > size
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    bigger = view.text_size
    assert bigger > size and settings.text_size() == bigger
    click_at(qtbot, view, TEXT.index("Beijing") + 1)  # offsets still land right
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert size < view.text_size < bigger
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.text_size == size
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    location = window.project.location
    window.close()
    from annotator.services.project import open_project

    again = open_window(open_project(location, "tester", create=False))
    assert again.view.text_size == settings.text_size() > size
    drag_select(qtbot, again.view, TEXT.index("Beijing"), TEXT.index("Beijing") + 7)
    assert again.view.selected_span() == (TEXT.index("Beijing"), TEXT.index("Beijing") + 7)


# -- 13. status bar, progress bar, one selection look, disabled buttons -------------------------
def test_a_long_status_message_is_elided_with_the_whole_text_as_tooltip(
    qtbot, make_project, open_window
):
    window = open_window(make_project(TEXT))
    long = "Exported 2 documents to " + "/very/long/folder" * 20 + "/out.jsonl and its manifest."
    window.workbench.messages.show_message(long)
    bar = window.statusBar()
    shown = bar.currentMessage()
    assert "…" in shown and shown.endswith("manifest.") and shown.startswith("Exported")
    assert bar.fontMetrics().horizontalAdvance(shown) < bar.width()
    assert bar.toolTip() == long
    window.workbench.messages.show_message("Short.")
    assert bar.currentMessage() == "Short." and bar.toolTip() == ""


def test_a_list_pick_and_a_click_select_a_span_the_same_way(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    view = window.view
    first = tag(qtbot, window, "Beijing", Qt.Key.Key_3)
    tag(qtbot, window, "Markets", Qt.Key.Key_2)
    click_at(qtbot, view, TEXT.index("Beijing") + 1)
    assert window.model.selection == ("entity", first)
    assert view.selected_span() is None  # outline only, no text selection
    table = window.annotations.table
    row = window.annotations.rows.row_of("entity", first)
    other = 1 - row
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(other, 1)).center(),
    )
    assert window.model.selection[0] == "entity" and window.model.selection[1] != first
    assert view.selected_span() is None
    qtbot.keyClick(view, Qt.Key.Key_BracketLeft)
    assert window.model.selection == ("entity", first)
    assert view.selected_span() is None


def test_disabled_sentiment_buttons_look_disabled_in_the_dark_theme(
    qtbot, make_project, open_window
):
    from annotator.ui.theme import dark_palette

    window = open_window(make_project(TEXT))
    window.setPalette(dark_palette())
    button = next(iter(window.sentiment.target_buttons.values()))
    assert not button.isEnabled()  # no entity selected
    enabled = next(iter(window.sentiment.document_buttons.values()))
    assert enabled.isEnabled()

    def fill(widget) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
        image = widget.grab().toImage()
        colour = image.pixelColor(image.width() - 6, image.height() // 2)
        return colour.red(), colour.green(), colour.blue()

    # the enabled button is filled with its label colour; the disabled one is not
    assert fill(button) != fill(
        next(b for n, b in window.sentiment.document_buttons.items() if b.text() == button.text())
    )
    label_colour = next(iter(window.model.schema.sentiment_labels)).color
    from PySide6.QtGui import QColor

    c = QColor(label_colour)
    assert fill(button) != (c.red(), c.green(), c.blue())


def test_the_empty_progress_bar_is_a_thin_track(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    bar = window.progress.progress_bar
    assert bar.height() <= 10
    assert "background" in bar.styleSheet()


def test_a_selected_span_hides_the_text_caret(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    view = window.view
    tag(qtbot, window, "Beijing", Qt.Key.Key_3)
    assert window.model.selection[0] == "entity" and view.cursorWidth() == 0
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert window.model.selection == ("", "") and view.cursorWidth() == 2


def test_scroll_positions_are_kept_for_the_latest_documents_only(settings):
    from annotator.ui.settings import MAX_SCROLL

    for i in range(MAX_SCROLL + 50):
        settings.set_scroll_position("/p/x.annotator", f"doc{i}", 100 + i)
    assert settings.scroll_position("/p/x.annotator", "doc0") == 0
    last = MAX_SCROLL + 49
    assert settings.scroll_position("/p/x.annotator", f"doc{last}") == 100 + last
    settings.set_scroll_position("/p/x.annotator", f"doc{last}", 0)
    assert settings.scroll_position("/p/x.annotator", f"doc{last}") == 0
    assert settings.scroll_position("/p/other.annotator", "doc60") == 0
