from __future__ import annotations

import pytest

from annotator.core.commands import SetDocumentSentiment, SetStatus
from annotator.core.history import UndoHistory
from annotator.core.model import Status


class Target:
    """Just enough of AnnotationTarget for document-level commands."""

    def __init__(self) -> None:
        self.sentiment: str | None = None
        self.status = Status.TODO

    def get_document_sentiment(self) -> str | None:
        return self.sentiment

    def set_document_sentiment(self, label: str | None) -> None:
        self.sentiment = label

    def get_status(self) -> Status:
        return self.status

    def set_status(self, status: Status) -> None:
        self.status = status


def test_undo_redo_and_clean_state() -> None:
    target = Target()
    history = UndoHistory(target)  # type: ignore[arg-type]
    assert history.is_clean() and not history.can_undo
    history.push(SetDocumentSentiment("positive"))
    history.push(SetStatus(Status.DONE))
    assert (target.sentiment, target.status) == ("positive", Status.DONE)
    assert not history.is_clean()
    history.undo()
    history.undo()
    assert (target.sentiment, target.status) == (None, Status.TODO)
    assert history.is_clean() and history.can_redo
    history.redo()
    assert target.sentiment == "positive"
    history.set_clean()
    history.undo()
    history.push(SetDocumentSentiment("negative"))  # discards the redo branch with the clean state
    assert not history.is_clean() and not history.can_redo
    assert history.undo() is not None and history.undo() is None


class Refusing(Target):
    """A store that refuses the next write when `refuse` is set."""

    refuse = False

    def set_document_sentiment(self, label: str | None) -> None:
        if self.refuse:
            raise OSError("disk full")
        super().set_document_sentiment(label)


def test_a_refused_undo_or_redo_leaves_history_as_it_was() -> None:
    target = Refusing()
    history = UndoHistory(target)  # type: ignore[arg-type]
    history.push(SetDocumentSentiment("positive"))
    history.push(SetDocumentSentiment("negative"))
    target.refuse = True
    with pytest.raises(OSError):
        history.undo()
    target.refuse = False
    assert target.sentiment == "negative" and not history.can_redo
    assert history.undo() is not None and target.sentiment == "positive"
    target.refuse = True
    with pytest.raises(OSError):
        history.redo()
    target.refuse = False
    assert target.sentiment == "positive" and history.can_redo
    history.redo()
    assert target.sentiment == "negative"


def test_starting_work_marks_a_to_do_document_in_progress_in_one_step() -> None:
    from annotator.core.commands import AddEntity, StartingWork
    from annotator.core.model import EntitySpan, Status

    class Target:  # just what the two commands touch
        def __init__(self) -> None:
            self.status = Status.TODO
            self.entities: dict[str, EntitySpan] = {}

        def get_status(self) -> Status:
            return self.status

        def set_status(self, status: Status) -> None:
            self.status = status

        def get_entity(self, entity_id: str) -> EntitySpan | None:
            return self.entities.get(entity_id)

        def put_entity(self, span: EntitySpan) -> None:
            self.entities[span.id] = span

        def delete_entity(self, entity_id: str) -> None:
            del self.entities[entity_id]

    target = Target()
    command = StartingWork(AddEntity(EntitySpan("e1", 0, 3, "ORG")))
    command.redo(target)  # type: ignore[arg-type]
    assert target.status == Status.IN_PROGRESS and "e1" in target.entities
    command.undo(target)  # type: ignore[arg-type]
    assert target.status == Status.TODO and not target.entities
    target.status = Status.DONE
    command.redo(target)  # type: ignore[arg-type]
    assert target.status == Status.DONE
    command.undo(target)  # type: ignore[arg-type]
    assert target.status == Status.DONE and not target.entities
