"""The Qt-side model of the open project: current document, selection, undo stacks.

Widgets take this model in their constructor and subscribe to its signals; they never
touch storage. Edits are core commands pushed through `push`, which applies them (each a
committed transaction) and records them on the document's QUndoStack. `undo` and `redo`
run the step first and move the stack only when the store took it, so a refused step
leaves the history exactly as it was.

Memory: only the current document has a session (its text and annotations). Leaving a
document releases them; its undo stack stays, holding just the commands (each remembers the
few records it needs), and the next visit reads the document from storage again.

Reading ahead: `prefetch(doc_id)` reads one document (the next in the list) on a worker
thread, so that opening it costs no storage read on the GUI thread. At most one such
session is kept; it is dropped when anything may have changed it (`drop_prefetched`: a
colleague's change, a schema edit) and never outlives the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from annotator.core.commands import EditCommand
from annotator.core.gc_pause import freeze_start_up, gc_paused
from annotator.core.model import Status
from annotator.core.schema import LabelSchema
from annotator.core.schema_changes import SchemaRenames, names_dropped
from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.services.session import Change, DocumentSession, FreshDocument
from annotator.ui.workers import Task

log = logging.getLogger(__name__)

# Errors that mean a bug in the program, not a store refusing a change: they are logged
# and raised (the application reports them), never shown as "the edit was not saved".
# Everything else (storage and driver errors, a span that no longer fits, an annotation a
# colleague removed meanwhile) is a refusal: reported, logged with its traceback, and
# nothing changes.
PROGRAMMING_ERRORS: tuple[type[BaseException], ...] = (
    TypeError,
    AttributeError,
    NameError,
    AssertionError,
    NotImplementedError,
    ImportError,
    RecursionError,
    ArithmeticError,
)


def is_refusal(exc: Exception) -> bool:
    """True when `exc` is the store refusing a change, False when it is a bug."""
    return not isinstance(exc, PROGRAMMING_ERRORS)


def doc_id_of(session: DocumentSession) -> str:
    return session.document.id


class _QtCommand(QUndoCommand):
    """Wraps a core command for a QUndoStack. The model runs the step itself (see
    `DocumentModel.undo`) and then lets the stack move with `_ran` set, so the stack's own
    call does nothing; a step the stack runs on its own (`QUndoStack.undo()` called
    directly) is run here, and a refusal puts the stack back at once."""

    def __init__(self, model: DocumentModel, doc_id: str, command: EditCommand):
        super().__init__(command.text)
        self._model = model
        self.doc_id = doc_id  # not the session: a left document's session is released
        self.command = command
        self._ran = True  # the first redo happened in `DocumentModel.push`

    def redo(self) -> None:
        if self._ran:
            self._ran = False
            return
        if not self._model._step(self.doc_id, self.command.redo):
            self._model._put_back(self, undone=False)

    def undo(self) -> None:
        if self._ran:
            self._ran = False
            return
        if not self._model._step(self.doc_id, self.command.undo):
            self._model._put_back(self, undone=True)


class DocumentModel(QObject):
    """Signals:

    - documentChanged(): another document (or none) is now current.
    - annotationChanged(kind, id, removed): an entity/claim/target changed in the current document.
    - annotationsReset(): the current document's annotations were re-read as a whole (a
      colleague's edits, a schema rename); views rebuild once instead of per change.
    - documentSentimentChanged(), statusChanged(): document-level values changed.
    - selectionChanged(kind, id): the selected annotation ("" and "" for none).
    - schemaChanged(): the label schema was edited.
    - documentsChanged(): documents were added or their list entries (status, counts) changed.
    - selectedDocumentsChanged(): the documents selected in the document list changed.
    - errorOccurred(message): an edit could not be saved (nothing was changed).
    """

    documentChanged = Signal()
    annotationChanged = Signal(str, str, bool)
    annotationsReset = Signal()
    documentSentimentChanged = Signal()
    statusChanged = Signal()
    selectionChanged = Signal(str, str)
    schemaChanged = Signal()
    documentsChanged = Signal()
    selectedDocumentsChanged = Signal()
    errorOccurred = Signal(str)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.session: DocumentSession | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[str, QUndoStack] = {}
        self._selection: tuple[str, str] = ("", "")
        self._selected_documents: tuple[str, ...] = ()
        self._batch: list[Change] | None = None
        self._ready: dict[str, DocumentSession] = {}  # at most one, read ahead
        self._reading: Task | None = None
        self._read_next: str | None = None
        self._read_generation = 0  # bumped by drop_prefetched: late results are stale
        self._wanted: str | None = None  # the one document worth reading ahead now
        self.schemaChanged.connect(self.drop_prefetched)

    # -- queries -------------------------------------------------------------------
    @property
    def schema(self) -> LabelSchema:
        return self.project.schema

    @property
    def document_id(self) -> str | None:
        return self.session.document.id if self.session else None

    @property
    def text(self) -> str:
        return self.session.text if self.session else ""

    @property
    def undo_stack(self) -> QUndoStack | None:
        return self.undo_group.activeStack()

    @property
    def selection(self) -> tuple[str, str]:
        return self._selection

    @property
    def selected_documents(self) -> list[str]:
        """Ids of the documents selected in the document list, in list order."""
        return list(self._selected_documents)

    def set_selected_documents(self, ids: Sequence[str]) -> None:
        if tuple(ids) != self._selected_documents:
            self._selected_documents = tuple(ids)
            self.selectedDocumentsChanged.emit()

    def is_modified(self) -> bool:
        """Unsaved work never exists (edits commit at once); this means 'edited this session'."""
        return any(not stack.isClean() for stack in self._stacks.values())

    # -- documents -----------------------------------------------------------------
    def load(self, doc_id: str | None) -> None:
        """Make `doc_id` current, read from storage; the document left is released.

        Raises what storage raises (e.g. NotFound) and then keeps the current document.
        """
        # thousands of spans: no collector passes while loading and while every view
        # indexes them (none of these objects form cycles)
        with gc_paused():
            session = None
            if doc_id is not None:
                session = self._ready.pop(doc_id, None) or DocumentSession(self.project, doc_id)
            self._ready.clear()  # the one read ahead was for another step
            self._wanted = None
            self._release()
            self.session = session
            if session is None or doc_id is None:
                self.undo_group.setActiveStack(None)  # type: ignore[arg-type]
            else:
                self._unsubscribe = session.subscribe(self._on_change)
                stack = self._stacks.get(doc_id)
                if stack is None:
                    stack = self._stacks[doc_id] = QUndoStack(self.undo_group)
                self.undo_group.setActiveStack(stack)
            self._selection = ("", "")
            self.documentChanged.emit()
            freeze_start_up()  # the window's objects: later collector passes skip them
        self.selectionChanged.emit("", "")

    def _release(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.session = None

    # -- reading ahead ---------------------------------------------------------------
    def prefetch(self, doc_id: str | None) -> None:
        """Read `doc_id` on a worker (latest request wins); `load(doc_id)` then uses it."""
        self._wanted = doc_id
        if doc_id is None or doc_id == self.document_id or doc_id in self._ready:
            return
        if self._reading is not None:
            self._read_next = doc_id
            return
        project, generation = self.project, self._read_generation
        task = Task(lambda _progress, _cancelled: DocumentSession(project, doc_id), self)
        task.succeeded.connect(lambda session: self._read_ahead(generation, doc_id, session))
        task.failed.connect(lambda message: log.info("reading %s ahead: %s", doc_id, message))
        task.done.connect(self._reading_done)
        self._reading = task
        task.start()

    def _read_ahead(self, generation: int, doc_id: str, session: DocumentSession) -> None:
        wanted = doc_id == self._wanted and doc_id != self.document_id
        if generation == self._read_generation and wanted:
            self._ready = {doc_id: session}

    def _reading_done(self) -> None:
        task, self._reading = self._reading, None
        if task is not None:
            task.wait()
            task.deleteLater()
        wanted, self._read_next = self._read_next, None
        if wanted is not None and wanted == self._wanted:
            self.prefetch(wanted)

    def drop_prefetched(self) -> None:
        """Forget what was read ahead (it may be out of date now)."""
        self._read_generation += 1
        self._ready.clear()

    def wait(self) -> None:
        """Let a read-ahead finish and forget it (before the project is closed)."""
        self._read_next = None
        if self._reading is not None:
            self._reading.wait()
        self.drop_prefetched()

    def forget_sessions(self) -> None:
        """Drop the undo history of every other document (e.g. after an import replaced
        data); keeps the current one."""
        current = self.document_id
        self.drop_prefetched()
        for doc_id in list(self._stacks):
            if doc_id != current:
                stack = self._stacks.pop(doc_id)
                self.undo_group.removeStack(stack)
                stack.setParent(None)

    def reload_current(self) -> bool:
        """Re-read the current document (a colleague changed it); listeners hear one
        `annotationsReset` instead of a signal per difference. False if it failed."""
        session = self.session
        if session is None:
            return True
        self._batch = []
        try:
            session.reload()
        except Exception as exc:  # e.g. deleted meanwhile, or the server went away
            if not is_refusal(exc):
                log.exception("reloading %s failed with a programming error", doc_id_of(session))
                raise
            log.warning("cannot refresh %s", doc_id_of(session), exc_info=True)
            self.errorOccurred.emit(f"Cannot refresh the document: {exc}")
            return False
        finally:
            changes, self._batch = self._batch, None
        if changes:
            self._apply_batch(changes)
        return True

    def apply_fresh(self, session: DocumentSession, fresh: FreshDocument) -> bool:
        """Show what a worker re-read of `session` found (a colleague's edits) as one
        `annotationsReset`, like `reload_current`, with no database work here. False when
        the document was left meanwhile or this analyst edited since it was read."""
        if self.session is not session:
            return False
        self._batch = []
        try:
            session.apply_fresh(fresh)
        finally:
            changes, self._batch = self._batch, None
        if changes:
            self._apply_batch(changes)
        return True

    # -- editing -------------------------------------------------------------------
    def push(self, command: EditCommand) -> bool:
        """Apply `command` to the current document and make it undoable. False on failure."""
        session = self.session
        if session is None:
            return False
        doc_id = session.document.id
        if not self._step(doc_id, command.redo):
            return False
        self._stacks[doc_id].push(_QtCommand(self, doc_id, command))
        return True

    def undo(self) -> bool:
        """Undo the current document's newest step; a refused step changes nothing."""
        return self._move(-1)

    def redo(self) -> bool:
        """Redo the current document's newest undone step; a refused step changes nothing."""
        return self._move(+1)

    def _move(self, direction: int) -> bool:
        stack = self.undo_stack
        if stack is None or not (stack.canUndo() if direction < 0 else stack.canRedo()):
            return False
        at = stack.index() - 1 if direction < 0 else stack.index()
        step = stack.command(at)
        if not isinstance(step, _QtCommand):
            return False
        run = step.command.undo if direction < 0 else step.command.redo
        if not self._step(step.doc_id, run):
            return False
        step._ran = True  # done: the stack only moves its index
        stack.undo() if direction < 0 else stack.redo()
        return True

    def _step(self, doc_id: str, run: Callable[[DocumentSession], None]) -> bool:
        session = self.session
        if session is None or session.document.id != doc_id:
            self.errorOccurred.emit("The edit was not saved: its document is not open.")
            return False
        try:
            run(session)
        except Exception as exc:
            if not is_refusal(exc):
                log.exception("an edit of %s failed with a programming error", doc_id)
                raise
            log.warning("an edit of %s was refused", doc_id, exc_info=True)
            self.errorOccurred.emit(f"The edit was not saved: {exc}")
            return False
        return True

    def _put_back(self, step: _QtCommand, undone: bool) -> None:
        """A step the stack ran on its own was refused: move the stack back (no re-run)."""
        stack = self._stacks.get(step.doc_id)

        def restore() -> None:
            if stack is None:
                return
            step._ran = True
            if undone:
                stack.redo()
            else:
                stack.undo()

        QTimer.singleShot(0, restore)  # QUndoStack moves its index after undo() returns

    def select(self, kind: str, annotation_id: str) -> None:
        if (kind, annotation_id) != self._selection:
            self._selection = (kind, annotation_id)
            self.selectionChanged.emit(kind, annotation_id)

    def set_schema(
        self, schema: LabelSchema, renames: SchemaRenames | Mapping[str, str] | None = None
    ) -> bool:
        """Save a new label schema; False (with errorOccurred) when the store refused it."""
        refusal = self.save_schema(schema, renames)
        if refusal is not None:
            self.errorOccurred.emit(refusal)
        return refusal is None

    def save_schema(
        self, schema: LabelSchema, renames: SchemaRenames | Mapping[str, str] | None = None
    ) -> str | None:
        """Save a new label schema; returns why the store refused it (None when saved).

        On a server another analyst may have saved the schema first (ConflictError) or this
        analyst may lack the right (NotPermitted); a schema dropping names still in use is
        refused (SchemaInUse): the view then shows the stored schema. When names were
        renamed or removed, undo histories are cleared: their steps name the old labels.
        """
        changes = SchemaRenames.of(renames)
        old = self.project.schema
        try:
            self.project.save_schema(schema, changes)
        except StorageError as exc:
            self.schemaChanged.emit()  # the project re-read the stored schema
            return f"The label schema was not saved: {exc}"
        if self.session is not None:
            self.session.reread_annotations()
        if names_dropped(old, schema, changes):
            self.forget_undo_history()
        self.schemaChanged.emit()
        if self.session is not None:
            self._reset_annotations()
        return None

    def forget_undo_history(self) -> None:
        """Clear every document's undo stack (its steps name labels that no longer exist)."""
        for stack in self._stacks.values():
            stack.clear()

    # -- change fan-out ----------------------------------------------------------------
    def _reset_annotations(self) -> None:
        """The current annotations were replaced as a whole: one signal for every view."""
        kind, annotation_id = self._selection
        session = self.session
        if session is not None and kind:
            table: Mapping[str, object] = (
                session.annotations.entities if kind == "entity" else session.annotations.claims
            )
            if annotation_id not in table:
                self.select("", "")
        with gc_paused():
            self.annotationsReset.emit()

    def _apply_batch(self, changes: list[Change]) -> None:
        self._reset_annotations()
        kinds = {change.kind for change in changes}
        if "document_sentiment" in kinds:
            self.documentSentimentChanged.emit()
        if "status" in kinds:
            self.statusChanged.emit()
        self.documentsChanged.emit()

    def _on_change(self, change: Change) -> None:
        if self.session is None:
            return
        if self._batch is not None:
            self._batch.append(change)
            return
        if change.kind in ("entity", "claim", "target"):
            if change.removed and self._selection == (change.kind, change.id):
                self.select("", "")
            self.annotationChanged.emit(change.kind, change.id or "", change.removed)
            if change.kind in ("entity", "claim"):
                self.documentsChanged.emit()
        elif change.kind == "document_sentiment":
            self.documentSentimentChanged.emit()
        elif change.kind == "status":
            self.statusChanged.emit()
            self.documentsChanged.emit()

    def current_status(self) -> Status | None:
        return self.session.document.status if self.session else None
