"""What "fits the screen" means for one window, measured in the running app (no tests here).

`problems(window)` lists, in words, each way the window fails the officer's screen: its frame (title bar
included) outside the screen's available area, or a text set by the code that is elided or clipped — a label,
a button, a tab, a column header, a group box or side-panel title, a placeholder, a combo's current text, or
a field too low for its diacritics. Font metrics against the widget's own room: labels, buttons and tabs are
laid out at their size hint (a wider font on another system grows them with the layout), so they must fit
exactly; column widths and other sizes the code fixes must leave `MARGIN` spare for such a font.
Used by tests/support/screen_driver.py on a real X display and by offscreen tests.
"""

from __future__ import annotations

import re

from PySide6 import QtGui
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTabBar,
    QTableWidget,
    QWidget,
)

MARGIN = 1.10  # a fixed width must hold the text in a font 10 % wider than this system's
TITLE_CHROME = 100  # a title bar's icon and buttons (px) beside the window title
_TAGS = re.compile(r"<[^>]+>")


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _name(w: QWidget) -> str:
    return f"{type(w).__name__}({w.objectName() or '-'})"


def _shown(w: QWidget) -> bool:
    return w.isVisible() and not w.visibleRegion().isEmpty()


def frame_problems(window: QWidget, frame: QRect | None = None) -> list[str]:
    """`frame`: the window manager's frame as measured outside Qt (None: Qt's own idea of it)."""
    screen = window.screen()
    area = screen.availableGeometry() if screen else QRect()
    frame = frame or window.frameGeometry()
    out = []
    if not area.contains(frame):
        out.append(f"frame {_r(frame)} outside the available area {_r(area)}")
    title = window.windowTitle()
    if title and window.isWindow():
        need = QFontMetrics(window.font()).horizontalAdvance(title) + TITLE_CHROME
        if frame.width() < need:
            out.append(f"window {frame.width()} px wide: its title needs {need} px ({title!r}; frame {_r(frame)}, "
                       f"client {_r(window.geometry())}, visible {window.isVisible()})")
    return out


def _r(r: QRect) -> str:
    return f"{r.width()}x{r.height()}+{r.x()}+{r.y()}"


def label_problem(w: QLabel) -> str | None:
    text = w.text()
    if not text or w.pixmap() is not None and not w.pixmap().isNull():
        return None
    room = w.contentsRect()
    margin = w.margin() * 2 + max(0, w.indent())
    fm = QFontMetrics(w.font())
    rich = w.textFormat() == Qt.TextFormat.RichText or (
        w.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text))
    if w.wordWrap():
        need_h = w.heightForWidth(room.width() + w.contentsMargins().left() + w.contentsMargins().right())
        if need_h > w.height() + 1:
            return f"{_name(w)} {w.width()}x{w.height()}: its wrapped text needs {need_h} px of height ({text[:60]!r})"
        return None
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(w.font())
        doc.setHtml(text)
        need_w = doc.idealWidth() - 2 * doc.documentMargin()
        lines = 1
    else:
        parts = _plain(text).split("\n") if w.textFormat() != Qt.TextFormat.PlainText else text.split("\n")
        need_w = max(fm.horizontalAdvance(p) for p in parts)
        lines = len(parts)
    if need_w > room.width() - margin + 1:
        return f"{_name(w)}: {room.width() - margin} px for {need_w:.0f} px of text ({_TAGS.sub('', text)[:60]!r})"
    if room.height() + 1 < fm.height() * lines:
        return f"{_name(w)}: {room.height()} px high for {fm.height() * lines} px of text ({text[:40]!r})"
    return None


def button_problem(w: QAbstractButton) -> str | None:
    text = _plain(w.text())
    if not text:
        return None
    if isinstance(w, QPushButton):
        opt = QStyleOptionButton()
        w.initStyleOption(opt)
        fm = QFontMetrics(w.font())
        inner = QSize(fm.horizontalAdvance(text), fm.height())
        if not w.icon().isNull():
            inner.setWidth(inner.width() + w.iconSize().width() + 4)
        need = w.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, opt, inner, w)
    else:
        need = w.sizeHint()
    if w.width() + 1 < need.width() or w.height() + 1 < min(need.height(), QFontMetrics(w.font()).height() + 2):
        return f"{_name(w)} {w.width()}x{w.height()}: needs {need.width()}x{need.height()} for {text!r}"
    return None


def tab_problems(bar: QTabBar) -> list[str]:
    out = []
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        r, hint = bar.tabRect(i), bar.tabSizeHint(i)
        if r.width() + 1 < hint.width() or not bar.rect().contains(r):
            out.append(f"tab {_plain(bar.tabText(i))!r}: {r.width()} px shown of {hint.width()} px")
    return out


