"""The repository: every read returns core objects, every write is one short transaction.

Edits of one document live in `document_editor`, batch reads in `annotation_loading`.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, Select, bindparam, case, delete, exists, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annotator.core.ids import new_id
from annotator.core.model import (
    AnnotatedDocument,
    Document,
    DocumentAnnotations,
    DocumentSummary,
    ProjectStats,
    Status,
    utc_now,
)
from annotator.core.schema import LabelSchema, default_schema
from annotator.core.schema_changes import SchemaRenames, SchemaUsage, removals_in_use
from annotator.core.text import content_hash
from annotator.storage import pg_writes, sqlite_reads
from annotator.storage.annotation_loading import load_batch
from annotator.storage.assignments import next_assigned
from annotator.storage.batch_insert import add_batch
from annotator.storage.bulk_writes import BatchInFlight, annotator_names, begin_batch_sqlite
from annotator.storage.document_editor import DocumentEditor
from annotator.storage.edit_connection import EditConnection
from annotator.storage.errors import ConflictError, NotFound, SchemaInUse, translating
from annotator.storage.models import (
    AnnotatorRow,
    AssignmentRow,
    ClaimRow,
    DocumentRow,
    DocumentSentimentRow,
    EntityRow,
    MetaRow,
    TargetSentimentRow,
)
from annotator.storage.postgres import Announcer
from annotator.storage.row_screen import (
    DOCUMENT_COLUMNS,
    BadRows,
    annotator_filter,
    document_of,
    single_annotator,
    status_of,
)
from annotator.storage.search import DEFAULT_BUDGET_CHARS, index_some, pending_count
from annotator.storage.search import matching as search_matching

SCHEMA_KEY = "label_schema"


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document about to be stored; `text` must already be normalised."""

    title: str
    text: str
    source: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None
    status: Status = Status.TODO


