"""Label Studio JSON tasks, importable as annotations or as predictions.

Each document is a task ``{"data": {"text", "doc_id", "title", "status"}, "annotations" |
"predictions": [{"result": [...]}]}``. Results: entities as ``labels`` from ``label``,
claims as ``labels`` from ``claim``, claim attributes as per-region ``choices`` named
``claim_<attribute>``, free-text speakers as a per-region ``textarea`` ``speaker_text``,
target sentiment as per-region ``choices`` ``target_sentiment``, document sentiment as
``choices`` ``sentiment`` and claim -> speaker as a ``relation`` labelled ``speaker``.
The matching labeling config is in the manifest (``label_config``). Offsets are code
points (Label Studio 1.23 counts them; measured) or UTF-16 units with ``--offsets utf16``
(older versions); the importer takes code points unless the regions' quoted text says
otherwise (`annotator.formats.offset_units`).

Import reads the JSON export (or JSONL of tasks), JSON_MIN (one flat record per
annotation, merged per task) and the CSV/TSV exports. Every annotation of a task comes in
under its analyst (``completed_by``: the email where the export has it, else
``user-<id>``); every prediction under an annotator named after its model version, named
in the item's ``predicted_by`` (the import stores those as suggestions from that model).

Cannot express: who made each annotation (one annotation per task).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
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
from annotator.formats.json_lines import (
    decode_json,
    parse_each,
    read_json_lines,
    refuse_lone_surrogates,
)
from annotator.formats.limits import current_limits, open_regular, read_whole
from annotator.formats.offset_units import Unit, resolve_unit
from annotator.formats.problems import FormatError, ImportProblem, RecordError
from annotator.formats.source_text import (
    OffsetChoice,
    SourceText,
    annotated,
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
    """Label Studio's JSON export (or JSONL of tasks), its JSON_MIN export (one record per
    annotation, merged per task) and its CSV/TSV exports."""
    if path.suffix.lower() in (".csv", ".tsv"):
        entries: Iterable[tuple[int, Any] | ImportProblem] = iter_csv_rows(path)
    else:
        entries = iter_json_array(path)
    for _line, item in parse_each(
        path, merge_min_records(path, entries), lambda data: parse_task(data, annotator, offsets)
    ):
        yield item


# -- JSON_MIN and CSV/TSV: flat records, one per annotation ----------------------

_MIN_META = frozenset(
    {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"}
)
_TASK_KEYS = frozenset({"data", "annotations", "completions", "predictions"})


def _is_region_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(x, dict) and "start" in x and "end" in x for x in value)
    )


def is_min_record(data: Any) -> bool:
    """A record of Label Studio's JSON_MIN (or CSV) export rather than a full task."""
    if not isinstance(data, dict) or _TASK_KEYS & data.keys() or "text" not in data:
        return False
    if "annotation_id" in data:
        return True
    return "annotator" in data and any(_is_region_list(v) for v in data.values())


def _region_kind(region: dict[str, Any]) -> str:
    if "labels" in region:
        return "labels"
    return "choices" if "choices" in region else "textarea"


def _is_control(key: str) -> bool:
    """A key of Annotator's labeling config (a control, not a data field)."""
    return key in (ENTITY_TAG, CLAIM_TAG, SENTIMENT_TAG, TARGET_TAG, SPEAKER_TAG) or (
        key.startswith(ATTRIBUTE_PREFIX)
    )


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = value.get("choices", value.get("text"))
    if isinstance(value, list) and value and all(isinstance(x, str) for x in value):
        return list(value)
    return None


