"""Storing an import batch through SQLAlchemy (PostgreSQL): the rows `bulk_writes` plans,
one `insert()` with a list of parameters per table (SQLite uses `bulk_writes` directly)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from annotator.core.model import AnnotatedDocument
from annotator.storage.bulk_writes import TABLES, digests_of, plan_batch
from annotator.storage.models import Base, DocumentRow

CHUNK = 5000  # ids per IN (...) query, well inside PostgreSQL's limits


def taken_ids(conn: Connection, table: Any, wanted: Iterable[str]) -> set[str]:
    """Those of `wanted` already used as ids in `table` (a Table)."""
    ids = [w for w in dict.fromkeys(wanted) if w]
    taken: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        taken.update(conn.scalars(select(table.c.id).where(table.c.id.in_(ids[i : i + CHUNK]))))
    return taken


def add_batch(
    conn: Connection,
    items: Sequence[AnnotatedDocument],
    annotator: str,
    annotator_ids: Mapping[str, str],
    now: datetime,
) -> list[tuple[str, bool]]:
    """Store `items` inside the caller's transaction; (document id, created) per item."""
    digests = digests_of(items)
    known = dict(
        conn.execute(
            select(DocumentRow.content_hash, DocumentRow.id).where(
                DocumentRow.content_hash.in_(set(digests))
            )
        ).all()
    )
    tables = Base.metadata.tables
    plan = plan_batch(
        items,
        annotator,
        annotator_ids=annotator_ids,
        digests=digests,
        known=known,
        last_ordinal=conn.scalar(select(func.max(DocumentRow.ordinal))) or 0,
        taken=lambda table, wanted: taken_ids(conn, tables[table], wanted),
        now=now,
        encode_json=lambda value: value,
        encode_time=lambda value: value,
    )
    for table, columns in TABLES:
        rows = plan.tables[table]
        if rows:
            # Parameters, not .values(): the compiled statement is cached once, instead of
            # building a cache key over every value (the whole text) per row.
            conn.execute(insert(tables[table]), [dict(zip(columns, r, strict=True)) for r in rows])
    return plan.results