@translating
class ProjectRepository:
    """All access to one project's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._annotator_ids: dict[str, str] = {}
        self.announcer = Announcer(engine)  # tells other clients of edits (PostgreSQL)
        self.edits = EditConnection(engine)  # single-statement edits, one round trip each
        self._write_functions: bool | None = None
        self.bad_rows = BadRows()  # unusable stored rows readers skipped (see row_screen)

    @property
    def uses_write_functions(self) -> bool:
        """Whether changes go through the server's write functions (see `pg_writes`)."""
        if self._write_functions is None:
            self._write_functions = pg_writes.uses_write_functions(self.engine)
        return self._write_functions

    def dispose(self) -> None:
        self.edits.close()
        self.announcer.close()
        self.engine.dispose()

    # -- project metadata -----------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        with self.engine.connect() as conn:
            value = conn.scalar(select(MetaRow.value).where(MetaRow.key == key))
        return default if value is None else value

    def set_meta(self, key: str, value: Any) -> None:
        with Session(self.engine) as s, s.begin():
            s.merge(MetaRow(key=key, value=value))

    def load_schema(self) -> LabelSchema:
        return self.load_schema_versioned()[0]

    def load_schema_versioned(self) -> tuple[LabelSchema, int]:
        """The label schema and its version (0: never saved, the default schema)."""
        with self.engine.connect() as conn:
            raw = self._sqlite(conn)
            if raw is not None:
                return sqlite_reads.load_schema_versioned(raw)
            return _load_schema_versioned(conn)

    def save_schema(
        self,
        schema: LabelSchema,
        renames: SchemaRenames | Mapping[str, str] | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Store a new schema; `renames` (a `SchemaRenames`, or a mapping of entity label
        renames) also rewrites the stored annotations that use the old names.

        Refused with SchemaInUse when the new schema drops a name that stored annotations
        still use (nothing is changed). With `expected_version` (from
        `load_schema_versioned`) the save is refused with ConflictError when someone else
        saved the schema meanwhile. Returns the new version.
        """
        changes = SchemaRenames.of(renames)
        with self.engine.begin() as conn:
            row = conn.execute(
                select(MetaRow.value, MetaRow.version).where(MetaRow.key == SCHEMA_KEY)
            ).first()
            current = None if row is None else row[1]
            version = 0 if current is None else int(current)
            if expected_version is not None and expected_version != version:
                raise ConflictError(
                    "the label schema was changed by someone else meanwhile "
                    f"(version {version}, yours {expected_version}); reload it and edit again"
                )
            old = (
                default_schema() if row is None or row[0] is None else LabelSchema.from_dict(row[0])
            )
            problems = removals_in_use(old, schema, changes, self._schema_usage(conn))
            if problems:
                raise SchemaInUse(
                    "stored annotations would lose their labels: " + "; ".join(problems)
                )
            self._apply_renames(conn, changes)
            if current is None:
                conn.execute(
                    insert(MetaRow).values(key=SCHEMA_KEY, value=schema.to_dict(), version=1)
                )
                return 1
            done = conn.execute(
                update(MetaRow)
                .where(MetaRow.key == SCHEMA_KEY, MetaRow.version == version)
                .values(value=schema.to_dict(), version=version + 1)
            )
            if done.rowcount == 0:
                raise ConflictError(
                    "the label schema was changed by someone else meanwhile; "
                    "reload it and edit again"
                )
            return version + 1

    def schema_usage(self) -> SchemaUsage:
        """How many stored annotations use each entity label, sentiment, attribute, choice."""
        with self.engine.connect() as conn:
            return self._schema_usage(conn)

    @staticmethod
    def _schema_usage(conn: Connection) -> SchemaUsage:
        def counts(column: Any) -> dict[str, int]:
            rows = conn.execute(select(column, func.count()).group_by(column))
            return {str(name): int(n) for name, n in rows}

        sentiments = Counter(counts(DocumentSentimentRow.label))
        sentiments.update(counts(TargetSentimentRow.label))
        return SchemaUsage.counting(
            counts(EntityRow.label),
            dict(sentiments),
            conn.scalars(select(ClaimRow.attributes)),
        )

    @staticmethod
    def _apply_renames(conn: Connection, changes: SchemaRenames) -> None:
        """Rewrite stored annotations for `changes` (one statement per table, so that
        swapping two names works; claims' JSON is rewritten row by row, portably)."""
        for column, renames in (
            (EntityRow.label, changes.entity_labels),
            (DocumentSentimentRow.label, changes.sentiment_labels),
            (TargetSentimentRow.label, changes.sentiment_labels),
        ):
            moved = {old: new for old, new in renames.items() if old != new}
            if moved:
                conn.execute(
                    update(column.class_)
                    .where(column.in_(list(moved)))
                    .values({column.key: case(moved, value=column)})
                )
        if not changes.renames_claims:
            return
        rewritten = []
        for claim_id, attributes in conn.execute(select(ClaimRow.id, ClaimRow.attributes)):
            before = dict(attributes or {})
            after = changes.claim_attributes_renamed(before)
            if after != before:
                rewritten.append({"claim_id": claim_id, "new_attributes": after})
        if rewritten:
            conn.execute(
                update(ClaimRow)
                .where(ClaimRow.id == bindparam("claim_id"))
                .values(attributes=bindparam("new_attributes")),
                rewritten,
            )

    # -- annotators -------------------------------------------------------------
    def annotator_id(self, name: str) -> str:
        """The id of annotator `name`, created on first use."""
        cached = self._annotator_ids.get(name)
        if cached is not None:
            return cached
        with self.engine.begin() as conn:
            found = conn.scalar(select(AnnotatorRow.id).where(AnnotatorRow.name == name))
            if found is None:
                found = new_id()
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(AnnotatorRow).values(id=found, name=name, created_at=utc_now())
                        )
                except IntegrityError:  # created concurrently by another client
                    found = conn.scalar(select(AnnotatorRow.id).where(AnnotatorRow.name == name))
                    assert found is not None
        self._annotator_ids[name] = found
        return found

    def annotator_names(self) -> dict[str, str]:
        """Annotator id -> name."""
        with self.engine.connect() as conn:
            raw = self._sqlite(conn)
            if raw is not None:
                return sqlite_reads.annotator_names(raw)
            return _annotator_names(conn)

    # -- documents ---------------------------------------------------------------
    def find_by_hash(self, digest: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(DocumentRow.id).where(DocumentRow.content_hash == digest))

    def add_document(self, new: NewDocument) -> tuple[str, bool]:
        """Store a document. Returns (id, created); an identical text returns the existing id."""
        doc = AnnotatedDocument(_as_document(new), DocumentAnnotations())
        return self.add_annotated(doc, annotator="")

    def add_annotated(self, item: AnnotatedDocument, annotator: str) -> tuple[str, bool]:
        """Store one document with its annotations; see `add_annotated_batch`."""
        return self.add_annotated_batch([item], annotator)[0]

    def add_annotated_batch(
        self, items: Sequence[AnnotatedDocument], annotator: str
    ) -> list[tuple[str, bool]]:
        """Store documents with their annotations in one transaction.

        Annotations without an annotator are attributed to `annotator`. A document
        whose text is already stored is not added again: its entry is (existing id, False).
        """
        return self.begin_annotated_batch(items, annotator).wait()

    def begin_annotated_batch(
        self, items: Sequence[AnnotatedDocument], annotator: str
    ) -> BatchInFlight:
        """`add_annotated_batch` whose commit may still be running when it returns: on
        SQLite the commit runs on a worker thread while the caller parses the next batch
        (`bulk_writes.begin_batch_sqlite`; the pooled connection stays checked out until
        `wait`). The caller waits before storing anything else."""
        if self.engine.dialect.name == "sqlite":  # plain sqlite3, as the command line does
            conn = self.engine.connect()
            try:
                raw = self._sqlite(conn)
                assert raw is not None
                return begin_batch_sqlite(raw, items, annotator, finish=conn.close)
            except BaseException:
                conn.close()
                raise
        for item in items:
            item.validate()
        ids = {name: self.annotator_id(name) for name in annotator_names(items, annotator)}
        with self.engine.begin() as conn:
            return BatchInFlight(add_batch(conn, items, annotator, ids, utc_now()))

    def get_document(self, doc_id: str) -> Document:
        with self.engine.connect() as conn:
            row = conn.execute(select(DocumentRow).where(DocumentRow.id == doc_id)).first()
        if row is None:
            raise NotFound(f"no document {doc_id}")
        return _document_from_row(row._mapping, self.bad_rows)

    def count_documents(
        self, status: Status | None = None, ids: Sequence[str] | None = None
    ) -> int:
        """Documents with `status` (any if None) among `ids` (all if None)."""
        with self.engine.connect() as conn:
            raw = self._sqlite(conn)
            if raw is not None:
                return sqlite_reads.count_documents(raw, status, ids)
            return _count_documents(conn, status, ids)

    def count_entities(
        self,
        status: Status | None = None,
        annotator: str | None = None,
        ids: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
    ) -> int:
        """Entity spans an export with these filters would read (aggregate queries only)."""
        with self.engine.connect() as conn:
            raw = self._sqlite(conn)
            if raw is not None:
                return sqlite_reads.count_entities(raw, status, annotator, ids, labels)
            return _count_entities(conn, status, annotator, ids, labels)

    def list_documents(
        self,
        status: Status | None = None,
        search: str | None = None,
        assigned_to: str | None = None,
    ) -> list[DocumentSummary]:
        """The document list in import order, with annotation counts.

        With `assigned_to` (an annotator name), only documents assigned to them.
        """
        return [
            row for page in self.iter_document_list(status, search, assigned_to) for row in page
        ]

    def iter_document_list(
        self,
        status: Status | None = None,
        search: str | None = None,
        assigned_to: str | None = None,
        first: int = 200,
        batch: int = 5000,
    ) -> Iterator[list[DocumentSummary]]:
        """`list_documents` in pages: `first` rows, then `batch` rows at a time (so the first
        results show before the rest are read). Never reads texts: lengths are stored."""
        query = _summary_query()
        if status is not None:
            query = query.where(DocumentRow.status == status.value)
        if assigned_to is not None:
            query = query.where(
                exists()
                .where(AssignmentRow.document_id == DocumentRow.id)
                .where(AssignmentRow.annotator_id == AnnotatorRow.id)
                .where(AnnotatorRow.name == assigned_to)
            )
        with self.engine.connect() as conn:
            if search:
                query = query.where(search_matching(conn, search))
            # One statement whose rows are fetched as they are needed (a server-side cursor
            # on PostgreSQL): the first page costs what its rows cost, not the whole list.
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
            size = first
            while rows := result.fetchmany(size):
                yield [_summary(row, self.bad_rows) for row in rows]
                size = batch

    def search_pending(self) -> int:
        """Documents not in the search index yet (see `storage.search.index_some`)."""
        with self.engine.connect() as conn:
            return pending_count(conn)

    def index_search_chunk(self, budget_chars: int = DEFAULT_BUDGET_CHARS) -> int:
        """Index the next documents waiting for the search index, in one short transaction;
        the number indexed (0: none wait). Busy when another writer holds the project."""
        with self.engine.connect() as conn:
            return index_some(conn, budget_chars)

    def document_summaries(self, ids: Sequence[str]) -> dict[str, DocumentSummary]:
        """The list rows of `ids` (those that still exist)."""
        out: dict[str, DocumentSummary] = {}
        wanted = list(dict.fromkeys(ids))
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                query = _summary_query().where(DocumentRow.id.in_(wanted[i : i + 500]))
                for row in conn.execute(query):
                    summary = _summary(row, self.bad_rows)
                    out[summary.id] = summary
        return out

    def document_ids(self, status: Status | None = None) -> list[str]:
        query = select(DocumentRow.id).order_by(DocumentRow.ordinal)
        if status is not None:
            query = query.where(DocumentRow.status == status.value)
        with self.engine.connect() as conn:
            return list(conn.scalars(query))

    def next_unfinished(self, after: str | None = None, annotator: str | None = None) -> str | None:
        """The first document after `after` (wrapping around) that is not done.

        With `annotator`, documents assigned to them come first; documents assigned only to
        others are skipped.
        """
        if annotator is not None:
            with self.engine.connect() as conn:
                return next_assigned(conn, annotator, after)
        ids = self.document_ids()
        statuses = self._statuses()
        start = ids.index(after) + 1 if after in ids else 0
        for doc_id in ids[start:] + ids[:start]:
            if statuses[doc_id] != Status.DONE.value and doc_id != after:
                return doc_id
        return None

    def _statuses(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(DocumentRow.id, DocumentRow.status)).all())

    def document_version(self, doc_id: str) -> int:
        """The version of the document's shared row (status); it grows with every change."""
        with self.engine.connect() as conn:
            version = conn.scalar(select(DocumentRow.version).where(DocumentRow.id == doc_id))
        if version is None:
            raise NotFound(f"no document {doc_id}")
        return int(version)

    def set_status(self, doc_id: str, status: Status, expected_version: int | None = None) -> int:
        """Set the status; returns the new version.

        With `expected_version` the change is refused with ConflictError when someone else
        changed the document's status meanwhile.
        """
        functions = self.uses_write_functions
        with self.engine.begin() as conn:
            query = update(DocumentRow).where(DocumentRow.id == doc_id)
            if expected_version is not None:
                query = query.where(DocumentRow.version == expected_version)
            version = conn.scalar(
                pg_writes.set_status(doc_id, status.value, expected_version, utc_now())
                if functions
                else query.values(
                    status=status.value, version=DocumentRow.version + 1, updated_at=utc_now()
                ).returning(DocumentRow.version)
            )
            if version is not None:
                return int(version)
            row = conn.execute(
                select(DocumentRow.status, DocumentRow.version).where(DocumentRow.id == doc_id)
            ).first()
            if row is None:
                raise NotFound(f"no document {doc_id}")
            now = status_of(row[0], doc_id, None).value.replace("_", " ")
            raise ConflictError(
                f"someone else set this document to {now} meanwhile; your change was not saved"
            )

    def delete_document(self, doc_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))

    # -- annotations -------------------------------------------------------------
    def load_annotations(self, doc_id: str, annotator: str | None = None) -> DocumentAnnotations:
        with self.engine.connect() as conn:
            names = dict(conn.execute(select(AnnotatorRow.id, AnnotatorRow.name)).all())
            length = conn.scalar(
                select(func.length(DocumentRow.text)).where(DocumentRow.id == doc_id)
            )
            lengths = {} if length is None else {doc_id: int(length)}
            only = self._annotator_filter(annotator, names)
            batch = load_batch(conn, [doc_id], names, only, self.bad_rows, lengths)
        return batch.get(doc_id, DocumentAnnotations())

    def _annotator_filter(self, annotator: str | None, names: Mapping[str, str]) -> str | None:
        return annotator_filter(annotator, names)

    def _sqlite(self, conn: Connection) -> sqlite3.Connection | None:
        """The sqlite3 connection behind `conn` on a SQLite project (the reads of
        `sqlite_reads`, shared with the commands that start without SQLAlchemy), else None."""
        if self.engine.dialect.name != "sqlite":
            return None
        return cast(sqlite3.Connection, conn.connection.driver_connection)

    def editor(self, doc_id: str, annotator: str) -> DocumentEditor:
        return DocumentEditor(self, doc_id, annotator)

    def iter_annotated(
        self,
        status: Status | None = None,
        annotator: str | None = None,
        ids: Sequence[str] | None = None,
        batch_size: int = 500,
    ) -> Iterator[AnnotatedDocument]:
        """Stream documents with annotations in import order, from one consistent snapshot."""
        with self.engine.connect() as conn:
            raw = self._sqlite(conn)
            if raw is not None:
                yield from sqlite_reads.iter_annotated(
                    raw, status, annotator, ids, batch_size, bad_rows=self.bad_rows
                )
                return
            yield from _iter_annotated(conn, self.bad_rows, status, annotator, ids, batch_size)

    def stats(self, since: datetime | None = None) -> ProjectStats:
        with self.engine.connect() as conn:
            raw = self._sqlite(conn)
            if raw is not None:
                return sqlite_reads.stats(raw, since)
            return _stats(conn, since)


