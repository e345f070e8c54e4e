"""Importing files and folders into a project."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import AnnotatedDocument
from annotator.formats.importers import (
    FORMAT_SUFFIXES,
    IMPORT_SUFFIXES,
    JSONL_SUFFIXES,
    detect_format,
    import_format,
    is_brat_text,
    is_manifest,
)
from annotator.formats.plaintext import expand_paths
from annotator.formats.problems import ImportProblem
from annotator.formats.source_text import OffsetChoice
from annotator.services.project import Project

__all__ = ["IMPORTABLE", "JSONL_SUFFIXES", "Cancelled", "ImportReport", "import_paths"]

IMPORTABLE = IMPORT_SUFFIXES
BATCH = 200


class Cancelled(Exception):
    """The user cancelled a long operation."""


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    annotations: int = 0
    files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        parts = [f"imported {self.imported} document{'s' if self.imported != 1 else ''}"]
        if self.annotations:
            parts.append(f"{self.annotations} annotations")
        if self.duplicates:
            parts.append(f"{self.duplicates} already in the project (skipped)")
        if self.problems:
            parts.append(f"{self.refused} refused")
        if self.skipped_files:
            parts.append(f"{len(self.skipped_files)} files of other types ignored")
        return ", ".join(parts)


def _records(
    paths: Iterable[Path], report: ImportReport, fmt: str, offsets: OffsetChoice
) -> Iterator[AnnotatedDocument | ImportProblem]:
    suffixes = IMPORT_SUFFIXES if fmt == "auto" else FORMAT_SUFFIXES[fmt]
    for path, named in expand_paths(paths):
        if not named and (is_manifest(path) or is_brat_text(path)):
            continue  # an export's manifest, or the text half of a brat pair (read with .ann)
        if not named and path.suffix.lower() not in suffixes:
            report.skipped_files.append(str(path))
            continue
        if not path.exists():
            yield ImportProblem(str(path), None, "no such file or folder")
            continue
        found = detect_format(path) if fmt == "auto" else fmt
        if found is None:
            if named:
                yield ImportProblem(
                    str(path),
                    None,
                    f"unsupported file type {path.suffix.lower() or '(none)'!r}; "
                    f"expected one of {', '.join(sorted(IMPORTABLE))} (or choose a format)",
                )
            else:
                report.skipped_files.append(str(path))
            continue
        report.files += 1
        yield from import_format(found)(path, offsets)


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    progress: Callable[[ImportReport], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    fmt: str = "auto",
    offsets: OffsetChoice = "auto",
) -> ImportReport:
    """Import articles and annotated data from files and folders.

    `fmt` is "auto" (recognised per file by suffix and content, see
    `annotator.formats.importers`) or one import format for every file. `offsets` says
    whether doccano/Label Studio offsets count code points or UTF-16 units ("auto": per
    record, from the spans).

    Good records are stored in batches; each bad file or line becomes a problem that
    names the file and line. Identical texts are recognised and not stored twice.
    """
    report = ImportReport()
    batch: list[AnnotatedDocument] = []

    def flush() -> None:
        results = project.repo.add_annotated_batch(batch, project.annotator)
        for item, (doc_id, created) in zip(batch, results, strict=True):
            if created:
                report.imported += 1
                report.annotations += _count(item)
                report.document_ids.append(doc_id)
            else:
                report.duplicates += 1
        batch.clear()
        if progress is not None:
            progress(report)

    if fmt != "auto":
        import_format(fmt)  # unknown names fail before anything is read
    for record in _records([Path(p) for p in paths], report, fmt, offsets):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if isinstance(record, ImportProblem):
            report.problems.append(record)
            continue
        batch.append(record)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    elif progress is not None:
        progress(report)
    return report


def _count(item: AnnotatedDocument) -> int:
    a = item.annotations
    return len(a.entities) + len(a.claims) + len(a.targets) + (1 if a.document_sentiment else 0)
