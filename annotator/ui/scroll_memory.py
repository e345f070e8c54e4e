"""Where each document was scrolled to, restored when it is opened again (also after a
restart). Positions are code points of the stored text at the top of the view, so they
survive another window size or font."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from annotator.ui.article_view import ArticleView
from annotator.ui.document_model import DocumentModel
from annotator.ui.settings import AppSettings


class ScrollMemory(QObject):
    """Follows `view`'s scrolling and keeps the top position per document in `settings`."""

    def __init__(
        self, model: DocumentModel, view: ArticleView, settings: AppSettings, location: str
    ) -> None:
        super().__init__(view)
        self.model = model
        self.view = view
        self.settings = settings
        self.location = location
        self._doc: str | None = model.document_id
        self._top: dict[str, int] = {}
        view.verticalScrollBar().valueChanged.connect(self._scrolled)
        model.documentChanged.connect(self._document_changed)

    def _scrolled(self) -> None:
        doc = self.model.document_id
        if doc is not None and doc == self._doc:  # not the reset of a new text
            self._top[doc] = self.view.top_offset()

    def _document_changed(self) -> None:
        self.flush()
        self._doc = self.model.document_id
        if self._doc is None:
            return
        top = self.settings.scroll_position(self.location, self._doc)
        if top:
            self.view.scroll_to_offset(top)
            doc = self._doc  # once more when the first layout has happened
            QTimer.singleShot(0, lambda: self._restore_later(doc, top))

    def _restore_later(self, doc: str, top: int) -> None:
        if self.model.document_id == doc and self.view.top_offset() < top:
            self.view.scroll_to_offset(top)

    def flush(self) -> None:
        """Write the positions seen since the last flush to the settings."""
        for doc, top in self._top.items():
            self.settings.set_scroll_position(self.location, doc, top)
        self._top.clear()
