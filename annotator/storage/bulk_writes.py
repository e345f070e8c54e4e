"""Storing a batch of imported documents with their annotations, one statement per table.

The rows are planned once for every back end (`plan_batch`): a text already stored is not
stored again, ids the source gave are kept where they are free (in the database and in the
batch) and others get fresh ids, with claims, speakers and target sentiments following the
renames. SQLite projects then get them through the standard library's `executemany`
(`add_batch_sqlite`, no SQLAlchemy: the command line imports without loading it), values
encoded as SQLAlchemy would store them (`sqlite_values`); PostgreSQL goes through
SQLAlchemy (`batch_insert`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument, utc_now
from annotator.core.text import content_hash
from annotator.storage.sqlite_connect import bulk_cache
from annotator.storage.sqlite_values import chunks, json_text, marks, timestamp, unique

DOCUMENT_COLUMNS = (
    "id",
    "ordinal",
    "title",
    "source",
    "text",
    "length",
    "meta",
    "status",
    "content_hash",
    "version",
    "created_at",
    "updated_at",
)
ENTITY_COLUMNS = (
    "id",
    "document_id",
    "annotator_id",
    "start_offset",
    "end_offset",
    "label",
    "created_at",
    "updated_at",
)
CLAIM_COLUMNS = (
    "id",
    "document_id",
    "annotator_id",
    "start_offset",
    "end_offset",
    "speaker_entity_id",
    "speaker_text",
    "attributes",
    "created_at",
    "updated_at",
)
TARGET_COLUMNS = ("id", "document_id", "annotator_id", "entity_id", "label", "created_at")
SENTIMENT_COLUMNS = ("document_id", "annotator_id", "label", "created_at")
TABLES = (
    ("documents", DOCUMENT_COLUMNS),
    ("entity_spans", ENTITY_COLUMNS),
    ("claims", CLAIM_COLUMNS),
    ("target_sentiments", TARGET_COLUMNS),
    ("document_sentiments", SENTIMENT_COLUMNS),
)

log = logging.getLogger(__name__)

Row = tuple[Any, ...]
# (table, wanted ids) -> those already taken in the database
TakenIds = Callable[[str, Iterable[str]], set[str]]


@dataclass
class BatchRows:
    """The rows of each table (in `TABLES` order and column order) and each item's
    (document id, created)."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t, _c in TABLES})
    results: list[tuple[str, bool]] = field(default_factory=list)


def annotator_names(items: Sequence[AnnotatedDocument], annotator: str) -> set[str]:
    """The names of everyone whose annotations the batch stores (`annotator` by default)."""
    names: set[str] = set()
    for item in items:
        ann = item.annotations
        names.update(x.annotator or annotator for x in ann.entities.values())
        names.update(x.annotator or annotator for x in ann.claims.values())
        names.update(x.annotator or annotator for x in ann.targets.values())
        if ann.document_sentiment:
            names.add(item.annotator or annotator)
    names.discard("")
    return names


def digests_of(items: Sequence[AnnotatedDocument]) -> list[str]:
    return [item.document.content_hash or content_hash(item.document.text) for item in items]


class _Ids:
    """Fresh ids for one table: a wanted id if nobody has it yet, else a new one."""

    def __init__(self, used: set[str]) -> None:
        self.used = used

    def claim(self, wanted: str) -> str:
        chosen = wanted if wanted and wanted not in self.used else new_id()
        self.used.add(chosen)
        return chosen


def _kept_or_renamed(taken: TakenIds, table: str, wanted: list[str]) -> _Ids | None:
    """None when every wanted id is non-empty, distinct and free (the usual import: ids
    are kept as given, no per-id bookkeeping), else the `_Ids` that renames clashes."""
    used = taken(table, wanted)
    if not used and "" not in wanted and len(set(wanted)) == len(wanted):
        return None
    return _Ids(used)


