"""Exporting a project: streaming, filtered, atomic, cancellable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.core.model import Status
from annotator.formats.atomic import atomic_output
from annotator.formats.registry import export_format
from annotator.services.importing import Cancelled
from annotator.services.project import Project


@dataclass(frozen=True)
class ExportReport:
    documents: int
    path: str
    format: str


def export_project(
    project: Project,
    out: str | Path,
    fmt: str = "jsonl",
    *,
    status: Status | None = None,
    annotator: str | None = None,
    ids: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportReport:
    """Write the project's documents to `out` ("-" for stdout) in format `fmt`.

    The file appears only when complete: a failure or cancel leaves any previous file as it was.
    """
    writer = export_format(fmt)
    total = len(ids) if ids is not None else project.repo.count_documents(status)

    def on_item(n: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None and (n % 100 == 0 or n == total):
            progress(n, total)

    items = project.repo.iter_annotated(status=status, annotator=annotator, ids=ids)
    with atomic_output(out) as handle:
        count = writer.write(items, handle, on_item)
    return ExportReport(count, str(out), fmt)
