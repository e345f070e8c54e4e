"""Storing a batch of imported documents with their annotations: one statement per table.

Ids the source gave are kept where they are free (in the database and in this batch);
others get fresh ids, and claims, speakers and target sentiments follow the renames.

On SQLite the rows go to the driver's `executemany` with each column converted once by
the column type's own bind processor (a timestamp shared by the batch is converted
once), so the stored values are those SQLAlchemy's `insert()` would store, without its
per-row parameter processing (about 40% of an import's Python time). Other back ends
use `insert()` with a list of parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument
from annotator.storage.models import (
    ClaimRow,
    DocumentRow,
    DocumentSentimentRow,
    EntityRow,
    TargetSentimentRow,
)

CHUNK = 5000  # ids per IN (...) query, well inside SQLite's and PostgreSQL's limits


def taken_ids(conn: Connection, table: Any, wanted: Iterable[str]) -> set[str]:
    """Those of `wanted` already used as ids in `table`."""
    ids = [w for w in dict.fromkeys(wanted) if w]
    taken: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        taken.update(conn.scalars(select(table.id).where(table.id.in_(ids[i : i + CHUNK]))))
    return taken


def insert_rows(conn: Connection, table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` (a Table) in one executemany."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    dialect = conn.dialect
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    columns: list[list[Any]] = []
    for key in compiled.positiontup or ():
        values = [r[key] for r in rows]
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            if isinstance(values[0], datetime):  # mostly one `now`: convert each once
                once = {v: process(v) for v in set(values)}
                values = [once[v] for v in values]
            else:
                values = [process(v) for v in values]
        columns.append(values)
    conn.exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))


class _Ids:
    """Fresh ids for one table: a wanted id if nobody has it yet, else a new one."""

    def __init__(self, conn: Connection, table: Any, wanted: Iterable[str]) -> None:
        self.used = taken_ids(conn, table, wanted)

    def claim(self, wanted: str) -> str:
        chosen = wanted if wanted and wanted not in self.used else new_id()
        self.used.add(chosen)
        return chosen


def document_ids(conn: Connection, items: Sequence[AnnotatedDocument]) -> list[str]:
    """The id each new document is stored under (its own where free)."""
    ids = _Ids(conn, DocumentRow, (i.document.id for i in items))
    return [ids.claim(i.document.id) for i in items]


def insert_batch(
    conn: Connection,
    docs: Sequence[tuple[AnnotatedDocument, str, int, str]],
    annotator: str,
    annotator_ids: Mapping[str, str],
    now: datetime,
) -> None:
    """Insert (item, document id, ordinal, content hash) rows and their annotations."""
    if not docs:
        return
    # Parameters, not .values(): the compiled statement is cached once, instead of building
    # a cache key over every value (the whole text) per row.
    insert_rows(
        conn,
        DocumentRow.__table__,
        [
            dict(
                id=doc_id,
                ordinal=ordinal,
                title=item.document.title,
                source=item.document.source,
                text=item.document.text,
                length=len(item.document.text),
                meta=dict(item.document.meta),
                status=item.document.status.value,
                content_hash=digest,
                version=1,
                created_at=item.document.created_at or now,
                updated_at=item.document.updated_at or now,
            )
            for item, doc_id, ordinal, digest in docs
        ],
    )
    who = annotator_ids
    entity_ids = _Ids(conn, EntityRow, (e for d in docs for e in d[0].annotations.entities))
    claim_ids = _Ids(conn, ClaimRow, (c for d in docs for c in d[0].annotations.claims))
    target_ids = _Ids(conn, TargetSentimentRow, (t for d in docs for t in d[0].annotations.targets))
    entities: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    sentiments: list[dict[str, Any]] = []
    for item, doc_id, _ordinal, _digest in docs:
        ann = item.annotations
        renamed = {e: entity_ids.claim(e) for e in ann.entities}
        entities.extend(
            dict(
                id=renamed[e.id],
                document_id=doc_id,
                annotator_id=who[e.annotator or annotator],
                start_offset=e.start,
                end_offset=e.end,
                label=e.label,
                created_at=now,
                updated_at=now,
            )
            for e in ann.entities.values()
        )
        claims.extend(
            dict(
                id=claim_ids.claim(c.id),
                document_id=doc_id,
                annotator_id=who[c.annotator or annotator],
                start_offset=c.start,
                end_offset=c.end,
                speaker_entity_id=renamed[c.speaker_id] if c.speaker_id else None,
                speaker_text=c.speaker_text,
                attributes=dict(c.attributes),
                created_at=now,
                updated_at=now,
            )
            for c in ann.claims.values()
        )
        targets.extend(
            dict(
                id=target_ids.claim(t.id),
                document_id=doc_id,
                annotator_id=who[t.annotator or annotator],
                entity_id=renamed[t.entity_id],
                label=t.label,
                created_at=now,
            )
            for t in ann.targets.values()
        )
        if ann.document_sentiment:
            sentiments.append(
                dict(
                    document_id=doc_id,
                    annotator_id=who[item.annotator or annotator],
                    label=ann.document_sentiment,
                    created_at=now,
                )
            )
    for table, rows in (
        (EntityRow, entities),
        (ClaimRow, claims),
        (TargetSentimentRow, targets),
        (DocumentSentimentRow, sentiments),
    ):
        insert_rows(conn, table.__table__, rows)
