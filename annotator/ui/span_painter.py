"""Drawing annotation spans over laid-out text: fills, stacked underlines, claims, links.

The article view computes where each visible span lies (a `Placed` with one rectangle per
text line it covers, in viewport coordinates) and hands them here. Fills are drawn before
the text so the glyphs stay crisp; everything else is drawn on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
)

from annotator.ui.span_layers import Mark
from annotator.ui.theme import text_colour_on

UNDERLINE_GAP = 3.0
SENTIMENT_RADIUS = 4.5  # vertical distance between stacked underlines, in pixels
FILL_ALPHA_LIGHT = 80
FILL_ALPHA_DARK = 110


@dataclass(slots=True)
class Placed:
    """A visible span: its mark, colour and one rectangle (with lane) per line it covers."""

    mark: Mark
    color: QColor
    rects: list[QRectF] = field(default_factory=list)
    baselines: list[float] = field(default_factory=list)  # y of the baseline for each rect
    lanes: list[int] = field(default_factory=list)  # nesting lane of each rect's paragraph
    sentiment: QColor | None = None
    label: str = ""  # an entity's label name (for inline tags)
    head: bool = False  # the first rectangle is where the span starts (not cut off above)
    tail: bool = False  # the last rectangle is where the span ends

    def contains(self, point: QPointF) -> bool:
        return any(r.contains(point) for r in self.rects)

    def bounding(self) -> QRectF:
        out = QRectF()
        for rect in self.rects:
            out = out.united(rect)
        return out


@dataclass(frozen=True, slots=True)
class Link:
    """An arrow from a claim to its speaker entity, in viewport coordinates."""

    claim_id: str
    speaker_id: str
    start: QPointF
    end: QPointF
    label: str = ""


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def paint_fills(painter: QPainter, entities: list[Placed], dark: bool) -> None:
    """Translucent label-coloured fills; overlaps blend, deeper lanes are inset from the top."""
    alpha = FILL_ALPHA_DARK if dark else FILL_ALPHA_LIGHT
    painter.setPen(Qt.PenStyle.NoPen)
    for placed in entities:
        fill = QColor(placed.color)
        fill.setAlpha(alpha)
        painter.setBrush(fill)
        for rect, lane in zip(placed.rects, placed.lanes, strict=True):
            inset = 1.0 + min(lane, 3) * 2.0  # 1px keeps neighbouring lines apart
            painter.drawRoundedRect(rect.adjusted(0, inset, 0, -1.0), 2.0, 2.0)


def paint_underlines(painter: QPainter, entities: list[Placed], dark: bool) -> None:
    """One solid underline per span, stacked below the baseline by nesting lane."""
    for placed in entities:
        color = QColor(placed.color)
        color = color.lighter(115) if dark else color.darker(135)
        pen = QPen(color, 2.0)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        rows = zip(placed.rects, placed.baselines, placed.lanes, strict=True)
        for rect, baseline, lane in rows:
            y = baseline + 2.5 + lane * UNDERLINE_GAP
            painter.drawLine(QPointF(rect.left() + 1, y), QPointF(rect.right() - 1, y))


def paint_tags(painter: QPainter, entities: list[Placed], font: QFont, dark: bool) -> None:
    """Inline label tags: the label name in small capitals just above where each entity
    starts (in the room the layout leaves between lines); tags of spans that start at
    the same place are set side by side."""
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    height = metrics.height()
    taken: dict[float, float] = {}  # line top -> the first x that is free
    for placed in sorted(entities, key=lambda p: (p.rects[0].top(), p.rects[0].left())):
        if not placed.head or not placed.label:
            continue
        first = placed.rects[0]
        top = first.top()
        x = max(first.left(), taken.get(top, -1e9))
        width = metrics.horizontalAdvance(placed.label) + 6.0
        box = QRectF(x, top - height - 1.0, width, height)
        taken[top] = box.right() + 2.0
        color = QColor(placed.color)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color.darker(110) if dark else color)
        painter.drawRoundedRect(box, 3.0, 3.0)
        painter.setPen(QColor(text_colour_on(color.name())))
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), placed.label)


def paint_claims(painter: QPainter, claims: list[Placed]) -> None:
    """Claims: a dashed overline on every line plus square brackets at both ends."""
    for placed in claims:
        if not placed.rects:
            continue
        pen = QPen(placed.color, 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for rect in placed.rects:
            y = rect.top() + 1.0
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.setPen(QPen(placed.color, 2.0))
        if placed.head:
            _bracket(painter, placed.rects[0], left=True)
        if placed.tail:
            _bracket(painter, placed.rects[-1], left=False)


def _bracket(painter: QPainter, rect: QRectF, *, left: bool) -> None:
    x = rect.left() if left else rect.right()
    tick = 4.0 if left else -4.0
    top, bottom = rect.top() + 1.0, rect.bottom() - 1.0
    points = [QPointF(x + tick, top), QPointF(x, top)]
    points += [QPointF(x, bottom), QPointF(x + tick, bottom)]
    painter.drawPolyline(QPolygonF(points))


def paint_sentiment_markers(painter: QPainter, entities: list[Placed], base: QColor) -> None:
    """A small dot in the sentiment's colour at the top right corner of the span."""
    for placed in entities:
        if placed.sentiment is None or not placed.rects:
            continue
        rect = placed.rects[-1]
        centre = QPointF(rect.right(), rect.top() + 2.0)
        painter.setPen(QPen(base, 1.5))
        painter.setBrush(placed.sentiment)
        painter.drawEllipse(centre, SENTIMENT_RADIUS, SENTIMENT_RADIUS)


