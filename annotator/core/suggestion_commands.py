"""Deciding suggestions as undoable edits: accepting creates normal annotations by the
accepting analyst and marks the suggestion accepted, in one step; rejecting marks it.

The commands edit the document through the usual `AnnotationTarget` and record decisions
through a `SuggestionDecisions` (the document's suggestion layer) given to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from annotator.core.commands import AnnotationTarget, EditCommand
from annotator.core.model import Claim, EntitySpan
from annotator.core.suggestions import Suggestion, SuggestionKind, SuggestionStatus


class SuggestionDecisions(Protocol):
    """Where decisions about a document's suggestions are stored."""

    def decide(self, suggestion_ids: Sequence[str], status: SuggestionStatus) -> None: ...

    def entity_at(self, start: int, end: int, label: str | None) -> EntitySpan | None:
        """An entity of the document at exactly these offsets (with this label, if given)."""
        ...


class AcceptSuggestion(EditCommand):
    """Create the annotation a suggestion proposes; a claim's speaker mention becomes an
    entity unless one is tagged there already. `also` are ids of other suggestions the
    acceptance settles (the speaker's entity suggestion)."""

    def __init__(
        self,
        suggestion: Suggestion,
        decisions: SuggestionDecisions,
        *,
        annotator: str,
        entity_id: str,
        claim_id: str,
        speaker_entity_id: str,
        attributes: Mapping[str, str] | None = None,
        also: Sequence[str] = (),
    ) -> None:
        self.suggestion = suggestion
        self.decisions = decisions
        self.annotator = annotator
        self.entity_id = entity_id
        self.claim_id = claim_id
        self.speaker_entity_id = speaker_entity_id
        self.attributes = dict(attributes or {})
        self.also = list(also)
        self.text = f"Accept suggested {suggestion.label or suggestion.kind.value}"
        self._created: list[str] = []  # entity ids this command created
        self._claim: str | None = None
        self._old_sentiment: str | None = None

    def redo(self, target: AnnotationTarget) -> None:
        s = self.suggestion
        self._created, self._claim = [], None
        if s.kind is SuggestionKind.ENTITY:
            if self.decisions.entity_at(s.start, s.end, s.label) is None:
                target.put_entity(
                    EntitySpan(self.entity_id, s.start, s.end, s.label, self.annotator)
                )
                self._created.append(self.entity_id)
        elif s.kind is SuggestionKind.CLAIM:
            speaker_id: str | None = None
            if s.speaker is not None:
                found = self.decisions.entity_at(s.speaker.start, s.speaker.end, None)
                if found is None:
                    span = EntitySpan(
                        self.speaker_entity_id,
                        s.speaker.start,
                        s.speaker.end,
                        s.speaker.label,
                        self.annotator,
                    )
                    target.put_entity(span)
                    self._created.append(span.id)
                    speaker_id = span.id
                else:
                    speaker_id = found.id
            target.put_claim(
                Claim(
                    self.claim_id, s.start, s.end, speaker_id, "", self.attributes, self.annotator
                )
            )
            self._claim = self.claim_id
        else:
            self._old_sentiment = target.get_document_sentiment()
            target.set_document_sentiment(s.label)
        self.decisions.decide([s.id, *self.also], SuggestionStatus.ACCEPTED)

    def undo(self, target: AnnotationTarget) -> None:
        if self._claim is not None:
            target.delete_claim(self._claim)
        for entity_id in reversed(self._created):
            target.delete_entity(entity_id)
        if self.suggestion.kind is SuggestionKind.DOCUMENT_SENTIMENT:
            target.set_document_sentiment(self._old_sentiment)
        self.decisions.decide([self.suggestion.id, *self.also], SuggestionStatus.PENDING)


class RejectSuggestion(EditCommand):
    def __init__(self, suggestion_ids: Sequence[str], decisions: SuggestionDecisions) -> None:
        self.ids = list(suggestion_ids)
        self.decisions = decisions
        self.text = (
            "Reject suggestion" if len(self.ids) == 1 else f"Reject {len(self.ids)} suggestions"
        )

    def redo(self, target: AnnotationTarget) -> None:
        self.decisions.decide(self.ids, SuggestionStatus.REJECTED)

    def undo(self, target: AnnotationTarget) -> None:
        self.decisions.decide(self.ids, SuggestionStatus.PENDING)


class EditBatch(EditCommand):
    """Several edits applied, and undone, as one step (accept all of a label or source)."""

    def __init__(self, commands: Sequence[EditCommand], text: str) -> None:
        self.commands = list(commands)
        self.text = text

    def redo(self, target: AnnotationTarget) -> None:
        done: list[EditCommand] = []
        try:
            for command in self.commands:
                command.redo(target)
                done.append(command)
        except Exception:
            for command in reversed(done):  # leave the document as it was
                command.undo(target)
            raise

    def undo(self, target: AnnotationTarget) -> None:
        for command in reversed(self.commands):
            command.undo(target)
