"""Small bar and line charts drawn with QPainter.

Chosen over QtCharts and pyqtgraph by size and start-up cost (measured here): QtCharts
needs PySide6-Addons (a 175 MB wheel, 439 MB installed); pyqtgraph is 9.7 MB but brings
numpy (45 MB, not otherwise a dependency) and adds 0.5-0.8 s to the first import. These
charts need neither and start instantly; they draw bars with value labels and lines over
a category axis, in the palette's colours, and are read out through accessible names.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLOURS = ("#1E88E5", "#E53935", "#43A047", "#FB8C00", "#8E24AA", "#00897B", "#6D4C41")


def series_colour(index: int) -> QColor:
    return QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])


def _nice(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.2f}"


class _Chart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.line = 14.0  # a text row, set from the font at each paint
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 180)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def _frame(self, painter: QPainter) -> QRectF:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.base())
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(pal.text().color())
        title = QFontMetricsF(font).height()
        painter.drawText(
            QRectF(8, 4, self.width() - 16, title + 2), Qt.AlignmentFlag.AlignLeft, self.title
        )
        painter.setFont(self.font())
        line = self.line = QFontMetricsF(self.font()).height()  # text rows scale with the font
        top = 4 + title + 4 + line + 2  # the title, then room for the value over the tallest bar
        bottom = 2 * line + 8  # category names under the axis
        return QRectF(48, top, max(10, self.width() - 60), max(10, self.height() - top - bottom))


class BarChart(_Chart):
    """Bars for category -> value (e.g. label -> count); `maximum` fixes the scale (e.g. 1)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.values: list[tuple[str, float]] = []
        self.maximum: float | None = None

    def set_values(self, values: Mapping[str, float | None], maximum: float | None = None) -> None:
        self.values = [(k, float(v)) for k, v in values.items() if v is not None]
        self.maximum = maximum
        summary = ", ".join(f"{k} {_nice(v)}" for k, v in self.values)
        self.setAccessibleDescription(summary or "no data")
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self._frame(painter)
        text = self.palette().text().color()
        if not self.values:
            painter.setPen(text)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "no data yet")
            return
        top = self.maximum or max(v for _, v in self.values) or 1.0
        painter.setPen(QPen(self.palette().mid().color()))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.setPen(text)
        painter.drawText(
            QRectF(0, area.top() - self.line / 2, 44, self.line),
            Qt.AlignmentFlag.AlignRight,
            _nice(top),
        )
        slot = area.width() / len(self.values)
        width = max(2.0, slot * 0.7)
        for i, (name, value) in enumerate(self.values):
            h = area.height() * min(value / top, 1.0)
            x = area.left() + i * slot + (slot - width) / 2
            bar = QRectF(x, area.bottom() - h, width, h)
            painter.fillRect(bar, series_colour(i))
            painter.setPen(text)
            painter.drawText(
                QRectF(x - 10, bar.top() - self.line - 2, width + 20, self.line),
                Qt.AlignmentFlag.AlignCenter,
                _nice(value),
            )
            painter.save()
            painter.translate(x + width / 2, area.bottom() + 4)
            painter.rotate(30 if len(self.values) > 6 else 0)
            painter.drawText(
                QRectF(-slot / 2 - 20, 0, slot + 40, self.line + 2),
                Qt.AlignmentFlag.AlignHCenter,
                name,
            )
            painter.restore()


class LineChart(_Chart):
    """Lines over an ordered category axis (e.g. days): series name -> category -> value."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.categories: list[str] = []
        self.series: dict[str, list[float]] = {}

    def set_series(self, series: Mapping[str, Mapping[str, float]]) -> None:
        categories = sorted({c for values in series.values() for c in values})
        self.categories = categories
        self.series = {name: [float(v.get(c, 0)) for c in categories] for name, v in series.items()}
        summary = "; ".join(
            f"{name}: {_nice(sum(values))} over {len(categories)} periods"
            for name, values in self.series.items()
        )
        self.setAccessibleDescription(summary or "no data")
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self._frame(painter)
        text = self.palette().text().color()
        if not self.categories:
            painter.setPen(text)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "no data yet")
            return
        top = max((max(v) for v in self.series.values() if v), default=1.0) or 1.0
        painter.setPen(QPen(self.palette().mid().color()))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.setPen(text)
        painter.drawText(
            QRectF(0, area.top() - self.line / 2, 44, self.line),
            Qt.AlignmentFlag.AlignRight,
            _nice(top),
        )
        n = len(self.categories)
        step = area.width() / max(1, n - 1)

        def point(i: int, v: float) -> QPointF:
            x = area.left() + (i * step if n > 1 else area.width() / 2)
            return QPointF(x, area.bottom() - area.height() * v / top)

        for s, (name, values) in enumerate(self.series.items()):
            pen = QPen(series_colour(s), 2)
            painter.setPen(pen)
            points = [point(i, v) for i, v in enumerate(values)]
            for a, b in pairwise(points):
                painter.drawLine(a, b)
            for p in points:
                painter.drawEllipse(p, 2.5, 2.5)
            painter.drawText(
                QRectF(area.right() - 150, area.top() + (self.line + 2) * s, 150, self.line),
                Qt.AlignmentFlag.AlignRight,
                name,
            )
        painter.setPen(text)
        for i in sorted({0, n - 1, n // 2}):
            painter.drawText(
                QRectF(point(i, 0).x() - 50, area.bottom() + 4, 100, self.line + 2),
                Qt.AlignmentFlag.AlignHCenter,
                self.categories[i],
            )


def stacked_totals(series: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Series name -> total (e.g. an analyst's annotations over all days)."""
    return {name: float(sum(values.values())) for name, values in series.items()}
