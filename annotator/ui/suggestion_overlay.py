"""Pending suggestions drawn over the article view, distinct from annotations.

A transparent widget on the view's viewport (mouse events pass through to the view):
an entity suggestion is a dashed outline in a muted tint of its label's colour, a claim
suggestion a dashed outline in the claim colour, and a claim's speaker link a dashed line
to the speaker mention. Nothing is filled except a faint tint on the current suggestion,
so annotations under suggestions stay visible. Only suggestions on screen are placed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotator.core.schema import LabelSchema
from annotator.core.suggestions import Suggestion, SuggestionKind

MUTED_ALPHA = 150


@dataclass
class PlacedSuggestion:
    suggestion: Suggestion
    rects: list[QRectF] = field(default_factory=list)
    speaker: list[QRectF] = field(default_factory=list)


class SuggestionOverlay(QWidget):
    """Paints `suggestions()` (pending, in text order) over `view`; `current()` is the id of
    the suggestion the keyboard is on."""

    def __init__(
        self,
        view: QPlainTextEdit,
        to_utf16: Callable[[int], int],
        schema: Callable[[], LabelSchema],
        suggestions: Callable[[], Sequence[Suggestion]],
        current: Callable[[], str | None],
    ) -> None:
        super().__init__(view.viewport())
        self.setObjectName("suggestion_overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._view = view
        self._to_utf16 = to_utf16
        self._schema = schema
        self._suggestions = suggestions
        self._current = current
        self._starts: list[int] = []
        self._longest = 0
        view.viewport().installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(lambda _v: self.update())
        view.horizontalScrollBar().valueChanged.connect(lambda _v: self.update())
        view.updateRequest.connect(lambda _rect, _dy: self.update())
        self.resize(view.viewport().size())
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view.viewport() and event.type() == QEvent.Type.Resize:
            self.resize(self._view.viewport().size())
        return False

    def refresh(self) -> None:
        """The suggestions changed: re-index them and repaint."""
        pending = self._suggestions()
        self._starts = [s.start for s in pending]
        self._longest = max((s.end - s.start for s in pending), default=0)
        self.update()

    # -- geometry ------------------------------------------------------------------------
    def _visible_range(self) -> tuple[int, int]:
        """Code-point-ish bounds (UTF-16 positions) of the text on screen."""
        view = self._view
        first = view.firstVisibleBlock().position()
        corner = view.viewport().rect().bottomRight()
        last = view.cursorForPosition(corner).block().next()
        end = last.position() if last.isValid() else view.document().characterCount()
        return first, end

    def range_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles of code points [start, end) on screen, one per line."""
        view = self._view
        a, b = self._to_utf16(start), self._to_utf16(end)
        document = view.document()
        offset = view.contentOffset()
        height = view.viewport().height()
        block = document.findBlock(a)
        rects: list[QRectF] = []
        while block.isValid() and block.position() < b:
            geometry = view.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > height:
                break
            if block.isVisible() and geometry.bottom() >= 0:
                layout = block.layout()
                position = block.position()
                lo, hi = max(a - position, 0), min(b - position, block.length() - 1)
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    ls, le = line.textStart(), line.textStart() + line.textLength()
                    if le <= lo or ls >= hi:
                        continue
                    x1 = line.cursorToX(max(lo, ls))[0]  # type: ignore[index]
                    x2 = line.cursorToX(min(hi, le))[0]  # type: ignore[index]
                    top = geometry.top() + line.y()
                    rects.append(
                        QRectF(geometry.left() + min(x1, x2), top, abs(x2 - x1), line.height())
                    )
            block = block.next()
        return rects

    def placed(self) -> list[PlacedSuggestion]:
        """The pending suggestions on screen with their rectangles."""
        pending = self._suggestions()
        if not pending:
            return []
        if len(self._starts) != len(pending):
            self.refresh()
        first, last = self._visible_range()
        # code point <= UTF-16 position <= 2 * code point: a superset of what is on screen
        i = bisect_left(self._starts, first // 2 - self._longest)
        out = []
        for s in pending[i:]:
            if s.start > last:
                break
            rects = self.range_rects(s.start, s.end) if s.end > s.start else []
            if not rects:
                continue
            item = PlacedSuggestion(s, rects)
            if s.speaker is not None:
                item.speaker = self.range_rects(s.speaker.start, s.speaker.end)
            out.append(item)
        return out

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        placed = self.placed()
        if not placed:
            return
        schema = self._schema()
        current = self._current()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item in placed:
            s = item.suggestion
            is_current = s.id == current
            if s.kind is SuggestionKind.CLAIM:
                color = QColor(schema.claim_color)
            else:
                color = QColor(schema.color_of(s.label))
            muted = QColor(color)
            muted.setAlpha(255 if is_current else MUTED_ALPHA)
            pen = QPen(muted, 2.4 if is_current else 1.3, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            if is_current:
                tint = QColor(color)
                tint.setAlpha(40)
                painter.setBrush(tint)
            else:
                painter.setBrush(Qt.BrushStyle.NoBrush)
            grow = 2.0 if s.kind is SuggestionKind.CLAIM else 0.5  # claims sit outside entities
            for rect in item.rects:
                painter.drawRoundedRect(rect.adjusted(-grow, -grow, grow, grow), 3, 3)
            if item.speaker:
                link = QColor(color)
                link.setAlpha(220 if is_current else 160)
                painter.setPen(QPen(link, 1.4, Qt.PenStyle.DashDotLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                a = item.rects[0]
                b = item.speaker[0]
                painter.drawLine(QPointF(a.left(), a.top()), QPointF(b.center().x(), b.bottom()))
                speaker_pen = QPen(link, 1.2, Qt.PenStyle.DotLine)
                painter.setPen(speaker_pen)
                for rect in item.speaker:
                    painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.end()
