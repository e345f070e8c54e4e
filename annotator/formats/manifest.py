"""The manifest written beside every export: what, how many, of which labels, and its hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from annotator import __version__
from annotator.formats.export_context import ExportContext
from annotator.formats.native_jsonl import EXPORT_SCHEMA_VERSION

if TYPE_CHECKING:
    import queue
    import threading

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_NOTES = 200


class HashingWriter:
    """A write-only binary stream that hashes (SHA-256) and counts what passes through.

    Writes are gathered into chunks of CHUNK bytes; a helper thread hashes each chunk and
    writes it to `out`. Both calls release the GIL, so the exporter's own Python work goes
    on meanwhile (about a tenth of a large export's time). At most QUEUED chunks wait,
    so memory stays flat. An error on the thread is raised by the next `write`, `flush`
    or `close`. Use it as a context manager: leaving normally writes everything through
    (`close`); leaving on an error stops the thread and writes nothing more.
    """

    CHUNK = 1 << 20
    QUEUED = 4

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._sha = hashlib.sha256()
        self.size = 0
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._queue: queue.Queue[bytes | None] | None = None  # with the thread
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._dropping = False  # stopping on an error: chunks still queued are dropped
        self._closed = False

    def __enter__(self) -> HashingWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self._stop()

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed HashingWriter")
        n = len(data)
        self._pending.append(data)
        self._pending_size += n
        self.size += n
        if self._pending_size >= self.CHUNK:
            self._hand_off()
        return n

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        """Hash and write everything so far, then flush `out`."""
        self._hand_off()
        if self._queue is not None:
            self._queue.join()
        self._raise_error()
        self._out.flush()

    def close(self) -> None:
        """Write everything through and end the thread (no writes after this)."""
        if self._closed:
            return
        try:
            self.flush()
        finally:
            self._stop()

    def hexdigest(self) -> str:
        """The SHA-256 of everything written (writes through what is still gathered)."""
        if not self._closed:
            self.flush()
        return self._sha.hexdigest()

    def _hand_off(self) -> None:
        self._raise_error()
        if not self._pending:
            return
        chunk = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        if self._queue is None:  # the first chunk: small exports never start a thread
            import queue
            import threading

            self._queue = queue.Queue(self.QUEUED)
            self._thread = threading.Thread(
                target=self._run, args=(self._queue,), name="export-writer", daemon=True
            )
            self._thread.start()
        self._queue.put(chunk)

    def _run(self, chunks: queue.Queue[bytes | None]) -> None:
        sha, out, get, done = self._sha, self._out, chunks.get, chunks.task_done
        while True:
            chunk = get()
            try:
                if chunk is None:
                    return
                if self._error is None and not self._dropping:
                    sha.update(chunk)
                    out.write(chunk)
            except BaseException as exc:  # raised on the exporting thread
                self._error = exc
            finally:
                done()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _stop(self) -> None:
        """End the thread after the chunks already handed over (kept or dropped)."""
        self._closed = True
        self._pending, self._pending_size = [], 0
        if self._queue is not None and self._thread is not None:
            self._dropping = True  # after a clean flush nothing waits; else skip what does
            self._queue.put(None)
            self._thread.join()
            self._thread, self._queue = None, None


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
