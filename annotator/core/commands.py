"""Edit commands: one class per kind of edit, each undoable.

A command changes an `AnnotationTarget` (the document being edited, e.g. a storage
editor that commits every call). Commands remember just what they need to undo
themselves; nothing takes whole-document snapshots.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Protocol

from annotator.core.model import Claim, EntitySpan, Status, TargetSentiment


class AnnotationTarget(Protocol):
    """What commands edit. Every method call is one durable change."""

    def get_entity(self, entity_id: str) -> EntitySpan | None: ...
    def put_entity(self, span: EntitySpan) -> None: ...
    def delete_entity(self, entity_id: str) -> None: ...
    def get_claim(self, claim_id: str) -> Claim | None: ...
    def put_claim(self, claim: Claim) -> None: ...
    def delete_claim(self, claim_id: str) -> None: ...
    def claims_spoken_by(self, entity_id: str) -> list[Claim]: ...
    def get_target(self, entity_id: str) -> TargetSentiment | None:
        """This annotator's target sentiment toward the span (each analyst has their own)."""
        ...

    def targets_toward(self, entity_id: str) -> list[TargetSentiment]:
        """Every analyst's target sentiment toward the span."""
        ...

    def put_target(self, target: TargetSentiment) -> None: ...
    def delete_target(self, target_id: str) -> None: ...
    def get_document_sentiment(self) -> str | None: ...
    def set_document_sentiment(self, label: str | None) -> None: ...
    def get_status(self) -> Status: ...
    def set_status(self, status: Status) -> None: ...


class EditCommand(ABC):
    """An undoable edit. `redo` is also the first application."""

    text: str = "Edit"

    @abstractmethod
    def redo(self, target: AnnotationTarget) -> None: ...

    @abstractmethod
    def undo(self, target: AnnotationTarget) -> None: ...


class AddEntity(EditCommand):
    def __init__(self, span: EntitySpan) -> None:
        self.span = span
        self.text = f"Tag {span.label}"

    def redo(self, target: AnnotationTarget) -> None:
        target.put_entity(self.span)

    def undo(self, target: AnnotationTarget) -> None:
        target.delete_entity(self.span.id)


class RemoveEntity(EditCommand):
    """Removes a span; claims that named it as speaker lose the link, the target sentiments
    toward it go (the store refuses while they are another analyst's). Undo restores them
    all."""

    def __init__(self, entity_id: str) -> None:
        self.entity_id = entity_id
        self.text = "Delete entity"
        self._span: EntitySpan | None = None
        self._claims: list[Claim] = []
        self._targets: list[TargetSentiment] = []

    def redo(self, target: AnnotationTarget) -> None:
        span = target.get_entity(self.entity_id)
        if span is None:
            raise KeyError(f"no entity {self.entity_id}")
        self._span = span
        self._claims = target.claims_spoken_by(self.entity_id)
        self._targets = target.targets_toward(self.entity_id)
        target.delete_entity(self.entity_id)

    def undo(self, target: AnnotationTarget) -> None:
        assert self._span is not None
        target.put_entity(self._span)
        for claim in self._claims:
            target.put_claim(claim)
        for sentiment in self._targets:
            target.put_target(sentiment)


class _ReplaceEntity(EditCommand):
    def __init__(self, entity_id: str) -> None:
        self.entity_id = entity_id
        self._old: EntitySpan | None = None

    def _changed(self, old: EntitySpan) -> EntitySpan:
        raise NotImplementedError

    def redo(self, target: AnnotationTarget) -> None:
        old = target.get_entity(self.entity_id)
        if old is None:
            raise KeyError(f"no entity {self.entity_id}")
        self._old = old
        target.put_entity(self._changed(old))

    def undo(self, target: AnnotationTarget) -> None:
        assert self._old is not None
        target.put_entity(self._old)


class ChangeEntityLabel(_ReplaceEntity):
    def __init__(self, entity_id: str, label: str) -> None:
        super().__init__(entity_id)
        self.label = label
        self.text = f"Relabel as {label}"

    def _changed(self, old: EntitySpan) -> EntitySpan:
        return replace(old, label=self.label)


