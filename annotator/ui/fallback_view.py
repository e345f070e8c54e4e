"""A minimal article view used until the full `annotator.ui.article_view` is available.

It offers the same small API as the full view: `selected_span()`, `select_span()` and the
`spanSelectionChanged` signal, with offsets in code points of the stored text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from annotator.core.offsets import OffsetMap
from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import plain_tooltip


class FallbackArticleView(QPlainTextEdit):
    """Read-only plain text with label-coloured highlights; click a highlight to select it."""

    spanSelectionChanged = Signal()

    def __init__(self, model: DocumentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._map = OffsetMap("")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setAccessibleName("Article text")
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.15)
        self.setFont(font)
        self.document().setDocumentMargin(18)
        self.selectionChanged.connect(self.spanSelectionChanged)
        model.documentChanged.connect(self._reload)
        model.annotationChanged.connect(self._refresh)
        model.selectionChanged.connect(self._refresh)
        model.schemaChanged.connect(self._refresh)
        self._reload()

    # -- the shared view API -------------------------------------------------------
    def selected_span(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = self._map.span_to_codepoint(cursor.selectionStart(), cursor.selectionEnd())
        text = self.model.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def select_span(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    # -- behaviour -------------------------------------------------------------------
    def _reload(self) -> None:
        text = self.model.text
        self._map = OffsetMap(text)
        self.setPlainText(text)
        self._refresh()

    def _refresh(self, *_args: object) -> None:
        session = self.model.session
        if session is None:
            self.setExtraSelections([])
            return
        schema = self.model.schema
        chosen = self.model.selection
        selections = []
        for span in session.annotations.sorted_entities():
            fmt = QTextCharFormat()
            colour = QColor(schema.color_of(span.label))
            colour.setAlpha(230 if chosen == ("entity", span.id) else 110)
            fmt.setBackground(colour)
            fmt.setToolTip(plain_tooltip(span.label))
            selections.append(self._extra(span.start, span.end, fmt))
        for claim in session.annotations.sorted_claims():
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(QColor(schema.claim_color))
            if chosen == ("claim", claim.id):
                fill = QColor(schema.claim_color)
                fill.setAlpha(60)
                fmt.setBackground(fill)
            selections.append(self._extra(claim.start, claim.end, fmt))
        self.setExtraSelections(selections)

    def _extra(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        extra = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        extra.cursor = cursor
        extra.format = fmt
        return extra

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            cursor = self.textCursor()
            if cursor.hasSelection():  # no drag-and-drop of the old selection
                cursor.clearSelection()
                self.setTextCursor(cursor)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self.textCursor().hasSelection() or self.model.session is None:
            return
        u16 = self.cursorForPosition(event.position().toPoint()).position()
        pos = self._map.to_codepoint(u16)
        annotations = self.model.session.annotations
        hits = [
            ("entity", e.id, e.end - e.start)
            for e in annotations.entities.values()
            if e.start <= pos < e.end
        ] + [
            ("claim", c.id, c.end - c.start)
            for c in annotations.claims.values()
            if c.start <= pos < c.end
        ]
        if hits:
            kind, annotation_id, _ = min(hits, key=lambda h: h[2])
            self.model.select(kind, annotation_id)
        else:
            self.model.select("", "")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            self.model.select("", "")
            return
        super().keyPressEvent(event)
