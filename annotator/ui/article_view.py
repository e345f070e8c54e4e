"""The article view: read-only article text with its annotations drawn over it.

Rendering strategy (chosen by measurement, see bench/bench_render.py): the text is a plain
QPlainTextEdit document that is never reformatted; spans are indexed by paragraph
(`SpanIndex`) and painted in `paintEvent` for the visible paragraphs only. Opening a
document therefore costs one `setPlainText` plus a linear index build, and adding a span
costs one repaint of the viewport.

Offsets: the public API speaks code points of the stored text (`text[start:end]`); Qt
positions are UTF-16 code units and are converted with `OffsetMap` at this boundary.

Mouse and keys:
- drag to select text (snapped to whole words unless `snap_to_words` is False, then to
  whole characters/graphemes; leading and trailing whitespace is trimmed);
- click a span to select it; where spans overlap the shortest wins and repeated clicks
  cycle outward; a click on plain text clears the selection; Escape clears too;
- double-click selects the word under the pointer, inside a span too (for nested spans);
- Delete or Backspace removes the selected entity or claim;
- with an entity or claim selected: Shift+Right / Shift+Left grow / shrink its end by one
  word, Ctrl+Shift+Left / Ctrl+Shift+Right grow / shrink its start by one word;
  (all of these are declared once, in `VIEW_KEYS`, which the shortcuts dialog lists)
- Alt+Down / Alt+Up (the workbench's navigator) select the next / previous annotation.

A span tagged from the current text selection (its offsets equal `selected_span()`)
becomes the selected annotation and the text selection is cleared, so Delete and the
resize keys act on it at once.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any, Literal, NamedTuple

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QPlainTextDocumentLayout,
    QPlainTextEdit,
    QToolTip,
    QWidget,
)

from annotator.core.gc_pause import gc_paused
from annotator.core.model import Claim, DocumentAnnotations, EntitySpan
from annotator.core.offsets import OffsetMap
from annotator.ui.document_model import DocumentModel
from annotator.ui.span_layers import CLAIM, ENTITY, Mark, SpanIndex, assign_lanes
from annotator.ui.span_painter import (
    Link,
    Placed,
    is_dark,
    paint_claims,
    paint_fills,
    paint_link,
    paint_outline,
    paint_sentiment_markers,
    paint_tags,
    paint_underlines,
)
from annotator.ui.text_units import TextUnits

# Characters QTextDocument turns into a block break besides "\n" (stored text is normalised
# at import, so these are rare); each becomes one "\n" so positions keep agreeing.
_BLOCK_BREAK_CHARS = "\r\u2029\ufdd0\ufdd1"
_BLOCK_BREAKS = re.compile(f"[{_BLOCK_BREAK_CHARS}]")
# Scripts written right to left: their lines are measured character by character.
_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
# Reading faces with generous built-in line spacing first (QPlainTextEdit's layout has no
# line-height setting, so the face decides it): Noto Serif, Source Serif, Charter, Georgia,
# then the URW Palatino and Century Schoolbook clones found on most Linux desktops.
SERIF_FAMILIES = [
    "Noto Serif",
    "Source Serif 4",
    "Source Serif Pro",
    "Charter",
    "Georgia",
    "P052",
    "C059",
    "DejaVu Serif",
    "Liberation Serif",
    "Times New Roman",
]


DEFAULT_TEXT_SIZE = 13.0
TEXT_SIZES = (9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 16.0, 18.0, 20.0, 24.0)
MEASURE_CHARS = 80  # the longest line on a wide window, in average characters


class ReadingLayout(QPlainTextDocumentLayout):
    """QPlainTextEdit's layout with room between paragraphs and, for inline label tags,
    between lines. QPlainTextDocumentLayout ignores block margins and line heights, so
    the room is added where the view asks for a block's height (only for blocks it
    draws or hit-tests); the text itself is never changed, so offsets stay exact."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.paragraph_spacing = 0.0
        self.line_gap = 0.0

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        rect = super().blockBoundingRect(block)
        gap = self.line_gap
        if gap <= 0:
            return QRectF(rect.x(), rect.y(), rect.width(), rect.height() + self.paragraph_spacing)
        layout = block.layout()
        y = 0.0
        for i in range(layout.lineCount()):  # each line moved down by the gap above it
            line = layout.lineAt(i)
            y += gap
            if line.y() != y:
                line.setPosition(QPointF(line.x(), y))
            y += line.height()
        return QRectF(rect.x(), rect.y(), rect.width(), y + self.paragraph_spacing)


class ViewKey(NamedTuple):
    """One row of the article view's own keys and mouse gestures (the shortcuts dialog
    lists them next to the window's actions). `handler` names what `keyPressEvent` does
    for `keys`; "" means Qt's own text handling or the mouse, listed for reference."""

    keys: str
    text: str
    handler: str = ""


