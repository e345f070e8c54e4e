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


def test_a_refused_undo_leaves_the_undo_stack_in_step(qtbot, make_project, open_window):
    """The store refuses an undo: nothing moves, and the next Ctrl+Z undoes the newest
    edit (not the one before it)."""
    from PySide6.QtCore import Qt

    from annotator.services.errors import ServerUnavailable

    window = open_window(make_project("Alice met Bob in Paris on Monday."))
    model = window.model
    session = model.session
    first = session.new_entity(0, 5, "PERSON")
    second = session.new_entity(10, 13, "PERSON")
    assert model.push(first) and model.push(second)
    stack = model.undo_stack
    editor = session._editor  # the storage editor that commits each change
    real_delete = editor.delete_entity
    calls: list[str] = []

    def refuse(entity_id: str) -> None:
        calls.append(entity_id)
        raise ServerUnavailable("the database server is not reachable")

    editor.delete_entity = refuse
    errors: list[str] = []
    model.errorOccurred.connect(errors.append)
    window.view.setFocus()
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window.view, Qt.Key.Key_Z, ctrl)
    assert calls == [second.span.id] and errors and "not saved" in errors[0]
    assert stack.index() == 2 and not stack.canRedo()
    assert set(session.annotations.entities) == {first.span.id, second.span.id}

    editor.delete_entity = real_delete
    window.last_error.done(0)  # the analyst reads the message and closes it
    window.activateWindow()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, ctrl)  # now it is taken: Bob goes, Alice stays
    assert set(session.annotations.entities) == {first.span.id}
    assert stack.index() == 1

    # a refused redo likewise
    real_put = editor.put_entity
    editor.put_entity = lambda *_a, **_k: (_ for _ in ()).throw(ServerUnavailable("gone"))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert stack.index() == 1 and stack.canRedo()
    assert second.span.id not in session.annotations.entities
    assert len(errors) == 2  # the redo was tried, and refused
    editor.put_entity = real_put
    assert model.redo() and set(session.annotations.entities) == {
        first.span.id,
        second.span.id,
    }
    stored = window.project.repo.load_annotations(model.document_id).entities
    assert set(stored) == {first.span.id, second.span.id}


def test_a_refused_step_run_by_the_stack_itself_is_put_back(qtbot, tmp_path: Path) -> None:
    """QUndoStack.undo() called directly (not through the model) is put back too."""
    from annotator.services.errors import ServerUnavailable

    with open_project(tmp_path / "d.annotator", "alice") as project:
        doc, _ = project.repo.add_document(NewDocument("a", "Alice met Bob."))
        model = DocumentModel(project)
        model.load(doc)
        command = model.session.new_entity(0, 5, "PERSON")
        assert model.push(command)
        editor = model.session._editor

        def refuse(_id: str) -> None:
            raise ServerUnavailable("gone")

        editor.delete_entity = refuse
        model.undo_stack.undo()
        qtbot.waitUntil(lambda: model.undo_stack.index() == 1)
        assert command.span.id in model.session.annotations.entities


def test_a_programming_error_is_raised_not_reported_as_not_saved(qtbot, tmp_path: Path) -> None:
    import pytest

    with open_project(tmp_path / "p.annotator", "alice") as project:
        doc, _ = project.repo.add_document(NewDocument("a", "Alice met Bob."))
        model = DocumentModel(project)
        model.load(doc)
        errors: list[str] = []
        model.errorOccurred.connect(errors.append)

        class Broken:
            text = "broken"

            def redo(self, target: object) -> None:
                raise AttributeError("a bug")

        with pytest.raises(AttributeError):
            model.push(Broken())  # type: ignore[arg-type]
        assert errors == []
