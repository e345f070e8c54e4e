"""doccano JSONL, both sequence-labelling variants.

``doccano``: ``{"text", "label": [[start, end, "LABEL"], ...]}``.
``doccano-relations``: ``{"text", "entities": [{id, label, start_offset, end_offset}],
"relations": [{id, from_id, to_id, type}]}``: claims are entities labelled ``CLAIM``
with a ``speaker`` relation from the claim to its speaker entity.
Both carry ``id``, ``title``, ``status`` and ``sentiment`` as extra keys (doccano keeps
them as metadata). Offsets are UTF-16 units by default, as doccano's frontend counts
them (JavaScript string positions; measured with doccano 1.8.4), or code points with
``--offsets codepoint``. The importer takes UTF-16 unless a record's span text or its
offsets say otherwise (`annotator.formats.offset_units`); an ``offset_unit`` key that
older exports wrote is ignored, since doccano echoes it back after its own edits.
A zip of doccano's per-user export (``<user>.jsonl`` members) imports each member's
spans under that user.

Cannot express: claim attributes, target sentiment, free-text speakers, and in the
``doccano`` variant claims at all; doccano's default project (no overlapping spans)
drops spans that overlap (counted in the manifest's ``losses``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from annotator.core.ids import new_id
from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    DocumentAnnotations,
    EntitySpan,
    SpanError,
)
from annotator.core.text import TextRejected
from annotator.formats.export_context import ExportContext
from annotator.formats.json_lines import decode_json, parse_each, read_json_lines
from annotator.formats.limits import current_limits
from annotator.formats.native_jsonl import encode_line
from annotator.formats.offset_units import Unit, resolve_unit
from annotator.formats.problems import ImportProblem, RecordError
from annotator.formats.source_text import (
    OffsetChoice,
    SourceText,
    annotated,
    new_document,
)
from annotator.formats.token_spans import offset_converter

CLAIM_LABEL = "CLAIM"
SPEAKER_RELATION = "speaker"
_META_KEYS = ("id", "title", "status", "sentiment", "offset_unit", "Comments")
CONVENTION: Unit = "utf16"  # doccano's frontend counts JavaScript (UTF-16) positions


def _meta(item: AnnotatedDocument, ctx: ExportContext) -> dict[str, Any]:
    doc = item.document
    return {
        "id": doc.id,
        "title": doc.title,
        "status": doc.status.value,
        "sentiment": item.annotations.document_sentiment,
    }


def _overlapping(spans: Iterable[tuple[int, int]]) -> int:
    """How many of `spans` (in the order written) a doccano project without overlapping
    spans drops. doccano 1.8.4's importer sorts a record's spans by start (stably) and
    keeps each that starts at or after the end of the last one kept."""
    dropped, last_end = 0, -1
    for s, e in sorted(spans, key=lambda span: span[0]):
        if s >= last_end:
            last_end = e
        else:
            dropped += 1
    return dropped


def _note_losses(item: AnnotatedDocument, ctx: ExportContext, claims_written: bool) -> None:
    ann, doc_id = item.annotations, item.document.id
    spans = [(e.start, e.end) for e in ann.sorted_entities()]
    if claims_written:
        spans += [(c.start, c.end) for c in ann.sorted_claims()]
        free = sum(1 for c in ann.claims.values() if c.speaker_id is None and c.speaker_text)
        attrs = sum(len(c.attributes) for c in ann.claims.values())
        ctx.lose(doc_id, "free_text_speakers", free, "free-text speakers not written")
        ctx.lose(doc_id, "claim_attributes", attrs, "claim attributes not written")
    else:
        ctx.lose(doc_id, "claims", len(ann.claims), "claims not written")
    ctx.lose(doc_id, "target_sentiments", len(ann.targets), "target sentiments not written")
    ctx.lose(
        doc_id,
        "overlaps_dropped_by_doccano",
        _overlapping(spans),
        "overlapping spans that doccano's default project (no overlaps) drops",
    )


def write_doccano(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    n = 0
    for item in ctx.counted(items):
        conv = offset_converter(item.document.text, ctx)
        ann = item.annotations
        _note_losses(item, ctx, claims_written=False)
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
        _note_losses(item, ctx, claims_written=True)
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
    if path.suffix.lower() == ".zip":
        yield from read_doccano_zip(path, annotator, offsets)
        return
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
    quoted: list[str | None] = []  # span text, where a record gives it
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
            quoted.append(obj.get("text") if isinstance(obj.get("text"), str) else None)
    else:
        items = data.get("label", data.get("labels")) or []
        if not isinstance(items, list):
            raise RecordError('"label" must be a list of [start, end, label]')
        for i, obj in enumerate(items, start=1):
            if not isinstance(obj, list) or len(obj) != 3:
                raise RecordError(f"label {i}: expected [start, end, label]")
            raw.append((None, obj[0], obj[1], obj[2]))
            quoted.append(None)
    text = data.get("text", data.get("data"))
    if not isinstance(text, str):
        raise RecordError('missing "text" (a string)')
    spans = [(s, e, q) for (_i, s, e, _l), q in zip(raw, quoted, strict=True)]
    source = SourceText(text, resolve_unit(text, spans, CONVENTION, offsets))
    entities: dict[Any, EntitySpan] = {}
    claims: dict[Any, Claim] = {}
    for i, (sid, s, e, label) in enumerate(raw, start=1):
        if not isinstance(label, str) or not label.strip():
            raise RecordError(f"entity {i}: the label must be a non-empty string")
        start, end = source.span(s, e, f"entity {i}", quoted[i - 1])
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
    return annotated(doc, ann, annotator)


# -- doccano's per-user export: a zip of <user>.jsonl ---------------------------------


def is_doccano_zip(path: Path) -> bool:
    """A zip whose members are all JSONL files (doccano's export), not a brat archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (OSError, zipfile.BadZipFile):
        return False
    return bool(names) and all(n.lower().endswith(".jsonl") for n in names)


def read_doccano_zip(
    path: Path, annotator: str = "", offsets: OffsetChoice = "auto"
) -> Iterator[AnnotatedDocument | ImportProblem]:
    """Each member ``<user>.jsonl`` is one user's annotations of every example; the
    examples are merged (by doccano's ``id``, else the text) and each span keeps its user.
    ``all.jsonl`` (a collaborative project) has no single user."""
    limit = current_limits().max_file_bytes
    merged: dict[Any, AnnotatedDocument] = {}
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        yield ImportProblem(str(path), None, f"not a readable zip: {exc}")
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            where = f"{path}!{info.filename}"
            if info.file_size > limit:
                yield ImportProblem(where, None, current_limits().file_refusal(info.file_size))
                continue
            user = PurePosixPath(info.filename).stem
            who = annotator if user == "all" else user
            data = archive.read(info)
            for number, raw in enumerate(data.splitlines(), start=1):
                if not raw.strip():
                    continue
                try:
                    record = decode_json(raw.decode("utf-8-sig"))
                    item = parse_doccano(record, who, offsets)
                except UnicodeDecodeError as exc:
                    yield ImportProblem(where, number, f"not valid UTF-8 (byte {exc.start + 1})")
                    continue
                except (RecordError, SpanError, TextRejected) as exc:
                    yield ImportProblem(where, number, str(exc))
                    continue
                key = record.get("id") if isinstance(record, dict) else None
                key = key if isinstance(key, (int, str)) else item.document.text
                merged[key] = _merge(merged[key], item) if key in merged else item
    yield from merged.values()


def _merge(first: AnnotatedDocument, other: AnnotatedDocument) -> AnnotatedDocument:
    """`first` with the annotations of `other` (the same example, another user) added."""
    if first.document.text != other.document.text:
        return first
    a, b = first.annotations, other.annotations
    ann = DocumentAnnotations(
        {**a.entities, **b.entities},
        {**a.claims, **b.claims},
        {**a.targets, **b.targets},
        a.document_sentiment or b.document_sentiment,
    )
    return AnnotatedDocument(first.document, ann, first.annotator or other.annotator)