VIEW_KEYS: tuple[ViewKey, ...] = (
    ViewKey("Del", "Delete the selected entity or claim", "delete"),
    ViewKey("Backspace", "Delete the selected entity or claim", "delete"),
    ViewKey("Esc", "Clear the selected span and the text selection", "clear"),
    ViewKey("Shift+Right", "Selected span: grow its end by one word", "end+1"),
    ViewKey("Shift+Left", "Selected span: shrink its end by one word", "end-1"),
    ViewKey("Ctrl+Shift+Left", "Selected span: grow its start by one word", "start-1"),
    ViewKey("Ctrl+Shift+Right", "Selected span: shrink its start by one word", "start+1"),
    ViewKey("Arrows / Home / End", "Move the text caret (no span selected)"),
    ViewKey(
        "Shift+arrows / Shift+Home / Shift+End", "Select text from the caret (no span selected)"
    ),
    ViewKey("Ctrl+Shift+Left/Right", "Select text word by word (no span selected)"),
    ViewKey("Drag", "Select text, snapped to whole words"),
    ViewKey("Double-click", "Select the word under the pointer (also inside a span)"),
    ViewKey("Click", "Select the span under the pointer; click again for the enclosing one"),
)
_KEY_HANDLERS = {QKeySequence(row.keys).toString(): row.handler for row in VIEW_KEYS if row.handler}


