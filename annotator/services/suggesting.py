"""Suggestions as a use case: the layer of one open document (next/previous, accept,
reject, accept all, each decision an undoable edit) and decisions over the corpus.

Accepting creates normal annotations by the accepting analyst (the project's annotator).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from annotator.core.commands import EditCommand
from annotator.core.ids import new_id
from annotator.core.model import EntitySpan
from annotator.core.suggestion_commands import AcceptSuggestion, EditBatch, RejectSuggestion
from annotator.core.suggestions import Suggestion, SuggestionKind, SuggestionStatus
from annotator.services.project import Project
from annotator.services.session import DocumentSession
from annotator.storage.suggestions import SuggestionFilter, SuggestionStore

__all__ = [
    "DocumentSuggestions",
    "SuggestionFilter",
    "SuggestionStore",
    "decide_matching",
    "suggestion_store",
]

Listener = Callable[[Sequence[str]], None]  # told the ids of suggestions whose status changed


def suggestion_store(project: Project) -> SuggestionStore:
    return SuggestionStore(project.repo.engine, project.repo.annotator_id)


class DocumentSuggestions:
    """The pending suggestions of the document a `DocumentSession` edits.

    Implements `SuggestionDecisions` for the accept/reject commands; apply the commands
    through the session (or the GUI's undo stack) like every other edit.
    """

    def __init__(self, session: DocumentSession, store: SuggestionStore | None = None) -> None:
        self.session = session
        self.store = store or suggestion_store(session.project)
        self._all: dict[str, Suggestion] = {}
        self._pending: list[Suggestion] | None = None  # sorted, until a decision
        self._listeners: list[Listener] = []
        self.reload()

    def reload(self) -> None:
        """Read the document's suggestions again (pending and decided)."""
        where = SuggestionFilter(status=None, documents=[self.session.document.id])
        self._all = {s.id: s for s in self.store.find(where)}
        self._pending = None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # -- reading -----------------------------------------------------------------
    @property
    def pending(self) -> list[Suggestion]:
        """Pending suggestions in text order (a list kept until the next decision)."""
        if self._pending is None:
            found = [s for s in self._all.values() if s.status is SuggestionStatus.PENDING]
            found.sort(key=lambda s: (s.start, -s.end, s.kind.value, s.label, s.id))
            self._pending = found
        return list(self._pending)

    def get(self, suggestion_id: str) -> Suggestion | None:
        return self._all.get(suggestion_id)

    def next_after(self, offset: int, current: str | None = None) -> Suggestion | None:
        """The first pending suggestion after `offset` (or after `current`), wrapping round."""
        pending = self.pending
        if not pending:
            return None
        if current is not None and current in {s.id for s in pending}:
            i = [s.id for s in pending].index(current)
            return pending[(i + 1) % len(pending)]
        for s in pending:
            if s.start >= offset:
                return s
        return pending[0]

    def previous_before(self, offset: int, current: str | None = None) -> Suggestion | None:
        pending = self.pending
        if not pending:
            return None
        if current is not None and current in {s.id for s in pending}:
            i = [s.id for s in pending].index(current)
            return pending[i - 1]
        for s in reversed(pending):
            if s.start < offset:
                return s
        return pending[-1]

    def matching(self, label: str | None = None, source: str | None = None) -> list[Suggestion]:
        return [
            s
            for s in self.pending
            if (label is None or s.label == label) and (source is None or s.source == source)
        ]

    def preview_count(self, label: str | None = None, source: str | None = None) -> int:
        """How many pending suggestions of this document `accept_all` would accept."""
        return len(self.matching(label, source))

    # -- commands ----------------------------------------------------------------
    def accept(self, suggestion_id: str) -> AcceptSuggestion:
        """The edit that accepts one suggestion (apply it to the session)."""
        s = self._all[suggestion_id]
        self._check_label(s)
        also = []
        if s.speaker is not None:  # the speaker's own entity suggestion is settled too
            also = [
                o.id
                for o in self.pending
                if o.kind is SuggestionKind.ENTITY
                and (o.start, o.end) == (s.speaker.start, s.speaker.end)
            ]
        schema = self.session.project.schema
        defaults = {a.name: a.default for a in schema.claim_attributes if a.default}
        return AcceptSuggestion(
            s,
            self,
            annotator=self.session.project.annotator,
            entity_id=new_id(),
            claim_id=new_id(),
            speaker_entity_id=new_id(),
            attributes=defaults if s.kind is SuggestionKind.CLAIM else None,
            also=also,
        )

    def reject(self, suggestion_id: str) -> RejectSuggestion:
        return RejectSuggestion([suggestion_id], self)

    def accept_all(self, label: str | None = None, source: str | None = None) -> EditCommand:
        """One edit accepting every pending suggestion of this label and/or source."""
        chosen = self.matching(label, source)
        settled: set[str] = set()
        commands: list[EditCommand] = []
        for s in sorted(chosen, key=lambda s: s.kind is not SuggestionKind.ENTITY):
            if s.id in settled:
                continue
            command = self.accept(s.id)
            command.also = [i for i in command.also if i not in settled]
            settled.update([s.id, *command.also])
            commands.append(command)
        what = " ".join(x for x in (source, label) if x) or "all"
        return EditBatch(commands, f"Accept {len(commands)} suggestions ({what})")

    def reject_all(self, label: str | None = None, source: str | None = None) -> RejectSuggestion:
        return RejectSuggestion([s.id for s in self.matching(label, source)], self)

    def _check_label(self, s: Suggestion) -> None:
        schema = self.session.project.schema
        names = {lab.name for lab in schema.entity_labels}
        if s.kind is SuggestionKind.ENTITY and s.label not in names:
            raise ValueError(f"label {s.label!r} is not in the project's schema")
        if s.speaker is not None and s.speaker.label not in names:
            raise ValueError(f"speaker label {s.speaker.label!r} is not in the project's schema")
        if s.kind is SuggestionKind.DOCUMENT_SENTIMENT and s.label not in {
            x.name for x in schema.sentiment_labels
        }:
            raise ValueError(f"sentiment {s.label!r} is not in the project's schema")

    # -- SuggestionDecisions -------------------------------------------------------
    def decide(self, suggestion_ids: Sequence[str], status: SuggestionStatus) -> None:
        self.store.decide(suggestion_ids, status, self.session.project.annotator)
        who = "" if status is SuggestionStatus.PENDING else self.session.project.annotator
        for sid in suggestion_ids:
            s = self._all.get(sid)
            if s is not None:
                self._all[sid] = _with_status(s, status, who)
        self._pending = None
        for listener in list(self._listeners):
            listener(list(suggestion_ids))

    def entity_at(self, start: int, end: int, label: str | None) -> EntitySpan | None:
        for e in self.session.annotations.entities.values():
            if (e.start, e.end) == (start, end) and (label is None or e.label == label):
                return e
        return None


def _with_status(s: Suggestion, status: SuggestionStatus, who: str) -> Suggestion:
    return replace(s, status=status, decided_by=who)


@dataclass
class DecisionReport:
    """What a batch decision over the corpus did."""

    documents: int = 0
    decided: int = 0
    refused: list[str] = field(default_factory=list)


def decide_matching(
    project: Project,
    where: SuggestionFilter,
    accept: bool,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DecisionReport:
    """Accept (or reject) every pending suggestion matching `where`, document by document.

    Each document's decisions are one edit of that document; a suggestion that cannot be
    accepted (its label left the schema) is reported and left pending.
    """
    store = suggestion_store(project)
    where = SuggestionFilter(
        SuggestionStatus.PENDING, where.documents, where.source, where.label, where.kind
    )
    found = store.find(where)
    report = DecisionReport()
    if not accept:
        report.decided = store.decide(
            [s.id for s in found], SuggestionStatus.REJECTED, project.annotator
        )
        report.documents = len({s.document_id for s in found})
        return report
    doc_ids = sorted({s.document_id for s in found})
    wanted = {s.id for s in found}
    for n, doc_id in enumerate(doc_ids, 1):
        if cancelled is not None and cancelled():
            break
        session = DocumentSession(project, doc_id)
        layer = DocumentSuggestions(session, store)
        for s in layer.pending:
            if s.id not in wanted:
                continue
            current = layer.get(s.id)
            if current is None or current.status is not SuggestionStatus.PENDING:
                continue  # settled by an earlier acceptance (a claim's speaker)
            try:
                session.apply(layer.accept(s.id))
            except ValueError as exc:
                report.refused.append(f"{doc_id}: {exc}")
                continue
            report.decided += 1
        report.documents += 1
        if progress is not None:
            progress(n, len(doc_ids))
    return report
