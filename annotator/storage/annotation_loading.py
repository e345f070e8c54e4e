"""Reading the annotations of a batch of documents: four queries in all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from annotator.core.model import Claim, DocumentAnnotations, EntitySpan, TargetSentiment
from annotator.storage.models import ClaimRow, DocumentSentimentRow, EntityRow, TargetSentimentRow


def load_batch(
    conn: Connection, doc_ids: list[str], names: Mapping[str, str], only: str | None
) -> dict[str, DocumentAnnotations]:
    """Annotations of several documents, four queries in all."""
    out: dict[str, DocumentAnnotations] = {d: DocumentAnnotations() for d in doc_ids}

    def q(*cols: Any) -> Any:
        table = cols[0].class_
        query = select(*cols).where(table.document_id.in_(doc_ids))
        if only is not None:
            query = query.where(table.annotator_id == only)
        return conn.execute(query).all()  # one fetchall, not a fetch per row

    # The hot path (tens of thousands of spans in a long article): plain string and integer
    # columns need no result processing, so read the driver's tuples directly.
    query = select(
        EntityRow.id,
        EntityRow.document_id,
        EntityRow.annotator_id,
        EntityRow.start_offset,
        EntityRow.end_offset,
        EntityRow.label,
    ).where(EntityRow.document_id.in_(doc_ids))
    if only is not None:
        query = query.where(EntityRow.annotator_id == only)
    cursor = conn.execute(query).cursor
    make = EntitySpan
    for i, d, a, s, e, lab in cursor.fetchall() if cursor is not None else ():
        out[d].entities[i] = make(i, s, e, lab, names.get(a, ""))
    for i, d, a, s, e, sp, st, attrs in q(
        ClaimRow.id,
        ClaimRow.document_id,
        ClaimRow.annotator_id,
        ClaimRow.start_offset,
        ClaimRow.end_offset,
        ClaimRow.speaker_entity_id,
        ClaimRow.speaker_text,
        ClaimRow.attributes,
    ):
        out[d].claims[i] = Claim(i, s, e, sp, st or "", dict(attrs or {}), names.get(a, ""))
    for i, d, a, ent, lab in q(
        TargetSentimentRow.id,
        TargetSentimentRow.document_id,
        TargetSentimentRow.annotator_id,
        TargetSentimentRow.entity_id,
        TargetSentimentRow.label,
    ):
        out[d].targets[i] = TargetSentiment(i, ent, lab, names.get(a, ""))
    # several annotators' document sentiments: the same one on every back end (first by name)
    for d, _a, lab in sorted(
        q(
            DocumentSentimentRow.document_id,
            DocumentSentimentRow.annotator_id,
            DocumentSentimentRow.label,
        ),
        key=lambda row: names.get(row[1], ""),
    ):
        if out[d].document_sentiment is None:
            out[d].document_sentiment = lab
    return out
