"""Column values as SQLAlchemy's SQLite dialect stores them, and the IN (...) lists, for the
plain sqlite3 paths (`bulk_writes`, `sqlite_reads`).

Rows written by the bulk paths must be indistinguishable from rows written through the
ORM: `DateTime` columns hold 'YYYY-MM-DD HH:MM:SS.ffffff' (the wall-clock digits; the
time zone is not stored, every timestamp here is UTC) and `JSON` columns `json.dumps`
text. The tests compare both with SQLAlchemy's own bind processors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence, Sized
from datetime import date, datetime
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 500  # values per IN (...) list, inside every SQLite build's variable limit


def timestamp(value: date) -> str:
    """A `DateTime` column's stored (or bound) text: the fields as they are (a time zone is
    dropped, not converted), microseconds always written; a date is its midnight."""
    day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if not isinstance(value, datetime):
        return f"{day} 00:00:00.000000"
    return f"{day} {value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"


def json_text(value: Any) -> str:
    """A `JSON` column's stored text."""
    return json.dumps(value)


def unique(values: Iterable[T]) -> list[T]:
    """`values` without repeats (so that counts over chunks count each once), in order."""
    return list(dict.fromkeys(values))


def chunks(values: Sequence[T], size: int = CHUNK) -> list[Sequence[T]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def marks(values: Sized) -> str:
    """The `?, ?, ...` of an IN list of `values`."""
    return ", ".join("?" * len(values))
