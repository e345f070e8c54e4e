"""The repository behaves the same on SQLite and PostgreSQL (`project_location` runs both)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
from annotator.core.offsets import OffsetMap
from annotator.core.schema import default_schema
from annotator.storage import NewDocument, ProjectRepository, make_engine, prepare_database

TEXTS = {
    "emoji": "Family 👨‍👩‍👧 met 🇬🇧 officials; 😀 said Zoë.",
    "cjk": "习近平在北京会见了美国总统。他说：“合作是唯一正确的选择。”",
    "mixed": "Ms. Ａ said «ok» — café ́ combining; مرحبا RTL; 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math.",
}


@pytest.fixture
def repo(project_location: str) -> Iterator[ProjectRepository]:
    engine = make_engine(project_location)
    assert prepare_database(engine) == "created"
    repository = ProjectRepository(engine)
    yield repository
    repository.dispose()


def span_of(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_new_database_is_current_on_second_open(project_location: str) -> None:
    engine = make_engine(project_location)
    assert prepare_database(engine) == "created"
    assert prepare_database(engine) == "current"
    engine.dispose()


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_text_and_offsets_round_trip(repo: ProjectRepository, name: str) -> None:
    text = TEXTS[name]
    doc_id, created = repo.add_document(NewDocument(title=f"{name} ✓", text=text, meta={"k": "ü"}))
    assert created
    stored = repo.get_document(doc_id)
    assert stored.text == text
    assert stored.title == f"{name} ✓"
    assert dict(stored.meta) == {"k": "ü"}
    editor = repo.editor(doc_id, "alice")
    assert editor.text_length == len(text)
    # a span over the last code points: astral characters count as one on both back ends
    editor.put_entity(EntitySpan("e-last", len(text) - 3, len(text), "MISC", "alice"))
    with pytest.raises(SpanError):
        editor.put_entity(EntitySpan("e-out", len(text) - 1, len(text) + 1, "MISC", "alice"))
    span = repo.load_annotations(doc_id).entities["e-last"]
    assert stored.text[span.start : span.end] == text[-3:]
    offsets = OffsetMap(stored.text)
    assert offsets.to_codepoint(offsets.to_utf16(span.end)) == span.end


def test_emoji_spans_and_search(repo: ProjectRepository) -> None:
    text = TEXTS["emoji"]
    doc_id, _ = repo.add_document(NewDocument(title="t", text=text))
    editor = repo.editor(doc_id, "alice")
    start, end = span_of(text, "👨‍👩‍👧")
    editor.put_entity(EntitySpan("fam", start, end, "PERSON", "alice"))
    start, end = span_of(text, "Zoë")
    editor.put_entity(EntitySpan("zoe", start, end, "PERSON", "alice"))
    got = repo.load_annotations(doc_id).entities
    assert text[got["fam"].start : got["fam"].end] == "👨‍👩‍👧"
    assert text[got["zoe"].start : got["zoe"].end] == "Zoë"
    [summary] = repo.list_documents(search="ZOË")
    assert summary.entity_count == 2 and summary.length == len(text)
    assert repo.list_documents(search="100%") == []
    assert [s.id for s in repo.list_documents(search="🇬🇧")] == [doc_id]


def test_annotated_batch_round_trip(repo: ProjectRepository) -> None:
    text = TEXTS["cjk"]
    s, e = span_of(text, "习近平")
    cs, ce = span_of(text, "合作是唯一正确的选择")
    ann = DocumentAnnotations.of(
        entities=[EntitySpan("x1", s, e, "PERSON", "bob")],
        claims=[Claim("c1", cs, ce, "x1", "习近平", {"stance": "pro"}, "bob")],
        targets=[TargetSentiment("t1", "x1", "positive", "bob")],
        document_sentiment="neutral",
    )
    item = AnnotatedDocument(Document("d1", "习", text, status=Status.DONE), ann, "bob")
    [(doc_id, created)] = repo.add_annotated_batch([item], annotator="fallback")
    assert created and doc_id == "d1"
    assert repo.add_annotated_batch([item], annotator="fallback") == [("d1", False)]
    [back] = list(repo.iter_annotated())
    assert back.document.text == text and back.document.status is Status.DONE
    assert back.annotations.entities == ann.entities
    assert back.annotations.claims == ann.claims
    assert back.annotations.targets == ann.targets
    assert back.annotations.document_sentiment == "neutral"
    assert back.annotator == "bob"
    stats = repo.stats()
    assert (stats.documents, stats.entities, stats.claims) == (1, 1, 1)
    assert stats.annotators == {"bob": 2}


def test_editor_edits_and_cascades(repo: ProjectRepository) -> None:
    text = TEXTS["mixed"]
    doc_id, _ = repo.add_document(NewDocument(title="m", text=text))
    ed = repo.editor(doc_id, "alice")
    s, e = span_of(text, "Zoë") if "Zoë" in text else span_of(text, "café")
    ed.put_entity(EntitySpan("e1", s, e, "PERSON", "alice"))
    ed.put_entity(EntitySpan("e1", s, e - 1, "ORG", "alice"))  # update in place
    assert ed.get_entity("e1") == EntitySpan("e1", s, e - 1, "ORG", "alice")
    ed.put_claim(Claim("c1", 0, 5, "e1", "", {"a": "b"}, "alice"))
    ed.put_target(TargetSentiment("t1", "e1", "negative", "alice"))
    ed.set_document_sentiment("positive")
    ed.set_document_sentiment("negative")
    assert ed.get_document_sentiment() == "negative"
    ed.delete_entity("e1")
    assert ed.get_target("e1") is None
    claim = ed.get_claim("c1")
    assert claim is not None and claim.speaker_id is None
    ed.set_status(Status.IN_PROGRESS)
    assert ed.get_status() is Status.IN_PROGRESS
    assert repo.next_unfinished() == doc_id


def test_schema_and_meta(repo: ProjectRepository) -> None:
    schema = default_schema()
    repo.save_schema(schema)
    assert repo.load_schema() == schema
    repo.set_meta("note", {"ü": [1, 2]})
    repo.set_meta("note", {"ü": [3]})
    assert repo.get_meta("note") == {"ü": [3]}


def test_iter_annotated_streams_in_batches(repo: ProjectRepository) -> None:
    for i in range(7):
        repo.add_document(NewDocument(title=f"d{i}", text=f"Text {i} — 文{i}"))
    titles = [a.document.title for a in repo.iter_annotated(batch_size=3)]
    assert titles == [f"d{i}" for i in range(7)]
    ids = repo.document_ids()
    repo.delete_document(ids[0])
    assert repo.count_documents() == 6
