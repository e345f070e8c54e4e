"""Label Studio JSON tasks, importable as annotations or as predictions.

Each document is a task ``{"data": {"text", "doc_id", "title", "status"}, "annotations" |
"predictions": [{"result": [...]}]}``. Results: entities as ``labels`` from ``label``,
claims as ``labels`` from ``claim``, claim attributes as per-region ``choices`` named
``claim_<attribute>``, free-text speakers as a per-region ``textarea`` ``speaker_text``,
target sentiment as per-region ``choices`` ``target_sentiment``, document sentiment as
``choices`` ``sentiment`` and claim -> speaker as a ``relation`` labelled ``speaker``.
The matching labeling config is in the manifest (``label_config``). Offsets are code
points (current Label Studio) or UTF-16 units with ``--offsets utf16`` (older versions);
the importer checks each region's quoted text to tell them apart.

Cannot express: who made each annotation (one annotation per task).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.ids import new_id
from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    DocumentAnnotations,
    EntitySpan,
    Status,
    TargetSentiment,
)
from annotator.core.schema import LabelSchema
from annotator.formats.export_context import ExportContext
from annotator.formats.json_lines import parse_each, read_json_lines, refuse_lone_surrogates
from annotator.formats.limits import read_whole
from annotator.formats.problems import FormatError, ImportProblem, RecordError
from annotator.formats.source_text import (
    OffsetChoice,
    SourceText,
    annotated,
    detect_unit,
    new_document,
)
from annotator.formats.token_spans import offset_converter

ENTITY_TAG, CLAIM_TAG, CLAIM_VALUE = "label", "claim", "Claim"
SENTIMENT_TAG, TARGET_TAG, SPEAKER_TAG = "sentiment", "target_sentiment", "speaker_text"
SPEAKER_RELATION = "speaker"
ATTRIBUTE_PREFIX = "claim_"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def quoteattr(value: str) -> str:
    """An XML attribute value in double quotes (xml.sax.saxutils would pull in urllib)."""
    return '"' + html.escape(value, quote=True).replace("\n", "&#10;") + '"'


def label_config(schema: LabelSchema, labels: Iterable[str]) -> str:
    """The Label Studio labeling config (XML) for this export's tags."""
    colors = {lab.name: lab.color for lab in schema.entity_labels}
    entity = "".join(
        f"<Label value={quoteattr(n)} background={quoteattr(colors.get(n, '#9E9E9E'))}/>"
        for n in labels
    )
    sentiments = "".join(f"<Choice value={quoteattr(s)}/>" for s in schema.sentiment_names)
    attrs = "".join(
        f'<Choices name={quoteattr(ATTRIBUTE_PREFIX + a.name)} toName="text" perRegion="true" '
        f'whenTagName="{CLAIM_TAG}">'
        + "".join(f"<Choice value={quoteattr(c)}/>" for c in a.choices)
        + "</Choices>"
        for a in schema.claim_attributes
    )
    return (
        "<View>"
        f'<Labels name="{ENTITY_TAG}" toName="text">{entity}</Labels>'
        f'<Labels name="{CLAIM_TAG}" toName="text"><Label value="{CLAIM_VALUE}" '
        f"background={quoteattr(schema.claim_color)}/></Labels>"
        '<Text name="text" value="$text"/>'
        f'<Relations><Relation value="{SPEAKER_RELATION}"/></Relations>'
        f'<Choices name="{SENTIMENT_TAG}" toName="text" choice="single">{sentiments}</Choices>'
        f'<Choices name="{TARGET_TAG}" toName="text" perRegion="true" '
        f'whenTagName="{ENTITY_TAG}">{sentiments}</Choices>'
        f"{attrs}"
        f'<TextArea name="{SPEAKER_TAG}" toName="text" perRegion="true" '
        f'whenTagName="{CLAIM_TAG}"/>'
        "</View>"
    )


