"""A table whose columns fit its width: every shown column in view, no word cut, no sideways scrolling.

Why: beside a side panel, or at 1024 px, a table sized to its words (one line per cell) is wider than its
room, and the officer scrolls sideways to reach a column or reads a cut word. `fit_columns(table, …)` keeps
each text whole and instead (1) breaks the words of the columns named `wrap` (header and cells) onto more
lines, the widest column first, until the columns fit, and (2) if that is not enough, hides the `optional`
columns in their order (what they show is also elsewhere on the screen); the `stretch` column takes the room
left over. Each cell keeps its one-line text in `FULL_TEXT` (and as its tooltip when broken), so
`text_of()` reads the words whatever the width. It runs again by itself when the table's width changes.
Headers keep a 10 % margin (`HEADER_MARGIN`) for a wider font on another system, as tests/support/screen_check.py
expects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QTableWidget, QTableWidgetItem

FULL_TEXT = Qt.ItemDataRole.UserRole + 41  # a cell's or header's words on one line
HEADER_MARGIN = 1.10
CELL_PAD = 10  # the item view's own padding around a cell's text, and a pixel to spare
MAX_STEPS = 80  # narrowing steps per fit (each narrows one column by a word or a few px)


def text_of(item: QTableWidgetItem | None) -> str:
    """A cell's words on one line, whether or not they are broken onto lines at this width."""
    if item is None:
        return ""
    full = item.data(FULL_TEXT)
    return full if isinstance(full, str) else item.text()


def wrap_words(text: str, width: int, fm: QFontMetrics) -> list[str]:
    """`text` broken at spaces into lines at most `width` px wide (a word wider than that stays whole)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        words: list[str] = []
        for word in para.split(" "):  # "40,9 %" stays on one line
            if word == "%" and words:
                words[-1] += " %"
            else:
                words.append(word)
        for word in words:
            trial = f"{line} {word}" if line else word
            if line and fm.horizontalAdvance(trial) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


class _Column:
    """One column's texts (header first) and the widest line it may have now."""

    def __init__(self, table: QTableWidget, c: int) -> None:
        self.header = table.horizontalHeaderItem(c)
        self.cells = [table.item(r, c) for r in range(table.rowCount())]
        self.fm = QFontMetrics(table.font())
        self.hfm = QFontMetrics(table.horizontalHeader().font())
        h = table.horizontalHeader()
        self.hpad = 2 * h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, h) + 6
        if h.isSortIndicatorShown() and h.sortIndicatorSection() == c:
            self.hpad += h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, h) + 4
        self.limit: int | None = None  # None: one line each

    def _texts(self) -> list[tuple[QTableWidgetItem, QFontMetrics, float]]:
        out = [(it, self.fm, 1.0) for it in self.cells if it is not None]
        if self.header is not None:
            out.append((self.header, self.hfm, HEADER_MARGIN))
        return out

    def width(self) -> int:
        need = 0
        for item, fm, margin in self._texts():
            lines = wrap_words(text_of(item), self.limit, fm) if self.limit else text_of(item).split("\n")
            widest = max((fm.horizontalAdvance(x) for x in lines), default=0)
            pad = self.hpad if margin > 1 else CELL_PAD
            need = max(need, math.ceil(widest * margin) + pad)
        return need

    def narrowest(self) -> int:
        """The width at which every word stands on its own line."""
        return max((math.ceil(fm.horizontalAdvance(w) * m) for it, fm, m in self._texts()
                    for w in text_of(it).replace("\n", " ").replace(" %", "\u00a0%").split(" ")), default=0)

    def apply(self) -> None:
        for item, fm, _m in self._texts():
            full = text_of(item)
            item.setData(FULL_TEXT, full)
            shown = "\n".join(wrap_words(full, self.limit, fm)) if self.limit else full
            if item.text() != shown:
                item.setText(shown)
            if shown != full:
                item.setToolTip(full)
            elif item.toolTip() == full:  # ours, from a narrower fit; a tooltip the code set stays
                item.setToolTip("")


def fit_columns(table: QTableWidget, *, wrap: Sequence[int] | None = None, optional: Sequence[int] = (),
                stretch: int | None = 0) -> None:
    """Fit `table`'s columns to its viewport now (see the module docstring); call after filling it.
    `wrap` None: any column may go onto more lines."""
    wrap = range(table.columnCount()) if wrap is None else wrap
    room = table.viewport().width()
    h = table.horizontalHeader()
    h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    h.setStretchLastSection(False)
    for c in optional:
        table.setColumnHidden(c, False)
    hidden: list[int] = []
    while True:
        shown = [c for c in range(table.columnCount()) if c not in hidden]
        cols = {c: _Column(table, c) for c in shown}
        widths = {c: col.width() for c, col in cols.items()}
        floor = {c: cols[c].narrowest() for c in wrap if c in cols}
        for _step in range(MAX_STEPS):
            narrowable = [c for c in floor if (cols[c].limit or widths[c]) > floor[c]]
            if sum(widths.values()) <= room or not narrowable:
                break
            c = max(narrowable, key=lambda k: widths[k])
            cols[c].limit = max(floor[c], (cols[c].limit or widths[c]) - max(6, widths[c] // 20))
            widths[c] = cols[c].width()
        _relax(cols, widths, room)
        left = [c for c in optional if c not in hidden]
        if sum(widths.values()) <= room or not left:
            break
        hidden.append(left[0])
    for c in hidden:
        table.setColumnHidden(c, True)
    spare = room - sum(widths.values())
    if stretch is not None and stretch in widths and spare > 0:
        widths[stretch] += spare
    for c, col in cols.items():
        col.apply()
        h.resizeSection(c, widths[c])
    table.resizeRowsToContents()


def _relax(cols: dict[int, _Column], widths: dict[int, int], room: int) -> None:
    """Give the room a narrowing step left over back to the broken columns (fewer lines where it fits)."""
    for c in sorted((c for c in cols if cols[c].limit), key=lambda k: -widths[k]):
        spare = room - sum(widths.values())
        if spare <= 0:
            return
        before = cols[c].limit
        cols[c].limit = (before or 0) + spare
        wider = cols[c].width()
        if sum(widths.values()) - widths[c] + wider <= room:
            widths[c] = wider
        else:
            cols[c].limit = before


class ColumnFitter(QObject):
    """Runs `fit_columns` again whenever the table's viewport changes width (a side panel opened, the window
    resized, a scroll bar appeared), once the layout has settled."""

    def __init__(self, table: QTableWidget, *, wrap: Sequence[int] | None = None, optional: Sequence[int] = (),
                 stretch: int | None = 0) -> None:
        super().__init__(table)
        self.table = table
        self.wrap, self.optional, self.stretch = wrap, tuple(optional), stretch
        self._width = -1
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.fit)
        table.viewport().installEventFilter(self)

    def fit(self) -> None:
        self._width = self.table.viewport().width()
        fit_columns(self.table, wrap=self.wrap, optional=self.optional, stretch=self.stretch)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and self.table.viewport().width() != self._width:
            self._timer.start()
        return False
