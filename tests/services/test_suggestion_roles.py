"""On a team project an annotator (a real database role) stores, accepts and rejects
suggestions: the suggestion table is granted like the annotation tables."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from annotator.core.suggestions import SuggestionStatus
from annotator.services.project import open_project
from annotator.services.session import DocumentSession
from annotator.services.suggesters import suggest_quotes
from annotator.services.suggesting import DocumentSuggestions, SuggestionFilter, suggestion_store
from annotator.services.team import grant, setup_roles
from annotator.storage import NewDocument, make_engine
from tests.conftest import SEED


def test_an_annotator_runs_and_decides_suggestions(pg_server, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    pg_server.create_role("dana")
    with open_project(pg_database) as owner:
        doc_id, _ = owner.repo.add_document(NewDocument("Seed", SEED.read_text(encoding="utf-8")))
        setup_roles(owner)
        grant(owner, "dana", "annotator")
    database = pg_database.rsplit("/", 1)[1]
    with open_project(pg_server.url(database, user="dana")) as project:
        run = suggest_quotes(project)
        assert run.stored > 0
        session = DocumentSession(project, doc_id)
        layer = DocumentSuggestions(session)
        first, second = layer.pending[:2]
        session.apply(layer.accept(first.id))
        session.apply(layer.reject(second.id))
        store = suggestion_store(project)
        assert store.get(second.id).status is SuggestionStatus.REJECTED  # type: ignore[union-attr]
        accepted = store.find(SuggestionFilter(status=SuggestionStatus.ACCEPTED))
        assert first.id in {s.id for s in accepted}
        annotations = project.repo.load_annotations(doc_id)
        assert {e.annotator for e in annotations.entities.values()} <= {"dana"}
        assert annotations.entities or annotations.claims
        decided = store.find(SuggestionFilter(status=SuggestionStatus.REJECTED))
        assert {s.id for s in decided} == {second.id}
    dana = make_engine(pg_server.url(database, user="dana"))
    try:  # decisions go through a function: no UPDATE grant, so the table cannot be locked
        with dana.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("LOCK TABLE suggestions IN ACCESS EXCLUSIVE MODE"))
        with dana.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("UPDATE suggestions SET status = 'accepted'"))
    finally:
        dana.dispose()