def header_problems(h: QHeaderView) -> list[str]:
    if h.orientation() != Qt.Orientation.Horizontal or h.model() is None or not _shown(h):
        return []
    fm = QFontMetrics(h.font())
    pad = 2 * h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, h) + 4
    out = []
    for i in range(h.count()):
        if h.isSectionHidden(i):
            continue
        text = str(h.model().headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        if not text:
            continue
        extra = 0
        if h.isSortIndicatorShown() and h.sortIndicatorSection() == i:
            extra = h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, h) + 4
        need = max(fm.horizontalAdvance(line) for line in text.split("\n")) * MARGIN + pad + extra
        size = h.sectionSize(i)
        if i == h.count() - 1 and h.stretchLastSection():
            size = max(size, h.viewport().width() - h.sectionViewportPosition(i))
        if size < need:
            out.append(f"column {text!r}: {size} px for {need:.0f} px")
        elif h.height() + 1 < fm.height() * len(text.split("\n")):
            out.append(f"column {text!r}: header {h.height()} px high for {len(text.splitlines())} lines")
    return out


def table_problems(t: QTableWidget) -> list[str]:
    """A table our code fills cell by cell: every column in view without scrolling sideways, and no cell's
    text wider than its column (data included: a cut village name is a cut word to the officer)."""
    h = t.horizontalHeader()
    if not _shown(t) or h.isHidden():
        return []
    out = []
    shown = [i for i in range(t.columnCount()) if not t.isColumnHidden(i)]
    width = sum(h.sectionSize(i) for i in shown)
    if width > t.viewport().width() + 1:
        out.append(f"{_name(t)}: columns {width} px wide in {t.viewport().width()} px (scrolls sideways)")
    fm = QFontMetrics(t.font())
    for r in range(min(t.rowCount(), 60)):
        for c in shown:
            item = t.item(r, c)
            if item is None or not item.text():
                continue
            lines = item.text().split("\n")  # a cell our code broke onto lines: each line, and the row's height
            need = max(fm.horizontalAdvance(x) for x in lines) + 8
            if need > h.sectionSize(c) + 1:
                out.append(f"{_name(t)}: cell {item.text()[:40]!r} needs {need} px, column has {h.sectionSize(c)}")
            elif len(lines) > 1 and t.rowHeight(r) + 1 < fm.height() * len(lines):
                out.append(f"{_name(t)}: cell {item.text()[:40]!r} needs {fm.height() * len(lines)} px of height, "
                           f"row has {t.rowHeight(r)}")
    return out


def combo_problem(w: QComboBox) -> str | None:
    text = w.currentText()
    opt = QStyleOptionComboBox()
    w.initStyleOption(opt)
    room = w.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                    QStyle.SubControl.SC_ComboBoxEditField, w)
    fm = QFontMetrics(w.font())
    if text and fm.horizontalAdvance(text) > room.width() + 1:
        return f"{_name(w)}: {room.width()} px for {fm.horizontalAdvance(text)} px ({text[:50]!r})"
    if w.height() + 1 < w.minimumSizeHint().height():
        return f"{_name(w)}: {w.height()} px high, needs {w.minimumSizeHint().height()} (diacritics clip)"
    return None


def line_edit_problem(w: QLineEdit) -> str | None:
    if isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox):
        return None
    if w.height() + 1 < w.minimumSizeHint().height():
        return f"{_name(w)}: {w.height()} px high, needs {w.minimumSizeHint().height()} (diacritics clip)"
    hint = w.placeholderText()
    if hint and not w.text():
        m = w.textMargins()
        room = w.contentsRect().width() - m.left() - m.right() - 4
        need = QFontMetrics(w.font()).horizontalAdvance(hint)
        if need > room + 1:
            return f"{_name(w)}: placeholder cut, {room} px for {need} px ({hint[:50]!r})"
    return None


def widget_problems(window: QWidget) -> list[str]:
    """Each elided or clipped text inside `window` that the officer can see now."""
    out: list[str] = []
    for w in window.findChildren(QWidget):
        if not _shown(w) or w.window() is not window:
            continue
        problem: str | None = None
        if isinstance(w, QLabel):
            problem = label_problem(w)
        elif isinstance(w, QAbstractButton) and not isinstance(w.parentWidget(), QTabBar):
            problem = button_problem(w)
        elif isinstance(w, QComboBox):
            problem = combo_problem(w)
        elif isinstance(w, QLineEdit):
            problem = line_edit_problem(w)
        elif isinstance(w, QAbstractSpinBox) and w.height() + 1 < w.minimumSizeHint().height():
            problem = f"{_name(w)}: {w.height()} px high, needs {w.minimumSizeHint().height()} (diacritics clip)"
        elif isinstance(w, QTabBar):
            out += tab_problems(w)
        elif isinstance(w, QHeaderView):
            out += header_problems(w)
        elif isinstance(w, QTableWidget):
            out += table_problems(w)
        elif isinstance(w, QGroupBox) and w.title():
            need = QFontMetrics(w.font()).horizontalAdvance(_plain(w.title())) + 20
            if w.width() < need:
                problem = f"{_name(w)}: title needs {need} px, has {w.width()}"
        elif isinstance(w, QDockWidget) and not w.isFloating():
            need = QFontMetrics(w.font()).horizontalAdvance(w.windowTitle()) + 50
            if w.width() < need:
                problem = f"side panel {w.windowTitle()!r}: {w.width()} px for a title of {need} px"
        if problem:
            out.append(problem)
    return out


def problems(window: QWidget, frame: QRect | None = None) -> list[str]:
    return frame_problems(window, frame) + widget_problems(window)
