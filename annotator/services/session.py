"""Editing one document: the in-memory view of its annotations, kept in step with storage.

`DocumentSession` is the `AnnotationTarget` that edit commands change. Every change is
committed first and then applied in memory, and listeners (the GUI's model) are told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from annotator.core.commands import AddClaim, AddEntity, EditCommand
from annotator.core.history import UndoHistory
from annotator.core.ids import new_id
from annotator.core.model import (
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    Status,
    TargetSentiment,
    check_span,
)
from annotator.services.project import Project
from annotator.storage.errors import ConflictError


@dataclass(frozen=True, slots=True)
class Change:
    """What changed: kind is entity/claim/target/document_sentiment/status; id where relevant."""

    kind: str
    id: str | None = None
    removed: bool = False


Listener = Callable[[Change], None]


class DocumentSession:
    def __init__(self, project: Project, doc_id: str) -> None:
        self.project = project
        self.document: Document = project.repo.get_document(doc_id)
        self.version = project.repo.document_version(doc_id)
        self.annotations: DocumentAnnotations = project.repo.load_annotations(doc_id)
        self._editor = project.repo.editor(doc_id, project.annotator)
        # every analyst has their own document sentiment: show this annotator's
        self.annotations.document_sentiment = self._editor.get_document_sentiment()
        self._listeners: list[Listener] = []
        self._edits = 0  # changes notified so far: a fresh read taken before is stale
        self._history: UndoHistory | None = None

    @property
    def history(self) -> UndoHistory:
        """Undo history for use without Qt (the GUI uses QUndoStack). Made on first use:
        it refers back to the session, and a session without that cycle is freed as soon
        as it is released, without waiting for a collector pass."""
        if self._history is None:
            self._history = UndoHistory(self)
        return self._history

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def edit_count(self) -> int:
        """Changes this session made so far (a `read_fresh` taken at another count is stale)."""
        return self._edits

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, change: Change) -> None:
        self._edits += 1
        for listener in list(self._listeners):
            listener(change)

    # -- factories for the common commands -------------------------------------
    def new_entity(self, start: int, end: int, label: str) -> AddEntity:
        check_span(start, end, len(self.text))
        return AddEntity(EntitySpan(new_id(), start, end, label, self.project.annotator))

    def new_claim(
        self, start: int, end: int, speaker_id: str | None = None, speaker_text: str = ""
    ) -> AddClaim:
        check_span(start, end, len(self.text))
        defaults = {a.name: a.default for a in self.project.schema.claim_attributes if a.default}
        return AddClaim(
            Claim(new_id(), start, end, speaker_id, speaker_text, defaults, self.project.annotator)
        )

    def apply(self, command: EditCommand) -> None:
        """Apply and record in the plain history (GUI code pushes onto its QUndoStack instead)."""
        self.history.push(command)

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    # -- AnnotationTarget ------------------------------------------------------
    def get_entity(self, entity_id: str) -> EntitySpan | None:
        return self.annotations.entities.get(entity_id)

    def put_entity(self, span: EntitySpan) -> None:
        self._editor.put_entity(span, new=span.id not in self.annotations.entities)
        span = span if span.annotator else replace(span, annotator=self.project.annotator)
        self.annotations.entities[span.id] = span
        self._notify(Change("entity", span.id))

    def delete_entity(self, entity_id: str) -> None:
        self._editor.delete_entity(entity_id)
        self.annotations.entities.pop(entity_id, None)
        for claim in self.claims_spoken_by(entity_id):  # the database set these to NULL
            self.annotations.claims[claim.id] = Claim(
                claim.id,
                claim.start,
                claim.end,
                None,
                claim.speaker_text,
                claim.attributes,
                claim.annotator,
            )
            self._notify(Change("claim", claim.id))
        for target in self.targets_toward(entity_id):  # removed by the cascade
            del self.annotations.targets[target.id]
            self._notify(Change("target", target.id, removed=True))
        self._notify(Change("entity", entity_id, removed=True))

    def get_claim(self, claim_id: str) -> Claim | None:
        return self.annotations.claims.get(claim_id)

    def put_claim(self, claim: Claim) -> None:
        self._editor.put_claim(claim)
        claim = claim if claim.annotator else replace(claim, annotator=self.project.annotator)
        self.annotations.claims[claim.id] = claim
        self._notify(Change("claim", claim.id))

    def delete_claim(self, claim_id: str) -> None:
        self._editor.delete_claim(claim_id)
        self.annotations.claims.pop(claim_id, None)
        self._notify(Change("claim", claim_id, removed=True))

    def claims_spoken_by(self, entity_id: str) -> list[Claim]:
        return [c for c in self.annotations.claims.values() if c.speaker_id == entity_id]

    def get_target(self, entity_id: str) -> TargetSentiment | None:
        """This annotator's target sentiment toward the span (each analyst has their own)."""
        for target in self.targets_toward(entity_id):
            if target.annotator == self.project.annotator:
                return target
        return None

    def targets_toward(self, entity_id: str) -> list[TargetSentiment]:
        return [t for t in self.annotations.targets.values() if t.entity_id == entity_id]

    def put_target(self, target: TargetSentiment) -> None:
        self._editor.put_target(target)
        target = target if target.annotator else replace(target, annotator=self.project.annotator)
        self.annotations.targets[target.id] = target
        self._notify(Change("target", target.id))

    def delete_target(self, target_id: str) -> None:
        self._editor.delete_target(target_id)
        self.annotations.targets.pop(target_id, None)
        self._notify(Change("target", target_id, removed=True))

    def get_document_sentiment(self) -> str | None:
        return self.annotations.document_sentiment

    def set_document_sentiment(self, label: str | None) -> None:
        self._editor.set_document_sentiment(label)
        self.annotations.document_sentiment = label
        self._notify(Change("document_sentiment"))

    def get_status(self) -> Status:
        return self.document.status

    def set_status(self, status: Status) -> None:
        """Refused with ConflictError (and the status refreshed) if someone else changed it."""
        try:
            self.version = self._editor.set_status(status, self.version)
        except ConflictError:
            self.reload()
            raise
        self.document = replace(self.document, status=status)
        self._notify(Change("status"))

    def reread_annotations(self) -> None:
        """Re-read the annotations (a schema edit rewrote their labels) without notifying
        listeners: the caller refreshes whole views."""
        fresh = self.project.repo.load_annotations(self.document.id)
        fresh.document_sentiment = self._editor.get_document_sentiment()
        self.annotations = fresh

    # -- other analysts' changes -------------------------------------------------
    def reload(self) -> list[Change]:
        """Re-read the document from storage; listeners hear of every difference.

        Call it when a `ProjectWatcher` reports a change of this document.
        """
        return self.apply_fresh(self.read_fresh())

    def read_fresh(self) -> FreshDocument:
        """Read the stored document (safe on a worker thread: changes nothing here), and
        work out its differences from what this session shows, so that `apply_fresh` on the
        GUI thread does not compare 20,000 spans."""
        edits = self._edits
        repo = self.project.repo
        document = repo.get_document(self.document.id)
        version = repo.document_version(self.document.id)
        fresh = repo.load_annotations(self.document.id)
        fresh.document_sentiment = self._editor.get_document_sentiment()
        base, shown = self.annotations, self.document
        try:
            changes: tuple[Change, ...] | None = tuple(
                differences(base, fresh, shown.status, document.status)
            )
        except RuntimeError:  # an edit changed the tables meanwhile: the read is stale anyway
            changes = None
        return FreshDocument(edits, document, version, fresh, base, changes)

    def apply_fresh(self, read: FreshDocument) -> list[Change]:
        """Show what `read_fresh` read, notifying listeners of every difference (no
        database work). Nothing happens if this session edited since it was read."""
        if read.edits != self._edits:
            return []
        document, version, fresh = read.document, read.version, read.annotations
        if read.changes is not None and read.base is self.annotations:
            changes = list(read.changes)  # worked out on the worker
        else:
            changes = differences(self.annotations, fresh, self.document.status, document.status)
        self.document, self.version, self.annotations = document, version, fresh
        for change in changes:
            self._notify(change)
        self._edits -= len(changes)  # those notifications were not edits of this session
        return changes


@dataclass(frozen=True, slots=True)
class FreshDocument:
    """A document as `DocumentSession.read_fresh` read it; `edits` the session's count of
    its own edits at the time."""

    edits: int
    document: Document
    version: int
    annotations: DocumentAnnotations
    base: DocumentAnnotations | None = None  # what `changes` were worked out against
    changes: tuple[Change, ...] | None = None


def differences(
    old: DocumentAnnotations, fresh: DocumentAnnotations, status: Status, fresh_status: Status
) -> list[Change]:
    """The changes that turn `old` (with document status `status`) into `fresh`."""
    changes: list[Change] = []
    for kind, before, after in (
        ("entity", old.entities, fresh.entities),
        ("claim", old.claims, fresh.claims),
        ("target", old.targets, fresh.targets),
    ):
        for key in before.keys() - after.keys():
            changes.append(Change(kind, key, removed=True))
        for key, value in after.items():
            if before.get(key) != value:
                changes.append(Change(kind, key))
    if old.document_sentiment != fresh.document_sentiment:
        changes.append(Change("document_sentiment"))
    if fresh_status != status:
        changes.append(Change("status"))
    return changes
