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
