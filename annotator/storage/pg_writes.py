"""Changes and deletions through the project's write functions (PostgreSQL team roles).

Annotators and reviewers hold no UPDATE or DELETE privilege (that would let them
`LOCK TABLE` shared tables); they change rows by calling the ``SECURITY DEFINER`` functions
`roles.install_roles` creates. Each builder here returns one ``SELECT function(...)``
statement whose single value is the number of rows changed (or the new version), so an edit
still costs one statement. Sessions that may write tables directly (the owner, admins, every
SQLite project) use plain statements instead; see `uses_write_functions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Select, func, literal, select, text


def uses_write_functions(engine: Engine) -> bool:
    """Whether this session must change annotation rows through the write functions."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return not _may_update(conn)


def _may_update(conn: Connection) -> bool:
    return bool(
        conn.scalar(
            text(
                "SELECT to_regclass('entity_spans') IS NULL "
                "OR has_table_privilege('entity_spans', 'UPDATE')"
            )
        )
    )


def update_span(row_id: str, doc_id: str, values: Mapping[str, Any]) -> Select[Any]:
    return select(
        func.annotator_update_span(
            row_id,
            doc_id,
            values["start_offset"],
            values["end_offset"],
            values["label"],
            values["annotator_id"],
            values["updated_at"],
        )
    )


def update_claim(row_id: str, doc_id: str, values: Mapping[str, Any]) -> Select[Any]:
    return select(
        func.annotator_update_claim(
            row_id,
            doc_id,
            values["start_offset"],
            values["end_offset"],
            values["speaker_entity_id"],
            values["speaker_text"],
            literal(values["attributes"], JSON),
            values["annotator_id"],
            values["updated_at"],
        )
    )


def delete_row(table: str, row_id: str, doc_id: str) -> Select[Any]:
    """Delete one span, claim or target sentiment of the document."""
    return select(func.annotator_delete_row(table, row_id, doc_id))


def delete_document_sentiment(doc_id: str, annotator_id: str) -> Select[Any]:
    return select(func.annotator_delete_document_sentiment(doc_id, annotator_id))


def set_status(
    doc_id: str, status: str, expected_version: int | None, updated: datetime
) -> Select[Any]:
    """The new version, or NULL when the document is missing or its version moved on."""
    return select(func.annotator_set_status(doc_id, status, expected_version, updated))


def touch(doc_id: str, stamp: datetime, before: datetime) -> Select[Any]:
    return select(func.annotator_touch(doc_id, stamp, before))
