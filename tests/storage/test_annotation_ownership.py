"""No analyst's edit changes another's rows: target sentiments and span deletion, both back ends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotator.core.commands import RemoveEntity, SetTargetSentiment
from annotator.core.ids import new_id
from annotator.services.project import Project, open_project
from annotator.services.session import DocumentSession
from annotator.storage import NewDocument
from annotator.storage.errors import NotPermitted

TEXT = "Zoë Chen told 習近平 that the talks went well, officials said on Tuesday. 😀"


@pytest.fixture
def two(project_location: str) -> Iterator[tuple[Project, Project, str]]:
    """alice and bob on one project (bob a second client) with one document."""
    with (
        open_project(project_location, "alice") as alice,
        open_project(project_location, "bob", lock=False) as bob,
    ):
        doc_id, _ = alice.repo.add_document(NewDocument(title="t", text=TEXT))
        yield alice, bob, doc_id


def test_each_analyst_keeps_their_own_target_sentiment(two: tuple[Project, Project, str]) -> None:
    alice, bob, doc_id = two
    mine = DocumentSession(alice, doc_id)
    mine.apply(mine.new_entity(0, 8, "PERSON"))
    [span_id] = mine.annotations.entities
    mine.apply(SetTargetSentiment(span_id, "positive", new_id()))
    theirs = DocumentSession(bob, doc_id)  # sees alice's sentiment, sets one of their own
    assert theirs.get_target(span_id) is None
    theirs.apply(SetTargetSentiment(span_id, "negative", new_id()))
    stored = sorted(
        (t.annotator, t.label) for t in alice.repo.load_annotations(doc_id).targets.values()
    )
    assert stored == [("alice", "positive"), ("bob", "negative")]
    theirs.apply(SetTargetSentiment(span_id, None, new_id()))  # clearing clears bob's only
    stored = [(t.annotator, t.label) for t in alice.repo.load_annotations(doc_id).targets.values()]
    assert stored == [("alice", "positive")]
    theirs.history.undo()
    assert len(alice.repo.load_annotations(doc_id).targets) == 2


def test_a_span_others_refer_to_cannot_be_deleted(two: tuple[Project, Project, str]) -> None:
    alice, bob, doc_id = two
    mine = DocumentSession(alice, doc_id)
    mine.apply(mine.new_entity(0, 8, "PERSON"))
    [span_id] = mine.annotations.entities
    theirs = DocumentSession(bob, doc_id)
    theirs.apply(theirs.new_claim(9, 40, span_id))
    [claim_id] = theirs.annotations.claims
    theirs.apply(SetTargetSentiment(span_id, "negative", new_id()))
    mine.reload()
    with pytest.raises(NotPermitted, match="another analyst's claim or target sentiment"):
        mine.apply(RemoveEntity(span_id))
    stored = bob.repo.load_annotations(doc_id)
    assert span_id in stored.entities
    assert stored.claims[claim_id].speaker_id == span_id  # bob's claim keeps its speaker
    assert [t.annotator for t in stored.targets.values()] == ["bob"]
    assert mine.get_entity(span_id) is not None
    # once bob's rows no longer refer to it, alice may delete her span
    theirs.history.undo()
    theirs.history.undo()
    mine.reload()
    mine.apply(RemoveEntity(span_id))
    assert span_id not in bob.repo.load_annotations(doc_id).entities


def test_deleting_a_span_and_undoing_restores_its_claims_and_targets(
    two: tuple[Project, Project, str],
) -> None:
    alice, _bob, doc_id = two
    mine = DocumentSession(alice, doc_id)
    mine.apply(mine.new_entity(0, 8, "PERSON"))
    [span_id] = mine.annotations.entities
    mine.apply(mine.new_claim(9, 40, span_id))
    mine.apply(SetTargetSentiment(span_id, "positive", new_id()))
    before = alice.repo.load_annotations(doc_id)
    mine.apply(RemoveEntity(span_id))
    gone = alice.repo.load_annotations(doc_id)
    assert not gone.entities and not gone.targets
    assert [c.speaker_id for c in gone.claims.values()] == [None]
    mine.history.undo()
    assert alice.repo.load_annotations(doc_id) == before
    assert mine.annotations.targets == before.targets


def test_deleting_a_document_still_removes_everyones_rows(
    two: tuple[Project, Project, str],
) -> None:
    alice, bob, doc_id = two
    mine = DocumentSession(alice, doc_id)
    mine.apply(mine.new_entity(0, 8, "PERSON"))
    [span_id] = mine.annotations.entities
    theirs = DocumentSession(bob, doc_id)
    theirs.apply(theirs.new_claim(9, 40, span_id))
    theirs.apply(SetTargetSentiment(span_id, "negative", new_id()))
    alice.repo.delete_document(doc_id)
    assert alice.repo.stats().entities == 0
    assert alice.repo.stats().claims == 0
    assert alice.repo.stats().target_sentiments == 0
