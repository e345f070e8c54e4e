"""Reading the annotations of a batch of documents: four queries in all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from annotator.core.model import Claim, DocumentAnnotations, EntitySpan, TargetSentiment
from annotator.storage.models import ClaimRow, DocumentSentimentRow, EntityRow, TargetSentimentRow
from annotator.storage.row_screen import BadRows, attributes_problem, offsets_problem


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
    out: dict[str, DocumentAnnotations] = {d: DocumentAnnotations() for d in doc_ids}
    report = bad.report if bad is not None else (lambda _message: None)
    sizes = lengths or {}

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
    skipped: set[str] = set()
    for i, d, a, s, e, lab in cursor.fetchall() if cursor is not None else ():
        n = sizes.get(d)
        if type(s) is int and type(e) is int and 0 <= s < e and (n is None or e <= n):
            out[d].entities[i] = make(i, s, e, lab, names.get(a, ""))
        else:
            skipped.add(i)
            report(f"span {i} of document {d}: {offsets_problem(s, e, n)}")
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
        problem = offsets_problem(s, e, sizes.get(d)) or attributes_problem(attrs)
        if problem is not None:
            report(f"claim {i} of document {d}: {problem}")
            continue
        speaker = None if sp in skipped else sp
        out[d].claims[i] = Claim(i, s, e, speaker, st or "", dict(attrs or {}), names.get(a, ""))
    for i, d, a, ent, lab in q(
        TargetSentimentRow.id,
        TargetSentimentRow.document_id,
        TargetSentimentRow.annotator_id,
        TargetSentimentRow.entity_id,
        TargetSentimentRow.label,
    ):
        if ent in skipped:
            report(f"target sentiment {i} of document {d}: its span was skipped")
            continue
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
