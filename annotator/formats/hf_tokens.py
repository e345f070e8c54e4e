"""Hugging Face token classification JSONL: ``{"id", "tokens", "ner_tags"}`` per document.

``ner_tags`` are integers; their names (``O``, ``B-X``, ``I-X`` for each label, in schema
order) are listed as ``ner_tag_names`` in the manifest, ready for ``datasets.ClassLabel``.
Loads with ``datasets.load_dataset("json", data_files=...)``. The importer also accepts
string tags, or integer tags with the manifest beside the file.

Cannot express: claims, sentiment, overlapping or nested entities (reported), the
original spacing (text is rebuilt with single spaces), titles and metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.model import AnnotatedDocument, DocumentAnnotations
from annotator.formats.bio import entities_from_tags, join_tokens
from annotator.formats.export_context import ExportContext
from annotator.formats.json_lines import parse_each, read_json_lines
from annotator.formats.native_jsonl import encode_line
from annotator.formats.problems import ImportProblem, RecordError
from annotator.formats.source_text import annotated, new_document, normalise_tokens
from annotator.formats.token_spans import aligned_tokens, bio_tags


def tag_names(labels: Iterable[str]) -> list[str]:
    names = ["O"]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def write_hf(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    names = tag_names(ctx.entity_labels())
    index = {name: i for i, name in enumerate(names)}
    n = 0
    for item in ctx.counted(items):
        text = item.document.text
        tokens = aligned_tokens(item, ctx)
        ctx.lose_unwritten(item)
        ids = []
        for tag in bio_tags(item, tokens, ctx, "the ner_tags"):
            if tag not in index:
                label = tag[2:]
                for extra in (f"B-{label}", f"I-{label}"):
                    index[extra] = len(names)
                    names.append(extra)
            ids.append(index[tag])
        record = {
            "id": item.document.id,
            "tokens": [text[s:e] for s, e in tokens],
            "ner_tags": ids,
        }
        out.write(encode_line(record))
        n += 1
    ctx.extra_manifest["ner_tag_names"] = names
    return n


def read_hf(path: Path, annotator: str = "") -> Iterator[AnnotatedDocument | ImportProblem]:
    names = _manifest_names(path)
    for _line, item in parse_each(
        path, read_json_lines(path), lambda data: parse_hf_record(data, names, annotator)
    ):
        yield item


def _manifest_names(path: Path) -> list[str] | None:
    from annotator.formats.manifest import manifest_path

    try:
        data = json.loads(manifest_path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    names = data.get("ner_tag_names") if isinstance(data, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else None


def parse_hf_record(data: Any, names: list[str] | None, annotator: str) -> AnnotatedDocument:
    if not isinstance(data, dict):
        raise RecordError("expected a JSON object")
    tokens, tags = data.get("tokens"), data.get("ner_tags", data.get("tags"))
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
        raise RecordError('"tokens" must be a list of non-empty strings')
    if not isinstance(tags, list) or len(tags) != len(tokens):
        raise RecordError('"ner_tags" must be a list as long as "tokens"')
    labels: list[str] = []
    for tag in tags:
        if isinstance(tag, str):
            labels.append(tag)
        elif type(tag) is int:
            if names is None:
                raise RecordError(
                    "integer ner_tags need their names: keep the export's manifest beside it"
                )
            if not 0 <= tag < len(names):
                raise RecordError(f"ner_tag {tag} has no name in the manifest")
            labels.append(names[tag])
        else:
            raise RecordError("ner_tags must be strings or integers")
    text, offsets = join_tokens([normalise_tokens(tokens)])
    entities = entities_from_tags(offsets[0], labels, annotator)
    doc = new_document(text, doc_id=data.get("id"))
    return annotated(doc, DocumentAnnotations.of(entities))
