"""Schema edits rewrite stored annotations, on SQLite and PostgreSQL (`project_location`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from annotator.core.model import Claim, EntitySpan, TargetSentiment
from annotator.core.schema import ClaimAttribute, SentimentLabel, default_schema
from annotator.core.schema_changes import SchemaRenames
from annotator.storage import NewDocument, ProjectRepository, make_engine, prepare_database
from annotator.storage.errors import SchemaInUse, StorageError

TEXT = "Ms. Zoë Lee said the 🇬🇧 deal was good; Acme disagreed."


@pytest.fixture
def repo(project_location: str) -> Iterator[ProjectRepository]:
    engine = make_engine(project_location)
    prepare_database(engine)
    repository = ProjectRepository(engine)
    yield repository
    repository.dispose()


@pytest.fixture
def doc_id(repo: ProjectRepository) -> str:
    """A document with spans, two claims, entity and document sentiments by two analysts."""
    doc, _ = repo.add_document(NewDocument(title="t", text=TEXT))
    alice = repo.editor(doc, "alice")
    bob = repo.editor(doc, "bob")
    alice.put_entity(EntitySpan("e1", 4, 11, "PERSON"))
    alice.put_entity(EntitySpan("e2", 39, 43, "ORG"))
    alice.put_claim(Claim("c1", 17, 37, "e1", "", {"type": "opinion", "stance": "supportive"}))
    bob.put_claim(Claim("c2", 39, 54, "e2", "", {"type": "statement", "stance": "critical"}))
    alice.put_target(TargetSentiment("t1", "e1", "positive"))
    bob.put_target(TargetSentiment("t2", "e1", "mixed", "bob"))
    alice.set_document_sentiment("mixed")
    bob.set_document_sentiment("negative")
    return doc


def test_sentiment_renames_relabel_document_and_target_sentiments(
    repo: ProjectRepository, doc_id: str
) -> None:
    schema = default_schema()
    renamed = replace(
        schema,
        sentiment_labels=tuple(
            replace(
                s,
                name={"mixed": "ambivalent", "positive": "negative", "negative": "positive"}.get(
                    s.name, s.name
                ),
            )
            for s in schema.sentiment_labels
        ),
    )
    renames = SchemaRenames(
        sentiment_labels={"mixed": "ambivalent", "positive": "negative", "negative": "positive"}
    )
    assert repo.save_schema(renamed, renames, expected_version=0) == 1
    assert repo.editor(doc_id, "alice").get_document_sentiment() == "ambivalent"
    assert repo.editor(doc_id, "bob").get_document_sentiment() == "positive"  # swapped
    ann = repo.load_annotations(doc_id)
    assert {t.id: t.label for t in ann.targets.values()} == {"t1": "negative", "t2": "ambivalent"}
    assert repo.load_schema().sentiment_names == ("positive", "neutral", "negative", "ambivalent")
    usage = repo.schema_usage()
    assert usage.sentiment_labels == {"ambivalent": 2, "positive": 1, "negative": 1}


def test_claim_attribute_and_choice_renames_rewrite_stored_claims(
    repo: ProjectRepository, doc_id: str
) -> None:
    schema = default_schema()
    attrs = {a.name: a for a in schema.claim_attributes}
    new = replace(
        schema,
        claim_attributes=(
            ClaimAttribute("kind", ("statement", "prediction", "view", "promise"), "view"),
            attrs["attribution"],
            ClaimAttribute("stance", ("for", "neutral", "critical"), "neutral"),
        ),
    )
    renames = SchemaRenames(
        claim_attributes={"type": "kind"},
        claim_choices={"type": {"opinion": "view"}, "stance": {"supportive": "for"}},
    )
    repo.save_schema(new, renames)
    claims = repo.load_annotations(doc_id).claims
    assert claims["c1"].attributes == {"kind": "view", "stance": "for"}
    assert claims["c2"].attributes == {"kind": "statement", "stance": "critical"}
    assert claims["c2"].annotator == "bob"  # other analysts' claims follow too
    usage = repo.schema_usage()
    assert usage.claim_attributes == {"kind": 2, "stance": 2}
    assert usage.claim_choices["stance"] == {"for": 1, "critical": 1}


def test_entity_label_swap_keeps_each_span_its_own_label(
    repo: ProjectRepository, doc_id: str
) -> None:
    schema = default_schema()
    swapped = schema.with_entity_labels(
        replace(lab, name={"PERSON": "ORG", "ORG": "PERSON"}.get(lab.name, lab.name))
        for lab in schema.entity_labels
    )
    repo.save_schema(swapped, {"PERSON": "ORG", "ORG": "PERSON"})
    entities = repo.load_annotations(doc_id).entities
    assert (entities["e1"].label, entities["e2"].label) == ("ORG", "PERSON")


def test_removing_names_in_use_is_refused_and_changes_nothing(
    repo: ProjectRepository, doc_id: str
) -> None:
    schema = default_schema()
    repo.save_schema(schema)
    without_mixed = replace(
        schema,
        sentiment_labels=tuple(s for s in schema.sentiment_labels if s.name != "mixed"),
        claim_attributes=schema.claim_attributes[:2],  # drops "stance"
    )
    # a rename in the same save must not be applied either
    renamed = without_mixed.with_label_renamed("PERSON", "PER")
    with pytest.raises(SchemaInUse) as refused:
        repo.save_schema(renamed, SchemaRenames(entity_labels={"PERSON": "PER"}), 1)
    message = str(refused.value)
    assert "sentiment label 'mixed' is used by 2 sentiments" in message
    assert "claim attribute 'stance' has a value in 2 claims" in message
    assert isinstance(refused.value, StorageError)
    assert repo.load_schema_versioned() == (schema, 1)
    assert repo.load_annotations(doc_id).entities["e1"].label == "PERSON"

    unused_choice = replace(
        schema,
        claim_attributes=(
            ClaimAttribute("type", ("statement", "opinion")),  # prediction, promise unused
            *schema.claim_attributes[1:],
        ),
        sentiment_labels=(*schema.sentiment_labels, SentimentLabel("hopeful", "#00897B", "H")),
    )
    assert repo.save_schema(unused_choice, None, 1) == 2
    used_choice = replace(
        unused_choice,
        claim_attributes=(ClaimAttribute("type", ("statement",)), *schema.claim_attributes[1:]),
    )
    with pytest.raises(
        SchemaInUse, match="choice 'opinion' of claim attribute 'type' is used by 1 claim;"
    ):
        repo.save_schema(used_choice, None, 2)
