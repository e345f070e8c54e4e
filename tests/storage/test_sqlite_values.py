"""The plain sqlite3 paths encode values exactly as SQLAlchemy's SQLite dialect stores them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import JSON, DateTime, create_engine

from annotator.storage.sqlite_values import json_text, timestamp

DIALECT = create_engine("sqlite://").dialect


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 2, 18, 5, 9, 123456, tzinfo=timezone.utc),
        datetime(2026, 1, 1, 0, 0, 0, tzinfo=timezone.utc),  # no microseconds
        datetime(1999, 12, 31, 23, 59, 59, 1),  # naive
        datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(9, 2, 3, 4, 5, 6, 7, tzinfo=timezone.utc),  # a year below 1000
    ],
)
def test_timestamps_match_sqlalchemy(value: datetime) -> None:
    process = DateTime(timezone=True).dialect_impl(DIALECT).bind_processor(DIALECT)
    assert process is not None
    assert timestamp(value) == process(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"url": "https://x/\u00e9", "n": 3, "nested": {"a": [1, None, "\u2028", 2.5]}},
        {"emoji": "\U0001f600", "cjk": "\u6771\u4eac", "rtl": "\u05e9\u05dc\u05d5\u05dd"},
        {"big": 10**30, "neg": -(10**20), "bool": True},
        [],
    ],
)
def test_json_matches_sqlalchemy(value: Any) -> None:
    process = JSON().dialect_impl(DIALECT).bind_processor(DIALECT)
    assert process is not None
    assert json_text(value) == process(value)
