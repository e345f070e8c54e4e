"""Document assignments: which analysts should annotate which documents."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, delete, exists, insert, select

from annotator.core.model import Status, utc_now
from annotator.storage.errors import translated
from annotator.storage.models import AnnotatorRow, AssignmentRow, DocumentRow


def _annotator_id(conn: Connection, name: str) -> str | None:
    return conn.scalar(select(AnnotatorRow.id).where(AnnotatorRow.name == name))


@translated
def assign(engine: Engine, doc_ids: Iterable[str], annotator_ids: Iterable[str]) -> int:
    """Assign every document to every annotator (ids); returns how many were new."""
    docs, people = list(dict.fromkeys(doc_ids)), list(dict.fromkeys(annotator_ids))
    added = 0
    with engine.begin() as conn:
        taken = set(
            conn.execute(
                select(AssignmentRow.document_id, AssignmentRow.annotator_id).where(
                    AssignmentRow.document_id.in_(docs), AssignmentRow.annotator_id.in_(people)
                )
            ).all()
        )
        rows = [
            {"document_id": d, "annotator_id": a, "assigned_at": utc_now()}
            for d in docs
            for a in people
            if (d, a) not in taken
        ]
        if rows:
            conn.execute(insert(AssignmentRow), rows)
            added = len(rows)
    return added


@translated
def unassign(
    engine: Engine, doc_ids: Iterable[str], annotator_ids: Iterable[str] | None = None
) -> int:
    """Remove the documents' assignments (to the given annotators, or to everyone).

    Returns how many assignments were removed.
    """
    query = delete(AssignmentRow).where(AssignmentRow.document_id.in_(list(doc_ids)))
    if annotator_ids is not None:
        query = query.where(AssignmentRow.annotator_id.in_(list(annotator_ids)))
    with engine.begin() as conn:
        return conn.execute(query).rowcount or 0


@translated
def assignments(engine: Engine) -> dict[str, list[str]]:
    """Document id -> names of the annotators it is assigned to (sorted)."""
    query = (
        select(AssignmentRow.document_id, AnnotatorRow.name)
        .join(AnnotatorRow, AnnotatorRow.id == AssignmentRow.annotator_id)
        .order_by(AnnotatorRow.name)
    )
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for doc_id, name in conn.execute(query):
            out.setdefault(doc_id, []).append(name)
    return out


def next_assigned(conn: Connection, annotator: str, after: str | None) -> str | None:
    """The next unfinished document for `annotator`, after `after` in import order, wrapping.

    Documents assigned to them come first; then documents assigned to nobody. Documents
    assigned only to others are never offered.
    """
    me = _annotator_id(conn, annotator)
    mine = exists().where(
        AssignmentRow.document_id == DocumentRow.id, AssignmentRow.annotator_id == me
    )
    anyone = exists().where(AssignmentRow.document_id == DocumentRow.id)
    ordinal = None
    if after is not None:
        ordinal = conn.scalar(select(DocumentRow.ordinal).where(DocumentRow.id == after))
    for condition in (mine, ~anyone):
        query = (
            select(DocumentRow.id)
            .where(DocumentRow.status != Status.DONE.value, condition)
            .order_by(DocumentRow.ordinal)
            .limit(1)
        )
        if after is not None:
            query = query.where(DocumentRow.id != after)
        if ordinal is not None:
            found = conn.scalar(query.where(DocumentRow.ordinal > ordinal))
            if found is not None:
                return str(found)
        found = conn.scalar(query)
        if found is not None:
            return str(found)
    return None
