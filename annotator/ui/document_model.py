"""The Qt-side model of the open project: current document, selection, undo stacks.

Widgets take this model in their constructor and subscribe to its signals; they never
touch storage. Edits are core commands pushed through `push`, which applies them (each a
committed transaction) and records them on the document's QUndoStack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from annotator.core.commands import EditCommand
from annotator.core.model import Status
from annotator.core.schema import LabelSchema
from annotator.core.schema_changes import SchemaRenames, names_dropped
from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.services.session import Change, DocumentSession
from annotator.ui.gc_pause import gc_paused


class _QtCommand(QUndoCommand):
    """Wraps a core command; the first redo has already happened in `DocumentModel.push`."""

    def __init__(self, model: DocumentModel, session: DocumentSession, command: EditCommand):
        super().__init__(command.text)
        self._model = model
        self._session = session
        self.command = command
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._model._run(lambda: self.command.redo(self._session))

    def undo(self) -> None:
        self._model._run(lambda: self.command.undo(self._session))


class DocumentModel(QObject):
    """Signals:

    - documentChanged(): another document (or none) is now current.
    - annotationChanged(kind, id, removed): an entity/claim/target changed in the current document.
    - documentSentimentChanged(), statusChanged(): document-level values changed.
    - selectionChanged(kind, id): the selected annotation ("" and "" for none).
    - schemaChanged(): the label schema was edited.
    - documentsChanged(): documents were added or their list entries (status, counts) changed.
    - selectedDocumentsChanged(): the documents selected in the document list changed.
    - errorOccurred(message): an edit could not be saved (nothing was changed).
    """

    documentChanged = Signal()
    annotationChanged = Signal(str, str, bool)
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
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[str, tuple[DocumentSession, QUndoStack]] = {}
        self._selection: tuple[str, str] = ("", "")
        self._selected_documents: tuple[str, ...] = ()

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
        return any(not stack.isClean() for _, stack in self._stacks.values())

    # -- documents -----------------------------------------------------------------
    def load(self, doc_id: str | None) -> None:
        """Make `doc_id` current; its session and undo history are kept while the app runs."""
        if doc_id is None:
            self.session = None
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]
        else:
            if doc_id not in self._stacks:
                with gc_paused():  # thousands of spans: no collector passes while loading
                    session = DocumentSession(self.project, doc_id)
                session.subscribe(self._on_change)
                stack = QUndoStack(self.undo_group)
                self._stacks[doc_id] = (session, stack)
            self.session, stack = self._stacks[doc_id]
            self.undo_group.setActiveStack(stack)
        self._selection = ("", "")
        self.documentChanged.emit()
        self.selectionChanged.emit("", "")

    def forget_sessions(self) -> None:
        """Drop cached sessions (e.g. after an import replaced data); keeps the current one."""
        current = self.document_id
        for doc_id in list(self._stacks):
            if doc_id != current:
                _, stack = self._stacks.pop(doc_id)
                stack.setParent(None)

    # -- editing -------------------------------------------------------------------
    def push(self, command: EditCommand) -> bool:
        """Apply `command` to the current document and make it undoable. False on failure."""
        if self.session is None:
            return False
        session = self.session
        if not self._run(lambda: command.redo(session)):
            return False
        stack = self._stacks[session.document.id][1]
        stack.push(_QtCommand(self, session, command))
        return True

    def _run(self, action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except Exception as exc:  # storage or validation failure: report, change nothing
            self.errorOccurred.emit(f"The edit was not saved: {exc}")
            return False
        return True

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
        for session, _ in self._stacks.values():
            session.reread_annotations()
        if names_dropped(old, schema, changes):
            self.forget_undo_history()
        self.schemaChanged.emit()
        self.documentChanged.emit()
        return None

    def forget_undo_history(self) -> None:
        """Clear every document's undo stack (its steps name labels that no longer exist)."""
        for _, stack in self._stacks.values():
            stack.clear()

    # -- change fan-out ----------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if self.session is None:
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
