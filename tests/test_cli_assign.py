"""`annotator assign` on a PostgreSQL project: counts, and a refusal as one clear line."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.services.project import open_project
from annotator.services.team import assignments, grant, setup_roles
from annotator.storage import NewDocument


def test_assign_and_unassign_and_a_refusal(
    pg_server,
    pg_database: str,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    pg_server.create_role("alice")
    with open_project(pg_database) as owner:
        ids = [owner.repo.add_document(NewDocument(title=i, text=f"Zoë 🎉 {i}"))[0] for i in "ab"]
        setup_roles(owner)
        grant(owner, "alice", "annotator")
    assert main(["assign", "bob", *ids, ids[0], "--project", pg_database]) == 0
    assert "Assigned 2 documents to bob" in capsys.readouterr().err
    assert main(["assign", "bob", ids[0], "--unassign", "--project", pg_database]) == 0
    assert "Removed 1 assignments from bob" in capsys.readouterr().err

    alice = pg_server.url(pg_database.rsplit("/", 1)[1], user="alice")
    assert main(["assign", "alice", ids[0], "--project", alice]) == 1
    err = capsys.readouterr().err
    assert err.startswith("annotator: the server refused this change: permission denied")
    assert len(err.strip().splitlines()) == 1
    with open_project(pg_database, lock=False) as owner:
        assert assignments(owner) == {ids[1]: ["bob"]}
