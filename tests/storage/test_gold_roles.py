"""On PostgreSQL only reviewers and admins write the gold layer: the database refuses others."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotator.core.model import EntitySpan
from annotator.services.adjudication import AdjudicationSession, adjudication_refusal
from annotator.services.project import open_project
from annotator.services.team import grant, setup_roles
from annotator.storage import NewDocument
from annotator.storage.errors import NotPermitted, StorageError
from annotator.storage.gold import GOLD_ANNOTATOR, adjudicated_documents, save_adjudication

TEXT = "Kevin Hassett said the talks went well; Zoë Chen 🇬🇧 disagreed."


@pytest.fixture
def team(pg_server, pg_database: str) -> Iterator[tuple[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """alice and a login literally named like the gold annotator are annotators; carol reviews."""
    for user in ("alice", "carol", GOLD_ANNOTATOR):
        pg_server.create_role(user)
    with open_project(pg_database) as owner:
        doc_id, _ = owner.repo.add_document(NewDocument(title="t", text=TEXT))
        owner.repo.annotator_id(GOLD_ANNOTATOR)
        setup_roles(owner)
        grant(owner, "alice", "annotator")
        grant(owner, GOLD_ANNOTATOR, "annotator")
        grant(owner, "carol", "reviewer")
    database = pg_database.rsplit("/", 1)[1]
    urls = {u: pg_server.url(database, user=u) for u in ("alice", "carol", GOLD_ANNOTATOR)}
    yield doc_id, urls


def test_annotator_cannot_write_gold(team: tuple[str, dict[str, str]]) -> None:
    doc_id, urls = team
    with open_project(urls["alice"]) as alice:
        editor = alice.repo.editor(doc_id, GOLD_ANNOTATOR)
        with pytest.raises(NotPermitted):
            editor.put_entity(EntitySpan("g1", 0, 13, "PERSON", GOLD_ANNOTATOR), new=True)
        with pytest.raises(StorageError, match="permission denied"):
            save_adjudication(alice.repo.engine, doc_id, "alice", ["entity:0-13"], True)
        assert adjudicated_documents(alice.repo.engine) == set()  # reading is allowed


def test_even_a_login_named_like_gold_is_refused(team: tuple[str, dict[str, str]]) -> None:
    doc_id, urls = team
    with open_project(urls[GOLD_ANNOTATOR]) as sneaky:
        assert sneaky.annotator == GOLD_ANNOTATOR
        editor = sneaky.repo.editor(doc_id, GOLD_ANNOTATOR)
        with pytest.raises(NotPermitted):
            editor.put_entity(EntitySpan("g2", 0, 13, "PERSON", GOLD_ANNOTATOR), new=True)
        # its own (gold-named) rows do not exist; ordinary analysts still edit theirs
    with open_project(urls["alice"]) as alice:
        alice.repo.editor(doc_id, "alice").put_entity(
            EntitySpan("a1", 0, 13, "PERSON", "alice"), new=True
        )


def test_reviewer_writes_gold(team: tuple[str, dict[str, str]]) -> None:
    doc_id, urls = team
    with open_project(urls["alice"]) as alice:
        alice.repo.editor(doc_id, "alice").put_entity(
            EntitySpan("a1", 0, 13, "PERSON", "alice"), new=True
        )
    with open_project(urls["carol"]) as carol:
        carol.repo.editor(doc_id, "carol").put_entity(
            EntitySpan("c1", 0, 5, "PERSON", "carol"), new=True
        )
        adj = AdjudicationSession(carol, doc_id)
        unit = adj.disagreements[0]
        adj.decide(unit, next(o for o in unit.options if o.analysts == ("alice",)))
        assert adj.complete
        assert doc_id in adjudicated_documents(carol.repo.engine)
        gold = carol.repo.load_annotations(doc_id, GOLD_ANNOTATOR)
        assert [(e.start, e.end) for e in gold.entities.values()] == [(0, 13)]


def test_upgrade_to_gold_layer_grants_reviewers(
    team: tuple[str, dict[str, str]], pg_database: str
) -> None:
    from alembic import command

    from annotator.storage import make_engine, prepare_database
    from annotator.storage.migrate import alembic_config

    doc_id, urls = team
    engine = make_engine(pg_database)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    assert prepare_database(engine) == "upgraded"  # 0006 grants where the roles exist
    engine.dispose()
    with open_project(urls["carol"]) as carol:
        save_adjudication(carol.repo.engine, doc_id, "carol", [], True)
        assert adjudicated_documents(carol.repo.engine) == {doc_id}
    with open_project(urls["alice"]) as alice, pytest.raises(StorageError):
        save_adjudication(alice.repo.engine, doc_id, "alice", [], False)


def test_who_may_adjudicate(team: tuple[str, dict[str, str]], pg_database: str) -> None:
    _doc, urls = team
    with open_project(urls["alice"]) as alice:
        assert adjudication_refusal(alice) == (
            "Only reviewers and admins can adjudicate into gold (your project roles: annotator)."
        )
    with open_project(urls["carol"]) as carol:
        assert adjudication_refusal(carol) is None
    with open_project(pg_database) as owner:
        assert adjudication_refusal(owner) is None
