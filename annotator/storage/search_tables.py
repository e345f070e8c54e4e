"""Names of the search index's tables, and the query that counts what waits for it, for the
readers with SQLAlchemy and without it."""

FTS_TABLE = "documents_search"
STATE_TABLE = f"{FTS_TABLE}_state"  # one row: indexed_upto, the watermark (SQLite only)
WATERMARK = f"(SELECT indexed_upto FROM {STATE_TABLE})"
PENDING_COUNT = f"SELECT count(*) FROM documents WHERE ordinal > {WATERMARK}"
HAS_STATE = f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{STATE_TABLE}'"