def task(item: AnnotatedDocument, ctx: ExportContext, key: str) -> dict[str, Any]:
    doc, ann, text = item.document, item.annotations, item.document.text
    conv = offset_converter(text, ctx)

    def region(rid: str, start: int, end: int, tag: str, kind: str, value: Any) -> dict[str, Any]:
        return {
            "id": rid,
            "from_name": tag,
            "to_name": "text",
            "type": kind,
            "value": {
                "start": conv(start),
                "end": conv(end),
                "text": text[start:end],
                kind: value,
            }
            if kind != "textarea"
            else {"start": conv(start), "end": conv(end), "text": value},
        }

    result: list[dict[str, Any]] = []
    for e in ann.sorted_entities():
        result.append(region(e.id, e.start, e.end, ENTITY_TAG, "labels", [e.label]))
        target = ann.target_for(e.id)
        if target is not None:
            result.append(region(e.id, e.start, e.end, TARGET_TAG, "choices", [target.label]))
    for c in ann.sorted_claims():
        result.append(region(c.id, c.start, c.end, CLAIM_TAG, "labels", [CLAIM_VALUE]))
        for name, value in sorted(c.attributes.items()):
            result.append(region(c.id, c.start, c.end, ATTRIBUTE_PREFIX + name, "choices", [value]))
        if c.speaker_text and c.speaker_id is None:
            result.append(region(c.id, c.start, c.end, SPEAKER_TAG, "textarea", [c.speaker_text]))
        if c.speaker_id is not None:
            result.append(
                {
                    "type": "relation",
                    "from_id": c.id,
                    "to_id": c.speaker_id,
                    "direction": "right",
                    "labels": [SPEAKER_RELATION],
                }
            )
    if ann.document_sentiment:
        result.append(
            {
                "id": f"sentiment-{doc.id}"[:40],
                "from_name": SENTIMENT_TAG,
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [ann.document_sentiment]},
            }
        )
    entry: dict[str, Any] = {"result": result}
    if key == "predictions":
        entry["model_version"] = "annotator"
    return {
        "data": {"text": text, "doc_id": doc.id, "title": doc.title, "status": doc.status.value},
        key: [entry],
    }