def paint_outline(
    painter: QPainter, placed: Placed, color: QColor, *, dashed: bool = False
) -> None:
    """Outline every rectangle of a span (the selected annotation, or a linked speaker)."""
    pen = QPen(color, 2.0, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for rect in placed.rects:
        painter.drawRoundedRect(rect.adjusted(-1.5, -1.0, 1.5, 1.0), 3.0, 3.0)


def paint_link(
    painter: QPainter,
    start: QPointF,
    end: QPointF,
    color: QColor,
    label: str = "",
    background: QColor | None = None,
    bounds: QRectF | None = None,
) -> None:
    """An arrow from a claim (start) to its speaker (end).

    Between two visible spans the arrow arches above the text. With a `label` the speaker
    is off screen: the arrow runs straight to the edge at `end` and the label is drawn in
    a small box beside its tip, kept inside `bounds`.
    """
    pen = QPen(color, 2.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if label:
        painter.drawLine(start, end)
        _arrow_head(painter, start, end, color)
        _label_box(painter, end, label, color, background, bounds)
        return
    path = QPainterPath(start)
    lift = max(14.0, min(40.0, abs(end.x() - start.x()) * 0.08))  # stay near the lines
    top = min(start.y(), end.y()) - lift
    path.cubicTo(QPointF(start.x(), top), QPointF(end.x(), top), end)
    painter.drawPath(path)
    _arrow_head(painter, path.pointAtPercent(0.94), end, color)


def _label_box(
    painter: QPainter,
    tip: QPointF,
    label: str,
    color: QColor,
    background: QColor | None,
    bounds: QRectF | None,
) -> None:
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(label) + 12.0
    height = metrics.height() + 6.0
    x = tip.x() + 10.0
    below = bounds is None or tip.y() < bounds.center().y()
    y = tip.y() + 2.0 if below else tip.y() - height - 2.0
    if bounds is not None:
        x = max(bounds.left() + 2.0, min(x, bounds.right() - width - 2.0))
    box = QRectF(x, y, width, height)
    painter.setPen(QPen(color, 1.2))
    painter.setBrush(background if background is not None else Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(box, 4.0, 4.0)
    painter.setPen(color)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)


def _arrow_head(painter: QPainter, tail: QPointF, tip: QPointF, color: QColor) -> None:
    dx, dy = tip.x() - tail.x(), tip.y() - tail.y()
    length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    ux, uy = dx / length, dy / length
    size = 8.0
    left = QPointF(tip.x() - ux * size - uy * size * 0.5, tip.y() - uy * size + ux * size * 0.5)
    right = QPointF(tip.x() - ux * size + uy * size * 0.5, tip.y() - uy * size - ux * size * 0.5)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(QPolygonF([tip, left, right]))
