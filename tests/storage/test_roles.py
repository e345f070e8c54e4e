"""Two real database roles on one PostgreSQL project: layers, grants, row-level security."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from annotator.core.model import EntitySpan, Status
from annotator.core.schema import default_schema
from annotator.services.project import Project, open_project
from annotator.services.session import DocumentSession
from annotator.services.team import grant, my_roles, setup_roles
from annotator.storage import NewDocument
from annotator.storage.errors import NotPermitted
from annotator.storage.roles import RolesUnsupported

TEXT = "Ministers 🇫🇷 and 日本 met; Zoë Chen said talks went well. " * 3


@pytest.fixture
def team(pg_server, pg_database: str) -> Iterator[tuple[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """A project with one document; alice and bob are annotators, carol a reviewer."""
    for user in ("alice", "bob", "carol"):
        pg_server.create_role(user)
    with open_project(pg_database) as owner:
        doc_id, _ = owner.repo.add_document(NewDocument(title="t", text=TEXT))
        setup_roles(owner)
        grant(owner, "alice", "annotator")
        grant(owner, "bob", "annotator")
        grant(owner, "carol", "reviewer")
    database = pg_database.rsplit("/", 1)[1]
    urls = {u: pg_server.url(database, user=u) for u in ("alice", "bob", "carol")}
    yield doc_id, urls


def test_two_annotators_edit_one_document_at_once(team: tuple[str, dict[str, str]]) -> None:
    doc_id, urls = team
    projects = {u: open_project(urls[u]) for u in ("alice", "bob")}
    try:
        assert projects["alice"].annotator == "alice"
        assert my_roles(projects["alice"]) == ["annotator"]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def annotate(user: str) -> None:
            try:
                session = DocumentSession(projects[user], doc_id)
                barrier.wait()
                for i in range(20):
                    session.apply(session.new_entity(i, i + 3, "PERSON"))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=annotate, args=(u,)) for u in projects]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        spans = projects["alice"].repo.load_annotations(doc_id).entities.values()
        by = sorted(s.annotator for s in spans)
        assert by == ["alice"] * 20 + ["bob"] * 20
    finally:
        for p in projects.values():
            p.close()


def test_annotator_cannot_touch_anothers_span(team: tuple[str, dict[str, str]]) -> None:
    doc_id, urls = team
    with open_project(urls["bob"]) as bob, open_project(urls["alice"]) as alice:
        bob_session = DocumentSession(bob, doc_id)
        bob_session.apply(bob_session.new_entity(0, 9, "ORG"))
        [span] = bob_session.annotations.entities.values()
        alice_session = DocumentSession(alice, doc_id)
        assert alice_session.get_entity(span.id) == span  # others' layers are visible
        with pytest.raises(NotPermitted, match="belongs to bob"):
            alice_session.delete_entity(span.id)
        with pytest.raises(NotPermitted, match="belongs to bob"):
            alice_session.put_entity(EntitySpan(span.id, 0, 5, "PERSON", "bob"))
        with pytest.raises(NotPermitted):  # not even by claiming it
            alice.repo.editor(doc_id, "alice").put_entity(EntitySpan(span.id, 0, 5, "X", "alice"))
        assert bob.repo.load_annotations(doc_id).entities == {span.id: span}
        # shared rows: an annotator may set the status, not the label schema
        alice_session.set_status(Status.IN_PROGRESS)
        with pytest.raises(NotPermitted, match="permission denied"):
            alice.save_schema(default_schema())


def test_reviewer_may_correct_anyone(team: tuple[str, dict[str, str]]) -> None:
    doc_id, urls = team
    with open_project(urls["bob"]) as bob, open_project(urls["carol"]) as carol:
        session = DocumentSession(bob, doc_id)
        session.apply(session.new_entity(0, 9, "ORG"))
        [span] = session.annotations.entities.values()
        review = DocumentSession(carol, doc_id)
        review.put_entity(EntitySpan(span.id, 0, 8, "PERSON", "bob"))
        review.delete_entity(span.id)
        assert bob.repo.load_annotations(doc_id).entities == {}


def test_roles_need_a_server(tmp_path) -> None:  # type: ignore[no-untyped-def]
    project: Project
    with open_project(tmp_path / "p.annotator", "a") as project:
        assert my_roles(project) == []
        with pytest.raises(RolesUnsupported):
            setup_roles(project)
