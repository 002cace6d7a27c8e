"""Canvas helpers of an A4 paper: NFC text, cached measuring, greedy wrapping, centred lines, the state
heading, and the numbered canvas ("Trang x/y")."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from paper import fonts
from paper.headings import MOTTO, NATION


def t(text: object) -> str:
    """NFC-normalise anything about to be drawn (NFD input renders with floating accents)."""
    if text is None:
        return ""
    s = str(text)
    return s if s.isascii() else unicodedata.normalize("NFC", s)


def paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """A table cell or line of plain text for platypus: NFC, with &, < and > escaped (a Paragraph reads its
    text as markup, so a name like "A <B>" would otherwise vanish or break the page)."""
    return Paragraph(escape(t(text)), style)


@lru_cache(maxsize=100_000)
def wrap(text: str, font: str, size: float, max_width: float) -> tuple[str, ...]:
    """Greedy word wrap; a word wider than the column is broken between letters (never overflows)."""
    if not text:
        return ("",)
    if fonts.width(text, font, size) <= max_width:
        return (text,)
    space = fonts.width(" ", font, size)
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0.0
    for word in text.split():
        ww = fonts.width(word, font, size)
        if ww > max_width:
            if cur:
                lines.append(" ".join(cur))
                cur, cur_w = [], 0.0
            pieces = _break_word(word, font, size, max_width)
            lines.extend(pieces[:-1])
            cur, cur_w = [pieces[-1]], fonts.width(pieces[-1], font, size)
            continue
        add = ww if not cur else cur_w + space + ww
        if cur and add > max_width:
            lines.append(" ".join(cur))
            cur, cur_w = [word], ww
        else:
            cur.append(word)
            cur_w = add
    if cur:
        lines.append(" ".join(cur))
    return tuple(lines)


def _break_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    pieces: list[str] = []
    cur = ""
    for ch in word:
        if cur and fonts.width(cur + ch, font, size) > max_width:
            pieces.append(cur)
            cur = ch
        else:
            cur += ch
    pieces.append(cur)
    return pieces


def centred(c: Canvas, x_mid: float, y: float, text: str, font: str, size: float) -> None:
    c.setFont(font, size)
    c.drawString(x_mid - fonts.width(text, font, size) / 2, y, text)


def centred_lines(
    c: Canvas, x_mid: float, y: float, text: str, font: str, size: float, max_width: float, leading: float
) -> float:
    """Draw wrapped, centred lines downward from baseline y; return the baseline after the last line."""
    for line in wrap(t(text), font, size, max_width):
        centred(c, x_mid, y, line, font, size)
        y -= leading
    return y


def left_lines(
    c: Canvas, x: float, y: float, text: str, font: str, size: float, max_width: float, leading: float
) -> float:
    c.setFont(font, size)
    for line in wrap(t(text), font, size, max_width):
        c.drawString(x, y, line)
        y -= leading
    return y


def state_header(
    c: Canvas,
    left: float,
    right: float,
    top: float,
    unit_lines: tuple[str, str],
    size: float,
    split: float = 0.42,
) -> float:
    """The two-column heading of an official paper: issuing unit left, nation and motto right.

    Returns the y below the block. `split` is the share of the width given to the unit column.
    """
    leading = size * 1.3
    mid = left + (right - left) * split
    province, unit = unit_lines
    y_left = top - size
    if province:
        y_left = centred_lines(c, (left + mid) / 2, y_left, province, fonts.REGULAR, size, mid - left - 4, leading)
    y_left = centred_lines(c, (left + mid) / 2, y_left, unit, fonts.BOLD, size, mid - left - 4, leading)
    right_mid = (mid + right) / 2
    y_right = top - size
    y_right = centred_lines(c, right_mid, y_right, NATION, fonts.BOLD, size,
                            right - mid, leading)
    motto = MOTTO
    centred(c, right_mid, y_right, motto, fonts.BOLD, size)
    mw = fonts.width(motto, fonts.BOLD, size)
    c.setLineWidth(0.5)
    c.line(right_mid - mw / 2, y_right - 2.5, right_mid + mw / 2, y_right - 2.5)
    y_right -= leading
    # a short rule under the unit name, as on official papers
    uw = min(fonts.width(unit, fonts.BOLD, size), mid - left - 4) * 0.4
    c.line((left + mid) / 2 - uw / 2, y_left + leading - 7, (left + mid) / 2 + uw / 2, y_left + leading - 7)
    return min(y_left, y_right) - 2


def numbered_canvas(page_width: float, footer_y: float) -> type[Canvas]:
    """A Canvas class that keeps each page until save(), then writes "Trang x/y" centred at `footer_y`
    with the final page count (ReportLab's two-pass page numbering, as the daily report and lists need)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for i, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                centred(self, page_width / 2, footer_y, f"Trang {i}/{total}", fonts.REGULAR, 8.5)
                super().showPage()
            super().save()

    return NumberedCanvas
