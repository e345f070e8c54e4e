"""Exporting a project: streaming, filtered, atomic, cancellable, with a manifest."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, cast

from annotator.core.gc_pause import gc_paused
from annotator.core.model import Status
from annotator.formats.atomic import atomic_folder, atomic_output
from annotator.formats.export_context import (
    ExportContext,
    ExportNote,
    FormatUnavailable,
    OffsetUnit,
)
from annotator.formats.filters import filter_labels
from annotator.formats.manifest import (
    HashingWriter,
    build_manifest,
    folder_digest,
    manifest_path,
    write_manifest,
)
from annotator.formats.registry import export_format
from annotator.services.errors import Cancelled
from annotator.services.export_workers import PARALLEL_FORMATS, export_in_workers, worker_count
from annotator.services.layers import gold_layer, parse_layer
from annotator.services.project import Project

__all__ = ["Cancelled", "ExportReport", "FormatUnavailable", "export_project"]


@dataclass(frozen=True)
class ExportReport:
    documents: int
    path: str
    format: str
    manifest: str | None = None
    notes: list[ExportNote] = field(default_factory=list)
    note_counts: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    losses: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the user: what was written and what could not be expressed."""
        where = "standard output" if self.path == "-" else self.path
        text = f"Exported {_counted(self.documents, 'document', 'documents')} as {self.format}"
        text += f" to {where}"
        if self.note_counts:
            text += " (" + ", ".join(f"{n} {k}" for k, n in sorted(self.note_counts.items())) + ")"
        return text

    def written(self) -> str:
        """What was written, for the user: documents, spans, file, manifest, notes."""
        c = self.counts
        what = _counted(self.documents, "document", "documents")
        spans = [
            _counted(c.get("entities", 0), "entity", "entities"),
            _counted(c.get("claims", 0), "claim", "claims"),
        ]
        where = "standard output" if self.path == "-" else self.path
        text = f"Exported {what} ({', '.join(spans)}) as {self.format} to {where}"
        if self.manifest:
            text += f"; manifest {self.manifest}"
        if self.note_counts:
            notes = _counted(sum(self.note_counts.values()), "note", "notes")
            text += f"; {notes} on what {self.format} cannot express"
            text += " (counted in the manifest)" if self.manifest else ""
        return text + "."


def _previous_export(folder: Path, fmt: str) -> bool:
    """True if `folder` is exactly what an earlier `fmt` export wrote, as its manifest says
    (for exports made before folders got their record of files)."""
    try:
        data = json.loads(manifest_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict) or data.get("format") != fmt:
        return False
    return data.get("output") == folder.name and data.get("sha256") == folder_digest(folder)[0]


def _in_workers(
    project: Project,
    out: HashingWriter,
    ctx: ExportContext,
    fmt: str,
    workers: int | None,
    total: int,
    status: Status | None,
    annotator: str | None,
    labels: Sequence[str] | None,
) -> int | None:
    """The export by worker processes (`export_workers`), or None: export here instead."""
    path = project.path
    if path is None or fmt not in PARALLEL_FORMATS:
        return None
    if workers is None:
        workers = worker_count(total, fmt)
    if workers < 2:
        return None
    return export_in_workers(
        path,
        cast(Any, out),
        ctx,
        fmt=fmt,
        workers=workers,
        status=status,
        annotator=annotator,
        labels=labels,
        bad_rows=project.bulk.bad_rows,
    )


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def export_project(
    project: Project,
    out: str | Path,
    fmt: str = "jsonl",
    *,
    status: Status | None = None,
    annotator: str | None = None,
    ids: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    offsets: OffsetUnit | None = None,
    manifest: bool = True,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    include_suggestions: bool = False,
    layer: str = "all",
    workers: int | None = 1,
) -> ExportReport:
    """Write the project's documents to `out` ("-" for stdout) in format `fmt`.

    Filters: `status`, `annotator` (only that annotator's annotations), `ids` (these
    documents) and `labels` (only entities with these labels). The output appears only
    when complete: a failure or cancel leaves any previous file as it was. A manifest
    (format, schema version, label set, counts, SHA-256, time) is written beside it.
    `include_suggestions` (native JSONL only) adds each document's pending suggestions.
    `layer` ("all", "gold" or "annotator:NAME") picks the annotations: see `services.layers`.
    `workers`: processes that read and encode a large SQLite export side by side (None:
    as many as are worth it on this machine; see `export_workers`); 1 exports here alone.
    """
    kind, layer_name = parse_layer(layer)
    if kind == "annotator":
        if annotator is not None and annotator != layer_name:
            raise ValueError(f"--layer {layer} and --only-annotator {annotator} disagree")
        annotator = layer_name
    elif kind == "gold" and annotator is not None:
        raise ValueError("the gold layer cannot be combined with --only-annotator")
    writer = export_format(fmt)
    if include_suggestions:
        from annotator.services.suggestion_export import writer_with_suggestions

        writer = replace(writer, write=writer_with_suggestions(project, fmt), write_folder=None)
    reason = writer.unavailable_reason()
    if reason is not None:
        raise FormatUnavailable(f"{fmt}: {reason}")
    if offsets is None:  # the target tool's own convention (doccano: UTF-16)
        offsets = writer.default_offsets
    if offsets != "codepoint" and not writer.utf16_option:
        raise ValueError(f"the {fmt} format always counts offsets in code points")
    total = project.bulk.count_documents(status, ids)

    def on_item(n: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None and (n % 100 == 0 or n == total):
            progress(n, total)

    ctx = ExportContext(
        schema=project.schema,
        offsets=offsets,
        only_labels=list(labels) if labels is not None else None,
        on_item=on_item,
    )
    stream = (
        gold_layer(project, ctx, status=status, ids=ids)
        if kind == "gold"
        else project.bulk.iter_annotated(status=status, annotator=annotator, ids=ids)
    )
    items = filter_labels(stream, labels)
    target = str(out)
    if writer.write_folder is not None and target != "-" and not target.endswith(writer.suffix):
        recognise = partial(_previous_export, fmt=fmt)
        with atomic_folder(target, fmt, recognise) as folder:
            count = writer.write_folder(items, folder, ctx)
        digest, size = folder_digest(Path(target))
    else:
        with atomic_output(target) as handle, gc_paused(), HashingWriter(handle) as hashing:
            alongside = None
            if kind != "gold" and not include_suggestions and ids is None:
                alongside = _in_workers(
                    project, hashing, ctx, fmt, workers, total, status, annotator, labels
                )
            count = (
                alongside if alongside is not None else writer.write(items, cast(Any, hashing), ctx)
            )
        digest, size = hashing.hexdigest(), hashing.size
    where: str | None = None
    if manifest and target != "-":
        filters: dict[str, Any] = {
            "status": status.value if status else None,
            "annotator": annotator,
            "labels": list(labels) if labels is not None else None,
            "documents": list(ids) if ids is not None else None,
        }
        data = build_manifest(
            fmt=fmt,
            description=writer.description,
            output=target,
            sha256=digest,
            size=size,
            ctx=ctx,
            filters=filters,
            layer=layer,
        )
        path = manifest_path(target.rstrip("/\\"))
        write_manifest(path, data)
        where = str(path)
    return ExportReport(
        count,
        target,
        fmt,
        where,
        list(ctx.notes),
        dict(ctx.note_counts),
        dict(ctx.counts),
        dict(ctx.losses),
    )
