"""Export from the menu (worker thread, JSONL checked) and import by drag and drop."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.ui.dialogs.export_dialog import ExportChoice, ExportDialog
from annotator.ui.dialogs.import_report import ImportReportDialog
from tests.ui.conftest import drag_select

TEXT = "Żaneta 👩🏽‍💻 from Nokia met 北京 officials; Nokia said “we are optimistic”."


def test_export_from_the_menu_writes_valid_jsonl(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT, "Another article, left untouched."))
    for phrase, key in (("Nokia", Qt.Key.Key_2), ("北京", Qt.Key.Key_3), ("Żaneta", Qt.Key.Key_1)):
        start = TEXT.index(phrase)
        drag_select(qtbot, window.view, start, start + len(phrase))
        qtbot.keyClick(window.view, key)
    claim = "we are optimistic"
    start = TEXT.index(claim)
    drag_select(qtbot, window.view, start, start + len(claim))
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    window.commands.focus_speaker.trigger()
    qtbot.keyClick(window.claims.speaker, Qt.Key.Key_Down)
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)

    window.commands.export.trigger()
    dialog = window.files.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    assert dialog.format.count() >= 1 and dialog.format.itemData(0)
    out = tmp_path / "out" / "done.jsonl"
    out.parent.mkdir()
    dialog.path.setFocus()
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(out))
    dialog.status.setCurrentIndex(dialog.status.findText("Only “Done”"))
    with qtbot.waitSignal(window.files.exportFinished, timeout=20_000) as blocker:
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
    assert blocker.args[0].documents == 1
    assert "Exported 1 document" in window.statusBar().currentMessage()

    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    text = record["text"]
    assert text == TEXT
    spans = record["entities"] + record["claims"]
    assert len(record["entities"]) == 3 and len(record["claims"]) == 1
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
    assert record["claims"][0]["speaker_text"] in {"Żaneta", "Nokia", "北京"}
    assert not list(out.parent.glob("*.tmp*"))


def test_export_dialog_refuses_missing_folder(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT))
    window.commands.export.trigger()
    dialog = window.files.export_dialog
    dialog.path.setText(str(tmp_path / "missing" / "x.jsonl"))
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert "does not exist" in dialog.problem.text()
    dialog.reject()


def drop(window, paths: list[Path]) -> None:
    """Drag files over the article text and drop them (the events go where a mouse drop would)."""
    target = window.view.viewport()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = target.rect().center()
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(point, *args)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(target, QDragMoveEvent(point, *args))
    QApplication.sendEvent(target, QDropEvent(QPointF(point), *args))


def test_drop_files_imports_and_reports_refusals(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT))
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "good.txt").write_text("A fresh article about <b>tariffs</b>.", encoding="utf-8")
    (folder / "empty.txt").write_text("   ", encoding="utf-8")
    bad = folder / "bad.jsonl"
    bad.write_text('{"text": "fine line"}\n{not json\n', encoding="utf-8")
    with qtbot.waitSignal(window.files.importFinished, timeout=20_000) as blocker:
        drop(window, [folder])
    report = blocker.args[0]
    assert report.imported >= 1 and report.problems
    qtbot.waitUntil(lambda: window.documents.table_model.rowCount() == 1 + report.imported)
    dialog = window.files.last_report_dialog
    assert isinstance(dialog, ImportReportDialog) and dialog.isVisible()
    details = dialog.details.toPlainText()
    assert f"{folder / 'empty.txt'}: file is empty" in details
    assert f"{bad}:2:" in details
    assert "refused" in dialog.summary.text()
    dialog.close()


def test_cancelled_export_leaves_no_file(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT, "Second.", "Third."))
    out = tmp_path / "cancelled.jsonl"
    task = window.files.export_task(ExportChoice("jsonl", None, str(out)))
    task.cancel()  # as if Cancel was pressed before the first document was written
    with qtbot.waitSignal(window.files.exportCancelled, timeout=20_000):
        window.files.run(task, "Exporting…")
    assert not out.exists()
    assert list(tmp_path.glob("cancelled*")) == []
    assert "no file was written" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.files.busy)


def test_export_error_is_reported(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project(TEXT))
    (tmp_path / "taken").mkdir()
    choice = ExportChoice("jsonl", None, str(tmp_path / "taken"))  # a folder, not a file
    with qtbot.waitSignal(window.files.exportFailed, timeout=20_000):
        window.files.export_to(choice)
    assert "Export failed" in window.last_error.text()
    window.last_error.close()
