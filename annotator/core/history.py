"""A plain undo history for editing without Qt (CLI, tests, scripts).

The GUI uses QUndoStack with the same command objects; both keep "modified" as
"not at the clean index".
"""

from __future__ import annotations

from annotator.core.commands import AnnotationTarget, EditCommand


class UndoHistory:
    def __init__(self, target: AnnotationTarget) -> None:
        self._target = target
        self._done: list[EditCommand] = []
        self._undone: list[EditCommand] = []
        self._clean_depth: int | None = 0

    def push(self, command: EditCommand) -> None:
        """Apply `command` and make it the newest undoable edit."""
        command.redo(self._target)
        self._done.append(command)
        if self._clean_depth is not None and self._clean_depth > len(self._done) - 1:
            self._clean_depth = None  # the clean state was in the discarded redo branch
        self._undone.clear()

    def undo(self) -> EditCommand | None:
        """Undo the newest edit. If the target refuses (raises), history stays as it was."""
        if not self._done:
            return None
        command = self._done[-1]
        command.undo(self._target)
        self._undone.append(self._done.pop())
        return command

    def redo(self) -> EditCommand | None:
        """Redo the newest undone edit. If the target refuses, history stays as it was."""
        if not self._undone:
            return None
        command = self._undone[-1]
        command.redo(self._target)
        self._done.append(self._undone.pop())
        return command

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def set_clean(self) -> None:
        self._clean_depth = len(self._done)

    def is_clean(self) -> bool:
        return self._clean_depth == len(self._done)
