"""The server goes away under an open window: every action says why, nothing escapes as an
unexpected error, and work goes on once the server is back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.services.project import open_project
from annotator.storage import NewDocument
from tests.ui.conftest import drag_select

LEFT = Qt.MouseButton.LeftButton


def choose(qtbot, combo, text: str) -> None:
    """Pick an entry of a combo box with the keyboard, as an analyst would."""
    combo.setFocus()
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"no {text!r} in the list"


def test_list_refresh_without_the_server_keeps_rows_and_says_why(qtbot, own_cluster, open_window):
    project = open_project(own_cluster.url(), "tester")
    for title in ("Zoë in 北京", "Second"):
        project.repo.add_document(NewDocument(title, f"{title}: 👩🏽‍🚀 text."))
    window = open_window(project)
    panel = window.documents
    assert panel.table_model.rowCount() == 2 and not panel.problem.isVisible()

    own_cluster.stop("fast")
    choose(qtbot, panel.status_filter, "Done")
    qtbot.waitUntil(panel.problem.isVisible, timeout=15_000)  # the worker gives up connecting
    assert "not refreshed" in panel.problem.text() and "not reachable" in panel.problem.text()
    assert panel.table_model.rowCount() == 2  # what was shown stays

    own_cluster.start()
    panel.status_filter.setCurrentIndex(0)  # "All": tries again, now with the server back
    qtbot.waitUntil(lambda: not panel.problem.isVisible())
    assert panel.table_model.rowCount() == 2


def test_actions_without_the_server_say_why_and_work_resumes(qtbot, own_cluster, open_window):
    project = open_project(own_cluster.url(), "tester")
    for title in ("First", "Second", "Third"):
        project.repo.add_document(
            NewDocument(title, f"{title}: Angela Merkel met 习近平 in Paris.")
        )
    window = open_window(project)
    first = window.model.document_id
    own_cluster.stop("fast")

    def refused(action) -> None:  # type: ignore[no-untyped-def]
        bar = window.statusBar()
        bar.clearMessage()
        bar.setToolTip("")
        action()
        message = bar.toolTip() or bar.currentMessage()  # a long line is elided, whole here
        assert "not reachable" in message, message

    start = window.model.session.text.index("Angela")
    drag_select(qtbot, window.view, start, start + 13)
    refused(lambda: qtbot.keyClick(window.view, Qt.Key.Key_1))  # tag PERSON
    refused(window.go_next_unfinished)
    refused(window.commands.export.trigger)
    refused(window.commands.schema.trigger)
    refused(lambda: qtbot.mouseClick(window.sentiment.document_buttons["mixed"], LEFT))
    assert window.model.document_id == first and not window.model.session.annotations.entities

    own_cluster.start()
    for box in window.findChildren(QMessageBox):  # the analyst dismisses the messages
        if box.isVisible():
            qtbot.keyClick(box, Qt.Key.Key_Escape)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # the selection is still there: tag it now
    (span,) = window.model.session.annotations.entities.values()
    assert window.model.session.text[span.start : span.end] == "Angela Merkel"
    window.go_next_unfinished()
    assert window.model.document_id != first
