"""A small day-by-day chart drawn with QPainter (Qt Charts is not in PySide6-Essentials).

Bars show each day's count of the selected indicators side by side; lines show their running totals on
the right-hand scale, with dashed target lines. Everything scales with the widget's font.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.ui.support import numbers
from desktop.ui.support.lang import translator

_ = translator("Chart")

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


@dataclass
class Series:
    label: str
    daily: list[int]  # one value per day of `DayChart.days`
    target: int | None = None
    color: str = ""
    base: int = 0  # the running total before the first day shown


@dataclass
class ChartData:
    days: list[dt.date] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)


def _fmt(n: int) -> str:
    return numbers.number(n)


def nice_ticks(top: int, count: int = 4) -> list[int]:
    """0 and round steps (1, 2, 2.5 or 5 × a power of ten) up to at least `top`: 26 → 0, 10, 20, 30."""
    top = max(1, int(top))
    raw = top / count
    power = 10 ** max(0, len(str(int(raw))) - 1)
    step = next((m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw and float(m * power).is_integer()),
                10 * power)
    step = max(1, int(step))
    n = -(-top // step)  # ceil
    return [i * step for i in range(n + 1)]


class DayChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayChart")
        self.data = ChartData()
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("Biểu đồ theo ngày"))

    def sizeHint(self) -> QSize:
        return QSize(640, 280)

    def left_title(self) -> str:
        return _("Trong ngày (cột, người)")

    def right_title(self) -> str:
        return _("Luỹ kế (đường, người)")

    def set_data(self, data: ChartData) -> None:
        for i, s in enumerate(data.series):
            s.color = s.color or PALETTE[i % len(PALETTE)]
        self.data = data
        self.update()

    def paintEvent(self, _event: QPaintEvent | None) -> None:  # noqa: N802 - Qt name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        fm = QFontMetrics(self.font())
        lh = fm.height()
        days, series = self.data.days, self.data.series
        if not days or not series:
            p.setPen(self.palette().color(self.palette().ColorRole.PlaceholderText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("Chưa có số liệu theo ngày"))
            return
        # legend on top
        x = 8.0
        for s in series:
            p.fillRect(QRectF(x, 6 + lh * 0.2, lh * 0.8, lh * 0.6), QColor(s.color))
            p.setPen(self.palette().color(self.palette().ColorRole.Text))
            p.drawText(QPointF(x + lh, 6 + fm.ascent()), s.label)
            x += lh + fm.horizontalAdvance(s.label) + 18
        daily_ticks = nice_ticks(max([max(s.daily, default=0) for s in series] + [1]))
        cum_ticks = nice_ticks(max([s.base + sum(s.daily) for s in series] + [s.target or 0 for s in series] + [1]))
        max_daily, cum_max = daily_ticks[-1], cum_ticks[-1]
        left = fm.horizontalAdvance(_fmt(max_daily)) + 12
        right = fm.horizontalAdvance(_fmt(cum_max)) + 12
        plot = QRectF(left, 12 + lh * 2.6, self.width() - left - right, self.height() - 12 - lh * 4.3)
        if plot.width() < 40 or plot.height() < 40:
            return
        grid = QPen(self.palette().color(self.palette().ColorRole.Mid))
        grid.setStyle(Qt.PenStyle.DotLine)
        text = self.palette().color(self.palette().ColorRole.Text)
        p.setPen(text)  # the scales' titles, above each
        p.drawText(QRectF(4, 8 + lh * 1.2, self.width() / 2, lh), Qt.AlignmentFlag.AlignLeft, self.left_title())
        p.drawText(QRectF(self.width() / 2, 8 + lh * 1.2, self.width() / 2 - 4, lh), Qt.AlignmentFlag.AlignRight,
                   self.right_title())
        for value in daily_ticks:  # left scale (each day) with its grid lines
            y = plot.bottom() - plot.height() * value / max_daily
            p.setPen(grid)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(text)
            p.drawText(QRectF(0, y - lh / 2, left - 6, lh), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       _fmt(value))
        for value in cum_ticks:  # right scale (running totals)
            y = plot.bottom() - plot.height() * value / cum_max
            p.drawText(QRectF(plot.right() + 6, y - lh / 2, right, lh), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       _fmt(value))
        n = len(days)
        slot = plot.width() / n
        bar_w = max(1.0, slot * 0.8 / len(series))
        for si, s in enumerate(series):  # daily bars
            color = QColor(s.color)
            color.setAlpha(150)
            for di, v in enumerate(s.daily[:n]):
                h = plot.height() * v / max_daily
                p.fillRect(QRectF(plot.left() + di * slot + slot * 0.1 + si * bar_w, plot.bottom() - h, bar_w, h), color)
        for s in series:  # running totals and targets
            pen = QPen(QColor(s.color), 2)
            p.setPen(pen)
            path = QPainterPath()
            total = s.base
            for di, v in enumerate(s.daily[:n]):
                total += v
                pt = QPointF(plot.left() + (di + 0.5) * slot, plot.bottom() - plot.height() * total / cum_max)
                path.lineTo(pt) if di else path.moveTo(pt)
            p.drawPath(path)
            if s.target:
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setWidth(1)
                p.setPen(pen)
                y = plot.bottom() - plot.height() * s.target / cum_max
                p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(text)  # day labels, thinned to fit
        label_w = fm.horizontalAdvance("00/00") + 10
        step = max(1, int(label_w / slot) + 1)
        for di in range(0, n, step):
            cx = plot.left() + (di + 0.5) * slot
            p.drawText(QRectF(cx - label_w / 2, plot.bottom() + 4, label_w, lh), Qt.AlignmentFlag.AlignHCenter,
                       days[di].strftime("%d/%m"))
        p.setPen(grid)
        p.drawRect(plot)
        p.end()
