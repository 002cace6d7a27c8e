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
from collections.abc import Callable, Sequence

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


class _Metrics:
    """A font's text widths, each string measured once per fit (a fit tries many widths)."""

    def __init__(self, fm: QFontMetrics) -> None:
        self.fm = fm
        self.seen: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        w = self.seen.get(text)
        if w is None:
            w = self.seen[text] = self.fm.horizontalAdvance(text)
        return w


def _words(para: str) -> list[str]:
    words: list[str] = []
    for word in para.split(" "):  # "40,9 %" stays on one line
        if word == "%" and words:
            words[-1] += " %"
        else:
            words.append(word)
    return words


def wrap_words(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    """`text` broken at spaces into lines about `width` px wide (a word wider than that stays whole): a
    line's width is taken as its words' and spaces' widths added up (each word measured once)."""
    space = measure(" ")
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0
        for word in _words(para):
            w = measure(word)
            if line and used + space + w > width:
                lines.append(line)
                line, used = word, w
            else:
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
        lines.append(line)
    return lines


class _Column:
    """One column's texts (header last) and the widest line it may have now."""

    def __init__(self, table: QTableWidget, c: int, cell_m: _Metrics, head_m: _Metrics) -> None:
        h = table.horizontalHeader()
        hpad = 2 * h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, h) + 6
        if h.isSortIndicatorShown() and h.sortIndicatorSection() == c:
            hpad += h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, h) + 4
        items = [table.item(r, c) for r in range(table.rowCount())]
        self.texts = [(it, text_of(it), cell_m, 1.0, CELL_PAD) for it in items if it is not None]
        header = table.horizontalHeaderItem(c)
        if header is not None:
            self.texts.append((header, text_of(header), head_m, HEADER_MARGIN, hpad))
        self.distinct = list({(full, id(m), margin, pad): (full, m, margin, pad)
                              for _it, full, m, margin, pad in self.texts}.values())  # statuses repeat
        self.limit: int | None = None  # None: one line each

    def lines(self, full: str, m: _Metrics) -> list[str]:
        return wrap_words(full, self.limit, m) if self.limit else full.split("\n")

    def width(self) -> int:
        need = 0
        for full, m, margin, pad in self.distinct:
            widest = max((m(x) for x in self.lines(full, m)), default=0)
            need = max(need, math.ceil(widest * margin) + pad)
        return need

    def narrowest(self) -> int:
        """The widest single word: the limit at which every word stands on its own line."""
        return max((math.ceil(m(w) * margin) for full, m, margin, _p in self.distinct
                    for w in _words(full.replace("\n", " "))), default=0)

    def apply(self) -> None:
        for item, full, m, _margin, _pad in self.texts:
            item.setData(FULL_TEXT, full)
            shown = "\n".join(self.lines(full, m))
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
    room = table.viewport().width()
    h = table.horizontalHeader()
    h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    h.setStretchLastSection(False)
    cell_m, head_m = _Metrics(QFontMetrics(table.font())), _Metrics(QFontMetrics(h.font()))
    cols = {c: _Column(table, c, cell_m, head_m) for c in range(table.columnCount())}
    breakable = [c for c in (range(table.columnCount()) if wrap is None else wrap) if c in cols]
    floor = {c: cols[c].narrowest() for c in breakable}
    least = {}  # each column at its narrowest: which optional columns must give way whatever the lines
    for c, col in cols.items():
        col.limit = floor.get(c)
        least[c] = col.width()
        col.limit = None
    hidden = []
    for c in optional:
        if sum(w for k, w in least.items() if k not in hidden) <= room:
            break
        hidden.append(c)
    for c in range(table.columnCount()):
        table.setColumnHidden(c, c in hidden)
    shown = {c: col for c, col in cols.items() if c not in hidden}
    widths = {c: col.width() for c, col in shown.items()}
    for _step in range(MAX_STEPS):
        narrowable = [c for c in floor if c in shown and (shown[c].limit or widths[c]) > floor[c]]
        if sum(widths.values()) <= room or not narrowable:
            break
        c = max(narrowable, key=lambda k: widths[k])
        shown[c].limit = max(floor[c], (shown[c].limit or widths[c]) - max(8, widths[c] // 12))
        widths[c] = shown[c].width()
    _relax(shown, widths, room)
    spare = room - sum(widths.values())
    if stretch is not None and stretch in widths and spare > 0:
        widths[stretch] += spare
    for c, col in shown.items():
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
