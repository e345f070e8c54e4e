"""An edit refreshes the document's updated_at, without rewriting the article on every edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import EntitySpan
from annotator.services.project import open_project
from annotator.storage import NewDocument, document_editor


def test_first_edit_touches_and_later_ones_within_interval_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(document_editor.time, "monotonic", lambda: clock[0])
    with open_project(tmp_path / "p.annotator", "alice", backup=False) as project:
        doc_id, _ = project.repo.add_document(NewDocument("t", "Angela Merkel spoke."))
        created = project.repo.get_document(doc_id).updated_at
        editor = project.repo.editor(doc_id, "alice")
        editor.put_entity(EntitySpan("e1", 0, 6, "PERSON", ""))
        first = project.repo.get_document(doc_id).updated_at
        assert first is not None and created is not None and first > created
        editor.put_entity(EntitySpan("e2", 7, 13, "PERSON", ""))
        assert project.repo.get_document(doc_id).updated_at == first
        clock[0] += document_editor.TOUCH_INTERVAL_S
        editor.delete_entity("e2")
        later = project.repo.get_document(doc_id).updated_at
        assert later is not None and later > first
        assert set(project.repo.load_annotations(doc_id).entities) == {"e1"}
