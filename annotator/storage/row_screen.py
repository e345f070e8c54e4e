"""Stored rows that break the project's rules: readers report them and carry on.

The database refuses such values since revision 0003, but a project may hold rows written
earlier (or by a colleague's direct SQL before the upgrade). No reader crashes on them: a
document with an unknown status reads as "todo", a span or claim whose offsets do not fit
its text, or a claim whose attributes are not a JSON object of strings, is skipped. Each is
logged as a warning and counted in a `BadRows` the caller can show.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from annotator.core.model import Status

log = logging.getLogger("annotator.storage")

MAX_KEPT = 200  # messages kept for display; the count goes on


class BadRows:
    """Reports of unusable stored rows: each different one counted and logged once (a
    document read again reports nothing new), the first MAX_KEPT kept for display."""

    def __init__(self) -> None:
        self.count = 0
        self.messages: list[str] = []
        self._seen: set[str] = set()

    def report(self, message: str) -> None:
        if message in self._seen:
            return
        self._seen.add(message)
        self.count += 1
        if len(self.messages) < MAX_KEPT:
            self.messages.append(message)
        log.warning("unusable stored row skipped: %s", message)

    def summary(self) -> str:
        """One line for the CLI ('' when there were none)."""
        if not self.count:
            return ""
        first = self.messages[0] if self.messages else ""
        return f"{self.count} unusable stored rows were skipped (first: {first})"


def status_of(value: Any, doc_id: str, bad: BadRows | None) -> Status:
    """The stored status, or TODO (reported) when it is not one of `Status`."""
    try:
        return Status(value)
    except ValueError:
        if bad is not None:
            bad.report(f"document {doc_id}: unknown status {str(value)[:40]!r}, read as todo")
        return Status.TODO


def meta_of(value: Any, doc_id: str, bad: BadRows | None) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    if bad is not None:
        bad.report(f"document {doc_id}: its metadata is not a JSON object, read as empty")
    return {}


def offsets_problem(start: Any, end: Any, length: int | None) -> str | None:
    """Why offsets do not fit a text of `length` code points (None: unknown), or None."""
    if type(start) is not int or type(end) is not int:
        return f"offsets {start!r}, {end!r} are not integers"
    if not 0 <= start < end:
        return f"offsets [{start}, {end}) are not 0 <= start < end"
    if length is not None and end > length:
        return f"offsets [{start}, {end}) run past the end of the text ({length})"
    return None


def attributes_problem(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return "attributes are not a JSON object"
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return "attributes are not all strings"
    return None
