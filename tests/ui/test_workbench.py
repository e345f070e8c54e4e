"""The window around the view: literal text, document list, status, schema, help, errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox, QWidget

from annotator.core.model import Status
from annotator.ui.dialogs.schema_editor import SchemaEditor
from annotator.ui.dialogs.shortcuts import ShortcutsDialog
from annotator.ui.workers import ProgressRunner, Task
from tests.ui.conftest import drag_select

HTML = (
    'Breaking: <script>alert("x")</script> and <b>bold</b> claims <img src="http://e/x.png"> here.'
)


def test_markup_in_articles_is_shown_literally(qtbot, make_project, open_window):
    window = open_window(make_project(HTML))
    assert window.view.toPlainText() == HTML
    start = HTML.index("<b>")
    drag_select(qtbot, window.view, start, start + len("<b>bold</b>"))
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    assert window.claims.quote.toPlainText() == "<b>bold</b>"
    assert window.annotations.items()[0].text(1) == "<b>bold</b>"
    title = window.documents.table_model.index(0, 0).data()
    assert title.startswith("Breaking: <script>")
    assert "<script>" in window.windowTitle()
    # tooltips show it escaped, never as markup
    tip = window.annotations.items()[0].toolTip(1)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tip and "<b>" not in tip
    doc_tip = window.documents.table_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;script&gt;" in doc_tip and "<img" not in doc_tip
    # nothing was turned into an image or a resource fetch
    assert "<img" not in window.view.document().toHtml().replace("&lt;img", "")


def test_document_list_filters_status_and_navigation(qtbot, make_project, open_window):
    window = open_window(
        make_project("Alpha article on oil.", "Beta article on gas.", "Gamma on oil.")
    )
    ids = window.documents.visible_ids()
    assert len(ids) == 3 and window.model.document_id == ids[0]
    qtbot.waitUntil(lambda: window.progress.progress_label.text().startswith("0 / 3 done"))

    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.model.current_status() is Status.DONE
    assert window.commands.status[Status.DONE].isChecked()
    qtbot.waitUntil(lambda: window.progress.progress_label.text().startswith("1 / 3 done"))
    assert window.documents.table_model.index(0, 1).data() == "Done"

    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.model.document_id == ids[1]
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.model.document_id == ids[2]  # ids[1] is done now
    qtbot.keyClick(window.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window.model.current_status() is Status.IN_PROGRESS

    # filters: status combo and text search (typed)
    window.documents.status_filter.setCurrentIndex(window.documents.status_filter.findText("Done"))
    assert window.documents.visible_ids() == [ids[0], ids[1]]
    window.documents.status_filter.setCurrentIndex(0)
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.documents.search.hasFocus()
    qtbot.keyClicks(window.documents.search, "OIL")
    qtbot.waitUntil(lambda: window.documents.visible_ids() == [ids[0], ids[2]])

    # picking a row with the mouse opens that document
    table = window.documents.table
    rect = table.visualRect(window.documents.table_model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.model.document_id == ids[0]


def test_schema_editor_renames_keep_spans_and_errors_are_explained(
    qtbot, make_project, open_window
):
    window = open_window(make_project("Angela Merkel visited Paris."))
    drag_select(qtbot, window.view, 0, len("Angela Merkel"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    dialog = SchemaEditor(window.model.schema, window.project.schema_usage(), window)
    qtbot.addWidget(dialog)
    table = dialog.entities.table
    table.item(0, 0).setText("PER")
    table.item(1, 2).setText("1")  # ORG gets PERSON's hotkey: refused
    dialog.validate_and_accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "duplicate hotkey '1'" in dialog.problem.text()
    table.item(1, 2).setText("2")
    table.setCurrentCell(0, 0)
    dialog.entities.remove()
    assert "used by 1 span" in dialog.problem.text()
    dialog.entities.add()
    new_row = table.rowCount() - 1
    table.item(new_row, 0).setText("WEAPON")
    table.item(new_row, 1).setText("#123456")
    table.item(new_row, 2).setText("w")
    dialog.validate_and_accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.renames.entity_labels == {"PERSON": "PER"}

    assert window.model.set_schema(dialog.result_schema, dialog.renames)
    (entity,) = window.model.session.annotations.entities.values()
    assert entity.label == "PER"
    assert "WEAPON" in window.labels.buttons and "PER" in window.labels.buttons
    assert window.commands.tag["WEAPON"].shortcut().toString() == "W"
    drag_select(
        qtbot, window.view, len("Angela Merkel visited "), len("Angela Merkel visited Paris")
    )
    qtbot.keyClick(window.view, Qt.Key.Key_W)
    labels = sorted(e.label for e in window.model.session.annotations.entities.values())
    assert labels == ["PER", "WEAPON"]


def test_shortcuts_dialog_lists_the_real_actions(qtbot, make_project, open_window):
    window = open_window(make_project("Some text."))
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    dialogs = [w for w in window.findChildren(ShortcutsDialog) if w.isVisible()]
    assert len(dialogs) == 1
    table = dialogs[0].table
    rows = {table.item(r, 1).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert rows["Tag as PERSON"] == "1"
    assert rows["Tag as EVENT"] == "E"
    assert rows["Mark selection as a claim"] == "C"
    assert rows["Document sentiment: positive"] == "Alt+P"
    assert rows["Mark “Done”"] == "Ctrl+D"
    assert rows["Undo"] == "Ctrl+Z"
    assert len(rows) >= 30
    dialogs[0].close()


def test_every_action_has_a_unique_shortcut_or_menu(qtbot, make_project, open_window):
    window = open_window(make_project("Some text."))
    seen: dict[str, str] = {}
    for action in window.commands.all:
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text} is used by {seen[text]} and {action.text()}"
            seen[text] = action.text()
        assert action.text()


def test_widgets_have_accessible_names(qtbot, make_project, open_window):
    window = open_window(make_project("Some text."))
    for widget in (
        window.view,
        window.documents.table,
        window.documents.search,
        window.documents.status_filter,
        window.annotations.table,
        window.claims.speaker,
        window.progress.progress_label,
    ):
        assert widget.accessibleName(), widget
    buttons = window.findChildren(QAbstractButton)
    named = [b for b in buttons if b.isVisibleTo(window) and isinstance(b.parent(), QWidget)]
    assert all(b.accessibleName() or b.text() for b in named)


def test_storage_failure_is_a_message_not_a_crash(qtbot, make_project, open_window):
    window = open_window(make_project("Kept text about Rome."))
    doc_id = window.model.document_id
    window.project.repo.delete_document(doc_id)  # e.g. removed by another client
    drag_select(qtbot, window.view, len("Kept text about "), len("Kept text about Rome"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    assert window.model.session.annotations.entities == {}
    assert "not saved" in window.statusBar().currentMessage()
    box = window.last_error
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()


def test_progress_dialog_cancel_stops_the_worker(qtbot, make_project, open_window):
    window = open_window(make_project("Text."))

    def job(progress, cancelled):
        n = 0
        while not cancelled():
            n += 1
            progress(n % 100, 100)
        return n

    task = Task(job)
    runner = ProgressRunner(window, "Working", "Working…", task)
    runner.dialog.setMinimumDuration(0)
    with qtbot.waitSignal(task.progressed, timeout=10_000):
        runner.start()
    qtbot.waitUntil(runner.dialog.isVisible)
    with qtbot.waitSignal(task.wasCancelled, timeout=10_000):
        button = runner.dialog.findChild(QAbstractButton)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def test_project_statistics_are_read_off_the_gui_thread(
    qtbot, make_project, open_window, monkeypatch
):
    import threading

    from annotator.ui import status_bar

    threads: list[str] = []
    real = status_bar.project_stats

    def recorded(project):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(project)

    monkeypatch.setattr(status_bar, "project_stats", recorded)
    window = open_window(make_project("Alpha article on oil.", "Beta article on gas."))
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.progress.progress_label.text().startswith("1 / 2 done"))
    assert threads and threading.main_thread().name not in threads
