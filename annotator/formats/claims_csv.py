"""Claims as CSV for analysts: one row per claim, UTF-8 with a BOM (Excel reads it right).

Columns: document_id, document_title, claim_id, start, end, claim_text, speaker,
speaker_entity_id, speaker_label, speaker_sentiment, one column per claim attribute of
the schema (others, if any, as JSON in other_attributes), document_sentiment, annotator.

Cannot express (export only): entities that are not speakers, their target sentiment,
documents without claims.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import BinaryIO

from annotator.core.model import AnnotatedDocument
from annotator.formats.export_context import ExportContext

BASE_COLUMNS = (
    "document_id",
    "document_title",
    "claim_id",
    "start",
    "end",
    "claim_text",
    "speaker",
    "speaker_entity_id",
    "speaker_label",
    "speaker_sentiment",
)


def write_claims_csv(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    attrs = [a.name for a in ctx.schema.claim_attributes]
    header = [*BASE_COLUMNS, *attrs, "other_attributes", "document_sentiment", "annotator"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    out.write(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    n = 0
    for item in ctx.counted(items):
        n += 1
        doc, ann, text = item.document, item.annotations, item.document.text
        buffer.seek(0)
        buffer.truncate()
        for c in ann.sorted_claims():
            speaker = ann.entities.get(c.speaker_id or "")
            target = ann.target_for(speaker.id) if speaker else None
            others = {k: v for k, v in c.attributes.items() if k not in attrs}
            writer.writerow(
                [
                    doc.id,
                    doc.title,
                    c.id,
                    c.start,
                    c.end,
                    text[c.start : c.end],
                    c.speaker_text or (text[speaker.start : speaker.end] if speaker else ""),
                    speaker.id if speaker else "",
                    speaker.label if speaker else "",
                    target.label if target else "",
                    *(c.attributes.get(a, "") for a in attrs),
                    json.dumps(others, ensure_ascii=False, sort_keys=True) if others else "",
                    ann.document_sentiment or "",
                    c.annotator,
                ]
            )
            ctx.counts["rows"] += 1
        out.write(buffer.getvalue().encode("utf-8"))
    return n
