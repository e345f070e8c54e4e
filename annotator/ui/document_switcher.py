"""Which document is open: opening one, the next unfinished, the next or previous in the list."""

from __future__ import annotations

import logging
from collections.abc import Callable

from annotator.core.model import Status
from annotator.services.documents import document_exists, next_unfinished
from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.ui.document_model import DocumentModel, is_refusal
from annotator.ui.editing import AnnotationEditor
from annotator.ui.settings import AppSettings

log = logging.getLogger(__name__)


class DocumentSwitcher:
    """Opens documents in `model` and remembers the last one in `settings`.

    `visible_ids()` gives the document list's order (for next/previous); `reload_list()`
    refreshes that list when a document could not be opened (deleted by a colleague).
    """

    def __init__(
        self,
        project: Project,
        model: DocumentModel,
        editor: AnnotationEditor,
        settings: AppSettings,
        visible_ids: Callable[[], list[str]],
        reload_list: Callable[[], None],
        show_message: Callable[[str], None],
        show_error: Callable[[str], None],
    ) -> None:
        self.project = project
        self.model = model
        self.editor = editor
        self.settings = settings
        self.visible_ids = visible_ids
        self.reload_list = reload_list
        self.show_message = show_message
        self.show_error = show_error

    def open_document(self, doc_id: str | None) -> None:
        if doc_id == self.model.document_id:
            return
        try:
            self.model.load(doc_id)
        except Exception as exc:  # e.g. the document was deleted by another client
            if not is_refusal(exc):
                raise
            log.warning("cannot open %s", doc_id, exc_info=True)
            self.show_error(f"Cannot open the document: {exc}")
            self.reload_list()
            return
        self.settings.set_last_document(self.project.location, doc_id)
        self.model.prefetch(self._after(doc_id))

    def _after(self, doc_id: str | None) -> str | None:
        """The document after `doc_id` in the list (read ahead: analysts go in order)."""
        ids = self.visible_ids()
        if doc_id not in ids:
            return None
        i = ids.index(doc_id) + 1
        return ids[i] if i < len(ids) else None

    def open_last_or_first(self) -> None:
        """The document this project had open last time, else the first unfinished one."""
        last = self.settings.last_document(self.project.location)
        if last and document_exists(self.project, last):
            self.open_document(last)
        else:
            self.open_first()

    def open_first(self) -> None:
        first = next_unfinished(self.project, None)
        ids = self.visible_ids()
        if first is None and ids:
            first = ids[0]
        if first is not None:
            self.open_document(first)

    def go_next_unfinished(self) -> None:
        try:
            found = next_unfinished(self.project, self.model.document_id)
        except StorageError as exc:  # a server gone away: say so, stay on this document
            self.show_error(f"Cannot find the next unfinished document: {exc}")
            return
        if found is None:
            self.show_message("Every document is done.")
        else:
            self.open_document(found)

    def done_and_next(self) -> None:
        if self.model.session is not None:
            self.editor.set_status(Status.DONE)
        self.go_next_unfinished()

    def step_document(self, step: int) -> None:
        ids = self.visible_ids()
        if not ids:
            return
        current = self.model.document_id
        i = ids.index(current) + step if current in ids else 0
        if 0 <= i < len(ids):
            self.open_document(ids[i])
