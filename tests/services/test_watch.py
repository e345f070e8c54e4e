"""Other analysts' changes reach an open project: NOTIFY on PostgreSQL, polling everywhere."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from annotator.core.model import Status
from annotator.core.schema import default_schema
from annotator.services.project import open_project
from annotator.services.session import DocumentSession
from annotator.services.team import assign
from annotator.services.watch import ProjectChange, ProjectWatcher
from annotator.storage import NewDocument
from annotator.storage.changes import NotifyFeed


def poll_until(
    watcher: ProjectWatcher, wanted: Callable[[list[ProjectChange]], bool], timeout: float = 10
) -> list[ProjectChange]:
    """Poll until `wanted` holds for everything seen so far (NOTIFY arrives asynchronously)."""
    seen: list[ProjectChange] = []
    deadline = time.monotonic() + timeout
    while True:
        seen += watcher.poll()
        if wanted(seen) or time.monotonic() > deadline:
            return seen
        time.sleep(0.02)


@pytest.mark.parametrize("listen", [True, False], ids=["listen", "poll"])
def test_watcher_sees_other_analysts(project_location: str, listen: bool) -> None:
    with (
        open_project(project_location, "alice") as a,
        open_project(project_location, "bob", lock=False) as b,  # a second client, not a second app
    ):
        doc_id, _ = a.repo.add_document(NewDocument(title="t", text="Zoë met 習近平 today"))
        watcher = ProjectWatcher(a, listen=listen)
        heard: list[ProjectChange] = []
        watcher.subscribe(heard.append)
        assert watcher.poll() == []
        if listen and project_location.startswith("postgresql"):
            assert isinstance(watcher._feed, NotifyFeed) and watcher._feed.listening
        theirs = DocumentSession(b, doc_id)
        theirs.apply(theirs.new_entity(0, 3, "PERSON"))
        seen = poll_until(
            watcher,
            lambda s: ProjectChange("document", doc_id) in [ProjectChange(c.kind, c.id) for c in s],
        )
        assert ProjectChange("document", doc_id) in [ProjectChange(c.kind, c.id) for c in seen]
        mine = DocumentSession(a, doc_id)
        assert len(mine.annotations.entities) == 1

        theirs.set_status(Status.DONE)
        seen = poll_until(watcher, lambda s: any(c.kind == "document" for c in s))
        assert mine.reload()  # the status change is picked up
        assert mine.get_status() is Status.DONE

        schema = default_schema()
        b.save_schema(schema)
        poll_until(watcher, lambda s: any(c.kind == "schema" for c in s))
        assert a._schema_version == 1  # re-read before listeners heard of it

        b.repo.add_document(NewDocument(title="u", text="Another text"))
        poll_until(watcher, lambda s: any(c.kind == "documents" for c in s))
        assign(b, [doc_id], ["alice"])
        poll_until(watcher, lambda s: any(c.kind == "assignments" for c in s))
        kinds = {c.kind for c in heard}
        assert kinds == {"document", "schema", "documents", "assignments"}
        watcher.close()


def test_own_writes_do_not_come_back(pg_database: str) -> None:
    with (
        open_project(pg_database, "alice") as a,
        open_project(pg_database, "bob", lock=False) as b,
    ):
        doc_id, _ = a.repo.add_document(NewDocument(title="t", text="Zoë met 習近平 today"))
        watcher = ProjectWatcher(a)
        assert watcher.listening
        mine = DocumentSession(a, doc_id)
        mine.apply(mine.new_entity(0, 3, "PERSON"))
        mine.set_status(Status.IN_PROGRESS)
        a.repo.announcer.close()  # its notifications are sent
        deadline = time.monotonic() + 1.0
        heard: list[ProjectChange] = []
        while time.monotonic() < deadline:
            heard += watcher.poll()
            time.sleep(0.05)
        assert heard == []
        theirs = DocumentSession(b, doc_id)
        theirs.apply(theirs.new_entity(4, 7, "PERSON"))
        seen = poll_until(watcher, lambda s: any(c.id == doc_id for c in s))
        assert [c.kind for c in seen if c.id == doc_id] == ["document"]
        watcher.close()


def listen_connections(pg_server, database: str) -> int:  # type: ignore[no-untyped-def]
    import psycopg

    with psycopg.connect(pg_server._conninfo("postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'LISTEN%%'",
            (database,),
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_dropped_listen_connection_falls_back_to_polling_without_leaking(
    pg_server, pg_database: str
) -> None:
    import psycopg

    database = pg_database.rsplit("/", 1)[-1]
    with open_project(pg_database, "alice") as a, open_project(pg_database, "bob", lock=False) as b:
        doc_id, _ = a.repo.add_document(NewDocument(title="t", text="Zoë met 習近平 today"))
        watcher = ProjectWatcher(a)
        feed = watcher._feed
        assert isinstance(feed, NotifyFeed) and feed.listening
        for _round in range(3):
            pid = feed._conn.info.backend_pid
            with psycopg.connect(pg_server._conninfo("postgres"), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            theirs = DocumentSession(b, doc_id)
            theirs.apply(theirs.new_entity(0, 3, "PERSON"))
            seen = poll_until(watcher, lambda s: any(c.id == doc_id for c in s))
            assert any(c.id == doc_id for c in seen)  # heard by polling, or after re-listening
            poll_until(watcher, lambda _s: feed.listening)
            assert feed.listening
            theirs.delete_entity(next(iter(theirs.annotations.entities)))
            assert listen_connections(pg_server, database) == 1
        watcher.close()
        assert listen_connections(pg_server, database) == 0


def test_server_connections_time_out_and_keep_alive(pg_database: str) -> None:
    with open_project(pg_database, "alice") as a, a.repo.engine.connect() as conn:
        params = conn.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
    assert params["connect_timeout"] == "10"
    assert params["keepalives"] == "1"


def test_a_burst_is_coalesced_into_one_batch() -> None:
    from annotator.services.watch import ChangeBatch

    burst = [ProjectChange("document", f"d{i % 3}") for i in range(100)]
    burst += [ProjectChange("documents"), ProjectChange("schema"), ProjectChange("assignments")]
    batch = ChangeBatch.of(burst)
    assert batch.documents == {"d0", "d1", "d2"}
    assert batch.document_set and batch.schema and batch.assignments
    assert not ChangeBatch.of([])


def test_only_projects_others_can_write_are_watched(tmp_path, pg_database: str) -> None:
    from annotator.services.watch import needs_watching

    with open_project(tmp_path / "mine.annotator", "alice") as locked:
        assert not needs_watching(locked)  # this process holds the lock: nobody else writes
        with open_project(tmp_path / "mine.annotator", "tool", lock=False) as reader:
            assert needs_watching(reader)
    with open_project(pg_database, "alice") as server:
        assert needs_watching(server)


def test_a_fresh_read_taken_before_an_own_edit_is_not_applied(project_location: str) -> None:
    with open_project(project_location, "alice") as a:
        doc_id, _ = a.repo.add_document(NewDocument(title="t", text="Zoë met 習近平 today"))
        session = DocumentSession(a, doc_id)
        stale = session.read_fresh()
        session.apply(session.new_entity(0, 3, "PERSON"))  # committed after the read
        assert session.apply_fresh(stale) == []
        assert len(session.annotations.entities) == 1  # the edit is still shown
        assert session.apply_fresh(session.read_fresh()) == []  # nothing differs
