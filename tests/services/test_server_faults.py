"""The server goes away mid-session and comes back: nothing acknowledged is lost."""

from __future__ import annotations

import pytest

from annotator.core.model import Status
from annotator.services.project import open_project
from annotator.services.session import DocumentSession
from annotator.services.watch import ProjectWatcher
from annotator.storage import NewDocument, edit_connection
from annotator.storage.changes import NotifyFeed
from annotator.storage.errors import ServerUnavailable
from tests.pg_cluster import Cluster


@pytest.fixture
def cluster(own_cluster: Cluster) -> Cluster:
    return own_cluster


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["immediate", "fast"])
def test_edits_survive_a_server_restart(cluster: Cluster, mode: str) -> None:
    url = cluster.url()
    with open_project(url, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="t", text="Zoë 🎉 met 习近平 " * 5))
        session = DocumentSession(project, doc_id)
        watcher = ProjectWatcher(project)
        acknowledged = []
        for i in range(10):
            command = session.new_entity(i, i + 2, "PERSON")
            session.apply(command)
            acknowledged.append(command.span.id)

        cluster.stop(mode)  # "immediate" is a crash: no shutdown checkpoint
        with pytest.raises(ServerUnavailable, match=r"not reachable.*not saved"):
            session.apply(session.new_entity(20, 22, "ORG"))
        with pytest.raises(ServerUnavailable):
            session.set_status(Status.DONE)
        assert set(session.annotations.entities) == set(acknowledged)  # still shown, unchanged
        assert session.get_status() is Status.TODO
        watcher.poll()  # falls back to polling, quietly

        cluster.start()
        command = session.new_entity(30, 32, "ORG")
        session.apply(command)  # reconnects by itself
        acknowledged.append(command.span.id)
        session.set_status(Status.DONE)
        for _ in range(3):  # notices the dead connection, polls, listens again
            watcher.poll()
        assert isinstance(watcher._feed, NotifyFeed) and watcher._feed.listening
        watcher.close()
    with open_project(url, "bob", create=False) as again:
        stored = again.repo.load_annotations(doc_id).entities
        assert sorted(stored) == sorted(acknowledged)
        assert again.repo.get_document(doc_id).status is Status.DONE


@pytest.mark.slow
def test_a_kept_edit_connection_dropped_by_a_restart_is_replaced(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server restarts between two edits: the next edit pings, reconnects and commits."""
    monkeypatch.setattr(edit_connection, "IDLE_PING_S", 0.0)  # every reuse counts as idle
    url = cluster.url()
    with open_project(url, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="t", text="Zoë 🎉 met 习近平 " * 5))
        session = DocumentSession(project, doc_id)
        for i in range(3):  # past the first edit, which also stamps the document
            session.apply(session.new_entity(i, i + 2, "PERSON"))
        cluster.stop("immediate")
        cluster.start()
        command = session.new_entity(30, 32, "ORG")
        session.apply(command)  # no error: the dead kept connection was noticed and replaced
    with open_project(url, "bob", create=False) as again:
        assert command.span.id in again.repo.load_annotations(doc_id).entities
