"""Edits of one document by one annotator: each call is one short committed transaction."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from annotator.core.model import (
    Claim,
    EntitySpan,
    Status,
    TargetSentiment,
    check_span,
    utc_now,
)
from annotator.storage import pg_writes
from annotator.storage.errors import NotFound, NotPermitted, translating
from annotator.storage.models import (
    AnnotatorRow,
    ClaimRow,
    DocumentRow,
    DocumentSentimentRow,
    EntityRow,
    TargetSentimentRow,
)
from annotator.storage.row_screen import attributes_problem, status_of

if TYPE_CHECKING:
    from annotator.storage.repository import ProjectRepository

TOUCH_INTERVAL_S = 60.0
_INSERT_ENTITY = insert(EntityRow)  # built once: the most frequent edit, adding a span


@translating
class DocumentEditor:
    """Edits one document as one annotator; every call is its own committed transaction.

    Implements `annotator.core.commands.AnnotationTarget`.
    """

    def __init__(self, repo: ProjectRepository, doc_id: str, annotator: str) -> None:
        self.repo = repo
        self.doc_id = doc_id
        self.annotator = annotator
        self.annotator_id = repo.annotator_id(annotator)
        with repo.engine.connect() as conn:
            length = conn.scalar(
                select(func.length(DocumentRow.text)).where(DocumentRow.id == doc_id)
            )
        if length is None:
            raise NotFound(f"no document {doc_id}")
        self.text_length = int(length)
        self._shared = repo.engine.dialect.name == "postgresql"
        # annotators and reviewers change rows through the write functions (see pg_writes)
        self._functions = repo.uses_write_functions
        self._touched_at: float | None = None

    @property
    def engine(self) -> Engine:
        return self.repo.engine

    def _aid(self, name: str) -> str:
        return (
            self.repo.annotator_id(name) if name and name != self.annotator else self.annotator_id
        )

    def _row(self, table: Any, row_id: str) -> tuple[Any, Any]:
        """WHERE conditions for one row of this document, found by its primary key.

        The document is checked, not searched: `document_id || ''` keeps the planner off the
        (document_id, start_offset) index. On a PostgreSQL table not yet analysed that index
        looks as cheap as the key, and a plan using it (prepared statements keep theirs)
        reads every span of the document on each edit: 7 ms instead of 0.1 ms at 10,000 spans.
        """
        return table.id == row_id, table.document_id.concat("") == self.doc_id

    def _owner_check(self, table: Any, row_id: str, kind: str) -> None:
        """Raise NotPermitted when `row_id` exists but row-level security hid it from a write.

        Runs on a connection of its own: the refused write's may be in a failed transaction.
        """
        with self.engine.connect() as conn:
            owner = conn.scalar(
                select(AnnotatorRow.name)
                .join(table, table.annotator_id == AnnotatorRow.id)
                .where(*self._row(table, row_id))
            )
        if owner is not None and owner != self.annotator:
            raise NotPermitted(
                f"this {kind} belongs to {owner}; only they or a reviewer may change it"
            )

    @contextmanager
    def _refusal_explained(self, guard: tuple[Any, str, str] | None) -> Iterator[None]:
        """`guard` (table, row id, kind): when the database refuses the write, say whose row
        it is (row-level security hides others' rows from an annotator's writes)."""
        try:
            yield
        except DBAPIError:
            if guard is not None:
                self._owner_check(*guard)
            raise

    @contextmanager
    def _edit(self, guard: tuple[Any, str, str] | None = None) -> Iterator[Connection]:
        """One edit: a committed transaction that also marks the document as changed.

        On a server, other clients hear of the edit by a NOTIFY sent after the commit.
        `guard`: see `_refusal_explained`.
        """
        with self._refusal_explained(guard), self.engine.connect() as conn, conn.begin():
            yield conn
            self._touch(conn)
        if self._shared:
            self.repo.announcer.announce(self.doc_id)

    def _edit_one(
        self, statement: Any, params: Any = None, guard: tuple[Any, str, str] | None = None
    ) -> int:
        """An edit of one statement, committed on its own (see `EditConnection`); returns
        the rows it changed. When the document's stamp is due (see `_touch`) it goes
        through `_edit`, in one transaction with the stamp."""
        if self._touch_due():
            with self._edit(guard) as conn:
                return _changed(conn, statement, params)
        with self._refusal_explained(guard):
            count = self.repo.edits.execute(statement, params)
        if self._shared:
            self.repo.announcer.announce(self.doc_id)
        return count

    def _touch_due(self) -> bool:
        return self._touched_at is None or time.monotonic() - self._touched_at >= TOUCH_INTERVAL_S

    def _touch(self, conn: Connection) -> None:
        """Refresh the document's updated_at, at most once per TOUCH_INTERVAL_S per editor.

        The documents row holds the whole article text, and SQLite rewrites a row (overflow
        pages included) to change any column of it: for a 3 MB article that write cost more
        than all the rest of an edit, so it is not repeated for every keystroke-sized edit.
        On a server the row is shared by every analyst editing the document: it is only
        written when its stamp is that old, so commits do not queue behind its row lock.
        """
        if not self._touch_due():
            return
        now = time.monotonic()
        stamp = utc_now()
        before = stamp - timedelta(seconds=TOUCH_INTERVAL_S)
        if self._functions:
            conn.execute(pg_writes.touch(self.doc_id, stamp, before))
            self._touched_at = now
            return
        query = update(DocumentRow).where(DocumentRow.id == self.doc_id)
        if self._shared:
            query = query.where(DocumentRow.updated_at < before)
        conn.execute(query.values(updated_at=stamp))
        self._touched_at = now

    # entities
    def get_entity(self, entity_id: str) -> EntitySpan | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    EntityRow.start_offset, EntityRow.end_offset, EntityRow.label, AnnotatorRow.name
                )
                .join(AnnotatorRow, AnnotatorRow.id == EntityRow.annotator_id)
                .where(*self._row(EntityRow, entity_id))
            ).first()
        return None if row is None else EntitySpan(entity_id, row[0], row[1], row[2], row[3])

    def put_entity(self, span: EntitySpan, new: bool = False) -> None:
        """Store a span (insert or update). `new`: the caller believes it is not stored yet,
        which saves a round trip (it is still updated if it turns out to exist)."""
        check_span(span.start, span.end, self.text_length)
        now = utc_now()
        values = dict(
            start_offset=span.start,
            end_offset=span.end,
            label=span.label,
            annotator_id=self._aid(span.annotator),
            updated_at=now,
        )
        guard = (EntityRow, span.id, "span")
        row = dict(id=span.id, document_id=self.doc_id, created_at=now, **values)
        if new:
            try:
                self._edit_one(_INSERT_ENTITY, row, guard)
                return
            except IntegrityError:
                pass  # stored after all: update it below
        change = (
            pg_writes.update_span(span.id, self.doc_id, values)
            if self._functions
            else update(EntityRow).where(*self._row(EntityRow, span.id)).values(**values)
        )
        done = self._edit_one(change, guard=guard)
        if done == 0:  # parameters, not .values(): the compiled insert is reused
            self._edit_one(_INSERT_ENTITY, row, guard)

    def _delete(self, table: Any, row_id: str) -> Any:
        """The statement deleting one span, claim or target sentiment of this document."""
        if self._functions:
            return pg_writes.delete_row(table.__tablename__, row_id, self.doc_id)
        return delete(table).where(*self._row(table, row_id))

    def delete_entity(self, entity_id: str) -> None:
        """Delete one span; its annotator's claims that name it as speaker lose the link and
        their target sentiments toward it go. Refused (NotPermitted) while another analyst's
        claim or target sentiment refers to it: no one's edit changes another's rows."""
        done = self._edit_one(
            self._delete(EntityRow, entity_id), guard=(EntityRow, entity_id, "span")
        )
        if done == 0:
            self._owner_check(EntityRow, entity_id, "span")

    # claims
    def get_claim(self, claim_id: str) -> Claim | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    ClaimRow.start_offset,
                    ClaimRow.end_offset,
                    ClaimRow.speaker_entity_id,
                    ClaimRow.speaker_text,
                    ClaimRow.attributes,
                    AnnotatorRow.name,
                )
                .join(AnnotatorRow, AnnotatorRow.id == ClaimRow.annotator_id)
                .where(*self._row(ClaimRow, claim_id))
            ).first()
        if row is None:
            return None
        if attributes_problem(row[4]) is not None:  # unusable (see row_screen): as if absent
            self.repo.bad_rows.report(f"claim {claim_id}: {attributes_problem(row[4])}")
            return None
        return Claim(claim_id, row[0], row[1], row[2], row[3] or "", dict(row[4] or {}), row[5])

    def claims_spoken_by(self, entity_id: str) -> list[Claim]:
        with self.engine.connect() as conn:
            ids = list(
                conn.scalars(select(ClaimRow.id).where(ClaimRow.speaker_entity_id == entity_id))
            )
        return [c for c in (self.get_claim(i) for i in ids) if c is not None]

    def put_claim(self, claim: Claim) -> None:
        check_span(claim.start, claim.end, self.text_length)
        now = utc_now()
        values = dict(
            start_offset=claim.start,
            end_offset=claim.end,
            speaker_entity_id=claim.speaker_id,
            speaker_text=claim.speaker_text,
            attributes=dict(claim.attributes),
            annotator_id=self._aid(claim.annotator),
            updated_at=now,
        )
        change = (
            pg_writes.update_claim(claim.id, self.doc_id, values)
            if self._functions
            else update(ClaimRow).where(*self._row(ClaimRow, claim.id)).values(**values)
        )
        with self._edit((ClaimRow, claim.id, "claim")) as conn:
            if _changed(conn, change) == 0:
                conn.execute(
                    insert(ClaimRow).values(
                        id=claim.id, document_id=self.doc_id, created_at=now, **values
                    )
                )

    def delete_claim(self, claim_id: str) -> None:
        done = self._edit_one(self._delete(ClaimRow, claim_id), guard=(ClaimRow, claim_id, "claim"))
        if done == 0:
            self._owner_check(ClaimRow, claim_id, "claim")

    # target sentiment
    def get_target(self, entity_id: str) -> TargetSentiment | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(TargetSentimentRow.id, TargetSentimentRow.label, AnnotatorRow.name)
                .join(AnnotatorRow, AnnotatorRow.id == TargetSentimentRow.annotator_id)
                .where(
                    TargetSentimentRow.entity_id == entity_id,
                    TargetSentimentRow.annotator_id == self.annotator_id,
                )
            ).first()
        return None if row is None else TargetSentiment(row[0], entity_id, row[1], row[2])

    def targets_toward(self, entity_id: str) -> list[TargetSentiment]:
        """Every analyst's target sentiment toward the span."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(TargetSentimentRow.id, TargetSentimentRow.label, AnnotatorRow.name)
                .join(AnnotatorRow, AnnotatorRow.id == TargetSentimentRow.annotator_id)
                .where(TargetSentimentRow.entity_id == entity_id)
                .order_by(AnnotatorRow.name)
            ).all()
        return [TargetSentiment(i, entity_id, label, name) for i, label, name in rows]

    def put_target(self, target: TargetSentiment) -> None:
        """Store a target sentiment of `target.annotator` (default: this editor's)."""
        with self._edit((TargetSentimentRow, target.id, "sentiment")) as conn:
            conn.execute(self._delete(TargetSentimentRow, target.id))
            conn.execute(
                insert(TargetSentimentRow).values(
                    id=target.id,
                    document_id=self.doc_id,
                    annotator_id=self._aid(target.annotator),
                    entity_id=target.entity_id,
                    label=target.label,
                    created_at=utc_now(),
                )
            )

    def delete_target(self, target_id: str) -> None:
        done = self._edit_one(
            self._delete(TargetSentimentRow, target_id),
            guard=(TargetSentimentRow, target_id, "sentiment"),
        )
        if done == 0:
            self._owner_check(TargetSentimentRow, target_id, "sentiment")

    # document-level
    def get_document_sentiment(self) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(
                select(DocumentSentimentRow.label).where(
                    DocumentSentimentRow.document_id == self.doc_id,
                    DocumentSentimentRow.annotator_id == self.annotator_id,
                )
            )

    def set_document_sentiment(self, label: str | None) -> None:
        with self._edit() as conn:
            conn.execute(
                pg_writes.delete_document_sentiment(self.doc_id, self.annotator_id)
                if self._functions
                else delete(DocumentSentimentRow).where(
                    DocumentSentimentRow.document_id == self.doc_id,
                    DocumentSentimentRow.annotator_id == self.annotator_id,
                )
            )
            if label is not None:
                conn.execute(
                    insert(DocumentSentimentRow).values(
                        document_id=self.doc_id,
                        annotator_id=self.annotator_id,
                        label=label,
                        created_at=utc_now(),
                    )
                )

    def get_status(self) -> Status:
        with self.engine.connect() as conn:
            value = conn.scalar(select(DocumentRow.status).where(DocumentRow.id == self.doc_id))
        if value is None:
            raise NotFound(f"no document {self.doc_id}")
        return status_of(value, self.doc_id, self.repo.bad_rows)

    def set_status(self, status: Status, expected_version: int | None = None) -> int:
        """See `ProjectRepository.set_status`; returns the new version."""
        return self.repo.set_status(self.doc_id, status, expected_version)

    def add_many(self, spans: Iterable[EntitySpan]) -> None:
        """Bulk insert (benchmarks and pre-annotation); one transaction."""
        now = utc_now()
        rows = []
        for s in spans:
            check_span(s.start, s.end, self.text_length)
            rows.append(
                dict(
                    id=s.id,
                    document_id=self.doc_id,
                    annotator_id=self._aid(s.annotator),
                    start_offset=s.start,
                    end_offset=s.end,
                    label=s.label,
                    created_at=now,
                    updated_at=now,
                )
            )
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(EntityRow), rows)


def _changed(conn: Connection, statement: Any, params: Any = None) -> int:
    """Run a change: the rows it changed (a write function returns that number itself)."""
    result = conn.execute(statement, params)
    return int(result.scalar() or 0) if result.returns_rows else int(result.rowcount)
