"""Adjudication into the gold layer, and exports of that layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations, EntitySpan
from annotator.services.adjudication import AdjudicationSession, adjudication_queue
from annotator.services.merge import merge_projects
from annotator.services.project import Project, open_project
from annotator.storage import NewDocument
from annotator.storage.gold import GOLD_ANNOTATOR, adjudicated_documents
from tests.services.review_corpus import ENTITIES, TEXTS, analyst_project


@pytest.fixture
def team(tmp_path: Path, project_location: str) -> str:
    sources = [analyst_project(tmp_path / f"{who}.annotator", who) for who in ENTITIES]
    merge_projects(sources, project_location)
    with open_project(project_location) as project:
        project.repo.add_annotated(
            AnnotatedDocument(
                Document("", "solo", "Only Dana read this one about Acme."),
                DocumentAnnotations.of([EntitySpan("solo-1", 5, 9, "PERSON", "dana")]),
            ),
            annotator="dana",
        )
    return project_location


def _doc(project: Project, index: int) -> str:
    return next(
        i for i in project.repo.document_ids() if project.repo.get_document(i).text == TEXTS[index]
    )


def test_queue_lists_disagreements_worst_first(team: str) -> None:
    with open_project(team, create=False, lock=False) as project:
        queue = adjudication_queue(project)
        by_doc = {q.doc_id: q for q in queue}
        assert set(by_doc) == {_doc(project, 0), _doc(project, 1), _doc(project, 2)}
        assert [q.disagreements for q in queue] == sorted(
            (q.disagreements for q in queue), reverse=True
        )
        assert by_doc[_doc(project, 0)].analysts == ("alice", "bob")


def test_settle_undo_redo_and_complete(team: str) -> None:
    with open_project(team, "reviewer") as project:
        doc = _doc(project, 0)
        adj = AdjudicationSession(project, doc)
        # agreed: PERSON 0-13, the claim and the target sentiment are already gold
        gold = adj.gold.annotations
        assert sorted((e.start, e.end, e.label) for e in gold.entities.values()) == [
            (0, 13, "PERSON")
        ]
        assert len(gold.claims) == 1 and len(gold.targets) == 1
        assert [d.key for d in adj.disagreements] == ["sentiment", "entity:48-54"]
        assert adj.progress() == "0 of 2 disagreements settled"
        entity = adj.disagreements[1]
        bob = next(o for o in entity.options if o.analysts == ("bob",))
        adj.decide(entity, bob)
        assert adj.progress() == "1 of 2 disagreements settled"
        labels = {(e.start, e.label) for e in adj.gold.annotations.entities.values()}
        assert (48, "LOC") in labels
        assert adj.undo()
        assert adj.progress() == "0 of 2 disagreements settled"
        assert all(e.start != 48 for e in adj.gold.annotations.entities.values())
        assert adj.redo()
        sentiment = adj.disagreements[0]
        adj.decide(sentiment, next(o for o in sentiment.options if o.label == "positive"))
        assert adj.complete
        assert doc in adjudicated_documents(project.repo.engine)
        stored = project.repo.load_annotations(doc, GOLD_ANNOTATOR)
        assert sorted((e.start, e.label) for e in stored.entities.values()) == [
            (0, "PERSON"),
            (48, "LOC"),
        ]
        assert project.repo.editor(doc, GOLD_ANNOTATOR).get_document_sentiment() == "positive"
        # saved at once: a new session sees every decision
        again = AdjudicationSession(project, doc)
        assert again.progress() == "2 of 2 disagreements settled"
        again.undo()  # nothing to undo in a fresh session
        assert again.complete


def test_rejecting_every_version_leaves_no_gold_there(team: str) -> None:
    with open_project(team, "reviewer") as project:
        adj = AdjudicationSession(project, _doc(project, 1))
        keys = [d.key for d in adj.disagreements]
        assert keys == ["entity:45-53", "entity:57-61"]
        for unit in list(adj.disagreements):
            adj.decide(unit, None)
        assert adj.complete
        assert [(e.start, e.end) for e in adj.gold.annotations.entities.values()] == [(0, 7)]


def test_export_gold_layer_and_manifest(team: str, tmp_path: Path) -> None:
    with open_project(team, "reviewer") as project:
        adj = AdjudicationSession(project, _doc(project, 0))
        for unit in list(adj.disagreements):
            adj.decide(unit, unit.options[-1])
    out = tmp_path / "gold.jsonl"
    assert cli_main(["export", "--project", team, "--layer", "gold", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_text = {r["text"]: r for r in rows}
    # article 0 adjudicated; 1 and 2 disagree without adjudication: left out; solo kept
    assert set(by_text) == {TEXTS[0], "Only Dana read this one about Acme."}
    gold = by_text[TEXTS[0]]
    assert {e["annotator"] for e in gold["entities"]} == {GOLD_ANNOTATOR}
    manifest = json.loads((tmp_path / "gold.jsonl.manifest.json").read_text(encoding="utf-8"))
    assert manifest["layer"] == "gold"
    assert manifest["notes"]["counts"]["not adjudicated"] == 2

    one = tmp_path / "bob.jsonl"
    assert (
        cli_main(["export", "--project", team, "--layer", "annotator:bob", "--out", str(one)]) == 0
    )
    names = {
        e["annotator"]
        for line in one.read_text(encoding="utf-8").splitlines()
        for e in json.loads(line)["entities"]
    }
    assert names == {"bob"}
    assert (
        json.loads((tmp_path / "bob.jsonl.manifest.json").read_text())["layer"] == "annotator:bob"
    )


def test_export_refuses_a_bad_layer(
    team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.jsonl"
    assert cli_main(["export", "--project", team, "--layer", "best", "--out", str(out)]) == 2
    assert "unknown layer 'best'" in capsys.readouterr().err
    assert not out.exists()


def test_edit_into_gold_settles_and_undoes(team: str) -> None:
    with open_project(team, "reviewer") as project:
        adj = AdjudicationSession(project, _doc(project, 1))
        with pytest.raises(ValueError, match="no entity label 'WHO'"):
            adj.add_gold_entity(45, 53, "WHO")
        span = adj.add_gold_entity(45, 53, "NORP")  # neither analyst's label
        assert "entity:45-53" in adj.settled
        assert adj.gold_entity_in(46, 46) == span
        adj.remove_gold_entity(span.id)
        assert adj.gold_entity_in(46, 46) is None
        adj.undo()
        adj.undo()
        assert "entity:45-53" not in adj.settled
        assert adj.progress() == "0 of 2 disagreements settled"


def test_claim_and_target_disagreements(tmp_path: Path) -> None:
    from annotator.core.model import Claim, TargetSentiment

    text = "Kevin Hassett said tariffs will fall, and Zoë Chen agreed with him."
    with open_project(tmp_path / "p.annotator", "rita") as project:
        doc, _ = project.repo.add_document(NewDocument(title="t", text=text))
        for who, speaker, feeling in (
            ("alice", "Kevin Hassett", "positive"),
            ("bob", "", "negative"),
        ):
            hassett = EntitySpan(f"{who}-e", 0, 13, "PERSON", who)
            editor = project.repo.editor(doc, who)
            editor.put_entity(hassett, new=True)
            editor.put_claim(
                Claim(f"{who}-c", 19, 36, hassett.id if speaker else None, speaker, {}, who)
            )
            editor.put_target(TargetSentiment(f"{who}-t", hassett.id, feeling, who))
        adj = AdjudicationSession(project, doc)
        assert [d.key for d in adj.disagreements] == ["target:0-13", "claim:19-36"]  # by offset
        target_unit, claim_unit = adj.disagreements
        alice = next(o for o in claim_unit.options if o.analysts == ("alice",))
        assert "by Kevin Hassett" in alice.describe(text)
        adj.decide(claim_unit, alice)
        (gold_claim,) = adj.gold.annotations.claims.values()
        gold_entity = next(iter(adj.gold.annotations.entities.values()))
        assert gold_claim.speaker_id == gold_entity.id  # linked to gold's own span
        adj.decide(target_unit, next(o for o in target_unit.options if o.label == "negative"))
        assert adj.complete
        stored = project.repo.load_annotations(doc, GOLD_ANNOTATOR)
        assert [t.label for t in stored.targets.values()] == ["negative"]


def test_accepting_a_target_sentiment_brings_its_entity_into_gold(tmp_path: Path) -> None:
    """The analysts disagree on the entity's label and on its sentiment: accepting bob's
    sentiment first adds bob's entity with it, and one undo takes both away."""
    from annotator.core.model import TargetSentiment

    text = "Kevin Hassett said tariffs will fall."
    with open_project(tmp_path / "p.annotator", "rita") as project:
        doc, _ = project.repo.add_document(NewDocument(title="t", text=text))
        for who, label, feeling in (("alice", "PERSON", "positive"), ("bob", "ORG", "negative")):
            editor = project.repo.editor(doc, who)
            editor.put_entity(EntitySpan(f"{who}-e", 0, 13, label, who), new=True)
            editor.put_target(TargetSentiment(f"{who}-t", f"{who}-e", feeling, who))
        adj = AdjudicationSession(project, doc)
        assert adj.gold.annotations.entities == {}
        target = next(d for d in adj.disagreements if d.kind == "target")
        adj.decide(target, next(o for o in target.options if o.label == "negative"))
        (entity,) = adj.gold.annotations.entities.values()
        assert (entity.start, entity.end, entity.label) == (0, 13, "ORG")
        assert [(t.entity_id, t.label) for t in adj.gold.annotations.targets.values()] == [
            (entity.id, "negative")
        ]
        assert target.key in adj.settled
        stored = project.repo.load_annotations(doc, GOLD_ANNOTATOR)
        assert [(e.start, e.label) for e in stored.entities.values()] == [(0, "ORG")]
        assert [t.label for t in stored.targets.values()] == ["negative"]
        assert adj.undo()  # one step: the sentiment and the entity it brought
        assert adj.gold.annotations.entities == {} and adj.gold.annotations.targets == {}
        assert target.key not in adj.settled
        stored = project.repo.load_annotations(doc, GOLD_ANNOTATOR)
        assert stored.entities == {} and stored.targets == {}
        assert adj.redo()
        assert [t.label for t in adj.gold.annotations.targets.values()] == ["negative"]
        entity_unit = next(d for d in adj.disagreements if d.kind == "entity")
        alice = next(o for o in entity_unit.options if o.analysts == ("alice",))
        adj.decide(entity_unit, alice)  # the entity decision still replaces gold's span there
        assert [e.label for e in adj.gold.annotations.entities.values()] == ["PERSON"]