def plan_batch(
    items: Sequence[AnnotatedDocument],
    annotator: str,
    *,
    annotator_ids: Mapping[str, str],
    digests: Sequence[str],
    known: Mapping[str, str],
    last_ordinal: int,
    taken: TakenIds,
    now: Any,
    encode_json: Callable[[Any], Any],
    encode_time: Callable[[datetime], Any],
) -> BatchRows:
    """The rows that store `items`: `known` maps stored texts' hashes to their documents,
    `now` is the batch's (encoded) time, `encode_*` turn values into what the driver takes."""
    plan = BatchRows()
    seen = dict(known)
    fresh: list[tuple[AnnotatedDocument, str]] = []  # new texts, the first copy of each
    for item, digest in zip(items, digests, strict=True):
        if digest not in seen:
            seen[digest] = ""  # its id is chosen below; later copies are duplicates
            fresh.append((item, digest))
    doc_ids = _Ids(taken("documents", (i.document.id for i, _d in fresh)))
    entity_ids = _kept_or_renamed(
        taken, "entity_spans", [e for i, _d in fresh for e in i.annotations.entities]
    )
    claim_ids = _Ids(taken("claims", (c for i, _d in fresh for c in i.annotations.claims)))
    target_ids = _Ids(
        taken("target_sentiments", (t for i, _d in fresh for t in i.annotations.targets))
    )
    documents, entities, claims = (plan.tables[t] for t in ("documents", "entity_spans", "claims"))
    targets, sentiments = plan.tables["target_sentiments"], plan.tables["document_sentiments"]
    who = annotator_ids
    ordinal = last_ordinal
    created: set[str] = set()
    for item, digest in fresh:
        doc = item.document
        doc_id = doc_ids.claim(doc.id)
        seen[digest] = doc_id
        created.add(doc_id)
        ordinal += 1
        made = encode_time(doc.created_at) if doc.created_at else now
        changed = encode_time(doc.updated_at) if doc.updated_at else now
        documents.append(
            (
                doc_id,
                ordinal,
                doc.title,
                doc.source,
                doc.text,
                len(doc.text),
                encode_json(dict(doc.meta)),
                doc.status.value,
                digest,
                1,
                made,
                changed,
            )
        )
        ann = item.annotations
        # the source's ids, unless some clash (then `renamed` maps each one to its new id)
        renamed = {} if entity_ids is None else {e: entity_ids.claim(e) for e in ann.entities}
        entities.extend(
            (
                renamed.get(e.id, e.id),
                doc_id,
                who[e.annotator or annotator],
                e.start,
                e.end,
                e.label,
                now,
                now,
            )
            for e in ann.entities.values()
        )
        if ann.claims:
            claims.extend(
                (
                    claim_ids.claim(c.id),
                    doc_id,
                    who[c.annotator or annotator],
                    c.start,
                    c.end,
                    renamed.get(c.speaker_id, c.speaker_id) if c.speaker_id else None,
                    c.speaker_text,
                    encode_json(dict(c.attributes)),
                    now,
                    now,
                )
                for c in ann.claims.values()
            )
        if ann.targets:
            targets.extend(
                (
                    target_ids.claim(t.id),
                    doc_id,
                    who[t.annotator or annotator],
                    renamed.get(t.entity_id, t.entity_id),
                    t.label,
                    now,
                )
                for t in ann.targets.values()
            )
        if ann.document_sentiment:
            sentiments.append(
                (doc_id, who[item.annotator or annotator], ann.document_sentiment, now)
            )
    for digest in digests:  # in order: each text's first copy is the one created
        doc_id = seen[digest]
        plan.results.append((doc_id, doc_id in created))
        created.discard(doc_id)
    return plan


# -- SQLite, through the standard library ------------------------------------------------

_KNOWN_TEXTS = "SELECT content_hash, id FROM documents"


def add_batch_sqlite(
    conn: sqlite3.Connection, items: Sequence[AnnotatedDocument], annotator: str
) -> list[tuple[str, bool]]:
    """Store `items` in one transaction (see `ProjectRepository.add_annotated_batch`).

    Begins and commits its own transaction unless `conn` is already in one (then the
    caller commits). Raises the driver's errors (sqlite3.IntegrityError for a refused row).
    """
    return begin_batch_sqlite(conn, items, annotator, in_background=False).wait()


