"""The label schema editor driven by mouse and keys: claim attributes, sentiment labels,
refusals, and the rest of the window following a saved schema."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QWidget,
)
from shiboken6 import isValid

from annotator.core.model import EntitySpan
from annotator.core.schema import ClaimAttribute
from annotator.core.schema_changes import SchemaRenames
from annotator.ui.dialogs.schema_editor import SchemaEditor
from tests.ui.conftest import drag_select

TEXT = (
    "Kevin Hassett told CNBC on Monday that rates will fall soon.\n"
    "Officials in Beijing said the talks were constructive."
)
LEFT = Qt.MouseButton.LeftButton


def click(qtbot, widget: QWidget) -> None:
    assert widget.isEnabled() and widget.isVisible(), widget.accessibleName()
    qtbot.mouseClick(widget, LEFT)


def open_tab(qtbot, dialog: SchemaEditor, title: str) -> None:
    bar = dialog.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    assert dialog.tabs.currentIndex() == index


def type_in_open_editor(qtbot, text: str) -> None:
    """Replace the text of the item editor that has the focus, and commit it with Return."""
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the view commits and closes the editor by a queued call: let it run
    qtbot.waitUntil(lambda: not isValid(editor) or not editor.isVisible())


def edit_cell(qtbot, table: QTableWidget, row: int, column: int, text: str) -> None:
    """Click a cell, open its editor with F2 and type `text`."""
    rect = table.visualItemRect(table.item(row, column))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    qtbot.keyClick(table.viewport(), Qt.Key.Key_F2)
    type_in_open_editor(qtbot, text)


def pick_row(qtbot, view: QListWidget | QTableWidget, row: int) -> None:
    if isinstance(view, QListWidget):
        rect = view.visualItemRect(view.item(row))
    else:
        rect = view.visualItemRect(view.item(row, 0))
    qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())


def save(qtbot, dialog: SchemaEditor) -> None:
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))


def edit_schema(qtbot, window, drive: Callable[[SchemaEditor], None]) -> None:
    """Open the editor from the Edit menu's action and run `drive` inside its modal loop."""
    failures: list[BaseException] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SchemaEditor)
        try:
            qtbot.waitUntil(dialog.isActiveWindow)
            drive(dialog)
            assert dialog.result() == QDialog.DialogCode.Accepted, dialog.problem.text()
        except BaseException as exc:  # leave the modal loop, then fail the test
            failures.append(exc)
            dialog.reject()

    QTimer.singleShot(0, run)
    window.commands.schema.trigger()
    if failures:
        raise failures[0]
    window.activateWindow()  # back from the dialog: window shortcuts work again
    qtbot.waitUntil(window.isActiveWindow)


def tag(qtbot, window, phrase: str, key: Qt.Key) -> str:
    start = TEXT.index(phrase)
    drag_select(qtbot, window.view, start, start + len(phrase))
    qtbot.keyClick(window.view, key)
    return window.model.selection[1]


