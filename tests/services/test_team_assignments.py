"""Assigning documents as a team: who may assign, whom to, and what each analyst sees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotator.services.documents import list_documents
from annotator.services.project import open_project
from annotator.services.team import (
    Analyst,
    analysts,
    assign,
    assignment_refusal,
    assignments,
    grant,
    is_team_project,
    setup_roles,
    unassign,
)
from annotator.storage import NewDocument
from annotator.storage.errors import NotPermitted, ServerUnavailable
from tests.pg_cluster import Cluster

Team = tuple[list[str], dict[str, str], str]


@pytest.fixture
def team(pg_server, pg_database: str) -> Iterator[Team]:  # type: ignore[no-untyped-def]
    """Three documents; dora is an admin, alice and bob annotators, carol a reviewer."""
    for user in ("alice", "bob", "carol", "dora"):
        pg_server.create_role(user)
    with open_project(pg_database) as owner:
        ids = [
            owner.repo.add_document(NewDocument(title=f"Doc {i} 🇯🇵", text=f"Text {i} 北京"))[0]
            for i in range(3)
        ]
        setup_roles(owner)
        grant(owner, "alice", "annotator")
        grant(owner, "bob", "annotator")
        grant(owner, "carol", "reviewer")
        grant(owner, "dora", "admin")
        owner_name = owner.annotator
    database = pg_database.rsplit("/", 1)[1]
    urls = {u: pg_server.url(database, user=u) for u in ("alice", "bob", "carol", "dora")}
    urls["owner"] = pg_database
    yield ids, urls, owner_name


def test_owner_and_admin_may_assign_others_may_not(team: Team) -> None:
    _ids, urls, _owner = team
    refusals = {}
    for who in ("owner", "dora", "carol", "alice"):
        with open_project(urls[who], lock=False) as project:
            assert is_team_project(project)
            refusals[who] = assignment_refusal(project)
    assert refusals["owner"] is None and refusals["dora"] is None
    assert refusals["carol"] == (
        "Only the project's owner or an admin can assign documents (your project roles: reviewer)."
    )
    assert refusals["alice"] is not None and "roles: annotator" in refusals["alice"]


def test_analysts_are_role_holders_and_past_annotators(team: Team) -> None:
    ids, urls, _owner = team
    with open_project(urls["owner"], "erin", lock=False) as owner:
        assign(owner, [ids[0]], ["erin"])  # a name without a project role
    with open_project(urls["dora"], lock=False) as dora:
        found = analysts(dora)
    assert Analyst("alice", ("annotator",)) in found
    assert Analyst("bob", ("annotator",)) in found
    assert Analyst("carol", ("reviewer",)) in found
    assert Analyst("dora", ("admin",)) in found
    assert [a.name for a in found] == sorted(a.name for a in found)
    assert Analyst("erin") in found


def test_admin_assigns_to_several_analysts_and_unassigns_one(team: Team) -> None:
    ids, urls, _owner = team
    with open_project(urls["dora"], lock=False) as dora:
        assert assign(dora, ids[:2], ["alice", "bob"]) == 4
        assert assign(dora, ids[:2], ["alice"]) == 0
        assert unassign(dora, [ids[0]], ["bob", "nobody"]) == 1
        assert assignments(dora) == {ids[0]: ["alice"], ids[1]: ["alice", "bob"]}
        assert unassign(dora, [ids[1]]) == 2  # from everyone
        assert assignments(dora) == {ids[0]: ["alice"]}
    with open_project(urls["alice"], lock=False) as alice:
        assert [d.id for d in list_documents(alice, mine_only=True)] == [ids[0]]
        assert [d.id for d in list_documents(alice)] == ids
    with open_project(urls["bob"], lock=False) as bob:
        assert list_documents(bob, mine_only=True) == []


def test_an_annotator_is_refused_with_a_clear_error(team: Team) -> None:
    ids, urls, _owner = team
    with open_project(urls["dora"], lock=False) as dora:
        assign(dora, [ids[0]], ["bob"])
    with open_project(urls["alice"], lock=False) as alice:
        with pytest.raises(NotPermitted, match="refused"):
            assign(alice, [ids[1]], ["alice"])  # not even to herself
        with pytest.raises(NotPermitted, match="refused"):
            unassign(alice, [ids[0]], ["bob"])
        assert assignments(alice) == {ids[0]: ["bob"]}


def test_sqlite_projects_have_no_team_assignments(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with open_project(tmp_path / "p.annotator", "zoë") as project:
        assert not is_team_project(project)
        assert assignment_refusal(project) == (
            "Assigning documents needs a project on a PostgreSQL server."
        )
        assert analysts(project) == [Analyst("zoë")]


def test_unassign_by_name_on_both_back_ends(project_location: str) -> None:
    with open_project(project_location, "alice") as project:
        ids = [
            project.repo.add_document(NewDocument(title="t", text=f"T {i}"))[0] for i in range(2)
        ]
        assert assign(project, [*ids, ids[0]], ["alice", "bob", "carol", "bob"]) == 6
        assert unassign(project, ids, ["alice", "carol"]) == 4
        assert unassign(project, ids, "ghost") == 0
        assert assignments(project) == {ids[0]: ["bob"], ids[1]: ["bob"]}
        assert [d.id for d in list_documents(project, mine_only=True)] == []
        assign(project, [ids[1]], ["alice"])
        assert [d.id for d in list_documents(project, mine_only=True)] == [ids[1]]
        assert [a.name for a in analysts(project)] == ["alice", "bob", "carol"]


@pytest.mark.slow
def test_assigning_without_a_server_says_so(own_cluster: Cluster) -> None:
    with open_project(own_cluster.url(), "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="t", text="Text"))
        project.repo.annotator_id("bob")
        own_cluster.stop("fast")
        with pytest.raises(ServerUnavailable, match="not reachable"):
            assign(project, [doc_id], ["bob"])
        with pytest.raises(ServerUnavailable, match="not reachable"):
            assignments(project)
        with pytest.raises(ServerUnavailable, match="not reachable"):
            assignment_refusal(project)
