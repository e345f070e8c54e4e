"""The export dialog's filters, driven with real mouse and key events on the real widgets."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QListWidget, QStyle

from annotator.ui.dialogs.export_dialog import ExportDialog
from tests.ui.conftest import drag_select

TEXT = "Żaneta 👩🏽‍💻 from Nokia met 北京 officials; Nokia said “we are optimistic”."
OTHER = "Björk met 東京 🇯🇵 staff at Nokia."


def tag(qtbot, window, text: str, phrase: str, key: Qt.Key) -> None:
    start = text.index(phrase)
    drag_select(qtbot, window.view, start, start + len(phrase))
    qtbot.keyClick(window.view, key)


def open_dialog(window) -> ExportDialog:
    window.commands.export.trigger()
    dialog = window.files.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def type_path(qtbot, dialog: ExportDialog, out: Path) -> None:
    dialog.path.setFocus()
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(out))


def click_export(qtbot, dialog: ExportDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def click_check_box(qtbot, labels: QListWidget, name: str) -> None:
    """Click the check indicator of the label's row."""
    item = labels.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    rect = labels.visualItemRect(item)
    style = labels.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, labels) + 1
    width = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, labels)
    point = QPoint(rect.left() + margin + width // 2, rect.center().y())
    qtbot.mouseClick(labels.viewport(), Qt.MouseButton.LeftButton, pos=point)


def pick(qtbot, combo, letters: str, data: object) -> None:
    """Choose a combo box entry by typing its first letters, as a keyboard user does."""
    combo.setFocus()
    qtbot.keyClicks(combo, letters)
    assert combo.currentData() == data, combo.currentText()


def export_and_wait(qtbot, window, dialog: ExportDialog):
    with qtbot.waitSignal(window.files.exportFinished, timeout=20_000) as blocker:
        click_export(qtbot, dialog)
    qtbot.waitUntil(lambda: not window.files.busy)
    return blocker.args[0]


def test_unchecked_label_is_left_out(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT, OTHER))
    tag(qtbot, window, TEXT, "Żaneta", Qt.Key.Key_1)
    tag(qtbot, window, TEXT, "Nokia", Qt.Key.Key_2)
    tag(qtbot, window, TEXT, "北京", Qt.Key.Key_3)
    dialog = open_dialog(window)
    qtbot.waitUntil(
        lambda: dialog.summary.text() == "2 documents with 3 entities will be exported."
    )
    assert all(
        dialog.labels.item(i).checkState() == Qt.CheckState.Checked
        for i in range(dialog.labels.count())
    )
    click_check_box(qtbot, dialog.labels, "GPE")
    assert dialog.labels.findItems("GPE", Qt.MatchFlag.MatchExactly)[0].checkState() == (
        Qt.CheckState.Unchecked
    )
    qtbot.waitUntil(
        lambda: dialog.summary.text() == "2 documents with 2 entities will be exported."
    )
    out = tmp_path / "no-gpe.jsonl"
    type_path(qtbot, dialog, out)
    report = export_and_wait(qtbot, window, dialog)

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2
    assert sorted(e["label"] for e in records[0]["entities"]) == ["ORG", "PERSON"]
    bar = window.statusBar()
    message = bar.toolTip() or bar.currentMessage()  # a long line is elided, whole here
    assert message.startswith("Exported 2 documents (2 entities, 0 claims) as jsonl to ")
    assert str(out) in message and f"manifest {report.manifest}" in message
    manifest = json.loads(Path(report.manifest).read_text(encoding="utf-8"))
    assert "GPE" not in manifest["filters"]["labels"]


def test_no_label_checked_is_refused(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT))
    dialog = open_dialog(window)
    qtbot.mouseClick(dialog.check_none, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "No labels are checked" in dialog.summary.text())
    type_path(qtbot, dialog, tmp_path / "none.jsonl")
    click_export(qtbot, dialog)
    assert dialog.isVisible()
    assert "Check at least one label" in dialog.problem.text()
    assert not (tmp_path / "none.jsonl").exists()
    qtbot.mouseClick(dialog.check_all, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("1 document with"))
    dialog.reject()


def test_utf16_offsets_for_a_format_that_offers_them(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT))
    tag(qtbot, window, TEXT, "Nokia", Qt.Key.Key_2)  # after a 7-code-point emoji ZWJ sequence
    tag(qtbot, window, TEXT, "北京", Qt.Key.Key_3)
    dialog = open_dialog(window)
    assert not dialog.offsets.isEnabled()  # the native format counts code points only
    assert "always counts offsets in code points" in dialog.offsets.toolTip()
    pick(qtbot, dialog.format, "doccano", "doccano")
    assert dialog.offsets.isEnabled()
    assert dialog.offsets.currentData() == "utf16"  # doccano's frontend counts UTF-16
    out = tmp_path / "utf16.jsonl"
    type_path(qtbot, dialog, out)
    export_and_wait(qtbot, window, dialog)

    record = json.loads(out.read_text(encoding="utf-8"))
    units = record["text"].encode("utf-16-le")
    found = {}
    for start, end, label in record["label"]:
        found[label] = units[2 * start : 2 * end].decode("utf-16-le")
    assert found == {"ORG": "Nokia", "GPE": "北京"}
    nokia = TEXT.index("Nokia")
    assert [s for s, _, lab in record["label"] if lab == "ORG"] == [
        len(TEXT[:nokia].encode("utf-16-le")) // 2
    ]
    assert nokia != len(TEXT[:nokia].encode("utf-16-le")) // 2  # the units really differ


