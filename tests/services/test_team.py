"""Assignments and "next unfinished document" on both back ends; versioned shared rows."""

from __future__ import annotations

import pytest

from annotator.core.model import Status
from annotator.core.schema import default_schema
from annotator.services.project import open_project
from annotator.services.session import Change, DocumentSession
from annotator.services.team import assign, assignments, next_document, unassign
from annotator.storage import NewDocument
from annotator.storage.errors import ConflictError


def test_next_document_follows_assignments(project_location: str) -> None:
    with open_project(project_location, "alice") as project:
        ids = [
            project.repo.add_document(NewDocument(title=f"d{i}", text=f"Text {i} 😀"))[0]
            for i in range(5)
        ]
        assert next_document(project) == ids[0]  # nothing assigned: everything is open
        assert assign(project, [ids[3], ids[4]], ["alice"]) == 2
        assert assign(project, [ids[3]], ["alice"]) == 0
        assign(project, [ids[0], ids[1]], ["bob"])
        assert assignments(project) == {
            ids[0]: ["bob"],
            ids[1]: ["bob"],
            ids[3]: ["alice"],
            ids[4]: ["alice"],
        }
        assert next_document(project) == ids[3]
        assert next_document(project, after=ids[3]) == ids[4]
        assert next_document(project, after=ids[4]) == ids[3]
        project.repo.set_status(ids[3], Status.DONE)
        project.repo.set_status(ids[4], Status.DONE)
        assert next_document(project, after=ids[4]) == ids[2]  # then unassigned ones
        project.repo.set_status(ids[2], Status.DONE)
        assert next_document(project) is None  # bob's are not offered
        unassign(project, [ids[0]])
        assert next_document(project) == ids[0]
        assert project.repo.next_unfinished() == ids[0]


def test_conflicting_status_is_refused_and_refreshed(project_location: str) -> None:
    with (
        open_project(project_location, "alice") as a,
        open_project(project_location, "bob", lock=False) as b,  # a second client, not a second app
    ):
        doc_id, _ = a.repo.add_document(NewDocument(title="t", text="Some text here"))
        mine, theirs = DocumentSession(a, doc_id), DocumentSession(b, doc_id)
        heard: list[Change] = []
        mine.subscribe(heard.append)
        theirs.set_status(Status.DONE)
        with pytest.raises(ConflictError, match="someone else set this document to done"):
            mine.set_status(Status.IN_PROGRESS)
        assert mine.get_status() is Status.DONE and Change("status") in heard
        mine.set_status(Status.IN_PROGRESS)  # after the refresh the edit goes through
        assert b.repo.get_document(doc_id).status is Status.IN_PROGRESS


def test_conflicting_schema_save_is_refused(project_location: str) -> None:
    with (
        open_project(project_location, "alice") as a,
        open_project(project_location, "bob", lock=False) as b,  # a second client, not a second app
    ):
        base = a.schema
        assert b.schema == base
        a.save_schema(default_schema())
        with pytest.raises(ConflictError, match="label schema was changed"):
            b.save_schema(default_schema())
        b.save_schema(default_schema())  # reloaded: now it saves
        a.reload_schema()
        a.save_schema(default_schema())


def test_reload_reports_other_analysts_edits(project_location: str) -> None:
    with (
        open_project(project_location, "alice") as a,
        open_project(project_location, "bob", lock=False) as b,  # a second client, not a second app
    ):
        doc_id, _ = a.repo.add_document(NewDocument(title="t", text="Zoë met 習近平 today"))
        mine, theirs = DocumentSession(a, doc_id), DocumentSession(b, doc_id)
        theirs.apply(theirs.new_entity(0, 3, "PERSON"))
        [span_id] = theirs.annotations.entities
        changes = mine.reload()
        assert changes == [Change("entity", span_id)]
        theirs.delete_entity(span_id)
        assert mine.reload() == [Change("entity", span_id, removed=True)]
        assert mine.reload() == []


def test_cli_assign_and_grant(project_location: str, capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.cli import main as cli_main

    with open_project(project_location, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="t", text="Some text"))
    assert cli_main(["assign", "--project", project_location, "bob", doc_id]) == 0
    assert "Assigned 1 documents to bob" in capsys.readouterr().err
    assert cli_main(["assign", "--project", project_location, "bob", "nope"]) == 2
    assert "no such document: nope" in capsys.readouterr().err
    with open_project(project_location, "alice") as project:
        assert assignments(project) == {doc_id: ["bob"]}
        assert next_document(project) is None
    code = cli_main(["grant", "--project", project_location, "postgres", "reviewer"])
    if project_location.startswith("postgresql"):
        assert code == 0
        with open_project(project_location) as project:
            from annotator.services.team import my_roles

            assert "reviewer" in my_roles(project)
    else:
        assert code == 2 and "PostgreSQL server" in capsys.readouterr().err
