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
from annotator.formats.native_jsonl import read_native_jsonl_located
from annotator.formats.plaintext import expand_paths
from annotator.formats.problems import ImportProblem
from annotator.formats.source_text import OffsetChoice
from annotator.services.project import Project
from annotator.services.suggestion_import import attach_annotations, without_annotations

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
    added_to_existing: int = 0  # annotations added to documents stored already
    suggestions: int = 0  # annotations stored as suggestions (as_suggestions)
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
        if self.suggestions:
            parts.append(f"{self.suggestions} suggestions")
        if self.duplicates:
            parts.append(
                f"{self.duplicates} already in the project"
                + (
                    f" ({self.added_to_existing} annotations added)"
                    if self.added_to_existing
                    else ""
                )
            )
        if self.problems:
            parts.append(f"{self.refused} refused")
        if self.skipped_files:
            parts.append(f"{len(self.skipped_files)} files of other types ignored")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class _Located:
    """A parsed document and where it came from, to name it if it cannot be stored."""

    item: AnnotatedDocument
    path: Path
    line: int | None


def _records(
    paths: Iterable[Path], report: ImportReport, fmt: str, offsets: OffsetChoice
) -> Iterator[_Located | ImportProblem]:
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
        if found == "jsonl":  # exact line numbers for the native format
            for line, record in read_native_jsonl_located(path):
                yield record if isinstance(record, ImportProblem) else _Located(record, path, line)
            continue
        for record in import_format(found)(path, offsets):
            yield record if isinstance(record, ImportProblem) else _Located(record, path, None)


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    progress: Callable[[ImportReport], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    fmt: str = "auto",
    offsets: OffsetChoice = "auto",
    as_suggestions: bool = False,
) -> ImportReport:
    """Import articles and annotated data from files and folders.

    `fmt` is "auto" (recognised per file by suffix and content, see
    `annotator.formats.importers`) or one import format for every file. `offsets` says
    whether doccano/Label Studio offsets count code points or UTF-16 units ("auto": per
    record, from the spans).

    Good records are stored in batches; each bad file or line becomes a problem that
    names the file and line. Identical texts are recognised and not stored twice. A
    record the database refuses is reported and the rest of its batch is still stored.
    Annotations for a document already in the project are added to it; with
    `as_suggestions` every imported annotation is stored as a suggestion instead.
    """
    report = ImportReport()
    batch: list[_Located] = []

    def record(item: AnnotatedDocument, doc_id: str, created: bool) -> None:
        if created:
            report.imported += 1
            report.annotations += 0 if as_suggestions else _count(item)
            report.document_ids.append(doc_id)
        else:
            report.duplicates += 1
        if as_suggestions:
            report.suggestions += attach_annotations(project, doc_id, item, True)
        elif not created:
            report.added_to_existing += attach_annotations(project, doc_id, item, False)

    def stored(item: AnnotatedDocument) -> AnnotatedDocument:
        return without_annotations(item) if as_suggestions else item

    def flush() -> None:
        items = [located.item for located in batch]
        try:
            results = project.repo.add_annotated_batch(
                [stored(item) for item in items], project.annotator
            )
        except Exception:  # one bad record must not sink the batch: store one by one
            for located in batch:
                try:
                    doc_id, created = project.repo.add_annotated(
                        stored(located.item), project.annotator
                    )
                except Exception as exc:
                    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                    report.problems.append(
                        ImportProblem(
                            str(located.path), located.line, f"cannot store this record: {reason}"
                        )
                    )
                else:
                    record(located.item, doc_id, created)
        else:
            for item, (doc_id, created) in zip(items, results, strict=True):
                record(item, doc_id, created)
        batch.clear()
        if progress is not None:
            progress(report)

    if fmt != "auto":
        import_format(fmt)  # unknown names fail before anything is read
    for found in _records([Path(p) for p in paths], report, fmt, offsets):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if isinstance(found, ImportProblem):
            report.problems.append(found)
            continue
        batch.append(found)
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
