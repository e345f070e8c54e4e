from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.core.commands import (
    ChangeEntityLabel,
    RemoveClaim,
    RemoveEntity,
    ResizeEntity,
    SetDocumentSentiment,
    SetStatus,
    SetTargetSentiment,
    UpdateClaim,
)
from annotator.core.model import SpanError, Status
from annotator.services.project import Project, open_project
from annotator.services.session import Change, DocumentSession
from annotator.storage import NewDocument
from tests.conftest import TRICKY


@pytest.fixture
def session(project: Project) -> DocumentSession:
    doc_id, _ = project.repo.add_document(NewDocument("T", TRICKY))
    return DocumentSession(project, doc_id)


def stored(session: DocumentSession) -> object:
    return session.project.repo.load_annotations(session.document.id)


def test_every_command_undoes_and_redoes_in_memory_and_in_storage(session: DocumentSession) -> None:
    changes: list[Change] = []
    session.subscribe(changes.append)
    start = TRICKY.index("Zoë")
    speaker = session.new_entity(start, start + 3, "PERSON")
    session.apply(speaker)
    org = session.new_entity(TRICKY.index("Acme"), TRICKY.index("Acme") + 4, "ORG")
    session.apply(org)
    claim = session.new_claim(0, 20, speaker.span.id)
    session.apply(claim)
    assert session.annotations.claims[claim.claim.id].attributes == {
        "type": "statement",
        "attribution": "direct",
        "stance": "neutral",
    }
    session.apply(UpdateClaim(replace(claim.claim, attributes={"type": "prediction"})))
    session.apply(SetTargetSentiment(speaker.span.id, "negative", "t1"))
    session.apply(SetDocumentSentiment("mixed"))
    session.apply(ChangeEntityLabel(org.span.id, "GPE"))
    session.apply(ResizeEntity(org.span.id, org.span.start, org.span.end - 1))
    session.apply(SetStatus(Status.DONE))
    snapshot = stored(session)
    assert snapshot == session.annotations

    session.apply(RemoveEntity(speaker.span.id))  # unlinks the claim, drops the target
    assert session.annotations.claims[claim.claim.id].speaker_id is None
    assert not session.annotations.targets
    assert stored(session) == session.annotations
    session.history.undo()
    assert session.annotations == snapshot == stored(session)

    session.apply(RemoveClaim(claim.claim.id))
    session.history.undo()
    assert stored(session) == snapshot

    steps = 0
    while session.history.can_undo:
        session.history.undo()
        steps += 1
    assert steps == 9
    assert session.annotations.is_empty() and stored(session) == session.annotations
    assert session.project.repo.get_document(session.document.id).status is Status.TODO
    while session.history.can_redo:
        session.history.redo()
    assert stored(session) == session.annotations
    assert session.annotations.document_sentiment == "mixed"
    assert {c.kind for c in changes} >= {
        "entity",
        "claim",
        "target",
        "document_sentiment",
        "status",
    }


def test_reopened_session_shows_the_same_annotations(
    session: DocumentSession, tmp_path: object
) -> None:
    session.apply(session.new_entity(0, 5, "ORG"))
    session.apply(SetDocumentSentiment("positive"))
    location = session.project.location
    session.project.close()
    with open_project(location) as again:
        reopened = DocumentSession(again, session.document.id)
        assert reopened.annotations == session.annotations


def test_invalid_spans_are_refused_before_anything_is_stored(session: DocumentSession) -> None:
    with pytest.raises(SpanError):
        session.new_entity(0, len(TRICKY) + 1, "ORG")
    with pytest.raises(SpanError):
        session.new_claim(3, 3)
    assert session.annotations.is_empty()


def test_a_released_session_is_freed_without_a_collector_pass(session: DocumentSession) -> None:
    import gc
    import weakref

    other = DocumentSession(session.project, session.document.id)
    other.put_entity(other.new_entity(0, 3, "PERSON").span)
    gone = weakref.ref(other)
    gc.disable()  # no cycle may keep it: frozen start-up objects are never collected
    try:
        del other
        assert gone() is None
    finally:
        gc.enable()


def test_a_fresh_read_carries_its_differences_and_a_stale_one_changes_nothing(
    session: DocumentSession,
) -> None:
    other = DocumentSession(session.project, session.document.id)
    span = other.new_entity(0, 3, "PERSON").span
    other.put_entity(span)
    fresh = session.read_fresh()
    assert fresh.changes == (Change("entity", span.id),)
    assert session.apply_fresh(fresh) == [Change("entity", span.id)]
    assert span.id in session.annotations.entities
    other.delete_entity(span.id)
    stale = session.read_fresh()
    session.put_entity(session.new_entity(4, 6, "ORG").span)  # an edit of its own meanwhile
    assert session.apply_fresh(stale) == []
    assert span.id in session.annotations.entities  # the stale read was not shown
