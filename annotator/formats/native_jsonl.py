"""Annotator's own JSONL: one document per line, offsets in code points, snake_case keys."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.ids import new_id
from annotator.core.model import (
    STATUSES,
    AnnotatedDocument,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    SpanError,
    Status,
    TargetSentiment,
    TargetTable,
    check_span,
)
from annotator.core.offsets import utf16_length
from annotator.core.text import (
    check_storable,
    content_hash,
    normalise_with_offsets,
    shift_offset,
    title_from_text,
)
from annotator.formats.problems import ImportProblem, RecordError

EXPORT_SCHEMA_VERSION = 1
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


# -- export ----------------------------------------------------------------------


def native_record(item: AnnotatedDocument) -> dict[str, Any]:
    """The export dict of one document."""
    doc, ann, text = item.document, item.annotations, item.document.text
    entities = ann.sorted_entities()
    spans = [
        {
            "id": e.id,
            "start": e.start,
            "end": e.end,
            "label": e.label,
            "text": text[e.start : e.end],
            "annotator": e.annotator,
        }
        for e in entities
    ]
    # speakers' names: only a document with claims needs them
    names = {span["id"]: span["text"] for span in spans} if ann.claims else {}
    meta: dict[str, Any] = {"title": doc.title, "source": doc.source}
    meta.update(doc.meta)
    return {
        "id": doc.id,
        "text": text,
        "meta": meta,
        "status": doc.status.value,
        "annotator": item.annotator,
        "entities": spans,
        "claims": [
            {
                "id": c.id,
                "start": c.start,
                "end": c.end,
                "text": text[c.start : c.end],
                "speaker": c.speaker_id,
                "speaker_text": c.speaker_text or names.get(c.speaker_id or "", ""),
                "attributes": dict(c.attributes),
                "annotator": c.annotator,
            }
            for c in ann.sorted_claims()
        ],
        "sentiment": {
            "document": ann.document_sentiment,
            "targets": [
                {"id": t.id, "entity": t.entity_id, "label": t.label, "annotator": t.annotator}
                for t in sorted(ann.targets.values(), key=lambda t: t.id)
            ],
        },
        "schema_version": EXPORT_SCHEMA_VERSION,
    }


_BREAKER_BYTES = re.compile(b"\xe2\x80[\xa8\xa9]|\xc2\x85")
_ESCAPED = {raw.encode("utf-8"): escaped.encode("ascii") for raw, escaped in _LINE_BREAKERS.items()}


def _encode_json(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


try:  # orjson writes the same compact UTF-8 JSON about five times faster
    import orjson

    _NEWLINE = orjson.OPT_APPEND_NEWLINE

    def _encode(record: dict[str, Any]) -> bytes:
        try:
            return orjson.dumps(record, option=_NEWLINE)
        except TypeError:  # an integer beyond 64 bits, a key that is not a string: json
            return _encode_json(record)

except ImportError:  # pragma: no cover - orjson is a dependency; kept for odd platforms
    _encode = _encode_json


def encode_line(record: dict[str, Any]) -> bytes:
    """One JSON line, UTF-8, compact, ending in a newline; U+2028, U+2029 and U+0085 are
    escaped so that tools splitting lines on them (Python's str.splitlines, some
    JavaScript) keep the record whole."""
    line = _encode(record)
    # three substring scans (each a fast search in C) cost less than one regex search
    if b"\xe2\x80\xa8" in line or b"\xe2\x80\xa9" in line or b"\xc2\x85" in line:
        line = _BREAKER_BYTES.sub(lambda m: _ESCAPED[m.group()], line)
    return line


def write_native_jsonl(
    items: Iterable[AnnotatedDocument],
    out: BinaryIO,
    on_item: Callable[[int], None] | None = None,
) -> int:
    """Write one line per document; returns the number written."""
    n = 0
    for item in items:
        out.write(encode_line(native_record(item)))
        n += 1
        if on_item is not None:
            on_item(n)
    return n


# -- import ----------------------------------------------------------------------


def read_native_jsonl(path: Path) -> Iterator[AnnotatedDocument | ImportProblem]:
    """Parse a JSONL file lazily: each line gives a document or a problem naming file:line."""
    for _line, item in read_native_jsonl_located(path):
        yield item


def read_native_jsonl_located(
    path: Path,
) -> Iterator[tuple[int | None, AnnotatedDocument | ImportProblem]]:
    """Like `read_native_jsonl`, with the line number each document came from."""
    from annotator.formats.json_lines import parse_each, read_json_lines  # reading only

    return parse_each(path, read_json_lines(path), parse_native_record)


def parse_native_record(data: Any) -> AnnotatedDocument:
    """Validate one decoded JSON record and build the document; raise RecordError."""
    if not isinstance(data, dict):
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    raw_text = data.get("text")
    if not isinstance(raw_text, str):
        raise RecordError('missing "text" (a string)')
    text, removed = normalise_with_offsets(raw_text)
    check_storable(text)
    if not text or text.isspace():
        raise RecordError('"text" is empty')

    n_raw = len(raw_text)

    def checked_span(obj: dict[str, Any], what: str) -> tuple[int, int]:
        start, end = obj.get("start"), obj.get("end")
        if type(start) is not int or type(end) is not int:
            raise RecordError(f'{what}: "start" and "end" must be integers')
        try:
            check_span(start, end, len(raw_text))
        except SpanError as exc:
            hint = ""
            if not raw_text.isascii() and end <= utf16_length(raw_text):
                hint = " (offsets counted in UTF-16? Annotator counts code points)"
            raise RecordError(f"{what}: {exc}{hint}") from None
        given = obj.get("text")
        if isinstance(given, str) and raw_text[start:end] != given:
            hint = " (offsets counted in UTF-16 or bytes?)" if not raw_text.isascii() else ""
            raise RecordError(
                f"{what}: text {given!r} does not match text[{start}:{end}] "
                f"{raw_text[start:end]!r}{hint}"
            )
        if not removed:  # nothing was normalised away: offsets stay as they are
            return start, end
        s, e = shift_offset(start, removed), shift_offset(end, removed)
        if s >= e:
            raise RecordError(f"{what}: span covers only a removed line break")
        return s, e

    def span(obj: dict[str, Any], kind: str, i: int) -> tuple[int, int]:
        start, end = obj.get("start"), obj.get("end")
        if (  # the usual case, checked without a call: integers inside the text, text agrees
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= n_raw
            and not removed
            and (type(given := obj.get("text")) is not str or raw_text[start:end] == given)
        ):
            return start, end
        return checked_span(obj, f"{kind} {i}")

    meta = data.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise RecordError('"meta" must be an object')
    meta = dict(meta)
    title = meta.pop("title", None)
    source = meta.pop("source", "")
    status_raw = data.get("status", "todo")
    status = STATUSES.get(status_raw) if type(status_raw) is str else None
    if status is None:
        try:
            status = Status.parse(str(status_raw))
        except ValueError as exc:
            raise RecordError(str(exc)) from None
    annotator = data.get("annotator")
    annotator = str(annotator) if isinstance(annotator, str) and annotator else None

    # entities by id, built in place: the dict is also the set of ids seen so far
    entities: dict[str, EntitySpan] = {}
    for i, obj in enumerate(_list(data, "entities"), start=1):
        if not isinstance(obj, dict):
            raise RecordError(f"entity {i}: expected an object")
        start, end = obj.get("start"), obj.get("end")
        if not (  # the usual case inline (one call per span costs more than its checks)
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= n_raw
            and not removed
            and (type(given := obj.get("text")) is not str or raw_text[start:end] == given)
        ):
            start, end = checked_span(obj, f"entity {i}")
        label = obj.get("label")
        if not isinstance(label, str) or not (label := label.strip()):
            raise RecordError(f'entity {i}: "label" must be a non-empty string')
        eid = obj.get("id")
        if type(eid) is not str or not eid or len(eid) > 64:  # the usual id needs no change
            eid = _id(eid, "") or new_id()
        if eid in entities:
            raise RecordError(f"entity {i}: duplicate id {eid!r}")
        who = obj.get("annotator")
        entities[eid] = EntitySpan(eid, start, end, label, who if type(who) is str else "")
    seen = entities

    claims: list[Claim] = []
    claim_ids: set[str] = set()
    for i, obj in enumerate(_list(data, "claims"), start=1):
        if not isinstance(obj, dict):
            raise RecordError(f"claim {i}: expected an object")
        start, end = span(obj, "claim", i)
        speaker = obj.get("speaker")
        if speaker is not None:
            speaker = _id(speaker, "")
            if speaker not in seen:
                raise RecordError(f"claim {i}: speaker {speaker!r} is not an entity of this record")
        speaker_text = obj.get("speaker_text") or ""
        if not isinstance(speaker_text, str):
            raise RecordError(f'claim {i}: "speaker_text" must be a string')
        attrs = obj.get("attributes") or {}
        if not isinstance(attrs, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()
        ):
            raise RecordError(f'claim {i}: "attributes" must map names to strings')
        cid = _id(obj.get("id"), "") or new_id()
        if cid in claim_ids:
            raise RecordError(f"claim {i}: duplicate id {cid!r}")
        claim_ids.add(cid)
        claims.append(
            Claim(
                cid,
                start,
                end,
                speaker,
                speaker_text,
                dict(attrs),
                _who(obj),
            )
        )

    sentiment = data.get("sentiment") or {}
    if not isinstance(sentiment, dict):
        raise RecordError('"sentiment" must be an object')
    doc_sentiment = sentiment.get("document")
    if doc_sentiment is not None and not isinstance(doc_sentiment, str):
        raise RecordError('"sentiment.document" must be a string or null')
    targets: list[TargetSentiment] = []
    target_keys: set[tuple[str, str]] = set()
    target_ids: set[str] = set()
    for i, obj in enumerate(_list(sentiment, "targets", "sentiment.targets"), start=1):
        if not isinstance(obj, dict):
            raise RecordError(f"target sentiment {i}: expected an object")
        entity = _id(obj.get("entity"), "")
        if entity not in seen:
            raise RecordError(f"target sentiment {i}: entity {entity!r} is not in this record")
        label = obj.get("label")
        if not isinstance(label, str) or not label:
            raise RecordError(f'target sentiment {i}: "label" must be a non-empty string')
        who = _who(obj)
        if (entity, who) in target_keys:
            raise RecordError(f"target sentiment {i}: entity {entity!r} already has a sentiment")
        target_keys.add((entity, who))
        tid = _id(obj.get("id"), "") or new_id()
        if tid in target_ids:
            raise RecordError(f"target sentiment {i}: duplicate id {tid!r}")
        target_ids.add(tid)
        targets.append(TargetSentiment(tid, entity, label, who))

    doc = Document(
        id=_id(data.get("id"), ""),
        title=str(title) if title else title_from_text(text),
        text=text,
        source=str(source or ""),
        meta=meta,
        status=status,
        content_hash=content_hash(text),
    )
    ann = DocumentAnnotations(
        entities,
        {c.id: c for c in claims},
        TargetTable({t.id: t for t in targets}) if targets else TargetTable(),
        doc_sentiment or None,
    )
    return AnnotatedDocument(doc, ann, annotator)


def _list(data: dict[str, Any], key: str, name: str | None = None) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f'"{name or key}" must be a list')
    return value


def _id(value: Any, fallback: str) -> str:
    if isinstance(value, bool) or value is None:
        return fallback
    if isinstance(value, (str, int)):
        text = str(value)
        return text[:64] if text else fallback
    raise RecordError(f"id {value!r} must be a string or integer")


def _who(obj: dict[str, Any]) -> str:
    value = obj.get("annotator")
    return value if isinstance(value, str) else ""