class BatchInFlight:
    """A stored batch whose commit may still be running: `results` are final once `wait`
    returns; `wait` raises the commit's error (the batch was then rolled back)."""

    def __init__(
        self,
        results: list[tuple[str, bool]],
        commit: threading.Thread | None = None,
        translate: Callable[[BaseException], BaseException] | None = None,
        finish: Callable[[], None] | None = None,
    ) -> None:
        self.results = results
        self._commit = commit
        self._translate = translate
        self._finish = finish  # e.g. give a pooled connection back, once the commit is done
        self.error: BaseException | None = None

    def wait(self) -> list[tuple[str, bool]]:
        if self._commit is not None:
            self._commit.join()
            self._commit = None
        if self._finish is not None:
            finish, self._finish = self._finish, None
            finish()
        if self.error is not None:
            error, self.error = self.error, None
            mapped = self._translate(error) if self._translate is not None else error
            if mapped is error:
                raise error
            raise mapped from error
        return self.results


def begin_batch_sqlite(
    conn: sqlite3.Connection,
    items: Sequence[AnnotatedDocument],
    annotator: str,
    translate: Callable[[BaseException], BaseException] | None = None,
    finish: Callable[[], None] | None = None,
    *,
    in_background: bool = True,
) -> BatchInFlight:
    """`add_batch_sqlite` whose COMMIT runs on a worker thread (`in_background`).

    Writing a batch to disk (the fsync of the commit, about a sixth of an import) releases
    the interpreter lock, so the caller parses the next batch meanwhile. The caller must
    `wait` before using `conn` again; `conn` must allow use from another thread (as
    `sqlite_connect.connect` makes it). A failed commit rolls the batch back.
    """
    for item in items:
        item.validate()
    if conn.in_transaction:  # the caller's transaction: the caller commits
        with bulk_cache(conn):
            return BatchInFlight(_add_batch(conn, items, annotator), finish=finish)
    cache = bulk_cache(conn)
    cache.__enter__()
    try:
        conn.execute("BEGIN IMMEDIATE")
        results = _add_batch(conn, items, annotator)
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        cache.__exit__(type(exc), exc, exc.__traceback__)
        raise
    batch = BatchInFlight(results, translate=translate, finish=finish)

    def commit() -> None:
        try:
            conn.execute("COMMIT")
        except BaseException as exc:  # handed to `wait`, which raises it
            batch.error = exc
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.warning("rollback after a failed commit failed", exc_info=True)
        finally:
            try:
                cache.__exit__(None, None, None)
            except sqlite3.Error:
                log.warning("could not restore the page cache size", exc_info=True)

    if not in_background:
        commit()
        return batch
    batch._commit = threading.Thread(target=commit, name="batch-commit", daemon=True)
    batch._commit.start()
    return batch


def _add_batch(
    conn: sqlite3.Connection, items: Sequence[AnnotatedDocument], annotator: str
) -> list[tuple[str, bool]]:
    now = timestamp(utc_now())
    digests = digests_of(items)
    plan = plan_batch(
        items,
        annotator,
        annotator_ids=sqlite_annotator_ids(conn, annotator_names(items, annotator), now),
        digests=digests,
        known=dict(_select_in(conn, _KNOWN_TEXTS, "content_hash", digests)),
        last_ordinal=conn.execute("SELECT COALESCE(MAX(ordinal), 0) FROM documents").fetchone()[0],
        taken=lambda table, wanted: {
            r[0] for r in _select_in(conn, f"SELECT id FROM {table}", "id", wanted)
        },
        now=now,
        encode_json=json_text,
        encode_time=timestamp,
    )
    for table, columns in TABLES:
        rows = plan.tables[table]
        if rows:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            conn.executemany(sql, rows)
    return plan.results


def sqlite_annotator_ids(
    conn: sqlite3.Connection, names: Iterable[str], now: str
) -> dict[str, str]:
    """name -> id for `names`, adding those not stored yet (inside the caller's transaction)."""
    wanted = sorted(set(names))
    stored = _select_in(conn, "SELECT id, name FROM annotators", "name", wanted)
    ids = {name: i for i, name in stored}
    for name in wanted:
        if name not in ids:
            ids[name] = new_id()
            conn.execute(
                "INSERT INTO annotators (id, name, created_at) VALUES (?, ?, ?)",
                (ids[name], name, now),
            )
    return ids


def _select_in(
    conn: sqlite3.Connection, query: str, column: str, values: Iterable[str]
) -> list[Row]:
    """Rows of `query WHERE column IN values`, asked in chunks."""
    rows: list[Row] = []
    for chunk in chunks([v for v in unique(values) if v]):
        rows.extend(conn.execute(f"{query} WHERE {column} IN ({marks(chunk)})", chunk))
    return rows
