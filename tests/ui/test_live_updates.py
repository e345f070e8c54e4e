"""Changes committed by another client show up in the open window."""

from __future__ import annotations

from annotator.core.model import EntitySpan, Status
from annotator.services.project import open_project

TEXT = "Christine Lagarde spoke in Frankfurt about inflation."


def test_another_clients_edits_reach_the_window(qtbot, make_project, open_window, project_path):
    window = open_window(make_project(TEXT))
    doc_id = window.model.document_id
    window.live.timer.stop()  # the test polls by hand
    window.live.poll()  # baseline
    with open_project(project_path, "colleague", create=False, lock=False) as other:
        editor = other.repo.editor(doc_id, "colleague")
        editor.put_entity(EntitySpan("e-colleague", 0, len("Christine Lagarde"), "PERSON"))
        editor.set_status(Status.IN_PROGRESS)
        kinds = {c.kind for c in window.live.poll()}
        assert "document" in kinds
        assert "e-colleague" in window.model.session.annotations.entities
        assert [i.text(1) for i in window.annotations.items()] == ["Christine Lagarde"]
        assert window.model.current_status() is Status.IN_PROGRESS
        assert window.documents.table_model.index(0, 2).data() == 1

        window.view.select_span(0, len("Christine"))
        window.editor.apply_label("ORG")
        assert window.model.undo_group.canUndo()
        schema = other.schema.with_label_renamed("PERSON", "PER")
        other.save_schema(schema, {"PERSON": "PER"})
        window.live.poll()
        assert not window.model.undo_group.canUndo()  # its steps named PERSON
        assert "PER" in window.labels.buttons and "PERSON" not in window.labels.buttons
        assert window.model.session.annotations.entities["e-colleague"].label == "PER"
