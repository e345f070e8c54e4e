"""Article text can never load a resource: it is shown as plain text, never as HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QPlainTextDocumentLayout, QPlainTextEdit, QTextEdit

from annotator.services.project import Project, open_project
from annotator.storage import NewDocument
from annotator.ui.main_window import MainWindow
from tests.conftest import NetworkGuard

# The offscreen platform plugin warns on every top-level window; it means nothing here.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

HOSTILE = (
    '<img src="http://tracker.example.com/pixel.png">Breaking news\n'
    '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://x.example/s.css">\n'
    "<b>bold?</b> <a href='https://example.com'>link</a> &amp; <style>*{}</style>\n"
)


class RecordingDocument(QTextDocument):
    """A text document that records every resource Qt asks it to load."""

    def __init__(self) -> None:
        super().__init__()
        self.requested: list[str] = []

    def loadResource(self, kind: int, name: QUrl) -> object:
        self.requested.append(name.toString())
        return None


def _image_fragments(document: QTextDocument) -> list[str]:
    found = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                found.append(fragment.charFormat().toImageFormat().name())
            it += 1
        block = block.next()
    return found


def test_plain_text_view_never_loads_resources(qtbot) -> None:
    view = QPlainTextEdit()
    document = RecordingDocument()
    document.setDocumentLayout(QPlainTextDocumentLayout(document))
    view.setDocument(document)
    qtbot.addWidget(view)
    view.show()
    view.setPlainText(HOSTILE)
    qtbot.waitExposed(view)
    view.repaint()
    assert document.requested == []
    assert _image_fragments(document) == []
    assert view.toPlainText() == HOSTILE


def test_detector_catches_html_rendering(qtbot) -> None:
    """The same check catches the mistake it guards against: rich text loads images."""
    edit = QTextEdit()
    document = RecordingDocument()
    edit.setDocument(document)
    qtbot.addWidget(edit)
    edit.show()
    edit.setHtml(HOSTILE)
    qtbot.waitExposed(edit)
    edit.repaint()
    assert _image_fragments(document)  # <img> became an image
    assert any("pixel.png" in url for url in document.requested)


@pytest.fixture
def hostile_project(tmp_path: Path) -> Project:
    project = open_project(tmp_path / "p.annotator", "alice", backup=False)
    project.repo.add_document(NewDocument('<img src="http://x.example/t.png"> title', HOSTILE))
    yield project  # type: ignore[misc]
    project.close()


def test_main_window_shows_article_markup_as_text(
    qtbot, hostile_project: Project, network_guard: NetworkGuard
) -> None:
    window = MainWindow(hostile_project)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    shown = []
    for edit in window.findChildren(QPlainTextEdit) + window.findChildren(QTextEdit):
        assert _image_fragments(edit.document()) == []
        shown.append(edit.toPlainText())
    assert any("<img src=" in text for text in shown), "article text not shown literally"
    for label in window.findChildren(QLabel):
        if "<" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    assert network_guard.attempts == []
