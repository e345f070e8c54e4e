"""Searching documents' title and text through the database's own text index.

The one place that knows each back end's search SQL. A search matches a substring of the
title or the text, case-insensitively, as the document list always has:

- SQLite: an FTS5 table with the trigram tokenizer, external content (`documents`,
  keyed by `ordinal`), kept in step by triggers. Needles shorter than three characters
  (which trigrams cannot index) and builds of SQLite without FTS5 use LIKE instead (the
  latter with a logged warning).
- PostgreSQL: trigram GIN indexes (`pg_trgm`) on title and text, used by ILIKE. Chosen over
  `to_tsvector('simple', ...)`: a tsvector finds whole words only (not "garde" in
  "Lagarde", not "100%") and refuses texts over 1 MB, and the 3 MB articles are real.
  Without the extension (not installed, or no right to create it) ILIKE scans, with a
  logged warning.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    func,
    literal_column,
    or_,
    select,
    text,
)

from annotator.storage.models import DocumentRow

log = logging.getLogger(__name__)

FTS_TABLE = "documents_search"
PG_INDEXES = ("ix_documents_search_title", "ix_documents_search_text")
MIN_INDEXED = 3  # trigrams: shorter needles cannot use the index

_SQLITE_TRIGGERS = {
    "documents_search_ai": f"""
        CREATE TRIGGER documents_search_ai AFTER INSERT ON documents BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.ordinal, new.title, new.text);
        END""",
    "documents_search_ad": f"""
        CREATE TRIGGER documents_search_ad AFTER DELETE ON documents BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            VALUES ('delete', old.ordinal, old.title, old.text);
        END""",
    "documents_search_au": f"""
        CREATE TRIGGER documents_search_au AFTER UPDATE OF title, text, ordinal ON documents
        BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            VALUES ('delete', old.ordinal, old.title, old.text);
            INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.ordinal, new.title, new.text);
        END""",
}


def is_search_object(name: str | None) -> bool:
    """True for the tables, indexes and triggers this module adds beyond `models.py`
    (schema comparisons leave them out)."""
    return bool(name) and (str(name).startswith(FTS_TABLE) or str(name) in PG_INDEXES)


def install_search(conn: Connection) -> None:
    """Create the text index and fill it from the stored documents (idempotent)."""
    if conn.dialect.name == "sqlite":
        _install_sqlite(conn)
    elif conn.dialect.name == "postgresql":
        _install_postgres(conn)


def remove_search(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    elif conn.dialect.name == "postgresql":
        for name in PG_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))


def _fts5_available(conn: Connection) -> bool:
    try:
        with conn.begin_nested():
            probe = "CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x, tokenize='trigram')"
            conn.execute(text(probe))
            conn.execute(text("DROP TABLE temp.fts5_probe"))
    except Exception:
        log.warning(
            "this SQLite has no FTS5 trigram tokenizer: document search scans every text",
            exc_info=True,
        )
        return False
    return True


def _install_sqlite(conn: Connection) -> None:
    if not _fts5_available(conn):
        return
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "title, text, content='documents', content_rowid='ordinal', tokenize='trigram')"
        )
    )
    for name, ddl in _SQLITE_TRIGGERS.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text(ddl))
    conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))


def _install_postgres(conn: Connection) -> None:
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception:
        log.warning(
            "pg_trgm is not available on this server: document search scans every text",
            exc_info=True,
        )
        return
    for name, column in zip(PG_INDEXES, ("title", "text"), strict=True):
        ddl = f"CREATE INDEX IF NOT EXISTS {name} ON documents USING gin ({column} gin_trgm_ops)"
        conn.execute(text(ddl))


def has_index(conn: Connection) -> bool:
    """Whether this database has the text index (False: searches scan)."""
    if conn.dialect.name == "sqlite":
        found = conn.scalar(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": FTS_TABLE}
        )
        return found is not None
    if conn.dialect.name == "postgresql":
        found = conn.scalar(
            text("SELECT 1 FROM pg_indexes WHERE indexname = :n"), {"n": PG_INDEXES[1]}
        )
        return found is not None
    return False


def matching(conn: Connection, needle: str) -> ColumnElement[bool]:
    """A condition on `DocumentRow`: title or text contains `needle`, case-insensitively."""
    dialect = conn.dialect.name
    if dialect == "sqlite" and len(needle) >= MIN_INDEXED and _cached_has_index(conn):
        phrase = '"' + needle.replace('"', '""') + '"'
        hits: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(text(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=phrase))
        )
        return DocumentRow.ordinal.in_(hits)
    if dialect == "postgresql":
        pattern = "%" + _escape_like(needle) + "%"
        return or_(
            DocumentRow.title.ilike(pattern, escape="\\"),
            DocumentRow.text.ilike(pattern, escape="\\"),
        )
    lowered = needle.lower()
    return or_(
        func.lower(DocumentRow.title).contains(lowered, autoescape=True),
        func.lower(DocumentRow.text).contains(lowered, autoescape=True),
    )


def _escape_like(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_indexed: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _cached_has_index(conn: Connection) -> bool:
    engine = conn.engine
    known = _indexed.get(engine)
    if known is None:
        known = _indexed[engine] = has_index(conn)
        if not known:
            log.warning("no text index in %s: document search scans every text", engine.url)
    return known
