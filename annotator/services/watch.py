"""Other analysts' changes, for an open window: poll it from a timer, or connect callbacks.

    watcher = ProjectWatcher(project)
    watcher.subscribe(on_change)        # e.g. a Qt signal's emit
    timer.timeout.connect(watcher.poll)  # every 0.5-2 s; cheap when nothing changed

On PostgreSQL changes arrive by LISTEN/NOTIFY; elsewhere (and while the server is away)
by polling. A session whose document changed should call `DocumentSession.reload()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


class ProjectWatcher:
    def __init__(self, project: Project, *, listen: bool = True) -> None:
        self.project = project
        self._feed: ChangeFeed = open_feed(project.repo.engine, listen=listen)
        self._listeners: list[WatchListener] = []

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
            self.project.reload_schema()
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
