"""The reads `annotator stats` and `annotator export` need, on a SQLite project, with the
standard library's `sqlite3` alone: importing SQLAlchemy costs more than those commands
may take to start. Nothing here imports SQLAlchemy, directly or not.

Each function takes a `sqlite3.Connection` first and returns what the `ProjectRepository`
method of the same name returns; the repository delegates to these on SQLite (and keeps
its SQLAlchemy queries for PostgreSQL). Values decode as SQLAlchemy decodes them on
SQLite: JSON columns through `json.loads`, timestamps (stored as '2026-12-02 18:40:01.123456')
through `datetime.fromisoformat`, naive. Stored rows that break the rules are screened
(and assembled) by `row_screen`, the same code the SQLAlchemy readers use.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import product
from typing import Any, TypeVar

from annotator.core.model import AnnotatedDocument, DocumentAnnotations, ProjectStats, Status
from annotator.core.schema import LabelSchema, default_schema
from annotator.storage.row_screen import (
    CLAIM_COLUMNS,
    DOCUMENT_COLUMNS,
    DOCUMENT_SENTIMENT_COLUMNS,
    ENTITY_COLUMNS,
    TARGET_COLUMNS,
    BadRows,
    annotator_filter,
    assemble_annotations,
    document_of,
    single_annotator,
)
from annotator.storage.sqlite_connect import streaming_cache
from annotator.storage.sqlite_values import chunks, marks, timestamp, unique

SCHEMA_KEY = "label_schema"  # project_meta key of the label schema (as in `repository`)
T = TypeVar("T")

_DOCUMENT_SELECT = f"SELECT {', '.join(DOCUMENT_COLUMNS)}, ordinal FROM documents"
_ANNOTATION_TABLES = (  # (table, columns) in the order `assemble_annotations` takes them
    ("entity_spans", ENTITY_COLUMNS),
    ("claims", CLAIM_COLUMNS),
    ("target_sentiments", TARGET_COLUMNS),
    ("document_sentiments", DOCUMENT_SENTIMENT_COLUMNS),
)


# -- project metadata and annotators ---------------------------------------------------
def load_schema_versioned(conn: sqlite3.Connection) -> tuple[LabelSchema, int]:
    """The label schema and its version (0: never saved, the default schema)."""
    row = conn.execute(
        "SELECT value, version FROM project_meta WHERE key = ?", (SCHEMA_KEY,)
    ).fetchone()
    value = None if row is None else _json(row[0])
    if value is None:
        return default_schema(), 0
    return LabelSchema.from_dict(value), int(row[1] or 1)


def annotator_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Annotator id -> name."""
    return dict(conn.execute("SELECT id, name FROM annotators").fetchall())


# -- counts ------------------------------------------------------------------------------
def count_documents(
    conn: sqlite3.Connection, status: Status | None = None, ids: Sequence[str] | None = None
) -> int:
    """Documents with `status` (any if None) among `ids` (all if None)."""
    where, params = _status_condition(status)
    if ids is None:
        return _count(conn, "documents", where, params)
    return sum(
        _count(conn, "documents", [*where, f"id IN ({marks(chunk)})"], [*params, *chunk])
        for chunk in chunks(unique(ids))
    )