def test_export_only_the_selected_documents(qtbot, make_project, open_window, tmp_path):
    texts = [TEXT, OTHER, "Third article.", "Fourth article about Nokia."]
    window = open_window(make_project(*texts))
    table = window.documents.table

    def click_row(row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        rect = table.visualRect(table.model().index(row, 0))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())

    click_row(1)
    click_row(3, Qt.KeyboardModifier.ControlModifier)
    ids = window.documents.visible_ids()
    qtbot.waitUntil(lambda: window.model.selected_documents == [ids[1], ids[3]])
    assert window.model.document_id == ids[3]

    dialog = open_dialog(window)
    qtbot.waitUntil(
        lambda: dialog.summary.text() == "4 documents with 0 entities will be exported."
    )
    assert dialog.scope.itemText(1) == "Only the 2 selected documents"
    pick(qtbot, dialog.scope, "Only", True)
    qtbot.waitUntil(
        lambda: dialog.summary.text() == "2 documents with 0 entities will be exported."
    )
    out = tmp_path / "selected.jsonl"
    type_path(qtbot, dialog, out)
    report = export_and_wait(qtbot, window, dialog)

    assert report.documents == 2
    written = [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == [OTHER, "Fourth article about Nokia."]


def test_selection_survives_list_refreshes(qtbot, make_project, open_window):
    window = open_window(make_project(TEXT, OTHER, "Third article."))
    table = window.documents.table
    ids = window.documents.visible_ids()
    for row, modifier in (
        (0, Qt.KeyboardModifier.NoModifier),
        (1, Qt.KeyboardModifier.ShiftModifier),
    ):
        rect = table.visualRect(table.model().index(row, 0))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    qtbot.waitUntil(lambda: window.model.selected_documents == ids[:2])
    window.documents.reload()  # what the list does after edits
    assert window.model.selected_documents == ids[:2]
    window.open_document(ids[0])  # inside the selection: it stays
    assert window.model.selected_documents == ids[:2]
    window.open_document(ids[2])  # elsewhere (e.g. "next unfinished"): only that one
    assert window.model.selected_documents == [ids[2]]
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.model.selected_documents == ids
    window.documents.reload()
    assert window.model.selected_documents == ids


def test_choices_are_remembered_per_project(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT))
    tag(qtbot, window, TEXT, "Nokia", Qt.Key.Key_2)
    dialog = open_dialog(window)
    assert [dialog.annotator.itemText(i) for i in range(dialog.annotator.count())] == [
        "All annotators",
        "tester",
    ]
    pick(qtbot, dialog.format, "Label", "label-studio")
    assert dialog.offsets.currentData() == "codepoint"  # Label Studio counts code points
    pick(qtbot, dialog.offsets, "UTF", "utf16")
    pick(qtbot, dialog.annotator, "tester", "tester")
    pick(qtbot, dialog.status, "Only", "todo")
    click_check_box(qtbot, dialog.labels, "PERSON")
    qtbot.mouseClick(dialog.manifest, Qt.MouseButton.LeftButton)
    assert not dialog.manifest.isChecked()
    folder = tmp_path / "exports"
    folder.mkdir()
    type_path(qtbot, dialog, folder / "tasks.json")
    export_and_wait(qtbot, window, dialog)
    assert (folder / "tasks.json").exists()
    assert not list(folder.glob("*manifest*"))

    again = open_dialog(window)
    assert again.format.currentData() == "label-studio"
    assert again.offsets.currentData() == "utf16" and again.offsets.isEnabled()
    assert again.annotator.currentData() == "tester"
    assert again.status.currentData() == "todo"
    assert again.checked_labels() is not None and "PERSON" not in again.checked_labels()
    assert not again.manifest.isChecked()
    assert Path(again.path.text()).parent == folder
    again.reject()


def test_layer_gold_writes_gold_and_is_remembered(qtbot, make_project, open_window, tmp_path):
    """Two analysts disagree on the first article and a reviewer settled it into gold; the
    second has one analyst's version. Layer "Gold", chosen by keyboard, writes exactly that."""
    from annotator.core.model import EntitySpan
    from annotator.services.adjudication import AdjudicationSession
    from annotator.storage.gold import GOLD_ANNOTATOR

    project = make_project(TEXT, OTHER)
    first, second = project.repo.document_ids()
    nokia = TEXT.index("Nokia")
    for who, label in (("alice", "ORG"), ("bob", "PERSON")):
        span = EntitySpan(f"{who}-1", nokia, nokia + 5, label, who)
        project.repo.editor(first, who).put_entity(span, new=True)
    bjork = EntitySpan("alice-2", 0, 5, "PERSON", "alice")
    project.repo.editor(second, "alice").put_entity(bjork, new=True)
    adj = AdjudicationSession(project, first)
    (unit,) = adj.disagreements
    adj.decide(unit, next(o for o in unit.options if o.analysts == ("bob",)))
    assert adj.complete

    window = open_window(project)
    dialog = open_dialog(window)
    assert dialog.annotator.isEnabled()
    pick(qtbot, dialog.layer, "G", "gold")
    assert not dialog.annotator.isEnabled()  # gold is one version per document, as the CLI
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("Up to 2 documents from the gold"))
    out = tmp_path / "gold.jsonl"
    type_path(qtbot, dialog, out)
    report = export_and_wait(qtbot, window, dialog)

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_text = {r["text"]: r for r in records}
    gold = by_text[TEXT]["entities"]
    assert [(e["start"], e["label"], e["annotator"]) for e in gold] == [
        (nokia, "PERSON", GOLD_ANNOTATOR)
    ]
    assert [(e["label"], e["annotator"]) for e in by_text[OTHER]["entities"]] == [
        ("PERSON", "alice")
    ]
    manifest = json.loads(Path(report.manifest).read_text(encoding="utf-8"))
    assert manifest["layer"] == "gold"

    again = open_dialog(window)  # remembered for this project
    assert again.layer.currentData() == "gold" and not again.annotator.isEnabled()
    again.reject()
