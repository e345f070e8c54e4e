"""Learning of other clients' committed changes: LISTEN/NOTIFY, with polling as fallback.

A feed's `poll()` never blocks for long and returns what changed since the last call.
`NotifyFeed` (PostgreSQL) listens on the channel the triggers of revision 0002 notify;
when its connection breaks it polls instead and listens again once the server is back.
`PollingFeed` works on every back end by comparing document versions and timestamps.

A client does not hear of its own writes: every connection of an engine records its
server backend's pid (`track_own_connections`), and notifications sent from those
backends are dropped. A feed's `poll()` may block on the network (a reconnect): call it
off the GUI thread.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import DBAPIError

from annotator.storage.models import (
    AssignmentRow,
    ClaimRow,
    DocumentRow,
    DocumentSentimentRow,
    EntityRow,
    MetaRow,
    TargetSentimentRow,
)
from annotator.storage.postgres import CHANNEL

log = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(seconds=30)  # other clients stamp rows with their own clocks
# libpq settings for server connections: give up connecting after 10 s, and notice a dead
# server within about a minute on an idle connection (the LISTEN one is idle by design).
SERVER_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}

_own_backends: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()
_own_lock = threading.Lock()


def track_own_connections(engine: Engine) -> None:
    """Record the server backend pid of every connection `engine` opens (PostgreSQL)."""
    with _own_lock:
        if engine in _own_backends:
            return
        pids = _own_backends[engine] = set()

    @event.listens_for(engine, "connect")
    def _connected(dbapi_conn: Any, _record: Any) -> None:
        pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
        if isinstance(pid, int):
            with _own_lock:
                pids.add(pid)

    @event.listens_for(engine, "close")
    def _closed(dbapi_conn: Any, _record: Any) -> None:
        pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
        with _own_lock:
            pids.discard(pid)


def own_backends(engine: Engine) -> frozenset[int]:
    """Pids of the server backends this client's connections use."""
    with _own_lock:
        return frozenset(_own_backends.get(engine, ()))


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A committed change: table is documents, project_meta or assignments; id its key."""

    table: str
    id: str | None = None
    by: str | None = None
    op: str | None = None  # INSERT, UPDATE or DELETE when known


class ChangeFeed(Protocol):
    def poll(self) -> list[StoredChange]: ...
    def close(self) -> None: ...


class PollingFeed:
    """Compares documents (id, version, updated_at), counts and meta versions between polls."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Edits refresh documents.updated_at only now and then (DocumentEditor._touch),
        # so the annotation tables themselves are compared too.
        self._deep = True
        self._annotations: dict[str, tuple[Any, ...]] = {}
        self._docs: dict[str, tuple[int, Any]] = {}
        self._meta: dict[str, int] = {}
        self._counts: tuple[int, int] = (-1, -1)
        self._since: datetime | None = None
        self.poll()  # the baseline: no changes reported for what is already there

    def poll(self) -> list[StoredChange]:
        first = self._since is None
        changes: list[StoredChange] = []
        with self.engine.connect() as conn:
            counts = (
                int(conn.scalar(select(func.count()).select_from(DocumentRow)) or 0),
                int(conn.scalar(select(func.count()).select_from(AssignmentRow)) or 0),
            )
            query = select(DocumentRow.id, DocumentRow.version, DocumentRow.updated_at)
            if self._since is not None:
                query = query.where(DocumentRow.updated_at >= self._since - CLOCK_SKEW)
            newest = self._since
            for doc_id, version, updated in conn.execute(query):
                state = (int(version), updated)
                if self._docs.get(doc_id) != state:
                    if not first:
                        changes.append(StoredChange("documents", doc_id))
                    self._docs[doc_id] = state
                stamp = _aware(updated)
                if newest is None or stamp > newest:
                    newest = stamp
            self._since = newest or datetime.now(timezone.utc)
            meta = {k: int(v or 0) for k, v in conn.execute(select(MetaRow.key, MetaRow.version))}
            if self._deep:
                annotations = _annotation_fingerprints(conn)
                for doc_id in annotations.keys() | self._annotations.keys():
                    if annotations.get(doc_id) != self._annotations.get(doc_id) and not first:
                        change = StoredChange("documents", doc_id)
                        if change not in changes:
                            changes.append(change)
                self._annotations = annotations
        for key, version in meta.items():
            if self._meta.get(key) != version and not first:
                changes.append(StoredChange("project_meta", key))
        if counts[0] != self._counts[0] and not first:
            changes.append(StoredChange("documents"))  # added or deleted documents
        if counts[1] != self._counts[1] and not first:
            changes.append(StoredChange("assignments"))
        self._meta, self._counts = meta, counts
        return changes

    def close(self) -> None:
        pass


