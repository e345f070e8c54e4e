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
