"""The document list of a 50,000-document project: it shows, filters and searches, and
every query runs on a worker (the table shows the previous rows meanwhile)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event, insert

from annotator.core.model import utc_now
from annotator.services.project import open_project
from annotator.storage import make_engine, prepare_database
from annotator.storage.models import DocumentRow

N = 50_000


@pytest.fixture(scope="module")
def large_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per module, in one statement; the tests only read it."""
    path = tmp_path_factory.mktemp("large") / "large.annotator"
    engine = make_engine(path)
    prepare_database(engine)
    now = utc_now()
    rows = []
    for i in range(N):
        text = f"Report number {i} on trade and oil markets."
        rows.append(
            dict(
                id=f"doc{i:05}",
                ordinal=i + 1,
                title=f"Article {i}",
                source="",
                text=text,
                length=len(text),
                meta={},
                status="done" if i % 10 == 0 else "todo",
                content_hash=f"hash{i}",
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
    with engine.begin() as conn:
        conn.execute(insert(DocumentRow), rows)
    engine.dispose()
    return path


def gui_thread_statements(engine):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


def test_the_list_shows_and_filters_fifty_thousand_documents(qtbot, open_window, large_project):
    window = open_window(open_project(large_project, "tester"))
    panel = window.documents
    assert panel.table_model.rowCount() == N
    assert panel.visible_ids()[:2] == ["doc00000", "doc00001"]
    assert window.model.document_id == "doc00001"  # the first unfinished one
    seen, stop = gui_thread_statements(window.project.repo.engine)
    try:
        index = panel.status_filter.findText("Done")
        panel.status_filter.setCurrentIndex(index)
        assert panel.table_model.rowCount() == N  # the previous rows until the answer comes
        qtbot.waitUntil(lambda: panel.table_model.rowCount() == N // 10)
        assert all(i.endswith("0") for i in panel.visible_ids())
        panel.status_filter.setCurrentIndex(0)
        qtbot.waitUntil(lambda: panel.table_model.rowCount() == N and not panel.pending())

        panel.search.setFocus()
        qtbot.keyClicks(panel.search, "number 4999 on")
        qtbot.waitUntil(lambda: panel.visible_ids() == ["doc04999"] and not panel.pending())
        qtbot.keyClick(panel.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(panel.search, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: panel.table_model.rowCount() == N and not panel.pending())
    finally:
        stop()
    assert seen == []  # every list query ran on the worker
    assert window.documents.table.currentIndex().row() == 1  # the current document stays selected


def test_a_colleague_change_updates_rows_not_the_whole_list(qtbot, open_window, large_project):
    window = open_window(open_project(large_project, "tester"))
    panel = window.documents
    model = panel.table_model
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    seen, stop = gui_thread_statements(window.project.repo.engine)
    try:
        panel.refresh(["doc00007", "doc49999"])  # what LiveUpdates hands over
        qtbot.waitUntil(lambda: not panel.pending())
        panel.reload()  # the same filter again: nothing differs
        qtbot.waitUntil(lambda: not panel.pending())
    finally:
        stop()
    assert resets == [] and changed == [] and seen == []
    assert model.rowCount() == N
