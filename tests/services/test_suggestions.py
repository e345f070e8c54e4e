"""Suggestions on both back ends: stored per document, accepted and rejected as undoable
edits, accepted in batches, never proposed again once decided, kept across a restart."""

from __future__ import annotations

import pytest

from annotator.core.ids import new_id
from annotator.core.suggestions import (
    GAZETTEER_SOURCE,
    QUOTE_SOURCE,
    SpeakerRef,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from annotator.services.project import Project, open_project
from annotator.services.session import DocumentSession
from annotator.services.suggesters import suggest_quotes
from annotator.services.suggesting import (
    DocumentSuggestions,
    SuggestionFilter,
    decide_matching,
    suggestion_store,
)
from annotator.storage import NewDocument
from tests.conftest import SEED

TEXT = '"We will sign," Anna Berg said. Acme and Globex met in Paris. Acme agreed.'


def _entity(doc_id: str, needle: str, label: str, source: str = GAZETTEER_SOURCE) -> Suggestion:
    start = TEXT.index(needle)
    return Suggestion(
        new_id(), doc_id, SuggestionKind.ENTITY, start, start + len(needle), label, source, 0.8
    )


def _claim(doc_id: str) -> Suggestion:
    start = TEXT.index("We will sign")
    speaker = TEXT.index("Anna Berg")
    return Suggestion(
        new_id(),
        doc_id,
        SuggestionKind.CLAIM,
        start,
        start + len("We will sign"),
        "",
        QUOTE_SOURCE,
        0.9,
        SpeakerRef(speaker, speaker + len("Anna Berg"), "PERSON"),
    )


@pytest.fixture
def opened(project_location: str) -> Project:
    project = open_project(project_location, "alice")
    yield project
    project.close()


def _document(project: Project) -> str:
    doc_id, _ = project.repo.add_document(NewDocument("T", TEXT))
    return doc_id


def test_a_known_key_is_not_stored_twice_and_a_rejection_sticks(opened: Project) -> None:
    doc_id = _document(opened)
    store = suggestion_store(opened)
    first = _entity(doc_id, "Acme", "ORG")
    assert store.add([first, _entity(doc_id, "Globex", "ORG")]) == 2
    assert store.add([_entity(doc_id, "Acme", "ORG")]) == 0  # same key, pending
    store.decide([first.id], SuggestionStatus.REJECTED, "alice")
    assert store.add([_entity(doc_id, "Acme", "ORG")]) == 0  # rejected: not again
    assert store.add([_entity(doc_id, "Acme", "ORG", source="spacy:x@1")]) == 1  # new source
    assert store.count(SuggestionFilter(documents=[doc_id])) == 2
    [rejected] = store.find(SuggestionFilter(status=SuggestionStatus.REJECTED))
    assert (rejected.id, rejected.decided_by) == (first.id, "alice")


def test_accept_creates_annotations_in_one_undoable_edit(opened: Project) -> None:
    doc_id = _document(opened)
    store = suggestion_store(opened)
    claim = _claim(doc_id)
    speaker_entity = _entity(doc_id, "Anna Berg", "PERSON", source=QUOTE_SOURCE)
    store.add([claim, speaker_entity])
    session = DocumentSession(opened, doc_id)
    layer = DocumentSuggestions(session, store)
    assert [s.id for s in layer.pending] == [claim.id, speaker_entity.id]

    session.apply(layer.accept(claim.id))
    stored = opened.repo.load_annotations(doc_id)
    [c] = stored.claims.values()
    [e] = stored.entities.values()
    assert (c.start, c.end, c.speaker_id, c.annotator) == (claim.start, claim.end, e.id, "alice")
    assert (TEXT[e.start : e.end], e.label, e.annotator) == ("Anna Berg", "PERSON", "alice")
    assert c.attributes == {"type": "statement", "attribution": "direct", "stance": "neutral"}
    assert layer.pending == []  # the speaker's entity suggestion was settled with it
    assert store.count(SuggestionFilter(status=SuggestionStatus.ACCEPTED)) == 2

    session.history.undo()
    assert opened.repo.load_annotations(doc_id).is_empty()
    assert [s.id for s in layer.pending] == [claim.id, speaker_entity.id]
    assert store.count(SuggestionFilter()) == 2
    session.history.redo()
    assert len(opened.repo.load_annotations(doc_id).claims) == 1
    assert layer.pending == []


def test_accepting_a_claim_links_an_entity_tagged_already(opened: Project) -> None:
    doc_id = _document(opened)
    session = DocumentSession(opened, doc_id)
    start = TEXT.index("Anna Berg")
    tagged = session.new_entity(start, start + len("Anna Berg"), "PERSON")
    session.apply(tagged)
    store = suggestion_store(opened)
    claim = _claim(doc_id)
    store.add([claim])
    layer = DocumentSuggestions(session, store)
    session.apply(layer.accept(claim.id))
    [c] = opened.repo.load_annotations(doc_id).claims.values()
    assert c.speaker_id == tagged.span.id
    assert len(opened.repo.load_annotations(doc_id).entities) == 1


def test_reject_is_undoable(opened: Project) -> None:
    doc_id = _document(opened)
    store = suggestion_store(opened)
    acme = _entity(doc_id, "Acme", "ORG")
    store.add([acme])
    session = DocumentSession(opened, doc_id)
    layer = DocumentSuggestions(session, store)
    heard: list[list[str]] = []
    layer.subscribe(lambda ids: heard.append(list(ids)))
    session.apply(layer.reject(acme.id))
    assert layer.pending == []
    assert store.get(acme.id).status is SuggestionStatus.REJECTED  # type: ignore[union-attr]
    assert opened.repo.load_annotations(doc_id).is_empty()
    session.history.undo()
    assert [s.id for s in layer.pending] == [acme.id]
    assert heard == [[acme.id], [acme.id]]


def test_accept_all_of_a_label_is_one_edit_with_a_preview(opened: Project) -> None:
    doc_id = _document(opened)
    store = suggestion_store(opened)
    acme = _entity(doc_id, "Acme", "ORG")
    globex = _entity(doc_id, "Globex", "ORG")
    paris = _entity(doc_id, "Paris", "GPE")
    store.add([acme, globex, paris])
    session = DocumentSession(opened, doc_id)
    layer = DocumentSuggestions(session, store)
    assert layer.preview_count(label="ORG") == 2
    assert layer.preview_count(source=GAZETTEER_SOURCE) == 3
    session.apply(layer.accept_all(label="ORG"))
    labels = sorted(e.label for e in opened.repo.load_annotations(doc_id).entities.values())
    assert labels == ["ORG", "ORG"]
    assert [s.id for s in layer.pending] == [paris.id]
    session.history.undo()  # one step takes both back
    assert opened.repo.load_annotations(doc_id).is_empty()
    assert layer.preview_count() == 3


def test_next_and_previous_wrap_round(opened: Project) -> None:
    doc_id = _document(opened)
    store = suggestion_store(opened)
    acme, paris = _entity(doc_id, "Acme", "ORG"), _entity(doc_id, "Paris", "GPE")
    store.add([paris, acme])
    layer = DocumentSuggestions(DocumentSession(opened, doc_id), store)
    assert layer.next_after(0) == layer.get(acme.id)
    assert layer.next_after(0, current=acme.id) == layer.get(paris.id)
    assert layer.next_after(0, current=paris.id) == layer.get(acme.id)
    assert layer.previous_before(len(TEXT)) == layer.get(paris.id)
    assert layer.previous_before(0, current=acme.id) == layer.get(paris.id)


def test_a_label_outside_the_schema_is_refused_and_stays_pending(opened: Project) -> None:
    doc_id = _document(opened)
    store = suggestion_store(opened)
    odd = _entity(doc_id, "Acme", "COMPANY")
    store.add([odd])
    layer = DocumentSuggestions(DocumentSession(opened, doc_id), store)
    with pytest.raises(ValueError, match="COMPANY"):
        layer.accept(odd.id)
    report = decide_matching(opened, SuggestionFilter(), accept=True)
    assert report.decided == 0 and len(report.refused) == 1
    assert store.count() == 1


def test_corpus_accept_and_reject_by_source(opened: Project) -> None:
    doc_ids = [_document(opened)]
    other, _ = opened.repo.add_document(NewDocument("U", TEXT + " Again."))
    doc_ids.append(other)
    store = suggestion_store(opened)
    store.add([_entity(d, "Acme", "ORG") for d in doc_ids])
    store.add([_entity(d, "Paris", "GPE", source="spacy:x@1") for d in doc_ids])
    assert store.count(SuggestionFilter(source=GAZETTEER_SOURCE)) == 2
    report = decide_matching(opened, SuggestionFilter(source=GAZETTEER_SOURCE), accept=True)
    assert (report.documents, report.decided) == (2, 2)
    for d in doc_ids:
        assert [e.label for e in opened.repo.load_annotations(d).entities.values()] == ["ORG"]
    report = decide_matching(opened, SuggestionFilter(label="GPE"), accept=False)
    assert report.decided == 2
    assert store.count() == 0
    assert store.count(SuggestionFilter(status=SuggestionStatus.REJECTED)) == 2


def test_suggestions_survive_a_restart(project_location: str) -> None:
    with open_project(project_location, "alice") as project:
        project.repo.add_document(NewDocument("Seed", SEED.read_text(encoding="utf-8")))
        run = suggest_quotes(project)
        assert run.by_kind["claim"] >= 15
        store = suggestion_store(project)
        first = store.find()[0]
        store.decide([first.id], SuggestionStatus.REJECTED, "alice")
        before = {(s.id, s.status) for s in store.find(SuggestionFilter(status=None))}
    with open_project(project_location, "bob") as project:
        store = suggestion_store(project)
        after = {(s.id, s.status) for s in store.find(SuggestionFilter(status=None))}
        assert after == before
        assert store.get(first.id).decided_by == "alice"  # type: ignore[union-attr]
        again = suggest_quotes(project)  # the same source proposes nothing new
        assert again.stored == 0 and again.proposed == run.proposed


def test_deleting_a_document_deletes_its_suggestions(opened: Project) -> None:
    doc_id = _document(opened)
    store = suggestion_store(opened)
    store.add([_entity(doc_id, "Acme", "ORG")])
    opened.repo.delete_document(doc_id)
    assert store.count(SuggestionFilter(status=None)) == 0
