"""A batch of imported documents in one statement per table: ids, duplicates, references."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    TargetSentiment,
)
from annotator.core.text import content_hash
from annotator.services.project import open_project


def item(doc_id: str, text: str, who: str = "") -> AnnotatedDocument:
    ann = DocumentAnnotations.of(
        [EntitySpan("e1", 0, 4, "ORG", who), EntitySpan("e2", 11, 15, "PERSON", who)],
        [Claim("c1", 0, 15, "e2", annotator=who)],
        [TargetSentiment("t1", "e1", "positive", who)],
        "neutral",
    )
    doc = Document(doc_id, doc_id, text, content_hash=content_hash(text))
    return AnnotatedDocument(doc, ann)


def test_ids_duplicates_and_references_in_one_batch(project_location: str) -> None:
    with open_project(project_location, "tester") as project:
        repo = project.repo
        (first,) = repo.add_annotated_batch([item("doc", "Acme hired Jane Doe.")], "tester")
        batch = [
            item("doc", "Acme fired John Roe."),  # same id, other text: a new id
            item("doc", "Acme fired John Roe."),  # same text again: a duplicate
            item("other", "Acme hired Jane Doe."),  # stored before: a duplicate
            item("doc2", "Bolt hired Mary Poe.", "ana"),  # same span ids as every other
            item("doc2", "Crux hired Anna Loe."),  # same id as the one before it
        ]
        results = repo.add_annotated_batch(batch, "tester")
        assert first == ("doc", True)
        assert [created for _id, created in results] == [True, False, False, True, True]
        ids = [doc_id for doc_id, _created in results]
        assert ids[0] not in ("doc",) and ids[1] == ids[0] and ids[2] == "doc"
        assert ids[3] == "doc2" and ids[4] not in ("doc2", ids[0])
        assert repo.count_documents() == 4
        seen_entity_ids: set[str] = set()
        for doc_id in ("doc", ids[0], "doc2", ids[4]):
            stored = next(repo.iter_annotated(ids=[doc_id]))
            ann = stored.annotations
            text = stored.document.text
            assert sorted(text[e.start : e.end] for e in ann.entities.values()) == sorted(
                [text[0:4], text[11:15]]
            )
            (claim,) = ann.claims.values()
            assert claim.speaker_id in ann.entities
            assert text[ann.entities[claim.speaker_id].start : 15].endswith(text[11:15])
            (target,) = ann.targets.values()
            assert ann.entities[target.entity_id].label == "ORG"
            assert ann.document_sentiment == "neutral"
            assert not seen_entity_ids & set(ann.entities)
            seen_entity_ids |= set(ann.entities)
        ana = next(repo.iter_annotated(ids=["doc2"]))
        assert {e.annotator for e in ana.annotations.entities.values()} == {"ana"}


def test_a_batch_larger_than_one_id_query(project_location: str) -> None:
    texts = [f"Acme {i:05d} Jane Doe." for i in range(600)]
    items = []
    for i, text in enumerate(texts):
        spans = [EntitySpan(f"s{i}-{k}", 0, 4, "ORG") for k in range(10)]
        doc = Document(f"d{i}", "t", text, content_hash=content_hash(text))
        items.append(AnnotatedDocument(doc, DocumentAnnotations.of(spans)))
    with open_project(project_location, "tester") as project:
        results = project.repo.add_annotated_batch(items, "tester")
        assert all(created for _id, created in results)
        assert project.repo.count_documents() == 600
        assert project.repo.count_entities() == 6000


def test_sqlite_rows_are_stored_exactly_as_sqlalchemy_insert_stores_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plain sqlite3 executemany writes the same bytes and types as `insert()`."""
    from datetime import datetime, timedelta, timezone

    from annotator.storage import batch_insert, bulk_writes

    now = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=timezone.utc)
    monkeypatch.setattr(bulk_writes, "utc_now", lambda: now)
    doc = item("d1", "Acme hired Jane Doe \u00e9\U0001f600.")
    meta = {"url": "https://x/\u00e9", "n": 3, "nested": {"a": [1, None, "\u2028"]}}
    doc = AnnotatedDocument(
        replace(doc.document, meta=meta, created_at=now - timedelta(days=1)), doc.annotations
    )
    other = DocumentAnnotations.of(
        [EntitySpan("e3", 0, 4, "ORG"), EntitySpan("e4", 11, 15, "PERSON")],
        [Claim("c2", 0, 15, None, "Mary", {"kind": "quote"})],
        [TargetSentiment("t2", "e3", "negative")],
        None,
    )
    plain = AnnotatedDocument(Document("d2", "", "Bolt hired Mary Poe."), other)
    dumps: list[list[tuple[object, ...]]] = []
    for fast in (True, False):
        path = tmp_path / f"{fast}.annotator"
        with open_project(path, "tester") as project:
            if fast:
                project.repo.add_annotated_batch([doc, plain], "tester")
            else:  # the SQLAlchemy path (PostgreSQL's) on the same schema, for comparison
                who = {"tester": project.repo.annotator_id("tester")}
                with project.repo.engine.begin() as conn:
                    batch_insert.add_batch(conn, [doc, plain], "tester", who, now)
        db = sqlite3.connect(path)
        dump: list[tuple[object, ...]] = []
        for table in (
            "documents",
            "entity_spans",
            "claims",
            "target_sentiments",
            "document_sentiments",
        ):
            cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            select = ", ".join(f"typeof({c}), quote({c})" for c in cols if c != "annotator_id")
            dump.extend(db.execute(f"SELECT {select} FROM {table} ORDER BY 2, 4, 6"))
        db.close()
        dumps.append(dump)
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) == 2 + 4 + 2 + 2 + 1
