"""Reading the annotations of a batch of documents through SQLAlchemy: four queries in all.

The rows are screened and assembled by `row_screen.assemble_annotations`, which the plain
`sqlite3` readers (`sqlite_reads`) share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from annotator.core.model import DocumentAnnotations
from annotator.storage.models import ClaimRow, DocumentSentimentRow, EntityRow, TargetSentimentRow
from annotator.storage.row_screen import BadRows, assemble_annotations


def load_batch(
    conn: Connection,
    doc_ids: list[str],
    names: Mapping[str, str],
    only: str | None,
    bad: BadRows | None = None,
    lengths: Mapping[str, int] | None = None,
) -> dict[str, DocumentAnnotations]:
    """Annotations of several documents, four queries in all.

    Rows that break the rules (see `row_screen`; `lengths`: document id -> text length, to
    check offsets against) are skipped and reported to `bad`, with what depends on them: a
    claim loses a skipped speaker, a target sentiment toward a skipped span goes.
    """

    def q(*cols: Any) -> Sequence[Any]:
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
    entities = cursor.fetchall() if cursor is not None else []
    claims = q(
        ClaimRow.id,
        ClaimRow.document_id,
        ClaimRow.annotator_id,
        ClaimRow.start_offset,
        ClaimRow.end_offset,
        ClaimRow.speaker_entity_id,
        ClaimRow.speaker_text,
        ClaimRow.attributes,
    )
    targets = q(
        TargetSentimentRow.id,
        TargetSentimentRow.document_id,
        TargetSentimentRow.annotator_id,
        TargetSentimentRow.entity_id,
        TargetSentimentRow.label,
    )
    sentiments = q(
        DocumentSentimentRow.document_id,
        DocumentSentimentRow.annotator_id,
        DocumentSentimentRow.label,
    )
    rows = (entities, claims, targets, sentiments)
    return assemble_annotations(doc_ids, names, rows, bad, lengths)
