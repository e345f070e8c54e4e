"""Column values as SQLAlchemy's SQLite dialect stores them, for the plain sqlite3 paths.

Rows written by the bulk paths must be indistinguishable from rows written through the
ORM: `DateTime` columns hold 'YYYY-MM-DD HH:MM:SS.ffffff' (the wall-clock digits; the
time zone is not stored, every timestamp here is UTC) and `JSON` columns `json.dumps`
text. The tests compare both with SQLAlchemy's own bind processors.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


def timestamp(value: datetime) -> str:
    """A `DateTime` column's stored text."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


def json_text(value: Any) -> str:
    """A `JSON` column's stored text."""
    return json.dumps(value)