# -- the SQLAlchemy reads behind the methods `sqlite_reads` serves on SQLite (PostgreSQL) --
def _load_schema_versioned(conn: Connection) -> tuple[LabelSchema, int]:
    row = conn.execute(
        select(MetaRow.value, MetaRow.version).where(MetaRow.key == SCHEMA_KEY)
    ).first()
    if row is None or row[0] is None:
        return default_schema(), 0
    return LabelSchema.from_dict(row[0]), int(row[1] or 1)


def _annotator_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(AnnotatorRow.id, AnnotatorRow.name)).all())


def _count_documents(
    conn: Connection, status: Status | None = None, ids: Sequence[str] | None = None
) -> int:
    query = select(func.count()).select_from(DocumentRow)
    if status is not None:
        query = query.where(DocumentRow.status == status.value)
    if ids is not None:
        query = query.where(DocumentRow.id.in_(list(ids)))
    return int(conn.scalar(query) or 0)


def _count_entities(
    conn: Connection,
    status: Status | None = None,
    annotator: str | None = None,
    ids: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> int:
    """One aggregate query; documents and annotators are matched in subqueries (joining
    them costs 5-10x)."""
    query = select(func.count()).select_from(EntityRow)
    if status is not None or ids is not None:
        docs = select(DocumentRow.id)
        if status is not None:
            docs = docs.where(DocumentRow.status == status.value)
        if ids is not None:
            docs = docs.where(DocumentRow.id.in_(list(ids)))
        query = query.where(EntityRow.document_id.in_(docs))
    if labels is not None:
        query = query.where(EntityRow.label.in_(list(labels)))
    if annotator is not None:
        who = select(AnnotatorRow.id).where(AnnotatorRow.name == annotator)
        query = query.where(EntityRow.annotator_id == who.scalar_subquery())
    return int(conn.scalar(query) or 0)


def _iter_annotated(
    conn: Connection,
    bad: BadRows | None,
    status: Status | None = None,
    annotator: str | None = None,
    ids: Sequence[str] | None = None,
    batch_size: int = 500,
) -> Iterator[AnnotatedDocument]:
    with conn.begin():
        names = _annotator_names(conn)
        only = annotator_filter(annotator, names)
        last = -1
        while True:
            query = (
                select(DocumentRow)
                .where(DocumentRow.ordinal > last)
                .order_by(DocumentRow.ordinal)
                .limit(batch_size)
            )
            if status is not None:
                query = query.where(DocumentRow.status == status.value)
            if ids is not None:
                query = query.where(DocumentRow.id.in_(list(ids)))
            rows = conn.execute(query).all()
            if not rows:
                return
            last = rows[-1].ordinal
            docs = [_document_from_row(r._mapping, bad) for r in rows]
            lengths = {d.id: len(d.text) for d in docs}
            anns = load_batch(conn, list(lengths), names, only, bad, lengths)
            for doc in docs:
                a = anns.get(doc.id, DocumentAnnotations())
                yield AnnotatedDocument(doc, a, single_annotator(a, annotator))


def _stats(conn: Connection, since: datetime | None = None) -> ProjectStats:
    by_status = dict(
        conn.execute(select(DocumentRow.status, func.count()).group_by(DocumentRow.status)).all()
    )
    labels = dict(
        conn.execute(
            select(EntityRow.label, func.count())
            .group_by(EntityRow.label)
            .order_by(func.count().desc())
        ).all()
    )
    per_annotator: dict[str, int] = defaultdict(int)
    for table in (EntityRow, ClaimRow):
        for name, n in conn.execute(
            select(AnnotatorRow.name, func.count())
            .select_from(table)
            .join(AnnotatorRow, AnnotatorRow.id == table.annotator_id)
            .group_by(AnnotatorRow.name)
        ):
            per_annotator[name] += int(n)
    today = 0
    if since is not None:
        for table in (EntityRow, ClaimRow):
            today += int(
                conn.scalar(
                    select(func.count()).select_from(table).where(table.created_at >= since)
                )
                or 0
            )

    def count(table: Any) -> int:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)

    return ProjectStats(
        documents=sum(by_status.values()),
        by_status={s.value: int(by_status.get(s.value, 0)) for s in Status},
        entities=count(EntityRow),
        claims=count(ClaimRow),
        target_sentiments=count(TargetSentimentRow),
        document_sentiments=count(DocumentSentimentRow),
        labels={k: int(v) for k, v in labels.items()},
        annotators=dict(per_annotator),
        annotations_today=today,
    )


def _summary_query() -> Select[Any]:
    """ordinal, id, title, status, entity count, claim count, length; in import order."""

    def count(table: Any) -> Any:
        return (
            select(func.count())
            .select_from(table)
            .where(table.document_id == DocumentRow.id)
            .scalar_subquery()
        )

    return select(
        DocumentRow.ordinal,
        DocumentRow.id,
        DocumentRow.title,
        DocumentRow.status,
        count(EntityRow),
        count(ClaimRow),
        DocumentRow.length,
    ).order_by(DocumentRow.ordinal)


def _summary(row: Any, bad: BadRows | None) -> DocumentSummary:
    _, doc_id, title, status, entities, claims, length = row
    return DocumentSummary(
        doc_id, title, status_of(status, doc_id, bad), int(entities), int(claims), int(length)
    )


def _as_document(new: NewDocument) -> Document:
    return Document(
        id=new.id or "",
        title=new.title,
        text=new.text,
        source=new.source,
        meta=dict(new.meta),
        status=new.status,
        content_hash=content_hash(new.text),
    )


def _document_from_row(m: Any, bad: BadRows | None = None) -> Document:
    return document_of([m[name] for name in DOCUMENT_COLUMNS], bad)