def _min_result(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The full-export result list of one flat record. Per-region choices and text areas
    get the id of the labelled region on the same offsets; JSON_MIN flattens a per-region
    value of a claim to a plain value, which goes to the claim when there is only one."""
    regions = [
        (key, region, _region_kind(region))
        for key, value in record.items()
        if key not in _MIN_META and _is_region_list(value)
        for region in value
    ]
    ids: dict[tuple[Any, Any], str] = {}
    claim_ids: list[str] = []
    result: list[dict[str, Any]] = []
    for key, region, kind in sorted(regions, key=lambda r: r[2] != "labels"):
        span = (region.get("start"), region.get("end"))
        rid = new_id() if kind == "labels" else ids.get(span, new_id())
        ids.setdefault(span, rid)
        if kind == "labels" and (key == CLAIM_TAG or region.get("labels") == [CLAIM_VALUE]):
            claim_ids.append(rid)
            claim = region
        result.append(
            {"id": rid, "from_name": key, "to_name": "text", "type": kind, "value": region}
        )
    for key, value in record.items():
        if key in _MIN_META or _is_region_list(value) or not _is_control(key):
            continue
        values = _strings(value)
        if values is None:
            continue
        if key == SENTIMENT_TAG:
            result.append(
                {
                    "from_name": key,
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": values},
                }
            )
        elif (key == SPEAKER_TAG or key.startswith(ATTRIBUTE_PREFIX)) and len(claim_ids) == 1:
            kind = "textarea" if key == SPEAKER_TAG else "choices"
            result.append(
                {
                    "id": claim_ids[0],
                    "from_name": key,
                    "to_name": "text",
                    "type": kind,
                    "value": {
                        "start": claim["start"],
                        "end": claim["end"],
                        ("text" if kind == "textarea" else "choices"): values,
                    },
                }
            )
    return result


def min_records_to_task(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One full task from the flat records of its annotations: the data fields are those
    the records share (controls of Annotator's config aside), the rest are annotations."""
    first = records[0]
    fields = {
        k: v
        for k, v in first.items()
        if k not in _MIN_META
        and not _is_region_list(v)
        and not _is_control(k)
        and all(r.get(k) == v for r in records)
    }
    annotations = []
    for record in records:
        result = _min_result(record)
        if result or "annotation_id" in record:
            annotations.append({"completed_by": record.get("annotator"), "result": result})
    return {"data": fields, "annotations": annotations}


def merge_min_records(
    path: Path, entries: Iterable[tuple[int, Any] | ImportProblem]
) -> Iterator[tuple[int, Any] | ImportProblem]:
    """Full tasks pass through; flat records are grouped by task (its ``id``, else its
    text) and come out as one task each, with one annotation per record."""
    groups: dict[tuple[str, Any], tuple[int, list[dict[str, Any]]]] = {}
    for entry in entries:
        if isinstance(entry, ImportProblem) or not is_min_record(entry[1]):
            yield entry
            continue
        line, record = entry
        task_id = record.get("id")
        key = (
            ("id", task_id)
            if isinstance(task_id, (int, str)) and not isinstance(task_id, bool)
            else ("text", record.get("text"))
        )
        groups.setdefault(key, (line, []))[1].append(record)
    for line, records in groups.values():
        yield line, min_records_to_task(records)


def iter_csv_rows(path: Path) -> Iterator[tuple[int, Any] | ImportProblem]:
    """(line, record) of Label Studio's CSV or TSV export; JSON-valued cells decoded."""
    try:
        text = read_whole(path).decode("utf-8-sig")
    except FormatError as exc:
        yield exc.problem
        return
    except UnicodeDecodeError as exc:
        yield ImportProblem(str(path), None, f"not valid UTF-8 (byte {exc.start + 1})")
        return
    csv.field_size_limit(max(csv.field_size_limit(), current_limits().max_record_bytes))
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            record: dict[str, Any] = {}
            for key, cell in row.items():
                if key is None or cell is None or cell == "":
                    continue
                if cell[:1] in "[{":
                    try:
                        record[key] = decode_json(cell)
                        continue
                    except RecordError as exc:
                        yield ImportProblem(str(path), line + 1, f"column {key!r}: {exc}")
                        break
                record[key] = int(cell) if key == "id" and cell.isdigit() else cell
            else:
                yield line + 1, record
            line = reader.line_num
    except csv.Error as exc:
        yield ImportProblem(str(path), reader.line_num, f"invalid CSV: {exc}")


def is_label_studio_table(path: Path) -> bool:
    """A CSV/TSV file whose header is that of Label Studio's CSV/TSV export."""
    try:
        with open_regular(path) as handle:
            head = handle.readline(64 * 1024).decode("utf-8-sig", errors="replace")
    except (FormatError, OSError):
        return False
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        columns = {c.strip() for c in next(csv.reader([head], delimiter=delimiter), [])}
    except csv.Error:
        return False
    return "text" in columns and bool({"annotation_id", "annotator"} & columns)


CONVENTION: Unit = "codepoint"  # Label Studio 1.23 counts code points (measured)


def analyst_name(value: Any, default: str = "") -> str:
    """The analyst behind Label Studio's ``completed_by`` (or JSON_MIN's ``annotator``):
    an email or username where the export has one, else ``user-<id>``."""
    if isinstance(value, dict):
        for key in ("email", "username"):
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key]).strip()[:200]
        value = value.get("id")
    if type(value) is int or (isinstance(value, str) and value.strip().isdigit()):
        return f"user-{str(value).strip()}"
    if isinstance(value, str) and value.strip():
        return value.strip()[:200]
    return default


