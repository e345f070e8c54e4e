"""Whole-project reads for review: every annotation as plain tuples, a few queries in all.

Agreement over 50,000 documents and a million spans reads only offsets, labels and
annotator ids (no texts), straight from the driver's cursor.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.engine import Connection

from annotator.core.agreement import AnnotationTable
from annotator.storage.models import (
    AnnotatorRow,
    ClaimRow,
    DocumentRow,
    DocumentSentimentRow,
    EntityRow,
    TargetSentimentRow,
)

BATCH = 20_000


def _batches(conn: Connection, query: Any) -> Iterator[Sequence[Any]]:
    cursor = conn.execute(query).cursor
    if cursor is None:
        return
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return
        yield rows


def _rows(conn: Connection, query: Any) -> Iterator[tuple[Any, ...]]:
    for batch in _batches(conn, query):
        yield from batch


_first = itemgetter(0)
_span = itemgetter(1, 2, 3)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector: a whole-project read makes millions of tuples without
    cycles, and the collector's passes over them cost as much as the read itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_annotation_table(
    engine: Engine, annotators: Sequence[str] | None = None
) -> AnnotationTable:
    """Every annotation (of `annotators`, default all) as an `AnnotationTable`."""
    table = AnnotationTable()
    with engine.connect() as conn, conn.begin(), no_cyclic_gc():
        names: dict[str, str] = dict(conn.execute(select(AnnotatorRow.id, AnnotatorRow.name)).all())
        if annotators is not None:
            wanted = set(annotators)
            names = {i: n for i, n in names.items() if n in wanted}
        ids = list(names)

        def only(query: Any, column: Any) -> Any:
            return query.where(column.in_(ids)) if annotators is not None else query

        for aid, name in names.items():  # the hot part: a million rows, grouped in C
            query = select(
                EntityRow.document_id,
                EntityRow.start_offset,
                EntityRow.end_offset,
                EntityRow.label,
            ).where(EntityRow.annotator_id == aid)
            # Rows come mostly a document at a time (no ORDER BY: a sort costs more than this
            # saves); a document met again is merged into its set.
            rows = chain.from_iterable(_batches(conn, query))
            for doc, spans in groupby(rows, _first):
                per = table.entities.setdefault(doc, {})
                known = per.get(name)
                if known is None:
                    per[name] = set(map(_span, spans))
                else:
                    known.update(map(_span, spans))
        claims = only(
            select(
                ClaimRow.document_id,
                ClaimRow.annotator_id,
                ClaimRow.start_offset,
                ClaimRow.end_offset,
                ClaimRow.speaker_text,
            ),
            ClaimRow.annotator_id,
        )
        for doc, aid, s, e, speaker in _rows(conn, claims):
            who = names.get(aid)
            if who is not None:
                table.add_claim(doc, who, s, e, speaker or "")
        sentiments = only(
            select(
                DocumentSentimentRow.document_id,
                DocumentSentimentRow.annotator_id,
                DocumentSentimentRow.label,
            ),
            DocumentSentimentRow.annotator_id,
        )
        for doc, aid, lab in _rows(conn, sentiments):
            who = names.get(aid)
            if who is not None:
                table.add_document_sentiment(doc, who, lab)
        targets = only(
            select(
                TargetSentimentRow.document_id,
                TargetSentimentRow.annotator_id,
                EntityRow.start_offset,
                EntityRow.end_offset,
                TargetSentimentRow.label,
            ).join(EntityRow, EntityRow.id == TargetSentimentRow.entity_id),
            TargetSentimentRow.annotator_id,
        )
        for doc, aid, s, e, lab in _rows(conn, targets):
            who = names.get(aid)
            if who is not None:
                table.add_target_sentiment(doc, who, s, e, lab)
    return table


def _utc_day(engine: Engine, column: Any) -> Any:
    if engine.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite keeps UTC text


def _day(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def annotations_per_day(engine: Engine) -> dict[str, dict[str, int]]:
    """Annotator name -> UTC day (YYYY-MM-DD) -> entities and claims created that day."""
    out: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        names = dict(conn.execute(select(AnnotatorRow.id, AnnotatorRow.name)).all())
        for table in (EntityRow, ClaimRow):
            day = _utc_day(engine, table.created_at)
            query = select(table.annotator_id, day, func.count()).group_by(table.annotator_id, day)
            for aid, when, n in conn.execute(query):
                per = out.setdefault(names.get(aid, ""), {})
                per[_day(when)] = per.get(_day(when), 0) + int(n)
    return {who: dict(sorted(days.items())) for who, days in sorted(out.items())}


def documents_done_per_day(engine: Engine) -> dict[str, int]:
    """UTC day -> documents marked done that day (their last change), oldest first."""
    day = _utc_day(engine, DocumentRow.updated_at)
    query = (
        select(day, func.count()).where(DocumentRow.status == "done").group_by(day).order_by(day)
    )
    with engine.connect() as conn:
        return {_day(when): int(n) for when, n in conn.execute(query)}


# -- who said what ---------------------------------------------------------------------------
SNIPPET = 400  # code points of a claim's text read for the browser


def speaker_counts(engine: Engine) -> dict[str, int]:
    """Speaker text (as written, or the speaker entity's text) -> claims, one aggregate query.

    A claim marked by several annotators (same document, offsets and speaker) counts once.
    """
    spans = (
        select(ClaimRow.speaker_text)
        .group_by(
            ClaimRow.speaker_text,
            ClaimRow.document_id,
            ClaimRow.start_offset,
            ClaimRow.end_offset,
        )
        .subquery()
    )
    query = select(spans.c.speaker_text, func.count()).group_by(spans.c.speaker_text)
    with engine.connect() as conn:
        return {str(s or ""): int(n) for s, n in conn.execute(query)}


def claim_details(
    engine: Engine, speakers: Sequence[str] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Claims (of these speaker texts, default all) with their document's title, date and the
    claimant's document sentiment, in document order. `text` is the claim's first
    `SNIPPET` code points."""
    smaller: Any = func.least if engine.dialect.name == "postgresql" else func.min  # 2 args
    length = smaller(ClaimRow.end_offset - ClaimRow.start_offset, SNIPPET)
    query = (
        select(
            ClaimRow.id,
            ClaimRow.document_id,
            DocumentRow.title,
            DocumentRow.meta,
            DocumentRow.created_at,
            ClaimRow.start_offset,
            ClaimRow.end_offset,
            ClaimRow.speaker_text,
            ClaimRow.attributes,
            AnnotatorRow.name,
            DocumentSentimentRow.label,
            func.substr(DocumentRow.text, ClaimRow.start_offset + 1, length),
        )
        .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
        .join(AnnotatorRow, AnnotatorRow.id == ClaimRow.annotator_id)
        .outerjoin(
            DocumentSentimentRow,
            and_(
                DocumentSentimentRow.document_id == ClaimRow.document_id,
                DocumentSentimentRow.annotator_id == ClaimRow.annotator_id,
            ),
        )
        .order_by(DocumentRow.ordinal, ClaimRow.start_offset)
    )
    if speakers is not None:
        query = query.where(ClaimRow.speaker_text.in_(list(speakers)))
    if limit is not None:
        query = query.limit(limit)
    keys = (
        "id",
        "document_id",
        "title",
        "meta",
        "created_at",
        "start",
        "end",
        "speaker",
        "attributes",
        "annotator",
        "sentiment",
        "text",
    )
    with engine.connect() as conn:
        return [dict(zip(keys, row, strict=True)) for row in conn.execute(query)]


def search_annotations(engine: Engine, needle: str, limit: int = 200) -> list[dict[str, Any]]:
    """Entities whose label or text, and claims whose speaker, match `needle` (case-blind)."""
    low = needle.casefold()
    out: list[dict[str, Any]] = []
    span_text = func.substr(
        DocumentRow.text, EntityRow.start_offset + 1, EntityRow.end_offset - EntityRow.start_offset
    )
    entity_query = (
        select(
            EntityRow.document_id,
            DocumentRow.title,
            EntityRow.start_offset,
            EntityRow.end_offset,
            EntityRow.label,
            span_text,
        )
        .join(DocumentRow, DocumentRow.id == EntityRow.document_id)
        .where(
            (func.lower(EntityRow.label) == low)
            | func.lower(span_text).contains(low, autoescape=True)
        )
        .order_by(DocumentRow.ordinal, EntityRow.start_offset)
        .limit(limit)
    )
    claim_query = (
        select(
            ClaimRow.document_id,
            DocumentRow.title,
            ClaimRow.start_offset,
            ClaimRow.end_offset,
            ClaimRow.speaker_text,
        )
        .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
        .where(func.lower(ClaimRow.speaker_text).contains(low, autoescape=True))
        .order_by(DocumentRow.ordinal, ClaimRow.start_offset)
        .limit(limit)
    )
    with engine.connect() as conn:
        for doc, title, s, e, label, text in conn.execute(entity_query):
            out.append(
                dict(
                    kind="entity",
                    document_id=doc,
                    title=title,
                    start=s,
                    end=e,
                    what=f"{label}: {text}",
                )
            )
        for doc, title, s, e, speaker in conn.execute(claim_query):
            out.append(
                dict(
                    kind="claim",
                    document_id=doc,
                    title=title,
                    start=s,
                    end=e,
                    what=f"claim by {speaker}",
                )
            )
    return out[: 2 * limit]


def target_sentiments_by_text(engine: Engine) -> list[tuple[str, str, Any, Any]]:
    """(entity text, sentiment label, document meta, document created_at) of every target."""
    span_text = func.substr(
        DocumentRow.text, EntityRow.start_offset + 1, EntityRow.end_offset - EntityRow.start_offset
    )
    query = (
        select(span_text, TargetSentimentRow.label, DocumentRow.meta, DocumentRow.created_at)
        .select_from(TargetSentimentRow)
        .join(EntityRow, EntityRow.id == TargetSentimentRow.entity_id)
        .join(DocumentRow, DocumentRow.id == TargetSentimentRow.document_id)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def document_titles(engine: Engine) -> dict[str, str]:
    """Document id -> title (no texts read)."""
    with engine.connect() as conn:
        out: dict[str, str] = {}
        for batch in _batches(conn, select(DocumentRow.id, DocumentRow.title)):
            out.update(batch)  # the driver's rows: no Row object each
        return out
