"""Names of the search index's tables, for the readers with SQLAlchemy and without it."""

FTS_TABLE = "documents_search"
STATE_TABLE = f"{FTS_TABLE}_state"  # one row: indexed_upto, the watermark (SQLite only)
