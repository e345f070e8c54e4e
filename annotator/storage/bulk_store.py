"""What the bulk use cases (import, export, statistics) need from a project's storage.

`ProjectRepository` (SQLAlchemy, every back end) and `SqliteStore` (plain sqlite3, what the
command line opens for a SQLite project) both provide it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from annotator.core.model import AnnotatedDocument, ProjectStats, Status
from annotator.core.schema import LabelSchema
from annotator.storage.bulk_writes import BatchInFlight
from annotator.storage.row_screen import BadRows


class BulkStore(Protocol):
    """Batch writes and streaming reads of one project."""

    bad_rows: BadRows

    def add_annotated_batch(
        self, items: Sequence[AnnotatedDocument], annotator: str
    ) -> list[tuple[str, bool]]: ...

    def begin_annotated_batch(
        self, items: Sequence[AnnotatedDocument], annotator: str
    ) -> BatchInFlight:
        """Store a batch like `add_annotated_batch`; its commit may still be running:
        `wait()` on the result before the next call gives the results or the error."""
        ...

    def add_annotated(self, item: AnnotatedDocument, annotator: str) -> tuple[str, bool]: ...

    def load_schema_versioned(self) -> tuple[LabelSchema, int]: ...

    def annotator_names(self) -> dict[str, str]: ...

    def count_documents(
        self, status: Status | None = None, ids: Sequence[str] | None = None
    ) -> int: ...

    def count_entities(
        self,
        status: Status | None = None,
        annotator: str | None = None,
        ids: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
    ) -> int: ...

    def iter_annotated(
        self,
        status: Status | None = None,
        annotator: str | None = None,
        ids: Sequence[str] | None = None,
        batch_size: int = 500,
    ) -> Iterator[AnnotatedDocument]: ...

    def stats(self, since: datetime | None = None) -> ProjectStats: ...

    def search_pending(self) -> int:
        """Documents not in the search index yet."""
        ...

    def dispose(self) -> None: ...
