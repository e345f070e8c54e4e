"""DocumentModel: edits through core commands, undo stacks per document, refused saves."""

from __future__ import annotations

from pathlib import Path

from annotator.core.schema import EntityLabel
from annotator.services.project import open_project
from annotator.storage import NewDocument
from annotator.ui.document_model import DocumentModel


def test_push_undo_redo_per_document(qtbot, tmp_path: Path) -> None:
    with open_project(tmp_path / "m.annotator", "alice") as project:
        first, _ = project.repo.add_document(NewDocument("a", "Hello 😀 world"))
        second, _ = project.repo.add_document(NewDocument("b", "Another text"))
        model = DocumentModel(project)
        model.load(first)
        with qtbot.waitSignal(model.annotationChanged):
            assert model.push(model.session.new_entity(8, 13, "ORG"))
        model.load(second)
        assert model.undo_stack is not None and not model.undo_stack.canUndo()
        model.load(first)  # the first document kept its history
        model.undo_stack.undo()
        assert not project.repo.load_annotations(first).entities
        model.undo_stack.redo()
        (span,) = project.repo.load_annotations(first).entities.values()
        assert "Hello 😀 world"[span.start : span.end] == "world"
        assert model.is_modified()


def test_schema_saved_by_someone_else_is_reported_not_raised(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "s.annotator"
    with open_project(path, "alice") as project:
        model = DocumentModel(project)
        schema = model.schema  # read now: the version this window knows
        with open_project(path, "bob", lock=False) as other:  # a second client
            other.save_schema(schema.with_label_renamed("LAW", "TREATY"))
        errors: list[str] = []
        model.errorOccurred.connect(errors.append)
        mine = schema.with_entity_labels([*schema.entity_labels, EntityLabel("X", "#123456")])
        assert model.set_schema(mine) is False
        assert errors and "not saved" in errors[0]
        assert model.schema.entity_label("TREATY") is not None  # the stored schema is shown
        assert model.schema.entity_label("X") is None
