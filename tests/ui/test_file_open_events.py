"""macOS hands a double-clicked project to the running app as a QFileOpenEvent."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from annotator.services.project import open_project
from annotator.storage import NewDocument
from annotator.ui import main_window
from annotator.ui.file_open_events import FileOpenRequests


def test_a_file_open_event_opens_that_project(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project("The first project's only article."))
    other = tmp_path / "other.annotator"
    with open_project(other, "tester") as project:
        project.repo.add_document(NewDocument("Elsewhere", "Zoë 👩🏽‍🚀 met 习近平 in Paris."))

    app = QApplication.instance()
    requests = FileOpenRequests(app)
    requests.requested.connect(lambda path: main_window.current_window().open_paths([path]))
    try:
        with qtbot.waitSignal(requests.requested) as blocker:
            QApplication.sendEvent(app, QFileOpenEvent(QUrl.fromLocalFile(str(other))))
        assert blocker.args == [str(other)]
        qtbot.waitUntil(lambda: not window.isVisible())
        opened = main_window.current_window()
        assert opened is not None and opened is not window
        qtbot.addWidget(opened)
        assert opened.project.path == other
        qtbot.waitUntil(lambda: opened.documents.table_model.rowCount() == 1)
    finally:
        app.removeEventFilter(requests)
        requests.deleteLater()


def test_a_file_open_event_for_an_article_imports_it(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project("An article already here."))
    article = tmp_path / "new.txt"
    article.write_text("Breaking: تظاهرات in 東京 today.", encoding="utf-8")
    app = QApplication.instance()
    requests = FileOpenRequests(app)
    requests.requested.connect(lambda path: main_window.current_window().open_paths([path]))
    try:
        with qtbot.waitSignal(window.files.importFinished, timeout=20_000) as blocker:
            QApplication.sendEvent(app, QFileOpenEvent(str(article)))
        assert blocker.args[0].imported == 1
        qtbot.waitUntil(lambda: window.documents.table_model.rowCount() == 2)
    finally:
        app.removeEventFilter(requests)
        requests.deleteLater()