def count_entities(
    conn: sqlite3.Connection,
    status: Status | None = None,
    annotator: str | None = None,
    ids: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> int:
    """Entity spans an export with these filters would read (aggregate queries only).

    Documents and annotators are matched in subqueries: joining them costs 5-10x.
    """
    id_chunks: Sequence[Sequence[str] | None] = [None] if ids is None else chunks(unique(ids))
    label_chunks: Sequence[Sequence[str] | None] = (
        [None] if labels is None else chunks(unique(labels))
    )
    total = 0
    for id_chunk, label_chunk in product(id_chunks, label_chunks):  # disjoint parts
        where, params = _entity_conditions(status, annotator, id_chunk, label_chunk)
        total += _count(conn, "entity_spans", where, params)
    return total


def _entity_conditions(
    status: Status | None,
    annotator: str | None,
    ids: Sequence[str] | None,
    labels: Sequence[str] | None,
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if status is not None or ids is not None:
        docs, doc_params = _status_condition(status)
        if ids is not None:
            docs.append(f"id IN ({marks(ids)})")
            doc_params.extend(ids)
        where.append(f"document_id IN (SELECT id FROM documents WHERE {' AND '.join(docs)})")
        params.extend(doc_params)
    if labels is not None:
        where.append(f"label IN ({marks(labels)})")
        params.extend(labels)
    if annotator is not None:
        where.append("annotator_id = (SELECT id FROM annotators WHERE name = ?)")
        params.append(annotator)
    return where, params


def stats(conn: sqlite3.Connection, since: datetime | None = None) -> ProjectStats:
    """Counts of documents (by status), annotations (by label, by annotator), and of spans
    and claims created at or after `since`."""
    by_status = dict(
        conn.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall()
    )
    labels = conn.execute(
        "SELECT label, count(*) FROM entity_spans GROUP BY label ORDER BY count(*) DESC"
    ).fetchall()
    per_annotator: dict[str, int] = {}
    for table in ("entity_spans", "claims"):
        for name, n in conn.execute(
            f"SELECT annotators.name, count(*) FROM {table} "
            f"JOIN annotators ON annotators.id = {table}.annotator_id GROUP BY annotators.name"
        ):
            per_annotator[name] = per_annotator.get(name, 0) + int(n)
    today = 0
    if since is not None:
        bound = [timestamp(since)]
        for table in ("entity_spans", "claims"):
            today += _count(conn, table, ["created_at >= ?"], bound)
    return ProjectStats(
        documents=sum(by_status.values()),
        by_status={s.value: int(by_status.get(s.value, 0)) for s in Status},
        entities=_count(conn, "entity_spans"),
        claims=_count(conn, "claims"),
        target_sentiments=_count(conn, "target_sentiments"),
        document_sentiments=_count(conn, "document_sentiments"),
        labels={k: int(v) for k, v in labels},
        annotators=per_annotator,
        annotations_today=today,
    )


# -- documents with their annotations -----------------------------------------------------
def iter_annotated(
    conn: sqlite3.Connection,
    status: Status | None = None,
    annotator: str | None = None,
    ids: Sequence[str] | None = None,
    batch_size: int = 500,
    *,
    bad_rows: BadRows | None = None,
    after: int = -1,
    upto: int | None = None,
) -> Iterator[AnnotatedDocument]:
    """Stream documents with annotations in import order, from one consistent snapshot.

    Only documents whose ordinal is above `after` and at most `upto` (None: no bound) are
    read: disjoint ranges of one snapshot can be read side by side (`ordinal_bounds`).

    Outside a transaction, a read transaction is begun and ended (rolled back) when the
    generator finishes or is closed, with SQLite's small page cache meanwhile (see
    `streaming_cache`); inside the caller's transaction, it just reads.
    Unusable stored rows are skipped and reported to `bad_rows`.
    """
    span = (after, upto)
    own = not conn.in_transaction
    if not own:  # the caller's transaction, perhaps writing: its page cache stays
        yield from _annotated_batches(conn, status, annotator, ids, batch_size, bad_rows, span)
        return
    conn.execute("BEGIN")
    try:
        with streaming_cache(conn):
            yield from _annotated_batches(conn, status, annotator, ids, batch_size, bad_rows, span)
    finally:
        if conn.in_transaction:
            conn.rollback()


def _annotated_batches(
    conn: sqlite3.Connection,
    status: Status | None,
    annotator: str | None,
    ids: Sequence[str] | None,
    batch_size: int,
    bad_rows: BadRows | None,
    span: tuple[int, int | None] = (-1, None),
) -> Iterator[AnnotatedDocument]:
    """The batches of `iter_annotated`, inside its transaction."""
    names = annotator_names(conn)
    only = annotator_filter(annotator, names)
    for rows in _document_batches(conn, status, ids, batch_size, span):
        docs = [document_of(_document_values(row), bad_rows) for row in rows]
        lengths = {d.id: len(d.text) for d in docs}
        anns = load_batch(conn, list(lengths), names, only, bad_rows, lengths)
        for doc in docs:
            found = anns.get(doc.id)
            if found is None:  # (load_batch gives every document an entry)
                found = DocumentAnnotations()
            yield AnnotatedDocument(doc, found, single_annotator(found, annotator))


def load_batch(
    conn: sqlite3.Connection,
    doc_ids: Sequence[str],
    names: Mapping[str, str],
    only: str | None,
    bad: BadRows | None = None,
    lengths: Mapping[str, int] | None = None,
) -> dict[str, DocumentAnnotations]:
    """Annotations of several documents (of annotator id `only`, all if None): one query
    per table and CHUNK documents; see `row_screen.assemble_annotations`."""
    entities, claims, targets, sentiments = (
        _annotation_rows(conn, table, columns, doc_ids, only)
        for table, columns in _ANNOTATION_TABLES
    )
    decoded = [(*row[:7], _json(row[7])) for row in claims]  # attributes: a JSON column
    return assemble_annotations(
        doc_ids, names, (entities, decoded, targets, sentiments), bad, lengths
    )


def _annotation_rows(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    doc_ids: Sequence[str],
    only: str | None,
) -> list[Any]:
    rows: list[Any] = []
    for chunk in chunks(doc_ids):
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE document_id IN ({marks(chunk)})"
        if only is None:
            rows += conn.execute(sql, chunk).fetchall()
        else:
            rows += conn.execute(f"{sql} AND annotator_id = ?", [*chunk, only]).fetchall()
    return rows


def _document_batches(
    conn: sqlite3.Connection,
    status: Status | None,
    ids: Sequence[str] | None,
    size: int,
    span: tuple[int, int | None] = (-1, None),
) -> Iterator[list[Any]]:
    """Document rows (DOCUMENT_COLUMNS, then ordinal) in import order, `size` at a time,
    of the ordinals in `span` (above its first, at most its second unless that is None)."""
    last, upto = span
    if ids is not None:
        if span != (-1, None):
            raise ValueError("a range of ordinals cannot be combined with listed documents")
        yield from _listed_document_batches(conn, status, ids, size)
        return
    where, params = _status_condition(status)
    if upto is not None:
        where.append("ordinal <= ?")
        params.append(upto)
    sql = f"{_DOCUMENT_SELECT} WHERE {' AND '.join(['ordinal > ?', *where])} "
    sql += "ORDER BY ordinal LIMIT ?"
    while rows := conn.execute(sql, [last, *params, size]).fetchall():
        last = rows[-1][-1]
        yield rows


def ordinal_bounds(
    conn: sqlite3.Connection, status: Status | None, every: int
) -> list[tuple[int, int | None]]:
    """Ranges (above, at most) of ordinals that split the documents with `status` (all if
    None) `every` at a time, in order; the last range has no upper bound, so together they
    cover every ordinal `iter_annotated` reads, whatever was added meanwhile."""
    where, params = _status_condition(status)
    sql = f"SELECT ordinal FROM documents WHERE {' AND '.join(['ordinal > -1', *where])} "
    ordinals = [row[0] for row in conn.execute(sql + "ORDER BY ordinal", params)]
    ranges: list[tuple[int, int | None]] = []
    low = -1
    for i in range(every - 1, len(ordinals) - 1, every):
        ranges.append((low, ordinals[i]))
        low = ordinals[i]
    ranges.append((low, None))
    return ranges


def _listed_document_batches(
    conn: sqlite3.Connection, status: Status | None, ids: Sequence[str], size: int
) -> Iterator[list[Any]]:
    """`_document_batches` among `ids`: their ordinals first (CHUNK ids a query), then the
    rows of `size` of them at a time."""
    where, params = _status_condition(status)
    keys: list[tuple[int, str]] = []
    for chunk in chunks(unique(ids)):
        conditions = " AND ".join(["ordinal > -1", *where, f"id IN ({marks(chunk)})"])
        keys += conn.execute(
            f"SELECT ordinal, id FROM documents WHERE {conditions}", [*params, *chunk]
        ).fetchall()
    keys.sort()
    for batch in chunks([doc_id for _ordinal, doc_id in keys], size):
        found: dict[str, Any] = {}
        for chunk in chunks(batch):
            sql = f"{_DOCUMENT_SELECT} WHERE id IN ({marks(chunk)})"
            found.update((row[0], row) for row in conn.execute(sql, chunk))
        yield [found[doc_id] for doc_id in batch]


def _document_values(row: Sequence[Any]) -> tuple[Any, ...]:
    """A documents row (DOCUMENT_COLUMNS, ordinal) decoded: meta JSON, timestamps."""
    doc_id, title, text, source, meta, status, digest, created, updated, _ordinal = row
    return (
        doc_id,
        title,
        text,
        source,
        _json(meta),
        status,
        digest,
        _timestamp(created),
        _timestamp(updated),
    )


# -- SQL and value helpers ----------------------------------------------------------------
def _count(
    conn: sqlite3.Connection, table: str, where: Sequence[str] = (), params: Sequence[Any] = ()
) -> int:
    sql = f"SELECT count(*) FROM {table}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    row = conn.execute(sql, params).fetchone()
    return int(row[0] or 0)


def _status_condition(status: Status | None) -> tuple[list[str], list[Any]]:
    if status is None:
        return [], []
    return ["status = ?"], [status.value]


def _json(value: Any) -> Any:
    """A JSON column's value, as SQLAlchemy's JSON type reads it."""
    if value is None:
        return None
    return {} if value == "{}" else json.loads(value)  # most documents have no metadata


def _timestamp(value: Any) -> datetime | None:
    """A DateTime column's value, as SQLAlchemy's SQLite dialect reads it (naive)."""
    return None if value is None else datetime.fromisoformat(value)
