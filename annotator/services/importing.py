"""Importing files and folders into a project."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import AnnotatedDocument
from annotator.formats.native_jsonl import read_native_jsonl_located
from annotator.formats.plaintext import TEXT_SUFFIXES, expand_paths, read_article
from annotator.formats.problems import FormatError, ImportProblem
from annotator.services.project import Project

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
IMPORTABLE = TEXT_SUFFIXES | JSONL_SUFFIXES
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


@dataclass(frozen=True, slots=True)
class _Located:
    """A parsed document and where it came from, to name it if it cannot be stored."""

    item: AnnotatedDocument
    path: Path
    line: int | None


def _records(paths: Iterable[Path], report: ImportReport) -> Iterator[_Located | ImportProblem]:
    for path, named in expand_paths(paths):
        suffix = path.suffix.lower()
        if not path.exists():
            yield ImportProblem(str(path), None, "no such file or folder")
            continue
        if suffix in TEXT_SUFFIXES:
            report.files += 1
            try:
                yield _Located(read_article(path), path, None)
            except FormatError as exc:
                yield exc.problem
        elif suffix in JSONL_SUFFIXES:
            report.files += 1
            for line, record in read_native_jsonl_located(path):
                yield record if isinstance(record, ImportProblem) else _Located(record, path, line)
        elif named:
            yield ImportProblem(
                str(path),
                None,
                f"unsupported file type {suffix or '(none)'!r}; "
                f"expected one of {', '.join(sorted(IMPORTABLE))}",
            )
        else:
            report.skipped_files.append(str(path))


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    progress: Callable[[ImportReport], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import articles (.txt/.md) and native JSONL from files and folders.

    Good records are stored in batches; each bad file or line becomes a problem that
    names the file and line. Identical texts are recognised and not stored twice.
    """
    report = ImportReport()
    batch: list[_Located] = []

    def record(item: AnnotatedDocument, doc_id: str, created: bool) -> None:
        if created:
            report.imported += 1
            report.annotations += _count(item)
            report.document_ids.append(doc_id)
        else:
            report.duplicates += 1

    def flush() -> None:
        items = [located.item for located in batch]
        try:
            results = project.repo.add_annotated_batch(items, project.annotator)
        except Exception:  # one bad record must not sink the batch: store one by one
            for located in batch:
                try:
                    doc_id, created = project.repo.add_annotated(located.item, project.annotator)
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

    for found in _records([Path(p) for p in paths], report):
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