class ResizeEntity(_ReplaceEntity):
    def __init__(self, entity_id: str, start: int, end: int) -> None:
        super().__init__(entity_id)
        self.start, self.end = start, end
        self.text = "Resize entity"

    def _changed(self, old: EntitySpan) -> EntitySpan:
        return old.moved(self.start, self.end)


class AddClaim(EditCommand):
    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.text = "Mark claim"

    def redo(self, target: AnnotationTarget) -> None:
        target.put_claim(self.claim)

    def undo(self, target: AnnotationTarget) -> None:
        target.delete_claim(self.claim.id)


class UpdateClaim(EditCommand):
    """Replace a claim (speaker, attributes or extent) with a new version of itself."""

    def __init__(self, claim: Claim, text: str = "Edit claim") -> None:
        self.claim = claim
        self.text = text
        self._old: Claim | None = None

    def redo(self, target: AnnotationTarget) -> None:
        old = target.get_claim(self.claim.id)
        if old is None:
            raise KeyError(f"no claim {self.claim.id}")
        self._old = old
        target.put_claim(self.claim)

    def undo(self, target: AnnotationTarget) -> None:
        assert self._old is not None
        target.put_claim(self._old)


class RemoveClaim(EditCommand):
    def __init__(self, claim_id: str) -> None:
        self.claim_id = claim_id
        self.text = "Delete claim"
        self._old: Claim | None = None

    def redo(self, target: AnnotationTarget) -> None:
        old = target.get_claim(self.claim_id)
        if old is None:
            raise KeyError(f"no claim {self.claim_id}")
        self._old = old
        target.delete_claim(self.claim_id)

    def undo(self, target: AnnotationTarget) -> None:
        assert self._old is not None
        target.put_claim(self._old)


class SetDocumentSentiment(EditCommand):
    def __init__(self, label: str | None) -> None:
        self.label = label
        self.text = f"Document sentiment: {label}" if label else "Clear document sentiment"
        self._old: str | None = None

    def redo(self, target: AnnotationTarget) -> None:
        self._old = target.get_document_sentiment()
        target.set_document_sentiment(self.label)

    def undo(self, target: AnnotationTarget) -> None:
        target.set_document_sentiment(self._old)


class SetTargetSentiment(EditCommand):
    """Set (or clear, with label None) the sentiment toward one entity span."""

    def __init__(self, entity_id: str, label: str | None, new_id: str) -> None:
        self.entity_id = entity_id
        self.label = label
        self.new_id = new_id
        self.text = f"Sentiment toward entity: {label}" if label else "Clear target sentiment"
        self._old: TargetSentiment | None = None

    def redo(self, target: AnnotationTarget) -> None:
        if target.get_entity(self.entity_id) is None:
            raise KeyError(f"no entity {self.entity_id}")
        self._old = target.get_target(self.entity_id)
        if self._old is not None:
            target.delete_target(self._old.id)
        if self.label is not None:
            tid = self._old.id if self._old is not None else self.new_id
            target.put_target(TargetSentiment(tid, self.entity_id, self.label))

    def undo(self, target: AnnotationTarget) -> None:
        current = target.get_target(self.entity_id)
        if current is not None:
            target.delete_target(current.id)
        if self._old is not None:
            target.put_target(self._old)


class SetStatus(EditCommand):
    def __init__(self, status: Status) -> None:
        self.status = status
        self.text = f"Mark {status.value.replace('_', ' ')}"
        self._old: Status | None = None

    def redo(self, target: AnnotationTarget) -> None:
        self._old = target.get_status()
        target.set_status(self.status)

    def undo(self, target: AnnotationTarget) -> None:
        assert self._old is not None
        target.set_status(self._old)


class StartingWork(EditCommand):
    """An annotation edit that, on a "To do" document, also marks it "In progress" (one
    undo step; a document in progress or done keeps its status)."""

    def __init__(self, edit: EditCommand) -> None:
        self.edit = edit
        self.text = edit.text
        self._started = False

    def redo(self, target: AnnotationTarget) -> None:
        self.edit.redo(target)
        self._started = target.get_status() == Status.TODO
        if self._started:
            try:
                target.set_status(Status.IN_PROGRESS)
            except BaseException:
                self.edit.undo(target)  # all or nothing
                raise

    def undo(self, target: AnnotationTarget) -> None:
        if self._started:
            target.set_status(Status.TODO)
        self.edit.undo(target)
