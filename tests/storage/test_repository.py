from __future__ import annotations

import pytest
from sqlalchemy import text as sql

from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    SpanError,
    Status,
    TargetSentiment,
)
from annotator.core.text import content_hash
from annotator.services.project import Project
from annotator.storage import NewDocument, NotFound
from tests.conftest import TRICKY


def add(project: Project, text: str = TRICKY, title: str = "T") -> str:
    doc_id, created = project.repo.add_document(NewDocument(title, text))
    assert created
    return doc_id


def test_documents_are_deduplicated_by_content_hash(project: Project) -> None:
    first = add(project)
    again, created = project.repo.add_document(NewDocument("other title", TRICKY))
    assert (again, created) == (first, False)
    assert project.repo.count_documents() == 1
    doc = project.repo.get_document(first)
    assert doc.text == TRICKY and doc.content_hash == content_hash(TRICKY)
    assert doc.status is Status.TODO


def test_editor_commits_and_checks_bounds(project: Project) -> None:
    doc_id = add(project)
    editor = project.repo.editor(doc_id, "alice")
    start = TRICKY.index("北京市")
    editor.put_entity(EntitySpan("e1", start, start + 3, "GPE"))
    with pytest.raises(SpanError):
        editor.put_entity(EntitySpan("e2", 5, len(TRICKY) + 1, "GPE"))
    with pytest.raises(SpanError):
        editor.put_entity(EntitySpan("e3", 5, 5, "GPE"))
    loaded = project.repo.load_annotations(doc_id)
    assert list(loaded.entities) == ["e1"]
    span = loaded.entities["e1"]
    assert TRICKY[span.start : span.end] == "北京市" and span.annotator == "alice"
    editor.put_entity(EntitySpan("e1", start, start + 2, "LOC"))  # upsert
    assert project.repo.load_annotations(doc_id).entities["e1"].label == "LOC"


def test_deleting_a_speaker_unlinks_claims_and_drops_its_target(project: Project) -> None:
    doc_id = add(project)
    editor = project.repo.editor(doc_id, "alice")
    editor.put_entity(EntitySpan("spk", 0, 5, "PERSON"))
    editor.put_claim(Claim("c1", 10, 20, "spk", "", {"type": "statement"}))
    editor.put_target(TargetSentiment("t1", "spk", "negative"))
    editor.delete_entity("spk")
    ann = project.repo.load_annotations(doc_id)
    assert ann.claims["c1"].speaker_id is None and not ann.targets


def test_annotations_are_kept_per_annotator(project: Project) -> None:
    doc_id = add(project)
    project.repo.editor(doc_id, "alice").set_document_sentiment("positive")
    project.repo.editor(doc_id, "bob").set_document_sentiment("negative")
    project.repo.editor(doc_id, "bob").put_entity(EntitySpan("b1", 0, 5, "ORG"))
    assert project.repo.load_annotations(doc_id, "alice").document_sentiment == "positive"
    assert project.repo.load_annotations(doc_id, "bob").document_sentiment == "negative"
    assert list(project.repo.load_annotations(doc_id, "bob").entities) == ["b1"]
    assert not project.repo.load_annotations(doc_id, "alice").entities
    assert not project.repo.load_annotations(doc_id, "nobody").entities


def test_list_status_search_and_next_unfinished(project: Project) -> None:
    a = add(project, "Alpha text about <b>markets</b>", "Alpha")
    b = add(project, "Beta text", "Beta")
    c = add(project, "Gamma 100% text", "Gamma")
    project.repo.editor(a, "x").put_entity(EntitySpan("e", 0, 5, "ORG"))
    project.repo.set_status(b, Status.DONE)
    rows = project.repo.list_documents()
    assert [r.title for r in rows] == ["Alpha", "Beta", "Gamma"]
    assert rows[0].entity_count == 1 and rows[1].status is Status.DONE
    assert [r.id for r in project.repo.list_documents(status=Status.DONE)] == [b]
    assert [r.id for r in project.repo.list_documents(search="MARKETS")] == [a]
    assert [r.id for r in project.repo.list_documents(search="100%")] == [c]
    assert project.repo.list_documents(search="_") == []
    assert project.repo.next_unfinished(a) == c
    assert project.repo.next_unfinished(c) == a
    with pytest.raises(NotFound):
        project.repo.set_status("missing", Status.DONE)


def test_batch_import_keeps_references_when_ids_collide(project: Project) -> None:
    def item(text: str) -> AnnotatedDocument:
        ann = DocumentAnnotations.of(
            [EntitySpan("e1", 0, 4, "PERSON")],
            [Claim("c1", 5, 9, "e1", "", {})],
            [TargetSentiment("t1", "e1", "positive")],
            "neutral",
        )
        return AnnotatedDocument(Document("d1", "t", text), ann, "carol")

    results = project.repo.add_annotated_batch([item("John said it"), item("Mary said so")], "me")
    assert [created for _, created in results] == [True, True]
    second = project.repo.load_annotations(results[1][0])
    (entity,) = second.entities.values()
    (claim,) = second.claims.values()
    assert claim.speaker_id == entity.id != "e1"
    assert next(iter(second.targets.values())).entity_id == entity.id
    assert second.document_sentiment == "neutral"


def test_foreign_keys_are_enforced(project: Project) -> None:
    with project.repo.engine.connect() as conn:
        assert conn.scalar(sql("PRAGMA foreign_keys")) == 1


def test_stats(project: Project) -> None:
    doc_id = add(project)
    editor = project.repo.editor(doc_id, "alice")
    editor.put_entity(EntitySpan("e1", 0, 5, "ORG"))
    editor.put_claim(Claim("c1", 0, 9))
    stats = project.repo.stats()
    assert (stats.documents, stats.entities, stats.claims) == (1, 1, 1)
    assert stats.labels == {"ORG": 1} and stats.annotators == {"alice": 2}
