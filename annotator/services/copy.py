"""`annotator copy SRC DST`: a whole project from one database to another, verified.

Either location is a SQLite file or a database URL. Documents, annotations with their
annotators, the label schema, assignments and every id and timestamp are copied; then
row counts and content digests of both sides are compared, and every document's text is
checked against its content hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator.services.project import ProjectError, open_project
from annotator.storage import sqlite_path
from annotator.storage.engine import UnsupportedLocation
from annotator.storage.row_screen import BadRows
from annotator.storage.transfer import (
    CopyScreen,
    TransferError,
    check_content_hashes,
    check_copyable,
    copy_rows,
    table_digests,
)


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]
    documents: int
    bad_rows: BadRows | None = None  # unusable source rows the copy screened

    def summary(self) -> str:
        annotations = sum(
            self.rows.get(t, 0)
            for t in ("entity_spans", "claims", "target_sentiments", "document_sentiments")
        )
        skipped = f"; {self.bad_rows.summary()}" if self.bad_rows and self.bad_rows.count else ""
        return (
            f"copied {self.documents} documents, {annotations} annotations by "
            f"{self.rows.get('annotators', 0)} annotators; counts and content hashes verified"
            f"{skipped}"
        )


def copy_project(
    source: str | Path,
    destination: str | Path,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy the project at `source` into a new (or empty) project at `destination`."""
    try:
        dst_path = sqlite_path(str(destination))
        same = dst_path is not None and sqlite_path(str(source)) == dst_path
    except UnsupportedLocation as exc:
        raise ProjectError(str(exc)) from None
    fresh_file = dst_path is not None and not dst_path.exists()
    if same:
        raise ProjectError("source and destination are the same project")
    with open_project(source, create=False) as src:
        try:  # what the destination would refuse, before a file or table is made there
            check_copyable(src.repo.engine, "sqlite" if dst_path is not None else "postgresql")
        except TransferError as exc:
            raise ProjectError(f"{src.display_name}: {exc}; nothing was copied") from None
        try:
            with open_project(destination, create=True) as dst:
                try:
                    bad = BadRows()
                    rows = copy_rows(src.repo.engine, dst.repo.engine, progress, bad=bad)
                    before = table_digests(src.repo.engine, CopyScreen())
                    after = table_digests(dst.repo.engine)
                    differ = sorted(t for t in before if before[t] != after.get(t))
                    if differ:
                        raise TransferError(
                            f"the copy does not match its source in: {', '.join(differ)}"
                        )
                    documents = check_content_hashes(dst.repo.engine)
                except TransferError as exc:
                    raise ProjectError(f"{dst.display_name}: {exc}") from None
        except ProjectError:
            if fresh_file and dst_path is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{dst_path}{suffix}").unlink(missing_ok=True)
            raise
    return CopyReport(rows, documents, bad)
