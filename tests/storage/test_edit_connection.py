"""Single-statement edits: committed one by one on a kept autocommit connection."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from annotator.core.model import EntitySpan
from annotator.services.project import open_project
from annotator.storage import NewDocument
from annotator.storage.edit_connection import EditConnection
from annotator.storage.engine import make_engine


def test_edits_are_committed_at_once_on_one_kept_connection(project_location: str) -> None:
    with open_project(project_location, "alice", backup=False) as project:
        doc_id, _ = project.repo.add_document(NewDocument("t", "Zoë 👩🏽‍🚀 met 习近平 in Paris."))
        editor = project.repo.editor(doc_id, "alice")
        pool = project.repo.engine.pool
        for i in range(5):
            editor.put_entity(EntitySpan(f"e{i}", i, i + 3, "PERSON", ""), new=True)
        project.repo.announcer.close()  # its own connection, checked out only briefly
        assert pool.checkedout() == 1  # type: ignore[attr-defined]
        editor.put_entity(EntitySpan("e0", 0, 3, "ORG", ""))  # an update of a stored span
        editor.put_entity(EntitySpan("e1", 1, 4, "LOC", ""), new=True)  # stored after all
        editor.delete_entity("e4")
        with open_project(project_location, "bob", create=False, lock=False) as other:
            stored = other.repo.load_annotations(doc_id).entities
        assert {k: (s.label, s.annotator) for k, s in stored.items()} == {
            "e0": ("ORG", "alice"),
            "e1": ("LOC", "alice"),
            "e2": ("PERSON", "alice"),
            "e3": ("PERSON", "alice"),
        }
        project.repo.edits.close()
        assert pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_failed_statement_hands_the_connection_back(project_location: str) -> None:
    with open_project(project_location, "alice", backup=False) as project:
        edits, pool = project.repo.edits, project.repo.engine.pool
        assert edits.execute(text("UPDATE project_meta SET value = value WHERE 1 = 0")) == 0
        with pytest.raises(DBAPIError):
            edits.execute(text("UPDATE no_such_table SET x = 1"))
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
        assert edits.execute(text("UPDATE project_meta SET value = value WHERE 1 = 0")) == 0


def test_garbage_collection_returns_the_connection_quietly(project_location: str) -> None:
    with open_project(project_location, "alice", backup=False):
        pass  # creates the schema
    engine = make_engine(project_location)
    try:
        edits = EditConnection(engine)
        edits.execute(text("UPDATE project_meta SET value = value WHERE 1 = 0"))
        assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        del edits
        gc.collect()  # warnings are errors in this suite: a leaked connection would warn
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        engine.dispose()
