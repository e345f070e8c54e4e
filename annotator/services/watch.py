"""Other analysts' changes, for an open window: poll it from a timer, or connect callbacks.

    watcher = ProjectWatcher(project)
    watcher.subscribe(on_change)        # e.g. a Qt signal's emit
    timer.timeout.connect(watcher.poll)  # every 0.5-2 s; cheap when nothing changed

On PostgreSQL changes arrive by LISTEN/NOTIFY; elsewhere (and while the server is away)
by polling. A session whose document changed should call `DocumentSession.reload()`.
`poll()` may wait on the network (reconnecting): call it off the GUI thread. A SQLite
project this process holds under its lock needs no watcher at all (`needs_watching`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from annotator.services.project import Project
from annotator.storage.changes import ChangeFeed, StoredChange, open_feed


@dataclass(frozen=True, slots=True)
class ProjectChange:
    """kind: "document" (id set: its status or annotations changed), "documents" (the list:
    added or removed), "schema" (the label schema) or "assignments"."""

    kind: str
    id: str | None = None
    by: str | None = None


WatchListener = Callable[[ProjectChange], None]


@dataclass
class ChangeBatch:
    """Many changes, coalesced: what to re-read once for all of them."""

    documents: set[str] = field(default_factory=set)  # ids whose status or annotations changed
    document_set: bool = False  # documents were added or removed
    schema: bool = False
    assignments: bool = False

    @classmethod
    def of(cls, changes: Iterable[ProjectChange]) -> ChangeBatch:
        batch = cls()
        for change in changes:
            if change.kind == "document" and change.id is not None:
                batch.documents.add(change.id)
            elif change.kind in ("document", "documents"):
                batch.document_set = True
            elif change.kind == "schema":
                batch.schema = True
            elif change.kind == "assignments":
                batch.assignments = True
        return batch

    def __bool__(self) -> bool:
        return bool(self.documents) or self.document_set or self.schema or self.assignments


def needs_watching(project: Project) -> bool:
    """False for a SQLite project held under this process's lock: nobody else writes it."""
    lock = project.lock
    return not (project.path is not None and lock is not None and lock.held)


class ProjectWatcher:
    def __init__(self, project: Project, *, listen: bool = True) -> None:
        self.project = project
        self._feed: ChangeFeed = open_feed(project.repo.engine, listen=listen)
        self._listeners: list[WatchListener] = []

    @property
    def listening(self) -> bool:
        """Whether changes arrive by notification (a poll is then nearly free)."""
        return bool(getattr(self._feed, "listening", False))

    def subscribe(self, listener: WatchListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def poll(self) -> list[ProjectChange]:
        """What changed since the last poll (each once); listeners are called for each.

        A changed label schema is re-read into the project before listeners hear of it.
        """
        changes: list[ProjectChange] = []
        for stored in self._feed.poll():
            change = _project_change(stored)
            if change is not None and change not in changes:
                changes.append(change)
        if any(c.kind == "schema" for c in changes):
            # read first, then swap: a GUI thread asking for the schema meanwhile gets the
            # old one, never a gap it would fill with a query of its own
            schema, version = self.project.repo.load_schema_versioned()
            self.project._schema, self.project._schema_version = schema, version
        for change in changes:
            for listener in list(self._listeners):
                listener(change)
        return changes

    def close(self) -> None:
        self._feed.close()


def _project_change(stored: StoredChange) -> ProjectChange | None:
    if stored.table == "documents":
        if stored.id is None or stored.op in ("INSERT", "DELETE"):
            return ProjectChange("documents", None, stored.by)
        return ProjectChange("document", stored.id, stored.by)
    if stored.table == "project_meta":
        return ProjectChange("schema", None, stored.by) if stored.id == "label_schema" else None
    if stored.table == "assignments":
        return ProjectChange("assignments", None, stored.by)
    return None
