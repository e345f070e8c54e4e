"""Importing files and folders into a project."""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.model import AnnotatedDocument, SpanError
from annotator.formats.importers import (
    FORMAT_SUFFIXES,
    IMPORT_SUFFIXES,
    JSONL_SUFFIXES,
    detect_format,
    import_format,
    is_brat_text,
    is_manifest,
    walk_inputs,
)
from annotator.formats.limits import ImportLimits, current_limits, not_regular, using_limits
from annotator.formats.problems import FormatError, ImportProblem
from annotator.formats.source_text import OffsetChoice
from annotator.services.bulk_gc import fewer_collections
from annotator.services.errors import Cancelled, NotPermitted, ServerUnavailable
from annotator.services.project import Project
from annotator.storage.errors import driver_error, is_operational, is_record_refusal

if TYPE_CHECKING:
    from annotator.storage.bulk_writes import BatchInFlight

__all__ = [
    "IMPORTABLE",
    "JSONL_SUFFIXES",
    "Cancelled",
    "ImportLimits",
    "ImportReport",
    "import_paths",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # unconfigured, nothing is printed: the report says it

IMPORTABLE = IMPORT_SUFFIXES
BATCH = 1000  # documents per transaction: fewer commits (each one a sync to disk)
BATCH_CHARS = 8_000_000  # ... or fewer when their texts are long, so memory stays flat


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    annotations: int = 0
    added_to_existing: int = 0  # annotations added to documents stored already
    suggestions: int = 0  # predictions (and, with as_suggestions, annotations) as suggestions
    targets_not_imported: int = 0  # target sentiments that were to be suggestions (no kind)
    files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the import stopped before the end (e.g. a full disk)

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
        if self.targets_not_imported:
            n = self.targets_not_imported
            parts.append(
                f"{n} target sentiment{'s' if n != 1 else ''} not imported "
                "(a target sentiment cannot be a suggestion)"
            )
        if self.problems:
            parts.append(f"{self.refused} refused")
        if self.skipped_files:
            n = len(self.skipped_files)
            parts.append(f"{n} file{'s' if n != 1 else ''} of other types ignored")
        text = ", ".join(parts)
        return f"{text}; the import stopped: {self.stopped}" if self.stopped else text


@dataclass(frozen=True, slots=True)
class _Located:
    """A parsed document and where it came from, to name it if it cannot be stored."""

    item: AnnotatedDocument
    path: Path
    line: int | None


class _Stop(Exception):
    """The store cannot take more (full disk, lost server): the import ends here."""


def _stop_reason(exc: BaseException) -> str | None:
    """Why `exc` must stop the whole import, or None if it concerns only some records."""
    if isinstance(exc, (ServerUnavailable, NotPermitted)):
        return str(exc)
    orig = driver_error(exc)
    detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    full = (
        (isinstance(orig, OSError) and orig.errno == errno.ENOSPC)
        or getattr(orig, "sqlstate", None) == "53100"  # PostgreSQL disk_full
        or (isinstance(orig, sqlite3.OperationalError) and "full" in detail)
    )
    if full:
        return f"the disk is full ({detail}); free some space and import again"
    if is_operational(exc) or is_operational(orig):
        return f"the project cannot be written ({detail})"
    return None


def _refused(exc: BaseException) -> bool:
    """What a record the database refuses raises; anything else is a bug, not hidden."""
    return isinstance(exc, SpanError | ValueError) or is_record_refusal(exc)


def _storable(item: AnnotatedDocument) -> AnnotatedDocument:
    """`item` with names that came from undecodable file names made storable (no surrogates)."""
    doc = item.document
    fixed = {k: _decoded(v) for k, v in doc.meta.items() if isinstance(v, str)}
    if (
        _decoded(doc.id) == doc.id
        and _decoded(doc.source) == doc.source
        and all(doc.meta[k] == v for k, v in fixed.items())
    ):
        return item
    new = replace(doc, id=_decoded(doc.id), source=_decoded(doc.source), meta={**doc.meta, **fixed})
    return replace(item, document=new)


def _decoded(text: str) -> str:
    """`text` without surrogates: the bytes of an undecodable file name, decoded leniently."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def _records(
    paths: Iterable[Path], report: ImportReport, fmt: str, offsets: OffsetChoice
) -> Iterator[_Located | ImportProblem]:
    suffixes = IMPORT_SUFFIXES if fmt == "auto" else FORMAT_SUFFIXES[fmt]
    for path, named, refusal in walk_inputs(paths):
        if refusal is not None:
            yield ImportProblem(str(path), None, refusal)
            continue
        if not named and (is_manifest(path) or is_brat_text(path)):
            continue  # an export's manifest, or the text half of a brat pair (read with .ann)
        if not named and path.suffix.lower() not in suffixes:
            report.skipped_files.append(str(path))
            continue
        if not path.exists():
            yield ImportProblem(str(path), None, "no such file or folder")
            continue
        reason = not_regular(path)  # a FIFO would block, a device never ends
        if reason is not None:
            yield ImportProblem(str(path), None, reason)
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
        if found == "text" and path.stat().st_size > current_limits().max_record_bytes:
            yield ImportProblem(
                str(path), None, current_limits().record_refusal(path.stat().st_size)
            )
            continue
        try:
            if found == "jsonl":  # exact line numbers for the native format
                from annotator.formats.native_jsonl import read_native_jsonl_located

                for line, record in read_native_jsonl_located(path):
                    yield (
                        record
                        if isinstance(record, ImportProblem)
                        else _Located(record, path, line)
                    )
                continue
            for record in import_format(found)(path, offsets):
                yield record if isinstance(record, ImportProblem) else _Located(record, path, None)
        except FormatError as exc:
            yield exc.problem
        except OSError as exc:  # e.g. an I/O error while reading: the file, not the import
            yield ImportProblem(str(path), None, f"cannot read file: {exc.strerror or exc}")
        except MemoryError:
            yield ImportProblem(str(path), None, "not enough memory to read this file")


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    progress: Callable[[ImportReport], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    fmt: str = "auto",
    offsets: OffsetChoice = "auto",
    limits: ImportLimits | None = None,
    as_suggestions: bool = False,
) -> ImportReport:
    """Import articles and annotated data from files and folders.

    `fmt` is "auto" (recognised per file by suffix and content, see
    `annotator.formats.importers`) or one import format for every file. `offsets` says
    whether doccano/Label Studio offsets count code points or UTF-16 units ("auto": per
    record, from the spans). `limits` bounds records and files (default: from the
    environment, see `annotator.formats.limits`).

    Good records are stored in batches; each bad file or line becomes a problem that
    names the file and line. Identical texts are recognised and not stored twice. A
    record the database refuses is reported and the rest of its batch is still stored.
    When the store cannot take more (a full disk, a lost server), the import stops with
    one message in `report.stopped`; what was stored before stays stored.
    Annotations for a document already in the project are added to it. A model's
    predictions (Label Studio's, see `AnnotatedDocument.predicted_by`) are stored as
    suggestions from that model; with `as_suggestions` every imported annotation is.
    Target sentiments that would be suggestions are counted in the report, not stored.
    """
    report = ImportReport()
    batch: list[_Located] = []
    batch_chars = 0

    def record(item: AnnotatedDocument, doc_id: str, created: bool) -> None:
        if as_suggestions:
            analysts, suggested = None, item
        elif item.predicted_by:
            analysts, suggested = split_predictions(item)
        else:  # the usual case: nothing becomes a suggestion
            analysts, suggested = item, None
        if created:
            report.imported += 1
            report.annotations += _count(analysts) if analysts is not None else 0
            report.document_ids.append(doc_id)
        else:
            report.duplicates += 1
        if suggested is not None:
            report.suggestions += attach_annotations(project, doc_id, suggested, True)
            report.targets_not_imported += len(suggested.annotations.targets)
        if analysts is not None and not created:
            report.added_to_existing += attach_annotations(project, doc_id, analysts, False)

    def stored(item: AnnotatedDocument) -> AnnotatedDocument:
        if as_suggestions:
            return without_annotations(item)
        return split_predictions(item)[0] if item.predicted_by else item

    def stop_if_fatal(exc: BaseException) -> None:
        reason = _stop_reason(exc)
        if reason is not None:
            log.warning("import stopped: %s", reason, exc_info=exc)
            report.stopped = reason
            raise _Stop() from exc
        if not _refused(exc):
            log.error("import: unexpected error while storing records", exc_info=exc)
            raise exc

    def one_by_one(located_items: list[_Located]) -> None:
        """Store a batch the store refused record by record: only bad ones are refused."""
        for located in located_items:
            try:
                doc_id, created = project.bulk.add_annotated(
                    stored(located.item), project.annotator
                )
            except Exception as one:
                stop_if_fatal(one)
                log.info("record refused by the store", exc_info=one)
                reason = _first_line(getattr(one, "orig", None) or one)
                report.problems.append(
                    ImportProblem(
                        str(located.path), located.line, f"cannot store this record: {reason}"
                    )
                )
            else:
                record(located.item, doc_id, created)

    # the batch whose commit may still be running while the next one is parsed
    in_flight: tuple[list[_Located], BatchInFlight] | None = None

    def settle() -> None:
        """Wait for the batch in flight, then count it (or store it one by one)."""
        nonlocal in_flight
        if in_flight is None:
            return
        located_items, pending = in_flight
        in_flight = None
        try:
            results = pending.wait()
        except Exception as exc:  # the commit failed: nothing of the batch is stored
            stop_if_fatal(exc)
            one_by_one(located_items)
        else:
            for located, (doc_id, created) in zip(located_items, results, strict=True):
                record(located.item, doc_id, created)
        if progress is not None:
            progress(report)

    def flush() -> None:
        nonlocal batch_chars, in_flight
        settle()  # the store takes one batch at a time
        batch_chars = 0
        located_items = list(batch)
        batch.clear()
        try:
            pending = project.bulk.begin_annotated_batch(
                [stored(located.item) for located in located_items], project.annotator
            )
        except Exception as exc:  # one bad record must not sink the batch: store one by one
            stop_if_fatal(exc)
            one_by_one(located_items)
            if progress is not None:
                progress(report)
        else:
            in_flight = (located_items, pending)

    if fmt != "auto":
        import_format(fmt)  # unknown names fail before anything is read
    try:
        with using_limits(limits), fewer_collections():
            try:
                for found in _records([Path(p) for p in paths], report, fmt, offsets):
                    if cancelled is not None and cancelled():
                        raise Cancelled()
                    if isinstance(found, ImportProblem):
                        report.problems.append(found)
                        continue
                    fixed = _storable(found.item)
                    batch.append(found if fixed is found.item else replace(found, item=fixed))
                    batch_chars += len(found.item.document.text)
                    if len(batch) >= BATCH or batch_chars >= BATCH_CHARS:
                        flush()
                if batch:
                    flush()
                if in_flight is not None:
                    settle()
                elif progress is not None:
                    progress(report)
            finally:
                if in_flight is not None:  # cancelled or failed meanwhile: finish what was sent
                    settle()
    except _Stop:
        batch.clear()
        if progress is not None:
            progress(report)
    return report


# suggestion_import is loaded when a record needs it (predictions, annotations for a
# document already stored): a plain import starts without it


def split_predictions(item: AnnotatedDocument) -> tuple[AnnotatedDocument, AnnotatedDocument]:
    from annotator.services import suggestion_import

    return suggestion_import.split_predictions(item)


def without_annotations(item: AnnotatedDocument) -> AnnotatedDocument:
    from annotator.services import suggestion_import

    return suggestion_import.without_annotations(item)


def attach_annotations(
    project: Project, doc_id: str, item: AnnotatedDocument, as_suggestions: bool
) -> int:
    if item.annotations.is_empty():
        return 0
    from annotator.services import suggestion_import

    return suggestion_import.attach_annotations(project, doc_id, item, as_suggestions)


def _first_line(exc: Any) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _count(item: AnnotatedDocument) -> int:
    a = item.annotations
    return len(a.entities) + len(a.claims) + len(a.targets) + (1 if a.document_sentiment else 0)
