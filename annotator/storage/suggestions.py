"""The suggestions layer: proposed annotations per document and the decisions on them.

Rows are never turned into annotations here (that is an edit, see
`annotator.core.suggestion_commands`); this module stores, finds, counts and decides.
A suggestion whose key (document, kind, offsets, label, source) is stored already, in
any status, is not stored again: a rejected suggestion does not come back from its source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import ARRAY, Engine, String, func, insert, literal, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from annotator.core.model import utc_now
from annotator.core.suggestions import SpeakerRef, Suggestion, SuggestionKind, SuggestionStatus
from annotator.storage.errors import translating
from annotator.storage.models import AnnotatorRow, SuggestionRow
from annotator.storage.pg_writes import uses_write_functions

CHUNK = 1000  # documents per query when filtering known keys
Q = TypeVar("Q")
_SELECT = select(*SuggestionRow.__table__.columns, AnnotatorRow.name.label("decider")).outerjoin(
    AnnotatorRow, AnnotatorRow.id == SuggestionRow.decided_by
)


@dataclass(frozen=True, slots=True)
class SuggestionFilter:
    """Which suggestions: every field that is not None must match."""

    status: SuggestionStatus | None = SuggestionStatus.PENDING
    documents: Sequence[str] | None = None
    source: str | None = None
    label: str | None = None
    kind: SuggestionKind | None = None

    def apply(self, select_: Q) -> Q:
        query: Any = select_
        if self.status is not None:
            query = query.where(SuggestionRow.status == self.status.value)
        if self.documents is not None:
            query = query.where(SuggestionRow.document_id.in_(list(self.documents)))
        if self.source is not None:
            query = query.where(SuggestionRow.source == self.source)
        if self.label is not None:
            query = query.where(SuggestionRow.label == self.label)
        if self.kind is not None:
            query = query.where(SuggestionRow.kind == self.kind.value)
        return cast(Q, query)


@translating
class SuggestionStore:
    """All access to a project's suggestions."""

    def __init__(self, engine: Engine, annotator_id: Callable[[str], str]) -> None:
        self.engine = engine
        self._annotator_id = annotator_id  # name -> id, creating the annotator on first use
        self._write_functions: bool | None = None

    def add(self, suggestions: Iterable[Suggestion]) -> int:
        """Store the suggestions whose keys are new; returns how many were stored."""
        by_doc: dict[str, list[Suggestion]] = defaultdict(list)
        for s in suggestions:
            by_doc[s.document_id].append(s)
        added = 0
        doc_ids = list(by_doc)
        now = utc_now()
        for i in range(0, len(doc_ids), CHUNK):
            chunk = doc_ids[i : i + CHUNK]
            with self.engine.begin() as conn:
                known = self._keys(conn, chunk, {s.source for d in chunk for s in by_doc[d]})
                rows = []
                for doc_id in chunk:
                    for s in by_doc[doc_id]:
                        key = s.key()
                        if key in known:
                            continue
                        known.add(key)
                        rows.append(_row(s, now))
                added += self._insert(conn, rows)
        return added

    @staticmethod
    def _keys(conn: Connection, doc_ids: list[str], sources: set[str]) -> set[tuple[Any, ...]]:
        c = SuggestionRow
        query = select(c.document_id, c.kind, c.start_offset, c.end_offset, c.label, c.source)
        query = query.where(c.document_id.in_(doc_ids), c.source.in_(sorted(sources)))
        return {tuple(r) for r in conn.execute(query)}

    @staticmethod
    def _insert(conn: Connection, rows: list[dict[str, Any]]) -> int:
        if not rows:
            return 0
        try:
            with conn.begin_nested():
                conn.execute(insert(SuggestionRow), rows)
            return len(rows)
        except IntegrityError:  # another client stored some of them meanwhile: one by one
            stored = 0
            for row in rows:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(SuggestionRow), [row])
                    stored += 1
                except IntegrityError:
                    continue
            return stored

    def find(self, where: SuggestionFilter = SuggestionFilter()) -> list[Suggestion]:
        """Matching suggestions in document and text order."""
        query = where.apply(_SELECT).order_by(
            SuggestionRow.document_id, SuggestionRow.start_offset, SuggestionRow.end_offset
        )
        with self.engine.connect() as conn:
            return [_suggestion(row) for row in conn.execute(query)]

    def get(self, suggestion_id: str) -> Suggestion | None:
        with self.engine.connect() as conn:
            row = conn.execute(_SELECT.where(SuggestionRow.id == suggestion_id)).first()
        return _suggestion(row) if row is not None else None

    def count(self, where: SuggestionFilter = SuggestionFilter()) -> int:
        query = where.apply(select(func.count()).select_from(SuggestionRow))
        with self.engine.connect() as conn:
            return int(conn.scalar(query) or 0)

    def counts_by(self, where: SuggestionFilter = SuggestionFilter()) -> dict[tuple[str, str], int]:
        """(source, label) -> number of matching suggestions."""
        query = select(SuggestionRow.source, SuggestionRow.label, func.count())
        query = where.apply(query).group_by(SuggestionRow.source, SuggestionRow.label)
        with self.engine.connect() as conn:
            return {(s, lab): int(n) for s, lab, n in conn.execute(query)}

    def decide(
        self, suggestion_ids: Sequence[str], status: SuggestionStatus, annotator: str
    ) -> int:
        """Record a decision (PENDING takes it back); returns how many rows changed."""
        if not suggestion_ids:
            return 0
        pending = status is SuggestionStatus.PENDING
        who = None if pending else self._annotator_id(annotator)
        when = None if pending else utc_now()
        changed = 0
        functions = self._uses_write_functions()
        with self.engine.begin() as conn:
            ids = list(suggestion_ids)
            for i in range(0, len(ids), CHUNK):
                chunk = ids[i : i + CHUNK]
                if functions:  # a team annotator: no UPDATE grant (see roles)
                    changed += int(
                        conn.scalar(
                            select(
                                func.annotator_decide_suggestions(
                                    literal(chunk, ARRAY(String)), status.value, utc_now()
                                )
                            )
                        )
                        or 0
                    )
                    continue
                result = conn.execute(
                    update(SuggestionRow)
                    .where(SuggestionRow.id.in_(chunk))
                    .values(status=status.value, decided_by=who, decided_at=when)
                )
                changed += result.rowcount
        return changed

    def _uses_write_functions(self) -> bool:
        if self._write_functions is None:
            self._write_functions = uses_write_functions(self.engine)
        return self._write_functions

    def pending_by_document(self, doc_ids: Sequence[str]) -> dict[str, list[Suggestion]]:
        """The pending suggestions of these documents, per document."""
        out: dict[str, list[Suggestion]] = defaultdict(list)
        for i in range(0, len(doc_ids), CHUNK):
            for s in self.find(SuggestionFilter(documents=doc_ids[i : i + CHUNK])):
                out[s.document_id].append(s)
        return out


def _row(s: Suggestion, now: Any) -> dict[str, Any]:
    sp = s.speaker
    return dict(
        id=s.id,
        document_id=s.document_id,
        kind=s.kind.value,
        start_offset=s.start,
        end_offset=s.end,
        label=s.label,
        speaker_start=sp.start if sp else None,
        speaker_end=sp.end if sp else None,
        speaker_label=sp.label if sp else None,
        source=s.source,
        score=float(s.score),
        status=s.status.value,
        decided_by=None,
        created_at=now,
        decided_at=None,
    )


def _suggestion(row: Any) -> Suggestion:
    speaker = None
    if row.speaker_start is not None and row.speaker_end is not None:
        speaker = SpeakerRef(row.speaker_start, row.speaker_end, row.speaker_label or "PERSON")
    return Suggestion(
        id=row.id,
        document_id=row.document_id,
        kind=SuggestionKind(row.kind),
        start=row.start_offset,
        end=row.end_offset,
        label=row.label,
        source=row.source,
        score=float(row.score),
        speaker=speaker,
        status=SuggestionStatus(row.status),
        decided_by=row.decider or "",
    )
