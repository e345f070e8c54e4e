"""Native JSONL with each document's pending suggestions under "suggestions".

Suggestions are never written as annotations; this writer adds them beside them, in the
same shape as `annotator suggest --json` (without the document id, which is the line's).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from annotator.core.model import AnnotatedDocument
from annotator.core.suggestions import Suggestion
from annotator.formats.export_context import ExportContext
from annotator.formats.native_jsonl import encode_line, native_record
from annotator.formats.registry import Writer
from annotator.services.project import Project

BATCH = 500


def writer_with_suggestions(project: Project, fmt: str) -> Writer:
    """The native JSONL writer that also writes pending suggestions; only for "jsonl"."""
    if fmt != "jsonl":
        raise ValueError("--include-suggestions needs the native format (--format jsonl)")
    from annotator.services.suggesting import suggestion_store  # SQLAlchemy: on use

    store = suggestion_store(project)

    def write(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
        n = 0
        for batch in _batches(ctx.counted(items)):
            pending = store.pending_by_document([item.document.id for item in batch])
            for item in batch:
                record = native_record(item)
                text = item.document.text
                record["suggestions"] = [
                    _suggestion_record(s, text) for s in pending.get(item.document.id, [])
                ]
                ctx.counts["suggestions"] += len(record["suggestions"])
                out.write(encode_line(record))
                n += 1
        return n

    return write


def _batches(items: Iterable[AnnotatedDocument]) -> Iterator[list[AnnotatedDocument]]:
    batch: list[AnnotatedDocument] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _suggestion_record(s: Suggestion, text: str) -> dict[str, Any]:
    speaker = None
    if s.speaker is not None:
        speaker = {
            "start": s.speaker.start,
            "end": s.speaker.end,
            "text": text[s.speaker.start : s.speaker.end],
            "label": s.speaker.label,
        }
    return {
        "id": s.id,
        "kind": s.kind.value,
        "start": s.start,
        "end": s.end,
        "text": text[s.start : s.end],
        "label": s.label,
        "speaker": speaker,
        "source": s.source,
        "score": s.score,
    }
