"""Drawing annotation spans over laid-out text: fills, stacked underlines, claims, links.

The article view computes where each visible span lies (a `Placed` with one rectangle per
text line it covers, in viewport coordinates) and hands them here. Fills are drawn before
the text so the glyphs stay crisp; everything else is drawn on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen, QPolygonF

from annotator.ui.span_layers import Mark

UNDERLINE_GAP = 3.0  # vertical distance between stacked underlines, in pixels
FILL_ALPHA_LIGHT = 80
FILL_ALPHA_DARK = 110


@dataclass(slots=True)
class Placed:
    """A visible span: its mark, nesting lane, colour and one rectangle per line it covers."""

    mark: Mark
    lane: int
    color: QColor
    rects: list[QRectF] = field(default_factory=list)
    baselines: list[float] = field(default_factory=list)  # y of the baseline for each rect
    sentiment: QColor | None = None
    head: bool = False  # the first rectangle is where the span starts (not cut off above)
    tail: bool = False  # the last rectangle is where the span ends

    def contains(self, point: QPointF) -> bool:
        return any(r.contains(point) for r in self.rects)

    def bounding(self) -> QRectF:
        out = QRectF()
        for rect in self.rects:
            out = out.united(rect)
        return out


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
        inset = min(placed.lane, 3) * 2.0
        for rect in placed.rects:
            painter.drawRoundedRect(rect.adjusted(0, inset, 0, 0), 2.0, 2.0)


def paint_underlines(painter: QPainter, entities: list[Placed], dark: bool) -> None:
    """One solid underline per span, stacked below the baseline by nesting lane."""
    for placed in entities:
        color = QColor(placed.color)
        color = color.lighter(115) if dark else color.darker(135)
        pen = QPen(color, 2.0)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        for rect, baseline in zip(placed.rects, placed.baselines, strict=True):
            y = baseline + 2.5 + placed.lane * UNDERLINE_GAP
            painter.drawLine(QPointF(rect.left() + 1, y), QPointF(rect.right() - 1, y))


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
        centre = QPointF(rect.right() - 1.0, rect.top() + 2.0)
        painter.setPen(QPen(base, 1.2))
        painter.setBrush(placed.sentiment)
        painter.drawEllipse(centre, 3.6, 3.6)


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
    painter: QPainter, start: QPointF, end: QPointF, color: QColor, label: str = ""
) -> None:
    """A curved arrow from a claim (start) to its speaker (end), with an optional label."""
    path = QPainterPath(start)
    lift = max(24.0, abs(end.x() - start.x()) * 0.15)
    top = min(start.y(), end.y()) - lift
    path.cubicTo(QPointF(start.x(), top), QPointF(end.x(), top), end)
    pen = QPen(color, 2.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    angle_from = path.pointAtPercent(0.94)
    _arrow_head(painter, angle_from, end, color)
    if label:
        painter.setPen(color)
        painter.drawText(QPointF(min(start.x(), end.x()) + 4.0, max(12.0, top + 12.0)), label)


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
