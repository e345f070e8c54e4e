"""RemoveEntity: undo puts back the span, its claims' speaker links and every target sentiment."""

from __future__ import annotations

from dataclasses import replace

from annotator.core.commands import RemoveEntity
from annotator.core.model import Claim, DocumentAnnotations, EntitySpan, Status, TargetSentiment


class Store:
    """A target that, like the database, unlinks claims and drops targets with the span."""

    def __init__(self, annotations: DocumentAnnotations) -> None:
        self.a = annotations

    def get_entity(self, entity_id: str) -> EntitySpan | None:
        return self.a.entities.get(entity_id)

    def put_entity(self, span: EntitySpan) -> None:
        self.a.entities[span.id] = span

    def delete_entity(self, entity_id: str) -> None:
        del self.a.entities[entity_id]
        for claim in self.claims_spoken_by(entity_id):
            self.a.claims[claim.id] = replace(claim, speaker_id=None)
        for target in self.targets_toward(entity_id):
            del self.a.targets[target.id]

    def get_claim(self, claim_id: str) -> Claim | None:
        return self.a.claims.get(claim_id)

    def put_claim(self, claim: Claim) -> None:
        self.a.claims[claim.id] = claim

    def delete_claim(self, claim_id: str) -> None:
        del self.a.claims[claim_id]

    def claims_spoken_by(self, entity_id: str) -> list[Claim]:
        return [c for c in self.a.claims.values() if c.speaker_id == entity_id]

    def get_target(self, entity_id: str) -> TargetSentiment | None:
        return next((t for t in self.targets_toward(entity_id) if t.annotator == "ann"), None)

    def targets_toward(self, entity_id: str) -> list[TargetSentiment]:
        return [t for t in self.a.targets.values() if t.entity_id == entity_id]

    def put_target(self, target: TargetSentiment) -> None:
        self.a.targets[target.id] = target

    def delete_target(self, target_id: str) -> None:
        del self.a.targets[target_id]

    def get_document_sentiment(self) -> str | None:
        return self.a.document_sentiment

    def set_document_sentiment(self, label: str | None) -> None:
        self.a.document_sentiment = label

    def get_status(self) -> Status:
        return Status.TODO

    def set_status(self, status: Status) -> None:
        pass


def test_undo_restores_every_target_and_claim() -> None:
    before = DocumentAnnotations.of(
        [EntitySpan("e", 0, 3, "PERSON", "ann")],
        [Claim("c1", 4, 9, "e", annotator="ann"), Claim("c2", 4, 9, "e", annotator="ann")],
        [
            TargetSentiment("t1", "e", "positive", "ann"),
            TargetSentiment("t2", "e", "negative", "reviewer"),
        ],
    )
    store = Store(
        DocumentAnnotations.of(
            before.entities.values(), before.claims.values(), before.targets.values()
        )
    )
    command = RemoveEntity("e")
    command.redo(store)
    assert not store.a.entities and not store.a.targets
    command.undo(store)
    assert store.a == before
