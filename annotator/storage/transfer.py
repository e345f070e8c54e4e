"""Copying a whole project's rows between databases (SQLite <-> PostgreSQL), and verifying it.

Rows are streamed table by table in foreign-key order and written in batches inside one
destination transaction: either everything arrives or nothing does. Ids, annotators,
timestamps and versions are kept as they are. `table_digests` summarises every table as
(row count, order-independent SHA-256 of its rows), comparable across back ends.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, String, Table, func, insert, select

from annotator.core.text import content_hash
from annotator.storage.models import Base, DocumentRow
from annotator.storage.row_screen import BadRows, attributes_problem, offsets_problem, status_of

BATCH = 1000
_MOD = 1 << 256


class TransferError(RuntimeError):
    """The copy could not be made or does not match its source; the message says why."""


def tables() -> list[Table]:
    """The project's tables, parents before children."""
    return list(Base.metadata.sorted_tables)


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables()
        }


def _utc(value: Any) -> Any:
    """Timestamps as aware UTC (SQLite hands back naive UTC, PostgreSQL the session zone)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    return value


class CopyScreen:
    """What a copy does with stored rows that break the rules (see `row_screen`): a document
    with an unknown status is copied as "todo"; spans and claims whose offsets do not fit
    the text, and claims whose attributes are not a JSON object of strings, are left out,
    with what depends on them (a claim loses a left-out speaker). Each is reported."""

    def __init__(self, bad: BadRows | None = None) -> None:
        self.bad = bad
        self._lengths: dict[str, int] = {}
        self._dropped: set[str] = set()

    def _report(self, message: str) -> None:
        if self.bad is not None:
            self.bad.report(message)

    def apply(self, table: str, row: dict[str, Any]) -> dict[str, Any] | None:
        """The row to copy (maybe changed), or None to leave it out."""
        if table == "documents":
            self._lengths[row["id"]] = len(row["text"])
            status = status_of(row["status"], row["id"], self.bad).value
            return row if status == row["status"] else {**row, "status": status}
        if table in ("entity_spans", "claims"):
            n = self._lengths.get(row["document_id"])
            problem = offsets_problem(row["start_offset"], row["end_offset"], n)
            if problem is None and table == "claims":
                if row["attributes"] is None:  # JSON null: no attributes
                    row = {**row, "attributes": {}}
                problem = attributes_problem(row["attributes"])
            if problem is not None:
                self._report(f"{table} row {row['id']}: {problem}; not copied")
                self._dropped.add(row["id"])
                return None
            if table == "claims" and row["speaker_entity_id"] in self._dropped:
                return {**row, "speaker_entity_id": None}
        if table == "target_sentiments" and row["entity_id"] in self._dropped:
            self._report(f"target_sentiments row {row['id']}: its span was not copied")
            return None
        return row


def check_copyable(source: Engine, target_backend: str) -> None:
    """Raise TransferError naming the first value a `target_backend` database would refuse
    (PostgreSQL: text with a NUL character, or longer than its column allows), so that a
    copy is refused before anything is written. SQLite stores any text."""
    if target_backend != "postgresql":
        return
    with source.connect() as conn:
        for table in tables():
            texts = [c for c in table.columns if isinstance(c.type, String)]
            if not texts:
                continue
            keys = list(table.primary_key.columns)
            query = select(*keys, *(c for c in texts if c not in keys))
            for row in conn.execution_options(yield_per=BATCH).execute(query):
                values = row._mapping
                where = "/".join(str(values[k.name]) for k in keys)
                for column in texts:
                    value = values[column.name]
                    if not isinstance(value, str):
                        continue
                    limit = getattr(column.type, "length", None)
                    if "\x00" in value:
                        raise TransferError(
                            f"{table.name} {where}: {column.name} contains a NUL character, "
                            "which PostgreSQL cannot store"
                        )
                    if limit is not None and len(value) > limit:
                        raise TransferError(
                            f"{table.name} {where}: {column.name} is {len(value)} characters "
                            f"long; PostgreSQL stores at most {limit} there"
                        )


def copy_rows(
    source: Engine,
    target: Engine,
    progress: Callable[[str, int], None] | None = None,
    batch: int = BATCH,
    bad: BadRows | None = None,
) -> dict[str, int]:
    """Copy every row of every table from `source` into the empty `target`; returns counts.

    Unusable rows are screened (see `CopyScreen`) and reported to `bad`."""
    busy = {name: n for name, n in row_counts(target).items() if n}
    if busy:
        detail = ", ".join(f"{n} {name}" for name, n in sorted(busy.items()))
        raise TransferError(f"the destination is not empty ({detail}); copy into a new project")
    copied: dict[str, int] = {}
    screen = CopyScreen(bad)
    with source.connect() as src, target.begin() as dst:
        for table in tables():
            order = list(table.primary_key.columns)
            result = src.execution_options(yield_per=batch).execute(select(table).order_by(*order))
            count = 0
            for part in result.partitions():
                rows = [
                    kept
                    for row in part
                    if (
                        kept := screen.apply(
                            table.name, {k: _utc(v) for k, v in row._mapping.items()}
                        )
                    )
                    is not None
                ]
                if rows:
                    dst.execute(insert(table), rows)
                count += len(rows)
                if progress is not None:
                    progress(table.name, count)
            copied[table.name] = count
    return copied


def _encode(value: Any) -> Any:
    value = _utc(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def table_digests(engine: Engine, screen: CopyScreen | None = None) -> dict[str, tuple[int, str]]:
    """table -> (rows, digest). The digest is the sum of per-row SHA-256s (order-independent).

    With `screen`, of the rows a copy screened by it would write."""
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for table in tables():
            total, count = 0, 0
            order = list(table.primary_key.columns)
            result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
            for row in result:
                mapping: dict[str, Any] | None = dict(row._mapping)
                if screen is not None:
                    mapping = screen.apply(
                        table.name, {k: _utc(v) for k, v in row._mapping.items()}
                    )
                if mapping is None:
                    continue
                data = {k: _encode(v) for k, v in mapping.items()}
                line = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
                total = (total + int(hashlib.sha256(line.encode()).hexdigest(), 16)) % _MOD
                count += 1
            out[table.name] = (count, f"{total:064x}")
    return out


def check_content_hashes(engine: Engine) -> int:
    """Recompute every document's text hash; raise TransferError on a mismatch. Returns count."""
    checked = 0
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(
            select(DocumentRow.id, DocumentRow.text, DocumentRow.content_hash)
        )
        for doc_id, text, digest in result:
            if content_hash(text) != digest:
                raise TransferError(f"document {doc_id}: its text does not match its content hash")
            checked += 1
    return checked