def model_name(entry: dict[str, Any]) -> str:
    """The annotator a prediction is imported under: named after its model version."""
    version = entry.get("model_version")
    if isinstance(version, (str, int)) and not isinstance(version, bool) and str(version):
        return f"model {version}"[:200]
    return "model"


def _entries(data: dict[str, Any], annotator: str) -> list[tuple[list[Any], str, bool]]:
    """(result, annotator, is an annotation) of every annotation and prediction of a task;
    cancelled (skipped) annotations are left out."""
    out: list[tuple[list[Any], str, bool]] = []
    for key, done in (("annotations", True), ("completions", True), ("predictions", False)):
        entries = data.get(key) or []
        if not isinstance(entries, list):
            raise RecordError(f'"{key}" must be a list')
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("was_cancelled"):
                continue
            result = entry.get("result") or []
            if not isinstance(result, list):
                raise RecordError(f'"{key}[].result" must be a list')
            who = analyst_name(entry.get("completed_by"), annotator) if done else model_name(entry)
            out.append((result, who, done))
    return out


class _Collected:
    """The annotations of one task, gathered over its annotations and predictions."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.entities: dict[str, EntitySpan] = {}
        self.claims: dict[str, Claim] = {}
        self.targets: list[TargetSentiment] = []
        self.doc_sentiment: str | None = None
        self.sentiment_by = ""

    def _fresh(self, rid: str) -> str:
        return rid if rid not in self.entities and rid not in self.claims else new_id()

    def add(self, result: list[Any], who: str, where: str) -> None:
        """One annotation's (or prediction's) result, its region ids kept apart."""
        local: dict[str, str] = {}  # the result's region id -> id here
        per_region: list[tuple[int, dict[str, Any]]] = []
        for i, r in enumerate(result, start=1):
            if not isinstance(r, dict):
                raise RecordError(f"{where}result {i}: expected an object")
            kind, value = r.get("type"), r.get("value")
            rid = str(r.get("id") or new_id())
            if kind == "labels" and isinstance(value, dict):
                labels = value.get("labels")
                if not isinstance(labels, list) or not labels or not isinstance(labels[0], str):
                    raise RecordError(f"{where}result {i}: labels must be a list of strings")
                start, end = self.source.span(
                    value.get("start"), value.get("end"), f"{where}result {i}", _quoted(value)
                )
                local[rid] = self._fresh(rid)
                sid = local[rid]
                if r.get("from_name") == CLAIM_TAG or labels[0] == CLAIM_VALUE:
                    self.claims[sid] = Claim(sid, start, end, annotator=who)
                else:
                    self.entities[sid] = EntitySpan(sid, start, end, labels[0], who)
            elif kind in ("choices", "textarea") and isinstance(value, dict):
                if "start" in value:
                    per_region.append((i, r))
                elif r.get("from_name") == SENTIMENT_TAG and self.doc_sentiment is None:
                    choices = value.get("choices")
                    if isinstance(choices, list) and choices and isinstance(choices[0], str):
                        self.doc_sentiment, self.sentiment_by = choices[0], who
        for i, r in per_region:
            rid, name, value = local.get(str(r.get("id")), ""), str(r.get("from_name")), r["value"]
            values = value.get("choices") if r.get("type") == "choices" else value.get("text")
            if not isinstance(values, list) or not values or not isinstance(values[0], str):
                raise RecordError(f"{where}result {i}: expected a non-empty list of strings")
            if name == TARGET_TAG and rid in self.entities:
                self.targets.append(TargetSentiment(new_id(), rid, values[0], who))
            elif rid in self.claims and name == SPEAKER_TAG:
                self.claims[rid] = _with(self.claims[rid], speaker_text=values[0])
            elif rid in self.claims and name.startswith(ATTRIBUTE_PREFIX):
                attrs = dict(self.claims[rid].attributes)
                attrs[name[len(ATTRIBUTE_PREFIX) :]] = values[0]
                self.claims[rid] = _with(self.claims[rid], attributes=attrs)
        for i, r in enumerate(result, start=1):
            if isinstance(r, dict) and r.get("type") == "relation":
                src = local.get(str(r.get("from_id")), "")
                dst = local.get(str(r.get("to_id")), "")
                if src in self.entities and dst in self.claims:
                    src, dst = dst, src
                if src in self.claims and dst in self.entities:
                    self.claims[src] = _with(self.claims[src], speaker_id=dst)
                elif not (src and dst):
                    raise RecordError(f"{where}result {i}: relation between unknown regions")


def parse_task(data: Any, annotator: str = "", offsets: OffsetChoice = "auto") -> AnnotatedDocument:
    """One task with every annotation (each under its analyst) and every prediction (under
    an annotator named after its model version, listed in ``predicted_by``)."""
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
    entries = _entries(data, annotator)
    spans = [
        (r["value"].get("start"), r["value"].get("end"), _quoted(r["value"]))
        for result, _who, _done in entries
        for r in result
        if isinstance(r, dict) and isinstance(r.get("value"), dict) and "start" in r["value"]
    ]
    collected = _Collected(SourceText(text, resolve_unit(text, spans, CONVENTION, offsets)))
    several = len(entries) > 1
    for n, (result, who, _done) in enumerate(entries, start=1):
        collected.add(result, who, f"annotation {n}: " if several else "")
    done = any(is_annotation and result for result, _who, is_annotation in entries)
    status = fields.get("status") or (Status.DONE.value if done else None)
    meta = {k: v for k, v in fields.items() if k not in {"text", "doc_id", "title", "status"}}
    doc = new_document(
        collected.source.text,
        doc_id=fields.get("doc_id"),
        title=fields.get("title"),
        meta=meta,
        status=status,
    )
    ann = DocumentAnnotations.of(
        collected.entities.values(),
        collected.claims.values(),
        collected.targets,
        collected.doc_sentiment,
    )
    item = annotated(doc, ann, collected.sentiment_by or annotator)
    predicted = frozenset(who for _result, who, is_annotation in entries if not is_annotation)
    return replace(item, predicted_by=predicted) if predicted else item


def _quoted(value: dict[str, Any]) -> str | None:
    text = value.get("text")
    return text if isinstance(text, str) else None


def _with(claim: Claim, **changes: Any) -> Claim:
    return replace(claim, **changes)