def test_attribute_with_ordered_choices_and_default_reaches_the_claim_panel(
    qtbot, make_project, open_window
):
    window = open_window(make_project(TEXT))

    def drive(dialog: SchemaEditor) -> None:
        open_tab(qtbot, dialog, "Claims")
        editor = dialog.attributes
        click(qtbot, editor.add_attribute_button)
        type_in_open_editor(qtbot, "certainty")
        for choice in ("low", "high", "medium"):
            click(qtbot, editor.add_choice_button)
            type_in_open_editor(qtbot, choice)
        assert editor.choice_box.title() == "Choices of certainty"
        click(qtbot, editor.up_button)  # medium moves above high
        editor.default.setFocus()
        qtbot.keyClick(editor.default, Qt.Key.Key_Down)  # (none) -> low
        qtbot.keyClick(editor.default, Qt.Key.Key_Down)  # -> medium
        assert editor.default.currentText() == "medium"
        save(qtbot, dialog)

    edit_schema(qtbot, window, drive)
    stored = window.project.repo.load_schema()
    assert stored.attribute("certainty") == ClaimAttribute(
        "certainty", ("low", "medium", "high"), "medium"
    )
    assert window.model.schema == stored
    combo = window.claims.attributes["certainty"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["low", "medium", "high"]

    # a new claim gets the default; the new combo edits it
    tag(qtbot, window, "rates will fall soon", Qt.Key.Key_C)
    (claim,) = window.model.session.annotations.claims.values()
    assert claim.attributes["certainty"] == "medium"
    assert window.claims.attributes["certainty"].currentText() == "medium"
    qtbot.keyClick(window.claims.attributes["certainty"], Qt.Key.Key_Down)
    stored_claims = window.project.repo.load_annotations(window.model.document_id).claims
    assert stored_claims[claim.id].attributes["certainty"] == "high"


def test_renamed_sentiment_label_carries_stored_sentiments_and_hotkeys(
    qtbot, make_project, open_window
):
    window = open_window(make_project(TEXT))
    entity_id = tag(qtbot, window, "Beijing", Qt.Key.Key_3)
    panel = window.sentiment
    click(qtbot, panel.target_buttons["mixed"])
    click(qtbot, panel.document_buttons["mixed"])
    assert window.model.undo_group.canUndo()

    def drive(dialog: SchemaEditor) -> None:
        open_tab(qtbot, dialog, "Sentiment")
        table = dialog.sentiments.table
        row = dialog.sentiments.row_of("mixed")
        edit_cell(qtbot, table, row, 0, "ambivalent")
        edit_cell(qtbot, table, row, 2, "a")  # Alt+A opens the Annotate menu: refused
        save(qtbot, dialog)
        assert dialog.isVisible()
        assert "Alt+A already means the Annotate menu" in dialog.problem.text()
        edit_cell(qtbot, table, row, 2, "b")
        save(qtbot, dialog)

    edit_schema(qtbot, window, drive)
    doc_id = window.model.document_id
    repo = window.project.repo
    assert repo.editor(doc_id, "tester").get_document_sentiment() == "ambivalent"
    targets = repo.load_annotations(doc_id).targets
    assert [(t.entity_id, t.label) for t in targets.values()] == [(entity_id, "ambivalent")]
    assert "mixed" not in panel.document_buttons
    assert panel.document_buttons["ambivalent"].isChecked()
    assert panel.document_buttons["ambivalent"].text() == "✓ Ambivalent"
    assert window.commands.document_sentiment["ambivalent"].shortcut().toString() == "Alt+B"
    assert not window.model.undo_group.canUndo()  # undo steps named the old label

    # the new hotkey works on the selected entity
    window.show_annotation("entity", entity_id)
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.model.session.get_target(entity_id).label == "negative"
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_B,
        Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.model.session.get_target(entity_id).label == "ambivalent"


def test_invalid_edits_are_refused_with_a_message(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT))
    tag(qtbot, window, "rates will fall soon", Qt.Key.Key_C)  # type statement, stance neutral
    click(qtbot, window.sentiment.document_buttons["mixed"])
    dialog = SchemaEditor(
        window.model.schema,
        window.project.schema_usage(),
        window,
        window.commands.reserved_alt_keys(),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    attrs = dialog.attributes

    open_tab(qtbot, dialog, "Claims")
    pick_row(qtbot, attrs.attributes, 2)  # stance, used by the claim
    click(qtbot, attrs.remove_attribute_button)
    assert dialog.problem.text() == (
        "The claim attribute stance has a value in 1 claim; it was not removed. "
        "Rename it instead, or delete those claims first."
    )
    pick_row(qtbot, attrs.choices, 1)  # neutral, the claim's stance
    click(qtbot, attrs.remove_choice_button)
    assert "The choice neutral of stance is used by 1 claim" in dialog.problem.text()
    pick_row(qtbot, attrs.choices, 0)  # supportive: unused, and goes
    click(qtbot, attrs.remove_choice_button)
    assert attrs.drafts[2].built() == ClaimAttribute("stance", ("neutral", "critical"), "neutral")

    # a duplicate attribute name is refused by the schema's own check
    rect = attrs.attributes.visualItemRect(attrs.attributes.item(1))
    qtbot.mouseClick(attrs.attributes.viewport(), LEFT, pos=rect.center())
    qtbot.keyClick(attrs.attributes.viewport(), Qt.Key.Key_F2)
    type_in_open_editor(qtbot, "type")
    save(qtbot, dialog)
    assert dialog.problem.text() == "Cannot save: duplicate claim attribute 'type'"
    assert dialog.result() != QDialog.DialogCode.Accepted
    qtbot.mouseClick(attrs.attributes.viewport(), LEFT, pos=rect.center())
    qtbot.keyClick(attrs.attributes.viewport(), Qt.Key.Key_F2)
    type_in_open_editor(qtbot, "source")

    # an attribute without choices, then an empty choice
    click(qtbot, attrs.add_attribute_button)
    type_in_open_editor(qtbot, "tone")
    save(qtbot, dialog)
    assert dialog.problem.text() == "Cannot save: claim attribute 'tone' has no choices"
    click(qtbot, attrs.add_choice_button)
    type_in_open_editor(qtbot, " ")
    save(qtbot, dialog)
    assert "Cannot save: a choice of 'tone' ('') is empty" in dialog.problem.text()
    edit_item = attrs.choices.visualItemRect(attrs.choices.item(0))
    qtbot.mouseClick(attrs.choices.viewport(), LEFT, pos=edit_item.center())
    qtbot.keyClick(attrs.choices.viewport(), Qt.Key.Key_F2)
    type_in_open_editor(qtbot, "calm")

    # sentiment: a label in use cannot go; a hotkey of an entity label is refused
    open_tab(qtbot, dialog, "Sentiment")
    assert dialog.problem.text() == ""
    table = dialog.sentiments.table
    pick_row(qtbot, table, dialog.sentiments.row_of("mixed"))
    click(qtbot, dialog.sentiments.remove_button)
    assert dialog.problem.text() == (
        "The sentiment label mixed is used by 1 sentiment; it was not removed. "
        "Rename it instead, or clear those sentiments first."
    )
    edit_cell(qtbot, table, dialog.sentiments.row_of("positive"), 2, "e")
    save(qtbot, dialog)
    assert dialog.problem.text() == (
        "Cannot save: hotkey 'E' of sentiment label 'positive' is already the hotkey of "
        "entity label 'EVENT'"
    )
    edit_cell(qtbot, table, dialog.sentiments.row_of("positive"), 2, "p")
    edit_cell(qtbot, table, dialog.sentiments.row_of("neutral"), 1, "grey")
    save(qtbot, dialog)
    assert dialog.problem.text() == "Cannot save: colour 'grey' is not of the form #RRGGBB"
    edit_cell(qtbot, table, dialog.sentiments.row_of("neutral"), 1, "#777777")
    save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.renames == SchemaRenames(claim_attributes={"attribution": "source"})
    assert window.model.set_schema(dialog.result_schema, dialog.renames)
    (claim,) = window.model.session.annotations.claims.values()
    assert claim.attributes == {"type": "statement", "source": "direct", "stance": "neutral"}
    assert list(window.claims.attributes) == ["type", "source", "stance", "tone"]


def test_a_store_refusal_is_shown_and_the_stored_schema_kept(qtbot, make_project, open_window):
    """An analyst on another machine used a label after this dialog counted the uses."""
    window = open_window(make_project(TEXT))
    errors: list[str] = []
    window.model.errorOccurred.connect(errors.append)
    schema = window.model.schema
    without_law = schema.with_entity_labels(
        lab for lab in schema.entity_labels if lab.name != "LAW"
    )
    start = TEXT.index("CNBC")
    drag_select(qtbot, window.view, start, start + 4)
    qtbot.keyClick(window.view, Qt.Key.Key_L)  # LAW, now in use
    assert not window.model.set_schema(without_law, SchemaRenames())
    assert errors == [
        "The label schema was not saved: stored annotations would lose their labels: "
        "entity label 'LAW' is used by 1 span; rename it instead, or delete those spans first"
    ]
    assert window.model.schema.entity_label("LAW") is not None
    assert "LAW" in window.labels.buttons


def test_a_store_refusal_keeps_the_dialog_open_with_the_edits(qtbot, make_project, open_window):
    """Another analyst starts using a label while this dialog removes it: the save is
    refused inside the dialog, nothing typed is lost, and a later save goes through."""
    window = open_window(make_project(TEXT))
    doc_id = window.model.document_id
    other = window.project.repo.editor(doc_id, "colleague")
    span = EntitySpan("their-span", 0, 5, "LAW", "colleague")

    def drive(dialog: SchemaEditor) -> None:
        table = dialog.entities.table
        row = dialog.entities.row_of("LAW")
        rect = table.visualItemRect(table.item(row, 0))
        qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
        click(qtbot, dialog.entities.remove_button)
        assert dialog.entities.row_of("LAW") == -1
        other.put_entity(span, new=True)  # meanwhile, on another machine
        save(qtbot, dialog)
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert "'LAW' is used by 1 span" in dialog.problem.text()
        assert "Your edits are kept" in dialog.problem.text()
        assert dialog.entities.row_of("LAW") == -1  # still removed in the dialog
        other.delete_entity(span.id)  # the colleague takes it back
        save(qtbot, dialog)

    edit_schema(qtbot, window, drive)
    assert window.model.schema.entity_label("LAW") is None
    assert "LAW" not in window.labels.buttons
    assert "Label schema saved." in window.statusBar().currentMessage()


def test_claim_colour_is_picked_with_the_colour_dialog(
    qtbot, make_project, open_window, monkeypatch
):
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QColorDialog

    window = open_window(make_project(TEXT))
    asked: list[str] = []

    def answer(initial: QColor, *_args: object) -> QColor:
        asked.append(initial.name().upper())
        return QColor("#00897B")

    monkeypatch.setattr(QColorDialog, "getColor", answer)

    def drive(dialog: SchemaEditor) -> None:
        open_tab(qtbot, dialog, "Claims")
        click(qtbot, dialog.claim_colour_button)
        assert dialog.claim_colour.text() == "#00897B"
        assert "#00897b" in dialog.claim_colour_button.styleSheet()
        save(qtbot, dialog)

    edit_schema(qtbot, window, drive)
    assert asked == ["#7E57C2"]  # the dialog starts from the current colour
    assert window.model.schema.claim_color == "#00897B"
