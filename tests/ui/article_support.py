"""Helpers for article view tests: a view on a temporary project, points for mouse events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.core.model import Claim, EntitySpan
from annotator.services.project import Project, open_project
from annotator.storage import NewDocument
from annotator.ui.article_view import ArticleView
from annotator.ui.document_model import DocumentModel
from annotator.ui.editing import AnnotationEditor

MakeView = Callable[..., ArticleView]


@pytest.fixture
def make_view(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeView]:
    """make_view(text, width=700, height=420) -> a shown ArticleView on a fresh project."""
    projects: list[Project] = []

    def make(text: str, width: int = 700, height: int = 420) -> ArticleView:
        project = open_project(tmp_path / f"view{len(projects)}.annotator", "tester", backup=False)
        projects.append(project)
        doc_id, _ = project.repo.add_document(NewDocument("Article", text))
        model = DocumentModel(project)
        view = ArticleView(model)
        view.editor = AnnotationEditor(model, view, view)  # type: ignore[attr-defined]
        qtbot.addWidget(view)
        view.resize(width, height)
        view.show()
        qtbot.waitExposed(view)
        model.load(doc_id)
        return view

    yield make
    for project in projects:
        project.close()


def add_entity(view: ArticleView, start: int, end: int, label: str = "PERSON") -> EntitySpan:
    session = view.model.session
    assert session is not None
    command = session.new_entity(start, end, label)
    assert view.model.push(command)
    return command.span


def add_claim(view: ArticleView, start: int, end: int, speaker: EntitySpan | None = None) -> Claim:
    session = view.model.session
    assert session is not None
    command = session.new_claim(start, end, speaker.id if speaker else None)
    assert view.model.push(command)
    return command.claim


def point_at(view: ArticleView, cp: int) -> QPoint:
    """Viewport point of the cursor position before code point `cp` (its left edge + 1)."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_utf16(cp))
    rect = view.cursorRect(cursor)
    return QPoint(rect.left() + 1, rect.center().y())


def inside(view: ArticleView, start: int, end: int) -> QPoint:
    """A viewport point in the middle of the (single-line) text [start, end)."""
    a, b = point_at(view, start), point_at(view, end)
    return QPoint((a.x() + b.x()) // 2, a.y())


def drag(qtbot: QtBot, view: ArticleView, start: QPoint, end: QPoint) -> None:
    """A real mouse drag on the viewport: press, move in steps, release."""
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    steps = 4
    for i in range(1, steps + 1):
        x = start.x() + (end.x() - start.x()) * i // steps
        y = start.y() + (end.y() - start.y()) * i // steps
        qtbot.mouseMove(viewport, QPoint(x, y))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def click(qtbot: QtBot, view: ArticleView, pos: QPoint) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
