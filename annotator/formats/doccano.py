"""doccano JSONL, both sequence-labelling variants.

``doccano``: ``{"text", "label": [[start, end, "LABEL"], ...]}``.
``doccano-relations``: ``{"text", "entities": [{id, label, start_offset, end_offset}],
"relations": [{id, from_id, to_id, type}]}``: claims are entities labelled ``CLAIM``
with a ``speaker`` relation from the claim to its speaker entity.
Both carry ``id``, ``title``, ``status``, ``sentiment`` and ``offset_unit`` as extra
keys (doccano keeps them as metadata). Offsets are code points, or UTF-16 units with
``--offsets utf16``; the importer reads ``offset_unit``, else detects the unit per
record (or takes ``--offsets``).

Cannot express: claim attributes, target sentiment, free-text speakers, and in the
``doccano`` variant claims at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument, Claim, DocumentAnnotations, EntitySpan
from annotator.formats.export_context import ExportContext
from annotator.formats.json_lines import parse_each, read_json_lines
from annotator.formats.native_jsonl import encode_line
from annotator.formats.problems import ImportProblem, RecordError
from annotator.formats.source_text import (
    OffsetChoice,
    SourceText,
    annotated,
    detect_unit,
    new_document,
)
from annotator.formats.token_spans import offset_converter

CLAIM_LABEL = "CLAIM"
SPEAKER_RELATION = "speaker"
_META_KEYS = ("id", "title", "status", "sentiment", "offset_unit")


def _meta(item: AnnotatedDocument, ctx: ExportContext) -> dict[str, Any]:
    doc = item.document
    return {
        "id": doc.id,
        "title": doc.title,
        "status": doc.status.value,
        "sentiment": item.annotations.document_sentiment,
        "offset_unit": ctx.offsets,
    }


def write_doccano(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    n = 0
    for item in ctx.counted(items):
        conv = offset_converter(item.document.text, ctx)
        ann = item.annotations
        if ann.claims:
            ctx.note(item.document.id, "claims_dropped", f"{len(ann.claims)} claims not written")
        record = {
            "text": item.document.text,
            "label": [[conv(e.start), conv(e.end), e.label] for e in ann.sorted_entities()],
            **_meta(item, ctx),
        }
        out.write(encode_line(record))
        n += 1
    return n


def write_doccano_relations(
    items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext
) -> int:
    if CLAIM_LABEL in ctx.entity_labels():
        ctx.extra_manifest["warning"] = f"entity label {CLAIM_LABEL} is also used for claims"
    n = 0
    for item in ctx.counted(items):
        conv = offset_converter(item.document.text, ctx)
        ann = item.annotations
        numbers: dict[str, int] = {}
        entities = []
        for e in ann.sorted_entities():
            numbers[e.id] = len(numbers) + 1
            entities.append(
                {
                    "id": numbers[e.id],
                    "label": e.label,
                    "start_offset": conv(e.start),
                    "end_offset": conv(e.end),
                }
            )
        relations: list[dict[str, Any]] = []
        for c in ann.sorted_claims():
            numbers[c.id] = len(numbers) + 1
            entities.append(
                {
                    "id": numbers[c.id],
                    "label": CLAIM_LABEL,
                    "start_offset": conv(c.start),
                    "end_offset": conv(c.end),
                }
            )
            if c.speaker_id is not None:
                relations.append(
                    {
                        "id": len(relations) + 1,
                        "from_id": numbers[c.id],
                        "to_id": numbers[c.speaker_id],
                        "type": SPEAKER_RELATION,
                    }
                )
        record = {"text": item.document.text, "entities": entities, "relations": relations}
        record.update(_meta(item, ctx))
        out.write(encode_line(record))
        n += 1
    return n


def read_doccano(
    path: Path, annotator: str = "", offsets: OffsetChoice = "auto"
) -> Iterator[AnnotatedDocument | ImportProblem]:
    """Either variant, record by record (``label`` may also be named ``labels``)."""
    for _line, item in parse_each(
        path, read_json_lines(path), lambda data: parse_doccano(data, annotator, offsets)
    ):
        yield item


def _ref(value: Any, what: str) -> str | int | None:
    """An entity id or relation end: a string, an integer or absent; else a RecordError."""
    if value is None or isinstance(value, str) or (type(value) is int):
        return value
    raise RecordError(f"{what} must be a string or an integer, not {type(value).__name__}")


def parse_doccano(
    data: Any, annotator: str = "", offsets: OffsetChoice = "auto"
) -> AnnotatedDocument:
    if not isinstance(data, dict):
        raise RecordError("expected a JSON object")
    raw: list[tuple[Any, Any, Any, Any]] = []  # (source id, start, end, label)
    relations = data.get("relations") or []
    if "entities" in data:
        items = data.get("entities") or []
        if not isinstance(items, list):
            raise RecordError('"entities" must be a list')
        for i, obj in enumerate(items, start=1):
            if not isinstance(obj, dict):
                raise RecordError(f"entity {i}: expected an object")
            raw.append(
                (
                    _ref(obj.get("id"), f'entity {i}: "id"'),
                    obj.get("start_offset"),
                    obj.get("end_offset"),
                    obj.get("label"),
                )
            )
    else:
        items = data.get("label", data.get("labels")) or []
        if not isinstance(items, list):
            raise RecordError('"label" must be a list of [start, end, label]')
        for i, obj in enumerate(items, start=1):
            if not isinstance(obj, list) or len(obj) != 3:
                raise RecordError(f"label {i}: expected [start, end, label]")
            raw.append((None, obj[0], obj[1], obj[2]))
    text = data.get("text", data.get("data"))
    if not isinstance(text, str):
        raise RecordError('missing "text" (a string)')
    spans = [(s, e, None) for _i, s, e, _l in raw if type(s) is int and type(e) is int]
    declared = data.get("offset_unit")
    if offsets == "auto" and declared in ("codepoint", "utf16"):
        offsets = declared  # written by Annotator: no need to guess
    source = SourceText(text, detect_unit(text, spans, offsets))
    entities: dict[Any, EntitySpan] = {}
    claims: dict[Any, Claim] = {}
    for i, (sid, s, e, label) in enumerate(raw, start=1):
        if not isinstance(label, str) or not label.strip():
            raise RecordError(f"entity {i}: the label must be a non-empty string")
        start, end = source.span(s, e, f"entity {i}")
        key = sid if sid is not None else i
        if label == CLAIM_LABEL and "entities" in data:
            claims[key] = Claim(new_id(), start, end, annotator=annotator)
        else:
            entities[key] = EntitySpan(new_id(), start, end, label.strip(), annotator)
    if not isinstance(relations, list):
        raise RecordError('"relations" must be a list')
    for i, rel in enumerate(relations, start=1):
        if not isinstance(rel, dict):
            raise RecordError(f"relation {i}: expected an object")
        if rel.get("type") != SPEAKER_RELATION:
            continue
        src = _ref(rel.get("from_id"), f'relation {i}: "from_id"')
        dst = _ref(rel.get("to_id"), f'relation {i}: "to_id"')
        claim, speaker = claims.get(src), entities.get(dst)
        if claim is None or speaker is None:
            raise RecordError(f"relation {i}: speaker relation must go from a claim to an entity")
        claims[src] = Claim(claim.id, claim.start, claim.end, speaker.id, annotator=annotator)
    sentiment = data.get("sentiment")
    meta = {
        k: v
        for k, v in data.items()
        if k not in {"text", "label", "labels", "entities", "relations", *_META_KEYS}
    }
    doc = new_document(
        source.text,
        doc_id=data.get("id"),
        title=data.get("title"),
        meta=meta,
        status=data.get("status"),
    )
    ann = DocumentAnnotations.of(
        entities.values(),
        claims.values(),
        document_sentiment=sentiment if isinstance(sentiment, str) and sentiment else None,
    )
    return annotated(doc, ann)
