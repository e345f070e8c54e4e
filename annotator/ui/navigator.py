"""Stepping through the annotations of the current document in reading order.

One navigator serves `]` / `[` (anywhere in the window) and Alt+Down / Alt+Up (in the
article view). It walks the annotation list's order and stops at either end (no
wrap-around): at the last annotation, "next" does nothing and says so. With nothing
selected, "next" starts from the top of the screen and "previous" from just above it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from annotator.ui.annotation_list import AnnotationRows
from annotator.ui.article_view import ArticleView
from annotator.ui.document_model import DocumentModel

_AFTER = 1 << 62  # sorts after every (start, -end) with the same start


class Navigator:
    """Selects annotations of `model` in the order of `rows` and brings them into `view`."""

    def __init__(
        self,
        model: DocumentModel,
        rows: AnnotationRows,
        view: ArticleView,
        show_message: Callable[[str], object] | None = None,
    ) -> None:
        self.model = model
        self.rows = rows
        self.view = view
        self.show_message = show_message

    def show(self, kind: str, annotation_id: str) -> None:
        """Select an annotation and bring its text into view (a pick in the list)."""
        session = self.model.session
        if session is None:
            return
        item = (
            session.get_entity(annotation_id)
            if kind == "entity"
            else session.get_claim(annotation_id)
        )
        if item is None:
            return
        # one look for a selected annotation however it was chosen (click, list, `]`):
        # the outline, without the text selection's solid fill
        self.view.clear_span_selection()
        self.model.select(kind, annotation_id)
        self.view.scroll_to_annotation(kind, annotation_id)

    def reveal_entity(self, entity_id: str) -> None:
        """Bring an entity's text into view without changing the selection (a claim's
        speaker)."""
        session = self.model.session
        entity = session.get_entity(entity_id) if session else None
        if entity is not None:
            self.view.select_span(entity.start, entity.end)
            self.view.ensureCursorVisible()

    def step(self, direction: int) -> bool:
        """Select the next (+1) or previous (-1) annotation; False at either end."""
        keys = self.rows.keys
        kind, annotation_id = self.model.selection
        row = self.rows.row_of(kind, annotation_id) if kind else -1
        if row >= 0:
            target = row + direction
        else:
            top = self.view.top_offset()
            if direction > 0:
                target = bisect_right(keys, (top, _AFTER))
            else:
                target = bisect_left(keys, (top, _AFTER)) - 1
        if not 0 <= target < len(keys):
            if self.show_message is not None and keys:
                end = "last" if direction > 0 else "first"
                self.show_message(f"That was the {end} annotation of this document.")
            return False
        _start, _end, found_kind, found_id = keys[target]
        self.model.select(found_kind, found_id)
        return True
