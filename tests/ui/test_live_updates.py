"""Changes committed by another client show up in the open window, quietly and off the GUI
thread: one re-read per burst, none for this client's own edits, none on a locked file."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import event

from annotator.core.model import EntitySpan, Status
from annotator.services.project import Project, open_project
from annotator.storage import NewDocument
from annotator.storage.postgres import CHANNEL

TEXT = "Christine Lagarde spoke in Frankfurt about inflation. " * 40


@pytest.fixture
def server_project(pg_database: str) -> Iterator[tuple[str, Project]]:
    project = open_project(pg_database, "tester")
    project.repo.add_document(NewDocument(title="Lagarde", text=TEXT))
    project.repo.add_document(NewDocument(title="Other", text="Another article."))
    yield pg_database, project


def collect(window) -> list:  # type: ignore[no-untyped-def]
    heard: list = []
    window.live.polled.connect(heard.extend)
    return heard


def poll_until(qtbot, window, wanted) -> None:  # type: ignore[no-untyped-def]
    def check() -> bool:
        window.live.poll(force=True)
        return bool(wanted())

    qtbot.waitUntil(check, timeout=10_000)
    qtbot.waitUntil(lambda: not window.live.queries.busy() and not window.documents.pending())


def test_a_locked_sqlite_project_is_not_watched(qtbot, make_project, open_window):
    window = open_window(make_project("One article.", "Another."))
    assert window.project.lock is not None and window.project.lock.held
    assert not window.live.active and not window.live.timer.isActive()
    statements: list[str] = []
    event.listen(
        window.project.repo.engine, "before_cursor_execute", lambda *a: statements.append(a[2])
    )
    window.live.poll(force=True)
    qtbot.wait(300)
    assert window.live.watcher is None and statements == []


def test_another_clients_edits_reach_the_window(qtbot, open_window, server_project):
    url, project = server_project
    window = open_window(project)
    window.live.timer.stop()  # the test polls by hand
    doc_id = window.model.document_id
    heard = collect(window)
    with open_project(url, "colleague", lock=False) as other:
        editor = other.repo.editor(doc_id, "colleague")
        editor.put_entity(EntitySpan("e-colleague", 0, len("Christine Lagarde"), "PERSON"))
        editor.set_status(Status.IN_PROGRESS)
        poll_until(qtbot, window, lambda: window.model.current_status() is Status.IN_PROGRESS)
        assert "document" in {c.kind for c in heard}
        assert "e-colleague" in window.model.session.annotations.entities
        qtbot.waitUntil(
            lambda: "Christine Lagarde" in [i.text(1) for i in window.annotations.items()]
        )
        row = window.documents.table_model.row_of(doc_id)
        qtbot.waitUntil(lambda: window.documents.table_model.index(row, 2).data() == 1)

        window.view.select_span(0, len("Christine"))
        window.editor.apply_label("ORG")
        assert window.model.undo_group.canUndo()
        schema = other.schema.with_label_renamed("PERSON", "PER")
        other.save_schema(schema, {"PERSON": "PER"})
        poll_until(qtbot, window, lambda: "PER" in window.labels.buttons)
        assert not window.model.undo_group.canUndo()  # its steps named PERSON
        assert "PERSON" not in window.labels.buttons
        assert window.model.session.annotations.entities["e-colleague"].label == "PER"


def test_own_edits_do_not_come_back(qtbot, open_window, server_project):
    _url, project = server_project
    window = open_window(project)
    window.live.timer.stop()
    heard = collect(window)
    doc_id = window.model.document_id
    window.view.select_span(0, len("Christine"))
    window.editor.apply_label("PERSON")
    window.editor.set_status(Status.DONE)
    for _ in range(10):  # NOTIFY is asynchronous: give it every chance to come back
        window.live.poll(force=True)
        qtbot.wait(100)
    qtbot.waitUntil(lambda: not window.live.queries.busy())
    assert [c for c in heard if c.id == doc_id] == []
    assert window.live.reloads == 0


def test_a_colleague_burst_is_one_reload_with_no_database_call_on_the_gui_thread(
    qtbot, open_window, server_project, pg_server
):
    url, project = server_project
    window = open_window(project)
    window.live.timer.stop()
    doc_id = window.model.document_id
    with open_project(url, "colleague", lock=False) as other:
        editor = other.repo.editor(doc_id, "colleague")
        for i in range(100):  # 100 commits, each an edit of its own
            editor.put_entity(EntitySpan(f"e{i:03}", i * 20, i * 20 + 9, "PERSON"))
        other.repo.announcer.close()  # its NOTIFYs are sent
    with psycopg.connect(pg_server._conninfo(url.rsplit("/", 1)[-1]), autocommit=True) as raw:
        for _ in range(100):  # and 100 more notifications of that document
            raw.execute(
                "SELECT pg_notify(%s, %s)", (CHANNEL, f'{{"table": "documents", "id": "{doc_id}"}}')
            )
    threads: list[threading.Thread] = []
    engine = window.project.repo.engine
    record = lambda *_a: threads.append(threading.current_thread())  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    try:
        qtbot.wait(200)  # everything has arrived before the poll
        poll_until(qtbot, window, lambda: len(window.model.session.annotations.entities) == 100)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert window.live.reloads == 1  # one re-read for the whole burst
    row = window.documents.table_model.row_of(doc_id)
    assert window.documents.table_model.summary(row).entity_count == 100
    assert threads and threading.main_thread() not in threads
