"""Other analysts' changes (team projects): watched on a worker, applied in one batch.

A timer asks the worker to poll the project's change feed; whatever arrived since the last
poll (a burst of a colleague's edits is many notifications) is coalesced: the current
document is re-read once, on the worker, and its differences reach the panels in one go
on the GUI thread; the document list re-reads only the rows that changed. A SQLite
project held under this app's lock has no other writer and is not watched at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.schema_changes import SchemaRenames, names_dropped
from annotator.services.project import Project
from annotator.services.session import DocumentSession, FreshDocument
from annotator.services.watch import ChangeBatch, ProjectChange, ProjectWatcher, needs_watching
from annotator.ui.document_model import DocumentModel
from annotator.ui.workers import BackgroundQueries

log = logging.getLogger(__name__)

TICK_MS = 250  # how often notifications are collected (nearly free while listening)
POLL_S = 2.0  # how often the database is compared instead, while not listening
SETTLE_S = 0.15  # a burst is over when no notification came for this long ...
SETTLE_MAX_S = 0.6  # ... or when it has gone on for this long: then re-read once

DocumentsChanged = Callable[[Collection[str] | None], None]


class LiveUpdates(QObject):
    """Keeps the window in step with changes committed by other clients.

    `on_documents_changed(ids)` hears of documents whose rows changed (None: documents
    were added or removed), `on_assignments_changed()` of changed assignments,
    `show_message(text)` of a feed that cannot reach the server. `polled(changes)` is
    emitted after each poll's changes were applied; `reloads` counts re-reads of the
    current document.
    """

    polled = Signal(list)

    def __init__(
        self,
        project: Project,
        model: DocumentModel,
        on_documents_changed: DocumentsChanged,
        on_assignments_changed: Callable[[], None],
        show_message: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.model = model
        self.on_documents_changed = on_documents_changed
        self.on_assignments_changed = on_assignments_changed
        self.show_message = show_message
        self.active = needs_watching(project)
        self.watcher: ProjectWatcher | None = None  # used on the worker only
        self.reloads = 0
        self._last_poll = 0.0
        self._reload_again = False
        self._retry_at = 0.0  # after a failure (server away) the worker waits POLL_S
        self.queries = BackgroundQueries(self, name="annotator-live-updates")
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.poll)
        if self.active:
            self.timer.start()
            self.poll()  # the baseline (and the feed's connection), on the worker

    def poll(self, force: bool = False) -> None:
        """Ask the worker to collect changes (ignored while it still is). `force` compares
        the database even if the last comparison was less than POLL_S ago."""
        if not self.active or self.queries.busy("poll"):
            return
        if not force and time.monotonic() < self._retry_at:
            return
        session = self.model.session
        schema_before = self.model.schema
        reload_anyway, self._reload_again = self._reload_again, False

        def collect(_partial: Any, _stale: Any) -> Any:
            watcher = self.watcher
            if watcher is None:
                self.watcher = ProjectWatcher(self.project)
                self._last_poll = time.monotonic()
                return None
            now = time.monotonic()
            changes: list[ProjectChange] = []
            if force or watcher.listening or now - self._last_poll >= POLL_S:
                self._last_poll = now
                changes = watcher.poll()
            if session is not None and watcher.listening:
                changes += _rest_of_burst(watcher, session.document.id, changes)
            batch = ChangeBatch.of(changes)
            reread = session is not None and (
                session.document.id in batch.documents or batch.schema or reload_anyway
            )
            return batch, changes, session.read_fresh() if session and reread else None

        self.queries.submit(
            "poll",
            collect,
            lambda value: self._apply(value, session, schema_before),
            self._failed,
        )

    def _apply(self, value: Any, session: DocumentSession | None, schema_before: Any) -> None:
        if value is None:
            return
        batch, changes, fresh = value
        model = self.model
        if batch.schema and names_dropped(schema_before, model.schema, SchemaRenames()):
            model.forget_undo_history()  # undo must not bring back old names
        if fresh is not None and session is not None and model.session is session:
            self._apply_fresh(session, fresh)
        if batch.schema:
            model.schemaChanged.emit()
        if batch.document_set:
            self.on_documents_changed(None)
        elif batch.documents:
            self.on_documents_changed(sorted(batch.documents))
        if batch.assignments:
            self.on_assignments_changed()
        self.polled.emit(list(changes))

    def _apply_fresh(self, session: DocumentSession, fresh: FreshDocument) -> None:
        if fresh.edits != session.edit_count:  # this analyst edited meanwhile: read again
            self._reload_again = True
            return
        self.reloads += 1
        self.model.apply_fresh(session, fresh)

    def _failed(self, message: str) -> None:
        self._retry_at = time.monotonic() + POLL_S
        self.show_message(f"Cannot check for changes: {message}")

    def stop(self) -> None:
        self.timer.stop()
        self.active = False
        self.queries.stop()
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            try:
                watcher.close()
            except Exception:  # closing a broken connection must not stop the window closing
                log.warning("closing the change feed failed", exc_info=True)


def _rest_of_burst(
    watcher: ProjectWatcher, doc_id: str, changes: list[ProjectChange]
) -> list[ProjectChange]:
    """While notifications about `doc_id` keep coming, collect them (on the worker), so
    that a colleague's burst of edits is re-read once, not once per tick."""
    if not any(c.id == doc_id for c in changes):
        return []
    more: list[ProjectChange] = []
    started = quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < SETTLE_S and time.monotonic() - started < SETTLE_MAX_S:
        time.sleep(0.03)
        arrived = watcher.poll()
        if arrived:
            more += arrived
            quiet_since = time.monotonic()
    return more
