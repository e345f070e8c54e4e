"""The gold layer: adjudicated annotations of a project.

Design: gold annotations are ordinary annotation rows belonging to a reserved annotator,
`GOLD_ANNOTATOR`, so every edit path, undo step, export writer and the row-level security
of a server project work on them unchanged. Which documents have been adjudicated (and
which of their disagreements are settled) is kept in the `adjudications` table, one row a
document: `complete` marks a document whose gold version is final; `settled` lists the keys
of the disagreements decided so far (accepting no version is a decision too, and leaves
no gold row behind, hence the list).

On PostgreSQL only reviewers and admins may write gold: the adjudications table is
writable only by them, and restrictive policies stop the annotator role from inserting,
changing or deleting rows of the gold annotator (`install_gold_permissions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from annotator.core.model import utc_now
from annotator.storage.errors import translated
from annotator.storage.models import AdjudicationRow

GOLD_ANNOTATOR = "~gold"  # not a valid unquoted login name, so no analyst can hold it
_WRITES = ("INSERT", "UPDATE", "DELETE")
_GOLD_TABLES = ("entity_spans", "claims", "target_sentiments", "document_sentiments")
_NOT_GOLD = f"annotator_id NOT IN (SELECT g.id FROM annotators g WHERE g.name = '{GOLD_ANNOTATOR}')"


@dataclass(frozen=True, slots=True)
class Adjudication:
    document_id: str
    reviewer: str
    complete: bool
    settled: frozenset[str]
    updated_at: datetime


@translated
def adjudication(engine: Engine, doc_id: str) -> Adjudication | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(AdjudicationRow).where(AdjudicationRow.document_id == doc_id)
        ).first()
    if row is None:
        return None
    m = row._mapping
    return Adjudication(
        m["document_id"],
        m["reviewer"],
        bool(m["complete"]),
        frozenset(m["settled"] or ()),
        m["updated_at"],
    )


@translated
def save_adjudication(
    engine: Engine, doc_id: str, reviewer: str, settled: Iterable[str], complete: bool
) -> None:
    """Record (insert or replace) the adjudication state of one document."""
    values = dict(
        document_id=doc_id,
        reviewer=reviewer,
        complete=complete,
        settled=sorted(set(settled)),
        updated_at=utc_now(),
    )
    with engine.begin() as conn:
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(AdjudicationRow).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[AdjudicationRow.document_id],
            set_={k: v for k, v in values.items() if k != "document_id"},
        )
        conn.execute(stmt)


@translated
def set_complete(engine: Engine, doc_id: str, complete: bool) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(AdjudicationRow)
            .where(AdjudicationRow.document_id == doc_id)
            .values(complete=complete, updated_at=utc_now())
        )


@translated
def clear_adjudication(engine: Engine, doc_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(AdjudicationRow).where(AdjudicationRow.document_id == doc_id))


@translated
def adjudicated_documents(engine: Engine, complete_only: bool = True) -> set[str]:
    """Ids of the documents whose gold version is final (or, with False, begun)."""
    query = select(AdjudicationRow.document_id)
    if complete_only:
        query = query.where(AdjudicationRow.complete.is_(True))
    with engine.connect() as conn:
        return set(conn.scalars(query))


@translated
def all_adjudications(engine: Engine) -> dict[str, Adjudication]:
    with engine.connect() as conn:
        rows = conn.execute(select(AdjudicationRow)).all()
    out = {}
    for row in rows:
        m = row._mapping
        out[m["document_id"]] = Adjudication(
            m["document_id"],
            m["reviewer"],
            bool(m["complete"]),
            frozenset(m["settled"] or ()),
            m["updated_at"],
        )
    return out


# -- permissions on PostgreSQL ------------------------------------------------------------------
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def install_gold_permissions(conn: Connection, roles: Mapping[str, str]) -> None:
    """Grants and policies keeping gold writes to reviewers and admins (idempotent).

    `roles` maps "annotator", "reviewer", "admin" to the project's group role names.
    """
    q = {role: _quote(name) for role, name in roles.items()}
    conn.execute(text(f"GRANT SELECT ON adjudications TO {', '.join(q.values())}"))
    conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON adjudications TO {q['reviewer']}"))
    conn.execute(text(f"GRANT ALL ON adjudications TO {q['admin']}"))
    conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON adjudications FROM {q['annotator']}"))
    # Reviewers insert gold rows (the write functions handle changes and deletions): a
    # permissive policy beside the one that keeps every other insert to one's own name.
    gold_row = f"annotator_id IN (SELECT g.id FROM annotators g WHERE g.name = '{GOLD_ANNOTATOR}')"
    conn.execute(text("DROP POLICY IF EXISTS gold_annotator ON annotators"))
    conn.execute(
        text(
            f"CREATE POLICY gold_annotator ON annotators FOR INSERT TO {q['reviewer']} "
            f"WITH CHECK (name = '{GOLD_ANNOTATOR}')"
        )
    )
    for table in _GOLD_TABLES:
        conn.execute(text(f"DROP POLICY IF EXISTS gold_rows ON {table}"))
        conn.execute(
            text(
                f"CREATE POLICY gold_rows ON {table} FOR INSERT TO {q['reviewer']} "
                f"WITH CHECK ({gold_row})"
            )
        )
        for verb in _WRITES:
            name = f"no_gold_{verb.lower()}"
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
            using = f" USING ({_NOT_GOLD})" if verb != "INSERT" else ""
            check = f" WITH CHECK ({_NOT_GOLD})" if verb != "DELETE" else ""
            conn.execute(
                text(
                    f"CREATE POLICY {name} ON {table} AS RESTRICTIVE FOR {verb} "
                    f"TO {q['annotator']}{using}{check}"
                )
            )