def _annotation_fingerprints(conn: Any) -> dict[str, tuple[Any, ...]]:
    """document id -> (count, newest stamp) of each annotation table."""
    out: dict[str, list[Any]] = {}
    tables: tuple[tuple[Any, Any], ...] = (
        (EntityRow, EntityRow.updated_at),
        (ClaimRow, ClaimRow.updated_at),
        (TargetSentimentRow, TargetSentimentRow.created_at),
        (DocumentSentimentRow, DocumentSentimentRow.created_at),
    )
    for i, (table, stamp) in enumerate(tables):
        query = select(table.document_id, func.count(), func.max(stamp)).group_by(table.document_id)
        for doc_id, count, newest in conn.execute(query):
            out.setdefault(doc_id, [None] * (2 * len(tables)))[2 * i : 2 * i + 2] = [count, newest]
    return {k: tuple(v) for k, v in out.items()}


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=timezone.utc)


class NotifyFeed:
    """LISTENs on its own connection; falls back to a `PollingFeed` while that is down."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._fallback = PollingFeed(engine)
        self._conn: Any = None
        self._listen()

    @property
    def listening(self) -> bool:
        return self._conn is not None

    def _listen(self) -> None:
        try:
            raw = self.engine.raw_connection()
        except DBAPIError:
            self._conn = None
            return
        conn: Any = raw.driver_connection
        raw.detach()  # this connection is ours alone, never returned to the pool
        try:
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
        except Exception:  # the server went away meanwhile: poll, try again later
            log.warning("cannot listen for changes; polling instead", exc_info=True)
            _close_quietly(conn)
            self._conn = None
            return
        self._conn = conn

    def poll(self) -> list[StoredChange]:
        if self._conn is None:
            changes = self._poll_fallback()
            self._listen()
            if self._conn is not None:
                try:
                    self._fallback = PollingFeed(self.engine)  # fresh baseline once listening
                except DBAPIError:
                    self._drop()
            return changes
        try:
            found = list(self._conn.notifies(timeout=0.0))
        except Exception:  # the server went away: poll until it is back
            log.warning("the change notification connection broke; polling", exc_info=True)
            self._drop()
            return self._poll_fallback()
        mine = own_backends(self.engine)
        return [_parse(n.payload) for n in found if n.pid not in mine]

    def _poll_fallback(self) -> list[StoredChange]:
        try:
            return self._fallback.poll()
        except DBAPIError:
            return []

    def _drop(self) -> None:
        _close_quietly(self._conn)
        self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            self._drop()


def _close_quietly(conn: Any) -> None:
    """Close a driver connection that may already be broken (logged, never raised)."""
    try:
        conn.close()
    except Exception:  # a broken connection may fail to close; it is gone either way
        log.debug("closing a change feed connection failed", exc_info=True)


def _parse(payload: str) -> StoredChange:
    try:
        data = json.loads(payload)
        return StoredChange(str(data["table"]), data.get("id"), data.get("by"), data.get("op"))
    except (ValueError, KeyError, TypeError):
        return StoredChange("documents")


def open_feed(engine: Engine, *, listen: bool = True) -> ChangeFeed:
    """NOTIFY-driven on PostgreSQL (unless `listen` is False), polling elsewhere."""
    if listen and engine.dialect.name == "postgresql":
        return NotifyFeed(engine)
    return PollingFeed(engine)
