"""Searching documents' title and text through the database's own text index.

The one place that knows each back end's search SQL. A search matches a substring of the
title or the text, case-insensitively, as the document list always has:

- SQLite: an FTS5 table with the trigram tokenizer, external content (`documents`,
  keyed by `ordinal`), kept in step by triggers. Needles shorter than three characters
  (which trigrams cannot index) and builds of SQLite without FTS5 use LIKE instead (the
  latter with a logged warning).

  Indexing is deferred: `documents_search_state.indexed_upto` is a watermark, every
  document with `ordinal <= indexed_upto` is in the index and none above it is. Imports
  append documents above it, which the triggers leave unindexed (indexing a 3 KB text
  cost most of an import); `index_some` catches up in short chunks, each advancing the
  watermark. Searches look documents above the watermark up by scanning, with FTS5's own
  case folding, so a document is found the same way before and after it is indexed.
- PostgreSQL: trigram GIN indexes (`pg_trgm`) on title and text, used by ILIKE. Chosen over
  `to_tsvector('simple', ...)`: a tsvector finds whole words only (not "garde" in
  "Lagarde", not "100%") and refuses texts over 1 MB, and the 3 MB articles are real.
  Without the extension (not installed, or no right to create it) ILIKE scans, with a
  logged warning.
"""

from __future__ import annotations

import logging
import sqlite3
import string
import weakref
from functools import cache
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
    union_all,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from annotator.storage.errors import Busy, NotPermitted, StorageError, first_line
from annotator.storage.models import DocumentRow
from annotator.storage.search_tables import FTS_TABLE, HAS_STATE, PENDING_COUNT, STATE_TABLE
from annotator.storage.search_tables import WATERMARK as _WATERMARK

log = logging.getLogger(__name__)

PG_INDEXES = ("ix_documents_search_title", "ix_documents_search_text")
MIN_INDEXED = 3  # trigrams: shorter needles cannot use the index

FOLD_FUNCTION = "annotator_search_fold"
DEFAULT_BUDGET_CHARS = 262_144  # title + text characters indexed per transaction
MAX_CHUNK_ROWS = 5_000  # and at most this many documents (short or empty texts)