class ArticleView(QPlainTextEdit):
    """Shows the current document of `model` with its entities, claims and sentiment."""

    spanSelectionChanged = Signal()
    deleteRequested = Signal()  # Delete/Backspace with an annotation selected
    resizeRequested = Signal(int, str)  # (direction +1/-1, edge "start"/"end")

    def __init__(self, model: DocumentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._text = ""
        self._offsets = OffsetMap("")
        self._index = SpanIndex("")
        self._units = TextUnits("", [])
        self._snap_to_words = True
        self._press_pos: QPoint | None = None
        self._mouse_down = False
        self._quiet = False
        self._last_span: tuple[int, int] | None = None
        self._rtl_blocks: dict[int, bool] = {}
        self._painted_selection: tuple[str, str] = ("", "")
        self._had_links = False

        self.setObjectName("articleView")
        self.setAccessibleName("Article text")
        self.setAccessibleDescription(
            "Read-only article text with its annotations. Drag to select words, press a "
            "label's hotkey to tag them; click a highlighted span to select it, Delete "
            "removes it, Shift+arrows resize it."
        )
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self._apply_typography()

        model.documentChanged.connect(self.reload)
        model.annotationsReset.connect(self._reindex)
        model.annotationChanged.connect(self._on_annotation_changed)
        model.selectionChanged.connect(self._on_selection_changed)
        model.schemaChanged.connect(self.viewport().update)
        self.selectionChanged.connect(self._on_text_selection_changed)
        self.reload()

    # -- setup -------------------------------------------------------------------------
    def _apply_typography(self) -> None:
        self._layout = ReadingLayout(self.document())
        self.document().setDocumentLayout(self._layout)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the margins beside the measure
        self.setAutoFillBackground(True)
        self._show_tags = False
        self.set_text_size(DEFAULT_TEXT_SIZE)
        self.document().setDocumentMargin(22)
        self.setCursorWidth(2)

    # -- reading ---------------------------------------------------------------------------
    @property
    def text_size(self) -> float:
        return self.font().pointSizeF()

    def set_text_size(self, points: float) -> None:
        """The article's font size (points); paragraph spacing and measure follow it."""
        font = QFont(self.font())
        font.setFamilies(SERIF_FAMILIES)
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSizeF(max(TEXT_SIZES[0], min(TEXT_SIZES[-1], points)))
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        self.setFont(font)
        self._apply_spacing()

    def step_text_size(self, step: int) -> float:
        """One size larger (+1) or smaller (-1), or the default (0); the new size."""
        current = self.text_size
        if step == 0:
            size = DEFAULT_TEXT_SIZE
        elif step > 0:
            size = next((s for s in TEXT_SIZES if s > current + 0.01), TEXT_SIZES[-1])
        else:
            size = next((s for s in reversed(TEXT_SIZES) if s < current - 0.01), TEXT_SIZES[0])
        self.set_text_size(size)
        return self.text_size

    @property
    def show_tags(self) -> bool:
        """Label names drawn at the start of each entity (above its first line)."""
        return self._show_tags

    def set_show_tags(self, on: bool) -> None:
        if on != self._show_tags:
            self._show_tags = on
            self._apply_spacing()

    def _tag_font(self) -> QFont:
        font = QFont(self.font())
        font.setFamilies(["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial"])
        font.setStyleHint(QFont.StyleHint.SansSerif)
        font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.55))
        font.setBold(True)
        return font

    def _apply_spacing(self) -> None:
        line = QFontMetricsF(self.font()).lineSpacing()
        self._layout.paragraph_spacing = round(line * 0.6)
        tag_height = QFontMetricsF(self._tag_font()).height()
        self._layout.line_gap = round(tag_height + 1) if self._show_tags else 0.0
        # lay the text out again (the text and its revision are unchanged)
        self.document().markContentsDirty(0, self.document().characterCount())
        self._apply_measure()
        self.viewport().update()

    def _apply_measure(self) -> None:
        """On a wide window the text keeps a readable line length, centred."""
        measure = QFontMetricsF(self.font()).averageCharWidth() * MEASURE_CHARS
        measure += 2 * self.document().documentMargin()
        scrollbar = self.verticalScrollBar()
        bar = scrollbar.sizeHint().width() if scrollbar.isVisible() else 0
        free = self.width() - bar - 2 * self.frameWidth()
        side = max(0, int((free - measure) // 2))
        margins = self.viewportMargins()
        if (margins.left(), margins.right()) != (side, side):
            self.setViewportMargins(side, 0, side, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_measure()

    @property
    def model(self) -> DocumentModel:
        return self._model

    @property
    def index(self) -> SpanIndex:
        """The span index of the current document (read-only use)."""
        return self._index

    @property
    def units(self) -> TextUnits:
        """Word and grapheme boundaries of the current text (read-only use)."""
        return self._units

    @property
    def snap_to_words(self) -> bool:
        """Mouse selections grow to whole words (True) or whole characters (False)."""
        return self._snap_to_words

    @snap_to_words.setter
    def snap_to_words(self, value: bool) -> None:
        self._snap_to_words = bool(value)

    def set_snap_to_words(self, value: bool) -> None:
        self.snap_to_words = value

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the model's current document from scratch (after documentChanged)."""
        text = self._model.text
        self._text = text
        self._offsets = OffsetMap(text)
        self._index = SpanIndex(text)
        self._units = TextUnits(text, self._index.newlines)
        self._rtl_blocks = {}
        self._index_annotations()
        # (str.find per character is far faster than a regex scan of a 3 MB text)
        if any(ch in text for ch in _BLOCK_BREAK_CHARS):
            display = _BLOCK_BREAKS.sub("\n", text)
        else:
            display = text
        self.setPlainText(display)
        self._had_links = False
        self._emit_span_changed()  # a text selection did not survive the new text

    def _index_annotations(self) -> None:
        annotations = self._annotations()
        if annotations is not None:
            with gc_paused():  # tens of thousands of small tuples: skip collector passes
                self._index.put_many(
                    ENTITY, [(e.id, e.start, e.end) for e in annotations.entities.values()]
                )
                self._index.put_many(
                    CLAIM, [(c.id, c.start, c.end) for c in annotations.claims.values()]
                )

    def _reindex(self) -> None:
        """The annotations were re-read as a whole: index them again, keep text and scroll."""
        self._index = self._index.emptied()
        self._index_annotations()
        self._painted_selection = self._model.selection
        self._had_links = self._selection_has_links()
        self.viewport().update()

    def top_offset(self) -> int:
        """The code point at the top of the screen."""
        return self.to_codepoint(self.firstVisibleBlock().position())

    def scroll_to_offset(self, cp: int) -> None:
        """Scroll so that the paragraph holding code point `cp` is at the top."""
        cp = max(0, min(cp, len(self._text)))
        block = self.document().findBlock(self.to_utf16(cp))
        if block.isValid():
            self.verticalScrollBar().setValue(block.firstLineNumber())

    def _annotations(self) -> DocumentAnnotations | None:
        session = self._model.session
        return session.annotations if session is not None else None

    def _on_annotation_changed(self, kind: str, annotation_id: str, removed: bool) -> None:
        """Re-index one span and repaint only the paragraphs it left or entered."""
        annotations = self._annotations()
        if annotations is None:
            return
        touched: list[Mark] = []
        if kind in (ENTITY, CLAIM):
            table: dict[str, Any] = annotations.entities if kind == ENTITY else annotations.claims
            item = None if removed else table.get(annotation_id)
            old = self._index.remove(kind, annotation_id)
            if old is not None:
                touched.append(old)
            if item is not None:
                touched.append(self._index.put(kind, item.id, item.start, item.end))
                if old is None and self.selected_span() == (item.start, item.end):
                    # just tagged from the text selection: select the new annotation instead
                    self.clear_span_selection()
                    self._model.select(kind, item.id)
                    return
        elif kind == "target":
            target = annotations.targets.get(annotation_id)
            entity = annotations.entities.get(target.entity_id) if target is not None else None
            mark = self._index.get(ENTITY, entity.id) if entity is not None else None
            if mark is not None:
                touched.append(mark)
        links = self._selection_has_links()
        if not touched or links or self._had_links:  # arrows may cross the screen
            self._had_links = links
            self.viewport().update()
            return
        self._update_marks(touched)

    def _selection_has_links(self) -> bool:
        """True when the selection draws claim-to-speaker arrows."""
        kind, annotation_id = self._model.selection
        annotations = self._annotations()
        if annotations is None or not kind:
            return False
        if kind == CLAIM:
            claim = annotations.claims.get(annotation_id)
            return claim is not None and bool(claim.speaker_id)
        return any(c.speaker_id == annotation_id for c in annotations.claims.values())

    def _update_marks(self, marks: list[Mark]) -> None:
        """Schedule a repaint of the visible paragraphs these marks touch."""
        wanted: set[int] = set()
        for mark in marks:
            wanted.update(self._index.blocks_of(mark.start, mark.end))
        dirty = QRectF()
        for block, geometry in self._visible_blocks(self.viewport().rect()):
            if block.blockNumber() in wanted:
                dirty = dirty.united(geometry)
        if not dirty.isEmpty():
            width = float(self.viewport().width())
            lift = 4 + self._layout.line_gap  # inline tags sit above the first line
            band = QRectF(0.0, dirty.top() - lift, width, dirty.height() + 4 + lift)
            self.viewport().update(band.toAlignedRect())

    def _on_selection_changed(self, kind: str, annotation_id: str) -> None:
        previous, self._painted_selection = self._painted_selection, (kind, annotation_id)
        self.setCursorWidth(0 if kind else 2)  # a selected span shows no text caret
        if kind and annotation_id:
            self.scroll_to_annotation(kind, annotation_id)
        marks = [self._index.get(k, i) for k, i in (previous, (kind, annotation_id)) if k]
        if self._had_links or self._selection_has_links() or None in marks:
            self.viewport().update()
        else:
            self._update_marks([m for m in marks if m is not None])
        self._had_links = self._selection_has_links()

    # -- offsets -------------------------------------------------------------------------
    def to_utf16(self, cp: int) -> int:
        return cp if self._offsets.is_identity else self._offsets.to_utf16(cp)

    def to_codepoint(self, u16: int, snap: Literal["floor", "ceil"] = "floor") -> int:
        return u16 if self._offsets.is_identity else self._offsets.to_codepoint(u16, snap)

    def utf16_range(self, kind: str, annotation_id: str) -> tuple[int, int] | None:
        """Where an indexed span lies in the Qt document (UTF-16 positions)."""
        mark = self._index.get(kind, annotation_id)
        if mark is None:
            return None
        return self.to_utf16(mark.start), self.to_utf16(mark.end)

    # -- text selection ------------------------------------------------------------------
    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as code points of the stored text, whitespace trimmed."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        a = min(cursor.anchor(), cursor.position())
        b = max(cursor.anchor(), cursor.position())
        limit = self._offsets.utf16_length
        start = self.to_codepoint(min(a, limit), "floor")
        end = self.to_codepoint(min(b, limit), "ceil")
        start, end = self._units.trim(start, end)
        return (start, end) if start < end else None

    def select_span(self, start: int, end: int) -> None:
        """Select code points [start, end) of the stored text (no snapping)."""
        if not 0 <= start <= end <= len(self._text):
            raise ValueError(f"span [{start}, {end}) is outside 0..{len(self._text)}")
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_utf16(start))
        cursor.setPosition(self.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self._set_cursor_quietly(cursor)
        self.ensureCursorVisible()
        self._emit_span_changed()

    def clear_span_selection(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self._set_cursor_quietly(cursor)
        self._emit_span_changed()

    def _set_cursor_quietly(self, cursor: QTextCursor) -> None:
        """Set the cursor without announcing the intermediate selection."""
        self._quiet = True
        try:
            self.setTextCursor(cursor)
        finally:
            self._quiet = False

    def _on_text_selection_changed(self) -> None:
        # announced once the drag ends (snapped), or by whoever set the cursor quietly
        if not (self._mouse_down or self._quiet):
            self._emit_span_changed()

    def _emit_span_changed(self) -> None:
        span = self.selected_span()
        if span != self._last_span:
            self._last_span = span
            self.spanSelectionChanged.emit()

    def _snap_selection(self) -> None:
        """Grow the mouse selection to whole words (or graphemes) and trim whitespace."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        limit = self._offsets.utf16_length
        a = min(cursor.anchor(), cursor.position(), limit)
        b = min(max(cursor.anchor(), cursor.position()), limit)
        start = self.to_codepoint(a, "floor")
        end = self.to_codepoint(b, "ceil")
        unit: Literal["word", "grapheme"] = "word" if self._snap_to_words else "grapheme"
        start, end = self._units.snap(start, end, unit)
        snapped = QTextCursor(self.document())
        if start < end:
            forward = cursor.position() >= cursor.anchor()
            first, second = (start, end) if forward else (end, start)
            snapped.setPosition(self.to_utf16(first))
            snapped.setPosition(self.to_utf16(second), QTextCursor.MoveMode.KeepAnchor)
        else:
            snapped.setPosition(cursor.position())
        self._set_cursor_quietly(snapped)

    # -- geometry -------------------------------------------------------------------------
    def _visible_blocks(self, area: QRect) -> Iterator[tuple[QTextBlock, QRectF]]:
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > area.bottom():
                break
            if block.isVisible() and geometry.bottom() >= area.top():
                yield block, geometry
            block = block.next()

    def _is_rtl(self, block: QTextBlock) -> bool:
        number = block.blockNumber()
        found = self._rtl_blocks.get(number)
        if found is None:
            start, end = self._index.block_start(number), self._index.block_end(number)
            found = _RTL.search(self._text, start, end) is not None
            self._rtl_blocks[number] = found
        return found

    def _block_lines(self, block: QTextBlock, geometry: QRectF, area: QRect) -> _BlockLines:
        """The laid-out lines of a visible block that lie in `area`, read once per paint."""
        layout = block.layout()
        top = geometry.top()
        lines = []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            y = top + line.y()
            if y > area.bottom():
                break
            if y + line.height() >= area.top():
                lines.append(line)
        return _BlockLines(
            layout,
            lines,
            [line.textStart() for line in lines],
            geometry.left(),
            top,
            self._is_rtl(block),
        )

    def _line_rects(self, info: _BlockLines, lo: int, hi: int) -> Iterator[tuple[QRectF, float]]:
        """(rectangle, baseline) per line for the block-local UTF-16 range [lo, hi)."""
        starts = info.starts
        first = max(0, bisect_right(starts, lo) - 1)
        for i in range(first, len(starts)):
            line_start = starts[i]
            if line_start >= hi:
                break
            line = info.lines[i]
            line_end = line_start + line.textLength()
            if line_end <= lo:
                continue
            a, b = max(lo, line_start), min(hi, line_end)
            if a >= b:
                continue
            y = info.top + line.y()
            height = line.height()
            baseline = y + line.ascent()
            if info.rtl:
                for x1, x2 in _visual_runs(info.layout, line, a, b):
                    yield QRectF(info.left + x1, y, x2 - x1, height), baseline
            else:
                x1 = line.cursorToX(a)[0]  # type: ignore[index]
                x2 = line.cursorToX(b)[0]  # type: ignore[index]
                yield QRectF(info.left + min(x1, x2), y, abs(x2 - x1), height), baseline

    def placed_spans(self, area: QRect | None = None) -> list[Placed]:
        """Every span visible in `area` (default: the viewport) with its rectangles.

        Nesting lanes are assigned per paragraph, so a partial repaint draws exactly what a
        full one would.
        """
        area = area if area is not None else self.viewport().rect()
        annotations = self._annotations()
        if annotations is None or not len(self._index):
            return []
        schema = self._model.schema
        targets = {t.entity_id: t.label for t in annotations.targets.values()}
        sentiments = {s.name: s.color for s in schema.sentiment_labels}
        claim_color = QColor(schema.claim_color)
        colors: dict[str, QColor] = {}
        entities = annotations.entities
        placed: dict[tuple[str, str], Placed] = {}
        to_utf16 = self.to_utf16
        for block, geometry in self._visible_blocks(area):
            number = block.blockNumber()
            marks = self._index.in_blocks(number, number)
            if not marks:
                continue
            lanes = assign_lanes(m for m in marks if m.kind == ENTITY)
            lanes.update(assign_lanes(m for m in marks if m.kind == CLAIM))
            position = block.position()
            length = block.length() - 1
            info = self._block_lines(block, geometry, area)
            for mark in marks:
                key = mark.key
                item = placed.get(key)
                if item is None:
                    if mark.kind == ENTITY:
                        entity = entities.get(mark.id)
                        if entity is None:
                            continue
                        color = colors.get(entity.label)
                        if color is None:
                            color = colors[entity.label] = QColor(schema.color_of(entity.label))
                        item = Placed(mark, color, label=entity.label)
                        target = targets.get(mark.id)
                        if target is not None:
                            item.sentiment = QColor(sentiments.get(target, "#9E9E9E"))
                    else:
                        item = Placed(mark, claim_color)
                    placed[key] = item
                lane = lanes[key]
                lo, hi = to_utf16(mark.start) - position, to_utf16(mark.end) - position
                for rect, baseline in self._line_rects(info, lo, hi):
                    if not item.rects:
                        item.head = lo >= 0
                    item.rects.append(rect)
                    item.baselines.append(baseline)
                    item.lanes.append(lane)
                item.tail = hi <= length
        return [item for item in placed.values() if item.rects]

    def spans_at(self, pos: QPoint | QPointF) -> list[Mark]:
        """Spans under a viewport point, shortest first (entities before equal claims)."""
        point = QPointF(pos)
        area = QRect(0, int(point.y()) - 1, self.viewport().width(), 3)
        hits = [p.mark for p in self.placed_spans(area) if p.contains(point)]
        hits.sort(key=lambda m: (m.length, m.kind != ENTITY, m.start, m.id))
        return hits

    def span_rects(self, kind: str, annotation_id: str) -> list[QRectF]:
        """Viewport rectangles of a span's visible part (empty when it is off screen)."""
        for placed in self.placed_spans():
            if placed.mark.key == (kind, annotation_id):
                return list(placed.rects)
        return []

    def scroll_to_annotation(self, kind: str, annotation_id: str) -> None:
        """Scroll so that the span is on screen (no-op when it already is)."""
        mark = self._index.get(kind, annotation_id)
        if mark is None or self.span_rects(kind, annotation_id):
            return
        block = self.document().findBlock(self.to_utf16(mark.start))
        if block.isValid():
            bar = self.verticalScrollBar()
            bar.setValue(max(0, block.firstLineNumber() - 3))

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        # Claim-speaker links can cross the whole screen: with a selection, place everything.
        area = None if self._model.selection[0] else event.rect()
        placed = self.placed_spans(area)
        entities = [p for p in placed if p.mark.kind == ENTITY]
        claims = [p for p in placed if p.mark.kind == CLAIM]
        dark = is_dark(self.palette())
        if entities:
            painter = QPainter(self.viewport())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            paint_fills(painter, entities, dark)
            painter.end()
        super().paintEvent(event)
        if not placed and not self._model.selection[0]:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_underlines(painter, entities, dark)
        if self._show_tags and entities:
            paint_tags(painter, entities, self._tag_font(), dark)
        paint_claims(painter, claims)
        self._paint_selection(painter, placed)
        paint_sentiment_markers(painter, entities, self.palette().color(QPalette.ColorRole.Base))
        painter.end()

    def _paint_selection(self, painter: QPainter, placed: list[Placed]) -> None:
        kind, annotation_id = self._model.selection
        if not kind:
            return
        by_key = {p.mark.key: p for p in placed}
        selected = by_key.get((kind, annotation_id))
        if selected is not None:
            paint_outline(painter, selected, self.palette().color(QPalette.ColorRole.Highlight))
        color = QColor(self._model.schema.claim_color)
        for link in self.speaker_links(placed):
            speaker_placed = by_key.get((ENTITY, link.speaker_id))
            if speaker_placed is not None:
                paint_outline(painter, speaker_placed, color, dashed=kind == ENTITY)
            paint_link(
                painter,
                link.start,
                link.end,
                color,
                link.label,
                self.palette().color(QPalette.ColorRole.Base),
                QRectF(self.viewport().rect()),
            )

    def speaker_links(self, placed: list[Placed] | None = None) -> list[Link]:
        """Claim-to-speaker arrows for the selected claim (or the selected speaker entity).

        An end that is off screen is drawn to the viewport edge it lies beyond, labelled
        with the speaker's text.
        """
        kind, annotation_id = self._model.selection
        annotations = self._annotations()
        if not kind or annotations is None:
            return []
        pairs: list[tuple[Claim, EntitySpan]] = []
        if kind == CLAIM:
            claim = annotations.claims.get(annotation_id)
            if claim is not None and claim.speaker_id:
                speaker = annotations.entities.get(claim.speaker_id)
                if speaker is not None:
                    pairs.append((claim, speaker))
        elif kind == ENTITY:
            entity = annotations.entities.get(annotation_id)
            if entity is not None:
                spoken = annotations.claims.values()
                pairs.extend((c, entity) for c in spoken if c.speaker_id == entity.id)
        if not pairs:
            return []
        placed = self.placed_spans() if placed is None else placed
        by_key = {p.mark.key: p for p in placed}
        height = float(self.viewport().height())
        links = []
        for claim, speaker in pairs:
            claim_placed = by_key.get((CLAIM, claim.id))
            speaker_placed = by_key.get((ENTITY, speaker.id))
            if claim_placed is None and speaker_placed is None:
                continue
            label = ""
            if claim_placed is not None:
                first = claim_placed.rects[0]
                start = QPointF(first.left() + 4.0, first.top())
            else:  # the claim is off screen: start at the edge it lies beyond
                start = QPointF(12.0, 0.0 if claim.start < speaker.start else height)
            if speaker_placed is not None:
                rect = speaker_placed.rects[0]
                end = QPointF(rect.center().x(), rect.top())
            else:
                above = speaker.start < claim.start
                end = QPointF(start.x() + 40.0, 2.0 if above else height - 2.0)
                who = _shorten(self._text[speaker.start : speaker.end], 40)
                label = f"{'↑' if above else '↓'} said by: {who}"
            links.append(Link(claim.id, speaker.id, start, end, label))
        return links

    # -- tooltips --------------------------------------------------------------------------
    def tooltip_text_at(self, pos: QPoint | QPointF) -> str:
        """Plain text describing the spans under a viewport point ("" if none)."""
        annotations = self._annotations()
        if annotations is None:
            return ""
        parts = []
        for mark in self.spans_at(pos):
            if mark.kind == ENTITY:
                entity = annotations.entities.get(mark.id)
                if entity is not None:
                    parts.append(self._describe_entity(entity, annotations))
            else:
                claim = annotations.claims.get(mark.id)
                if claim is not None:
                    parts.append(self._describe_claim(claim, annotations))
        return "\n\n".join(parts)

    def _describe_entity(self, entity: EntitySpan, annotations: DocumentAnnotations) -> str:
        lines = [
            f"{entity.label}: “{_shorten(self._text[entity.start : entity.end], 60)}”",
            f"annotator: {entity.annotator or 'unknown'}",
        ]
        target = annotations.target_for(entity.id)
        if target is not None:
            lines.append(f"sentiment toward it: {target.label}")
        spoken = sum(1 for c in annotations.claims.values() if c.speaker_id == entity.id)
        if spoken:
            lines.append(f"speaker of {spoken} claim{'s' if spoken > 1 else ''}")
        return "\n".join(lines)

    def _describe_claim(self, claim: Claim, annotations: DocumentAnnotations) -> str:
        speaker = annotations.entities.get(claim.speaker_id) if claim.speaker_id else None
        if speaker is not None:
            who = self._text[speaker.start : speaker.end]
        else:
            who = claim.speaker_text or "not set"
        lines = [
            f"Claim: “{_shorten(self._text[claim.start : claim.end], 60)}”",
            f"speaker: {_shorten(who, 60)}",
        ]
        lines.extend(f"{name}: {value}" for name, value in sorted(claim.attributes.items()))
        lines.append(f"annotator: {claim.annotator or 'unknown'}")
        return "\n".join(lines)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_text_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), plain_text_tooltip(text), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # -- mouse ------------------------------------------------------------------------------
    def position_at(self, pos: QPoint | QPointF) -> int | None:
        """The document (UTF-16) cursor position nearest to a viewport point.

        Measured with QTextLine.cursorToX over the valid cursor positions of the line under
        the point: Qt's own hit test (xToCursor) sends a point just after a combining mark
        drawn in another font than its letter to the end of the line.
        """
        point = QPointF(pos)
        found: tuple[QTextBlock, QRectF] | None = None
        for block, geometry in self._visible_blocks(self.viewport().rect()):
            found = (block, geometry)
            if point.y() < geometry.bottom():
                break
        if found is None:
            return None
        block, geometry = found
        layout = block.layout()
        count = layout.lineCount()
        if count == 0:
            return block.position()
        y = point.y() - geometry.top()
        line = layout.lineAt(count - 1)
        for i in range(count):
            candidate = layout.lineAt(i)
            if y < candidate.y() + candidate.height():
                line = candidate
                break
        x = point.x() - geometry.left()
        start = line.textStart()
        best, best_distance = start, float("inf")
        for i in range(start, start + line.textLength() + 1):
            if not layout.isValidCursorPosition(i):
                continue
            distance = abs(_cursor_x(line, i) - x)
            if distance < best_distance:
                best, best_distance = i, distance
        return block.position() + best

    def _move_cursor_to(self, pos: QPointF, *, keep_anchor: bool) -> None:
        target = self.position_at(pos)
        cursor = self.textCursor()
        if target is None or cursor.position() == target:
            return
        mode = QTextCursor.MoveMode.KeepAnchor if keep_anchor else QTextCursor.MoveMode.MoveAnchor
        cursor.setPosition(target, mode)
        self._set_cursor_quietly(cursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        left = event.button() == Qt.MouseButton.LeftButton
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if left:
            self._press_pos = event.position().toPoint()
            self._mouse_down = True
            if not shift:
                cursor = self.textCursor()
                if cursor.hasSelection():  # no drag-and-drop of the old selection
                    cursor.clearSelection()
                    self.setTextCursor(cursor)
        super().mousePressEvent(event)
        if left:
            self._move_cursor_to(event.position(), keep_anchor=shift)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton and self._mouse_down:
            self._move_cursor_to(event.position(), keep_anchor=True)
        elif event.buttons() == Qt.MouseButton.NoButton:
            over_span = bool(self.spans_at(event.position()))
            shape = Qt.CursorShape.PointingHandCursor if over_span else Qt.CursorShape.IBeamCursor
            if self.viewport().cursor().shape() != shape:
                self.viewport().setCursor(shape)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click selects the word under it, also inside a tagged span (so a
        nested span can be made there; a single click selects the span itself)."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        event.accept()
        self._press_pos = None  # handled here; the release that follows has nothing to do
        self._mouse_down = False
        target = self.position_at(event.position())
        if target is None:
            return
        cp = self.to_codepoint(min(target, self._offsets.utf16_length))
        start = self._units.floor(cp, "word")
        end = self._units.ceil(cp, "word")
        if start == end:  # on a boundary: take the word to the right
            end = self._units.ceil(min(cp + 1, len(self._text)), "word")
        start, end = self._units.trim(start, end)
        if start < end:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.to_utf16(start))
            cursor.setPosition(self.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            self._set_cursor_quietly(cursor)
            self._model.select("", "")
        self._emit_span_changed()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        moved = (event.position().toPoint() - self._press_pos).manhattanLength()
        self._press_pos = None
        self._mouse_down = False
        if moved < QApplication.startDragDistance() and not self.textCursor().hasSelection():
            self._click(event.position())
            self._emit_span_changed()
            return
        self._snap_selection()
        self._emit_span_changed()
        if self.selected_span() is not None:
            self._model.select("", "")

    def _click(self, pos: QPointF) -> None:
        hits = self.spans_at(pos)
        if not hits:
            self._model.select("", "")
            return
        keys = [m.key for m in hits]
        current = self._model.selection
        if current in keys:  # a repeated click moves outward to the next enclosing span
            kind, annotation_id = keys[(keys.index(current) + 1) % len(keys)]
        else:
            kind, annotation_id = keys[0]
        self._model.select(kind, annotation_id)

    # -- keyboard ---------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The keys of `VIEW_KEYS` with handlers; everything else is Qt's text handling."""
        combination = event.keyCombination()
        keys = QKeySequence(combination).toString()
        handler = _KEY_HANDLERS.get(keys, "")
        if not handler and combination.keyboardModifiers() & Qt.KeyboardModifier.KeypadModifier:
            plain = combination.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier
            handler = _KEY_HANDLERS.get(QKeySequence(plain | combination.key()).toString(), "")
        if handler and self._handle_key(handler):
            event.accept()
            return
        super().keyPressEvent(event)

    def _handle_key(self, handler: str) -> bool:
        """Do what `handler` (a VIEW_KEYS name) says; False when it does not apply now."""
        kind = self._model.selection[0]
        if handler == "delete":
            if kind:
                self.deleteRequested.emit()
            return bool(kind)
        if handler == "clear":
            if not (kind or self.textCursor().hasSelection()):
                return False
            self._model.select("", "")
            self.clear_span_selection()
            return True
        if kind not in (ENTITY, CLAIM):  # resizing needs a selected span
            return False
        edge, direction = handler[:-2], int(handler[-2:])
        self.resizeRequested.emit(direction, edge)
        return True


class _BlockLines(NamedTuple):
    layout: QTextLayout
    lines: list[QTextLine]
    starts: list[int]
    left: float
    top: float
    rtl: bool


def _cursor_x(line: QTextLine, pos: int, edge: QTextLine.Edge = QTextLine.Edge.Leading) -> float:
    """x of a cursor position in a line (PySide returns (x, adjusted position))."""
    result: Any = line.cursorToX(pos, edge)
    return float(result[0] if isinstance(result, tuple) else result)


def _visual_runs(layout: QTextLayout, line: QTextLine, a: int, b: int) -> list[tuple[float, float]]:
    """Visual x intervals of logical positions [a, b) in a line with mixed directions.

    Each grapheme is measured at its first position (its leading and trailing edges cover
    the whole cluster); positions inside a cluster or a surrogate pair are skipped.
    """
    runs: list[tuple[float, float]] = []
    for i in range(a, b):
        if not layout.isValidCursorPosition(i):
            continue
        x1 = _cursor_x(line, i, QTextLine.Edge.Leading)
        x2 = _cursor_x(line, i, QTextLine.Edge.Trailing)
        lo, hi = min(x1, x2), max(x1, x2)
        if hi - lo < 0.01:
            continue
        runs.append((lo, hi))
    runs.sort()
    merged: list[tuple[float, float]] = []
    for lo, hi in runs:
        if merged and lo <= merged[-1][1] + 0.5:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain_text_tooltip(text: str) -> str:
    """Rich text that displays `text` literally (QToolTip guesses HTML otherwise)."""
    body = html.escape(text).replace("\n", "<br>")
    return f"<qt><p style='white-space:pre-wrap'>{body}</p></qt>"
