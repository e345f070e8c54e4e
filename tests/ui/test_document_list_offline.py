"""The server goes away while the document list refreshes: the list says so and keeps its rows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.services.project import open_project
from annotator.storage import NewDocument


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
    assert panel.problem.isVisible()
    assert "not refreshed" in panel.problem.text() and "not reachable" in panel.problem.text()
    assert panel.table_model.rowCount() == 2  # what was shown stays

    own_cluster.start()
    panel.status_filter.setCurrentIndex(0)  # "All": tries again, now with the server back
    qtbot.waitUntil(lambda: not panel.problem.isVisible())
    assert panel.table_model.rowCount() == 2
