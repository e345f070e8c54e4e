"""The manifest written beside every export: what, how many, of which labels, and its hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from annotator import __version__
from annotator.formats.export_context import ExportContext
from annotator.formats.native_jsonl import EXPORT_SCHEMA_VERSION

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_NOTES = 200


class HashingWriter:
    """A write-only binary stream that hashes (SHA-256) and counts what passes through."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._sha.update(data)
        self.size += len(data)
        return self._out.write(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._out.flush()

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def manifest_path(output: str | Path) -> Path:
    """Where the manifest of `output` (a file or a folder) goes: beside it."""
    path = Path(output)
    return path.with_name(path.name + MANIFEST_SUFFIX)


def folder_digest(folder: Path) -> tuple[str, int]:
    """SHA-256 over the sorted relative names and contents of a folder's files, and bytes."""
    sha = hashlib.sha256()
    size = 0
    for child in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = child.read_bytes()
        size += len(data)
        sha.update(child.relative_to(folder).as_posix().encode("utf-8") + b"\x00")
        sha.update(hashlib.sha256(data).digest())
    return sha.hexdigest(), size


def build_manifest(
    *,
    fmt: str,
    description: str,
    output: str,
    sha256: str,
    size: int,
    ctx: ExportContext,
    filters: Mapping[str, Any],
    exported_at: datetime | None = None,
    layer: str = "all",
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict; `layer`: which annotations (gold, all, annotator:NAME)."""
    when = (exported_at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    schema = ctx.schema
    return {
        "format": fmt,
        "description": description,
        "schema_version": EXPORT_SCHEMA_VERSION,
        "annotator_version": __version__,
        "exported_at": when,
        "output": Path(output).name,
        "sha256": sha256,
        "bytes": size,
        "offsets": ctx.offsets,
        "label_set": {
            "entity_labels": ctx.entity_labels(),
            "sentiment_labels": list(schema.sentiment_names),
            "claim_attributes": {a.name: list(a.choices) for a in schema.claim_attributes},
        },
        "filters": dict(filters),
        "layer": layer,
        "counts": {
            **{k: ctx.counts[k] for k in sorted(ctx.counts)},
            "labels": {k: ctx.label_counts[k] for k in sorted(ctx.label_counts)},
        },
        "losses": {k: ctx.losses[k] for k in sorted(ctx.losses)},
        "notes": {
            "counts": {k: ctx.note_counts[k] for k in sorted(ctx.note_counts)},
            "examples": [
                {"document": n.document_id, "kind": n.kind, "message": n.message}
                for n in ctx.notes[:MANIFEST_NOTES]
            ],
        },
        **ctx.extra_manifest,
    }


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write the manifest atomically."""
    from annotator.formats.atomic import atomic_output

    with atomic_output(path) as out:
        out.write(json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