def _writer(key: str) -> Callable[[Iterable[AnnotatedDocument], BinaryIO, ExportContext], int]:
    def write(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
        out.write(b"[")
        n = 0
        for item in ctx.counted(items):
            line = json.dumps(task(item, ctx, key), ensure_ascii=False, separators=(",", ":"))
            out.write(((",\n" if n else "\n") + line).encode("utf-8"))
            n += 1
        out.write(b"\n]\n")
        ctx.extra_manifest["label_config"] = label_config(ctx.schema, ctx.entity_labels())
        return n

    return write


write_label_studio = _writer("annotations")
write_label_studio_predictions = _writer("predictions")


# -- import ----------------------------------------------------------------------


def iter_json_array(path: Path) -> Iterator[tuple[int, Any] | ImportProblem]:
    """(line, element) of a top-level JSON array, or of a JSONL file, element by element."""
    try:
        text = read_whole(path).decode("utf-8-sig")  # FIFOs, devices and huge files refused
    except FormatError as exc:
        yield exc.problem
        return
    except UnicodeDecodeError as exc:
        yield ImportProblem(str(path), None, f"not valid UTF-8 (byte {exc.start + 1})")
        return
    stripped = text.lstrip()
    if not stripped.startswith("["):
        yield from read_json_lines(path)
        return
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    pos = len(text) - len(stripped) + 1
    line, counted = 1, 0

    def line_at(at: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, at)
        counted = at
        return line

    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            yield ImportProblem(str(path), line_at(pos), "invalid JSON: the array is not closed")
            return
        if text[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield ImportProblem(str(path), exc.lineno, f"invalid JSON: {exc.msg}")
            return
        except RecursionError:
            yield ImportProblem(str(path), line_at(pos), "invalid JSON: nested too deeply")
            return
        except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
            reason = str(exc).split(":", 1)[0]
            yield ImportProblem(str(path), line_at(pos), f"invalid JSON: {reason}")
            return
        try:
            refuse_lone_surrogates(value)
        except RecordError as exc:
            yield ImportProblem(str(path), line_at(pos), str(exc))
        else:
            yield line_at(pos), value
        pos = end


def read_label_studio(
    path: Path, annotator: str = "", offsets: OffsetChoice = "auto"
) -> Iterator[AnnotatedDocument | ImportProblem]:
    for _line, item in parse_each(
        path, iter_json_array(path), lambda data: parse_task(data, annotator, offsets)
    ):
        yield item


def _pick_result(data: dict[str, Any]) -> tuple[list[Any], bool]:
    """The result list of the first usable annotation, else of the first prediction."""
    for key, done in (("annotations", True), ("completions", True), ("predictions", False)):
        entries = data.get(key) or []
        if not isinstance(entries, list):
            raise RecordError(f'"{key}" must be a list')
        for entry in entries:
            if isinstance(entry, dict) and not entry.get("was_cancelled"):
                result = entry.get("result") or []
                if not isinstance(result, list):
                    raise RecordError(f'"{key}[].result" must be a list')
                return result, done
    return [], False


def parse_task(data: Any, annotator: str = "", offsets: OffsetChoice = "auto") -> AnnotatedDocument:
    if not isinstance(data, dict):
        raise RecordError("expected a task object")
    fields = data.get("data", data)
    if not isinstance(fields, dict):
        raise RecordError('"data" must be an object')
    text = fields.get("text")
    if not isinstance(text, str):
        strings = [v for v in fields.values() if isinstance(v, str)]
        text = max(strings, key=len) if strings else None
    if not isinstance(text, str):
        raise RecordError('no text in the task\'s "data"')
    result, done = _pick_result(data)
    regions = [r for r in result if isinstance(r, dict) and isinstance(r.get("value"), dict)]
    spans = [
        (r["value"]["start"], r["value"]["end"], _quoted(r["value"]))
        for r in regions
        if type(r["value"].get("start")) is int and type(r["value"].get("end")) is int
    ]
    source = SourceText(text, detect_unit(text, spans, offsets))
    entities: dict[str, EntitySpan] = {}
    claims: dict[str, Claim] = {}
    per_region: list[tuple[int, dict[str, Any]]] = []
    doc_sentiment: str | None = None
    for i, r in enumerate(result, start=1):
        if not isinstance(r, dict):
            raise RecordError(f"result {i}: expected an object")
        kind, value, rid = r.get("type"), r.get("value"), str(r.get("id") or new_id())
        if kind == "labels" and isinstance(value, dict):
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels or not isinstance(labels[0], str):
                raise RecordError(f"result {i}: labels must be a list of strings")
            start, end = source.span(
                value.get("start"), value.get("end"), f"result {i}", _quoted(value)
            )
            if r.get("from_name") == CLAIM_TAG or labels[0] == CLAIM_VALUE:
                claims[rid] = Claim(rid, start, end, annotator=annotator)
            else:
                entities[rid] = EntitySpan(rid, start, end, labels[0], annotator)
        elif kind in ("choices", "textarea") and isinstance(value, dict):
            if "start" in value:
                per_region.append((i, r))
            elif r.get("from_name") == SENTIMENT_TAG:
                choices = value.get("choices")
                if isinstance(choices, list) and choices and isinstance(choices[0], str):
                    doc_sentiment = choices[0]
    targets: list[TargetSentiment] = []
    for i, r in per_region:
        rid, name, value = str(r.get("id")), str(r.get("from_name")), r["value"]
        values = value.get("choices") if r.get("type") == "choices" else value.get("text")
        if not isinstance(values, list) or not values or not isinstance(values[0], str):
            raise RecordError(f"result {i}: expected a non-empty list of strings")
        if name == TARGET_TAG and rid in entities:
            targets.append(TargetSentiment(new_id(), rid, values[0], annotator))
        elif rid in claims and name == SPEAKER_TAG:
            claims[rid] = _with(claims[rid], speaker_text=values[0])
        elif rid in claims and name.startswith(ATTRIBUTE_PREFIX):
            attrs = dict(claims[rid].attributes)
            attrs[name[len(ATTRIBUTE_PREFIX) :]] = values[0]
            claims[rid] = _with(claims[rid], attributes=attrs)
    for i, r in enumerate(result, start=1):
        if isinstance(r, dict) and r.get("type") == "relation":
            src, dst = str(r.get("from_id")), str(r.get("to_id"))
            if src in entities and dst in claims:
                src, dst = dst, src
            if src in claims and dst in entities:
                claims[src] = _with(claims[src], speaker_id=dst)
            elif not ({src, dst} <= entities.keys() | claims.keys()):
                raise RecordError(f"result {i}: relation between unknown regions")
    status = fields.get("status") or (Status.DONE.value if done and result else None)
    meta = {k: v for k, v in fields.items() if k not in {"text", "doc_id", "title", "status"}}
    doc = new_document(
        source.text,
        doc_id=fields.get("doc_id"),
        title=fields.get("title"),
        meta=meta,
        status=status,
    )
    ann = DocumentAnnotations.of(entities.values(), claims.values(), targets, doc_sentiment)
    return annotated(doc, ann)


def _quoted(value: dict[str, Any]) -> str | None:
    text = value.get("text")
    return text if isinstance(text, str) else None


def _with(claim: Claim, **changes: Any) -> Claim:
    from dataclasses import replace

    return replace(claim, **changes)
