"""A SQLite project through the standard library's sqlite3 alone: the bulk paths.

What the command line opens for `import`, `export` and `stats` on a SQLite project whose
schema is current: no SQLAlchemy is loaded (it costs more start-up than the rest of such a
command). The SQL itself lives in `bulk_writes` and `sqlite_reads`, which
`ProjectRepository` uses on SQLite too, so there is one implementation of each.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from annotator.core.model import AnnotatedDocument, ProjectStats, Status
from annotator.storage.errors import translate_driver_error
from annotator.storage.revisions import single_head, stored_revision
from annotator.storage.row_screen import BadRows
from annotator.storage.sqlite_connect import connect

if TYPE_CHECKING:
    from annotator.core.schema import LabelSchema
    from annotator.storage.bulk_writes import BatchInFlight

T = TypeVar("T")


def _translate(exc: BaseException) -> BaseException:
    """The `StorageError` a sqlite3 error means to the user, else the error itself."""
    if isinstance(exc, sqlite3.Error):
        return translate_driver_error(exc) or exc
    return exc


def _translated(method: Callable[..., T]) -> Callable[..., T]:
    """sqlite3 errors the user should read become `StorageError`s (as the repository's)."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            mapped = translate_driver_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    return wrapper


class SqliteStore:
    """One connection to a SQLite project at the current schema (see `open`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.bad_rows = BadRows()

    @classmethod
    def open(cls, path: Path) -> SqliteStore | None:
        """The store, or None when the file's schema is not this version's head (then the
        full path, which migrates or refuses, must open it)."""
        conn = connect(path)
        try:
            head = single_head()
            current = head is not None and stored_revision(conn) == head
        except BaseException:
            conn.close()
            raise
        if not current:
            conn.close()
            return None
        return cls(conn)

    def dispose(self) -> None:
        self.conn.close()

    @_translated
    def add_annotated_batch(
        self, items: Sequence[AnnotatedDocument], annotator: str
    ) -> list[tuple[str, bool]]:
        from annotator.storage.bulk_writes import add_batch_sqlite  # loaded by the first write

        return add_batch_sqlite(self.conn, items, annotator)

    @_translated
    def begin_annotated_batch(
        self, items: Sequence[AnnotatedDocument], annotator: str
    ) -> BatchInFlight:
        """`add_annotated_batch` that commits while the caller goes on (see
        `bulk_writes.begin_batch_sqlite`); the caller waits before its next call."""
        from annotator.storage.bulk_writes import begin_batch_sqlite  # loaded by the first write

        return begin_batch_sqlite(self.conn, items, annotator, _translate)

    def add_annotated(self, item: AnnotatedDocument, annotator: str) -> tuple[str, bool]:
        return self.add_annotated_batch([item], annotator)[0]

    @_translated
    def load_schema_versioned(self) -> tuple[LabelSchema, int]:
        from annotator.storage import sqlite_reads  # loaded by the first read

        return sqlite_reads.load_schema_versioned(self.conn)

    @_translated
    def annotator_names(self) -> dict[str, str]:
        from annotator.storage import sqlite_reads  # loaded by the first read

        return sqlite_reads.annotator_names(self.conn)

    @_translated
    def count_documents(
        self, status: Status | None = None, ids: Sequence[str] | None = None
    ) -> int:
        from annotator.storage import sqlite_reads  # loaded by the first read

        return sqlite_reads.count_documents(self.conn, status, ids)

    @_translated
    def count_entities(
        self,
        status: Status | None = None,
        annotator: str | None = None,
        ids: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
    ) -> int:
        from annotator.storage import sqlite_reads  # loaded by the first read

        return sqlite_reads.count_entities(self.conn, status, annotator, ids, labels)

    def iter_annotated(
        self,
        status: Status | None = None,
        annotator: str | None = None,
        ids: Sequence[str] | None = None,
        batch_size: int = 500,
    ) -> Iterator[AnnotatedDocument]:
        from annotator.storage import sqlite_reads  # loaded by the first read

        return sqlite_reads.iter_annotated(
            self.conn, status, annotator, ids, batch_size, bad_rows=self.bad_rows
        )

    @_translated
    def search_pending(self) -> int:
        """Documents not in the search index yet (as `storage.search.pending_count`)."""
        from annotator.storage.search_tables import HAS_STATE, PENDING_COUNT

        if self.conn.execute(HAS_STATE).fetchone() is None:
            return 0
        return int(self.conn.execute(PENDING_COUNT).fetchone()[0] or 0)

    @_translated
    def stats(self, since: datetime | None = None) -> ProjectStats:
        from annotator.storage import sqlite_reads  # loaded by the first read

        return sqlite_reads.stats(self.conn, since)
