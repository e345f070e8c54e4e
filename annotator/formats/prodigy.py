"""spaCy/Prodigy-style JSONL, as used by ``ner.manual`` and ``spacy.training`` converters.

One line per document: ``text``, ``spans`` [{start, end, label, token_start, token_end}]
(``token_end`` inclusive, as Prodigy writes it), ``tokens`` [{text, start, end, id, ws}],
``meta`` {id, title, source, status, sentiment} and ``answer`` ("accept" for done
documents). Offsets are code points. Tokens are cut where a span edge falls inside one.

Cannot express: claims, claim attributes, target sentiment (document sentiment travels
in ``meta``); overlapping entities are written (Prodigy's spans may overlap) but noted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument, DocumentAnnotations, EntitySpan, Status
from annotator.formats.export_context import ExportContext
from annotator.formats.json_lines import parse_each, read_json_lines
from annotator.formats.native_jsonl import encode_line
from annotator.formats.problems import ImportProblem, RecordError
from annotator.formats.source_text import SourceText, annotated, new_document
from annotator.formats.token_spans import aligned_tokens, non_overlapping
from annotator.formats.tokenize import tokens_in


def prodigy_record(item: AnnotatedDocument, ctx: ExportContext) -> dict[str, Any]:
    doc, text = item.document, item.document.text
    tokens = aligned_tokens(item, ctx)
    ctx.lose_unwritten(item)
    spans = []
    for e in item.annotations.sorted_entities():
        first, last = tokens_in(tokens, e.start, e.end)
        span: dict[str, Any] = {"start": e.start, "end": e.end, "label": e.label}
        if first < last:
            span["token_start"], span["token_end"] = first, last - 1
        spans.append(span)
    _kept, dropped = non_overlapping(item.annotations.entities.values())
    if dropped:
        ctx.note(doc.id, "overlap", f"{len(dropped)} overlapping entities (Prodigy keeps them)")
    return {
        "text": text,
        "spans": spans,
        "tokens": [
            {
                "text": text[s:e],
                "start": s,
                "end": e,
                "id": i,
                "ws": e < len(text) and text[e].isspace(),
            }
            for i, (s, e) in enumerate(tokens)
        ],
        "meta": {
            **doc.meta,
            "id": doc.id,
            "title": doc.title,
            "source": doc.source,
            "status": doc.status.value,
            "sentiment": item.annotations.document_sentiment,
        },
        "answer": "accept" if doc.status is Status.DONE else "ignore",
    }


def write_prodigy(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    n = 0
    for item in ctx.counted(items):
        out.write(encode_line(prodigy_record(item, ctx)))
        n += 1
    return n


def read_prodigy(path: Path, annotator: str = "") -> Iterator[AnnotatedDocument | ImportProblem]:
    """Records with ``text`` and ``spans``; rejected answers ("reject") are skipped."""

    def parse(data: Any) -> AnnotatedDocument | None:
        if isinstance(data, dict) and data.get("answer") == "reject":
            return None
        return parse_prodigy(data, annotator)

    for _line, item in parse_each(path, read_json_lines(path), parse):
        yield item


def parse_prodigy(data: Any, annotator: str = "") -> AnnotatedDocument:
    if not isinstance(data, dict):
        raise RecordError("expected a JSON object")
    source = SourceText(data.get("text"))
    spans = data.get("spans") or []
    if not isinstance(spans, list):
        raise RecordError('"spans" must be a list')
    entities = []
    for i, span in enumerate(spans, start=1):
        if not isinstance(span, dict):
            raise RecordError(f"span {i}: expected an object")
        label = span.get("label")
        if not isinstance(label, str) or not label.strip():
            raise RecordError(f'span {i}: "label" must be a non-empty string')
        start, end = source.span(span.get("start"), span.get("end"), f"span {i}", span.get("text"))
        entities.append(EntitySpan(new_id(), start, end, label.strip(), annotator))
    given_meta = data.get("meta")
    meta: dict[str, Any] = given_meta if isinstance(given_meta, dict) else {}
    extra = {
        k: v for k, v in meta.items() if k not in {"id", "title", "source", "status", "sentiment"}
    }
    doc = new_document(
        source.text,
        doc_id=meta.get("id"),
        title=meta.get("title"),
        source=meta.get("source"),
        meta=extra,
        status=meta.get("status"),
    )
    sentiment = meta.get("sentiment")
    ann = DocumentAnnotations.of(
        entities, document_sentiment=sentiment if isinstance(sentiment, str) and sentiment else None
    )
    return annotated(doc, ann)