# Only documents at or below the watermark are in the index: those above it are indexed
# (and the watermark moved past them) by `index_some`. A 'delete' of a row the index never
# held corrupts an external-content FTS5 index, hence the conditions on old rows too.
_SQLITE_TRIGGERS = {
    "documents_search_ai": f"""
        CREATE TRIGGER documents_search_ai AFTER INSERT ON documents
        WHEN new.ordinal <= {_WATERMARK} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.ordinal, new.title, new.text);
        END""",
    "documents_search_ad": f"""
        CREATE TRIGGER documents_search_ad AFTER DELETE ON documents
        WHEN old.ordinal <= {_WATERMARK} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            VALUES ('delete', old.ordinal, old.title, old.text);
        END""",
    "documents_search_au": f"""
        CREATE TRIGGER documents_search_au AFTER UPDATE OF title, text, ordinal ON documents
        BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            SELECT 'delete', old.ordinal, old.title, old.text WHERE old.ordinal <= {_WATERMARK};
            INSERT INTO {FTS_TABLE}(rowid, title, text)
            SELECT new.ordinal, new.title, new.text WHERE new.ordinal <= {_WATERMARK};
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
        conn.execute(text(f"DROP TABLE IF EXISTS {STATE_TABLE}"))
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
    install_deferred_indexing(conn)
    conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    conn.execute(text(f"UPDATE {STATE_TABLE} SET indexed_upto = {_MAX_ORDINAL}"))


_MAX_ORDINAL = "(SELECT COALESCE(MAX(ordinal), 0) FROM documents)"


def install_deferred_indexing(conn: Connection) -> None:
    """Create the watermark (at the last document, for an index that holds every document;
    an existing one is kept) and the triggers that respect it. SQLite with FTS5 only."""
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} ("
            "id INTEGER PRIMARY KEY CHECK (id = 1), indexed_upto INTEGER NOT NULL)"
        )
    )
    conn.execute(
        text(f"INSERT OR IGNORE INTO {STATE_TABLE} (id, indexed_upto) VALUES (1, {_MAX_ORDINAL})")
    )
    for name, ddl in _SQLITE_TRIGGERS.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text(ddl))


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


def has_deferred_state(conn: Connection) -> bool:
    """Whether this is a SQLite database whose index is kept up to a watermark."""
    if conn.dialect.name != "sqlite":
        return False
    return conn.scalar(text(HAS_STATE)) is not None


def matching(conn: Connection, needle: str) -> ColumnElement[bool]:
    """A condition on `DocumentRow`: title or text contains `needle`, case-insensitively.

    On SQLite with the index, documents above the watermark (not indexed yet) are scanned
    with the index's own case folding, so they are found exactly as once indexed. The
    condition is meant for a statement run on `conn` (the folding function is registered
    on its database connection).
    """
    dialect = conn.dialect.name
    if dialect == "sqlite" and len(needle) >= MIN_INDEXED and _cached_has_index(conn):
        phrase = '"' + needle.replace('"', '""') + '"'
        hits: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(text(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=phrase))
        )
        if _cached_has_state(conn):  # one IN list: still a lookup per hit, not a scan
            return DocumentRow.ordinal.in_(union_all(hits, _unindexed_matching(conn, needle)))
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


def _unindexed_matching(conn: Connection, needle: str) -> Select[Any]:
    """The ordinals above the watermark whose folded title or text contains the folded
    needle (`instr`: a plain substring test, no LIKE wildcards to escape)."""
    _register_fold(conn)
    folded = fts_fold(needle)
    fold = getattr(func, FOLD_FUNCTION)
    row = aliased(DocumentRow, name="unindexed")  # not correlated with the outer query
    return select(row.ordinal).where(
        row.ordinal > literal_column(_WATERMARK),
        or_(func.instr(fold(row.title), folded) > 0, func.instr(fold(row.text), folded) > 0),
    )


def fts_fold(value: str | None) -> str | None:
    """`value` case-folded as the trigram tokenizer folds it (ASCII: lower case)."""
    if value is None or value.isascii():
        return None if value is None else value.lower()
    return value.translate(_fold_table())


@cache
def _fold_table() -> dict[int, str]:
    """What FTS5's trigram tokenizer folds each character to, asked of SQLite itself: its
    folding follows its own Unicode tables (older than Python's, and not `str.lower`).

    Only characters Python folds can differ (a probe of every code point found the two
    noncharacters U+FFFE and U+FFFF besides), so those are the ones asked: about 1,600
    rows in an in-memory table, some 10 ms, once per process.
    """
    candidates = [
        c
        for c in map(chr, range(0x80, 0x110000))
        if not 0xD800 <= ord(c) < 0xE000 and (c.lower() != c or c.casefold() != c)
    ] + ["\ufffe", "\uffff"]
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        probe.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        probe.executemany(
            "INSERT INTO t(rowid, x) VALUES (?, ?)", [(ord(c), c + "ab") for c in candidates]
        )
        rows = probe.execute("SELECT doc, term FROM v WHERE offset = 0").fetchall()
    finally:
        probe.close()
    folded = {ord(c): c.lower() for c in string.ascii_uppercase}
    folded.update({doc: term[0] for doc, term in rows if term[0] != chr(doc)})
    return folded


def _register_fold(conn: Connection) -> None:
    """Make `annotator_search_fold(x)` callable on `conn`'s database connection (once)."""
    info = conn.connection.info
    if info.get(FOLD_FUNCTION):
        return
    dbapi = conn.connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)
    dbapi.create_function(FOLD_FUNCTION, 1, fts_fold, deterministic=True)
    info[FOLD_FUNCTION] = True


def _escape_like(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_indexed: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
_deferred: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _cached_has_state(conn: Connection) -> bool:
    engine = conn.engine
    known = _deferred.get(engine)
    if known is None:
        known = _deferred[engine] = has_deferred_state(conn)
    return known


def _cached_has_index(conn: Connection) -> bool:
    engine = conn.engine
    known = _indexed.get(engine)
    if known is None:
        known = _indexed[engine] = has_index(conn)
        if not known:
            log.warning("no text index in %s: document search scans every text", engine.url)
    return known


# -- catching up ----------------------------------------------------------------------


def pending_count(conn: Connection) -> int:
    """How many documents are not in the index yet (0 where indexing is not deferred)."""
    if not has_deferred_state(conn):
        return 0
    return int(conn.scalar(text(PENDING_COUNT)) or 0)


def index_some(conn: Connection, budget_chars: int = DEFAULT_BUDGET_CHARS) -> int:
    """Index the next documents above the watermark, in ordinal order, up to about
    `budget_chars` of title and text (at least one document, however long), and move the
    watermark past them: one short write transaction. Returns how many were indexed (0:
    none were pending). A transaction `conn` is in is rolled back first: give it one of
    its own.

    The watermark is read under the write lock (BEGIN IMMEDIATE), so a concurrent import
    or a second indexer cannot slip rows in between. A lock held longer than the busy
    timeout raises `Busy`, a read-only database `NotPermitted`; nothing is changed then.
    """
    if not has_deferred_state(conn):
        return 0
    conn.rollback()  # end the read above: BEGIN must be the first statement
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            indexed = _index_chunk(conn, budget_chars)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    except OperationalError as exc:
        error = _storage_error(exc)
        if error is None:
            raise
        raise error from exc
    return indexed


def _index_chunk(conn: Connection, budget_chars: int) -> int:
    watermark = int(conn.scalar(text(f"SELECT indexed_upto FROM {STATE_TABLE}")) or 0)
    upto, count = _chunk_end(conn, watermark, budget_chars)
    if count == 0:
        return 0
    span = {"wm": watermark, "upto": upto}
    conn.execute(
        text(
            f"INSERT INTO {FTS_TABLE}(rowid, title, text) SELECT ordinal, title, text "
            "FROM documents WHERE ordinal > :wm AND ordinal <= :upto"
        ),
        span,
    )
    conn.execute(text(f"UPDATE {STATE_TABLE} SET indexed_upto = :upto"), span)
    return count


def _chunk_end(conn: Connection, watermark: int, budget_chars: int) -> tuple[int, int]:
    """The last ordinal of the next chunk and its number of documents, from the stored
    lengths (the texts themselves are read once, by the insert)."""
    rows = conn.execute(
        text(
            "SELECT ordinal, length + length(title) FROM documents WHERE ordinal > :wm "
            "ORDER BY ordinal LIMIT :n"
        ),
        {"wm": watermark, "n": MAX_CHUNK_ROWS},
    )
    upto, count, size = watermark, 0, 0
    for ordinal, chars in rows:
        upto, count, size = int(ordinal), count + 1, size + int(chars or 0)
        if size >= budget_chars:
            break
    rows.close()
    return upto, count


def _storage_error(exc: OperationalError) -> StorageError | None:
    """The project's own error for a locked or read-only database (None: another error)."""
    detail = first_line(exc.orig)
    if "locked" in detail or "busy" in detail:
        return Busy(f"the project is busy: another writer holds it ({detail}); nothing was indexed")
    if "readonly" in detail or "read-only" in detail:
        return NotPermitted(f"the project cannot be written ({detail}); nothing was indexed")
    return None
