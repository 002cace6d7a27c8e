"""Appointment slips (giấy hẹn): A6, four to an A4 sheet with cut marks, or an 80 mm thermal roll.

Each slip is laid out first as a list of drawing operations with its height known, so the thermal page
can be exactly as tall as its slip and an A6 slip that would overflow is redrawn a little smaller. The
QR code carries the opaque appointment code and nothing else; the code is printed under it as well.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing import qrcode
from desktop.printing.data import NothingToPrint, SlipData
from desktop.printing.text import long_date, purpose_label, slot_text, things_to_bring
from paper import fonts
from paper.headings import MOTTO, NATION, police_unit, province_police
from paper.layout import t, wrap

A6_W, A6_H = A4[0] / 2, A4[1] / 2
A6_MARGIN = 7 * mm
THERMAL_W = 80 * mm
THERMAL_MARGIN = 4 * mm  # most 80 mm printers print 72 mm
FORMATS = ("a6", "thermal")

# Operation kinds, with coordinates relative to the slip's top-left corner (y grows downward).
_TEXT, _LINE, _QR = 0, 1, 2


@dataclass(slots=True)
class _Layout:
    ops: list[tuple]
    height: float


class _Builder:
    """Accumulates operations top-down; knows the width and the current scale."""

    def __init__(self, width: float, scale: float) -> None:
        self.w = width
        self.s = scale
        self.y = 0.0
        self.ops: list[tuple] = []

    def text(self, x: float, y: float, s: str, font: str, size: float) -> None:
        self.ops.append((_TEXT, x, y, s, font, size))

    def centred(
        self, s: str, font: str, size: float, x0: float = 0.0, w: float | None = None, fit: bool = False
    ) -> None:
        """Centred lines; with `fit`, a line a little too wide is set smaller (to 80 %) before it wraps."""
        w = self.w if w is None else w
        size *= self.s
        if fit:
            full = fonts.width(t(s), font, size)
            if full > w:
                size = max(size * 0.8, size * w / full * 0.999)
        for line in wrap(t(s), font, size, w):
            self.y += size
            self.text(x0 + (w - fonts.width(line, font, size)) / 2, self.y, line, font, size)
            self.y += size * 0.3

    def field(self, label: str, value: str, size: float, bold: bool = False, w: float | None = None) -> None:
        """'Label: value', the value wrapped with a hanging indent under itself."""
        w = self.w if w is None else w
        size *= self.s
        label = t(label) + " "
        lw = fonts.width(label, fonts.REGULAR, size)
        vfont = fonts.BOLD if bold else fonts.REGULAR
        lines = wrap(t(value), vfont, size, max(w - lw, w * 0.4))
        for i, line in enumerate(lines):
            self.y += size
            if i == 0:
                self.text(0, self.y, label, fonts.REGULAR, size)
            self.text(lw, self.y, line, vfont, size)
            self.y += size * 0.38

    def bullets(self, items: Sequence[str], size: float, w: float) -> None:
        size *= self.s
        indent = fonts.width("• ", fonts.REGULAR, size)
        for item in items:
            for i, line in enumerate(wrap(t(item), fonts.REGULAR, size, w - indent)):
                self.y += size
                if i == 0:
                    self.text(0, self.y, "•", fonts.REGULAR, size)
                self.text(indent, self.y, line, fonts.REGULAR, size)
                self.y += size * 0.3

    def gap(self, pts: float) -> None:
        self.y += pts * self.s


def _layout(slip: SlipData, width: float, fmt: str, scale: float) -> _Layout:
    b = _Builder(width, scale)
    s = scale
    unit = police_unit(slip.unit.commune_name)
    prov = province_police(slip.unit.province_name)
    if fmt == "a6":
        # Official heading: issuing unit on the left, the nation and motto on the right.
        left_w = width * 0.42
        right_w = width - left_w
        y0 = b.y
        hs = 6.8
        if prov:
            b.centred(prov, fonts.REGULAR, hs, 0, left_w, fit=True)
        b.centred(unit, fonts.BOLD, hs, 0, left_w, fit=True)
        y_left = b.y
        b.y = y0
        b.centred(NATION, fonts.BOLD, hs, left_w, right_w, fit=True)
        b.centred(MOTTO, fonts.BOLD, hs + 0.3, left_w, right_w)
        mw = fonts.width(MOTTO, fonts.BOLD, (hs + 0.3) * s)
        mid = left_w + right_w / 2
        b.ops.append((_LINE, mid - mw / 2, b.y + 0.6 * s, mid + mw / 2, b.y + 0.6 * s))
        uw = min(fonts.width(unit, fonts.BOLD, hs * s), left_w) * 0.4  # the short rule under the unit
        b.ops.append((_LINE, left_w / 2 - uw / 2, y_left + 2.6 * s, left_w / 2 + uw / 2, y_left + 2.6 * s))
        b.y = max(y_left, b.y)
        b.gap(16)
        b.centred("GIẤY HẸN", fonts.BOLD, 19)
        b.gap(2)
        base = 10.2
    else:
        if prov:
            b.centred(prov, fonts.REGULAR, 8, fit=True)
        b.centred(unit, fonts.BOLD, 9, fit=True)
        b.gap(5)
        b.centred("GIẤY HẸN", fonts.BOLD, 16)
        b.gap(2)
        base = 9.5
    b.centred(purpose_label(slip.purpose), fonts.REGULAR, base - 0.6)
    b.gap(10 if fmt == "a6" else 5)
    b.field("Họ và tên:", slip.full_name, base + 0.6, bold=True)
    year = "" if slip.birth_year is None else str(slip.birth_year)
    b.field("Năm sinh:", year, base)
    if slip.village:
        b.field("Thôn/Tổ:", slip.village, base)
    b.field("Ngày:", long_date(slip.day), base, bold=True)
    b.field("Giờ hẹn:", slot_text(slip.slot_start, slip.slot_end), base, bold=True)
    place = t(slip.point_name)
    if slip.point_address and t(slip.point_address) not in place:
        place = f"{place} ({t(slip.point_address)})" if place else t(slip.point_address)
    b.field("Địa điểm:", place, base)
    b.gap(6 if fmt == "a6" else 3)

    qr_size = (31 * mm if fmt == "a6" else 34 * mm) * s
    code = t(slip.code)
    code_text = t(slip.code_text) or code
    items = things_to_bring(slip.purpose, slip.birth_year, slip.day)
    if fmt == "a6":
        # bring-list and officer on the left, the QR on the right of the lower part
        col_w = width - qr_size - 2 * mm
        top = b.y
        b.field("Khi đến mang theo:", "", base - 0.4, w=col_w)
        b.bullets(items, base - 0.8, col_w)
        left_bottom = b.y
        b.ops.append((_QR, width - qr_size, top, qr_size, code))
        code_size = 9 * s
        cw = fonts.width(code_text, fonts.BOLD, code_size)
        b.text(width - qr_size / 2 - cw / 2, top + qr_size + code_size * 0.9, code_text, fonts.BOLD, code_size)
        b.y = max(left_bottom, top + qr_size + code_size * 1.3)
        if slip.officer:
            b.gap(2)
            b.field("Cán bộ hẹn:", slip.officer, base - 0.8)
    else:
        b.field("Khi đến mang theo:", "", base - 0.4)
        b.bullets(items, base - 0.8, width)
        if slip.officer:
            b.gap(2)
            b.field("Cán bộ hẹn:", slip.officer, base - 0.8)
        b.gap(4)
        b.ops.append((_QR, (width - qr_size) / 2, b.y, qr_size, code))
        b.y += qr_size
        b.centred(code_text, fonts.BOLD, 10)
    b.gap(6 if fmt == "a6" else 3)
    b.centred("Vui lòng đến đúng giờ và mang theo giấy hẹn này.", fonts.REGULAR, base - 1.6)
    return _Layout(b.ops, b.y)


def _draw(c: Canvas, lay: _Layout, x0: float, y_top: float) -> None:
    """All of a slip's text in one text object (a drawString each costs a text object of its own)."""
    text = c.beginText()
    font_now: tuple[str, float] | None = None
    lines = []
    for op in lay.ops:
        kind = op[0]
        if kind == _TEXT:
            _, x, y, s, font, size = op
            if font_now != (font, size):
                text.setFont(font, size)
                font_now = (font, size)
            text.setTextOrigin(x0 + x, y_top - y)
            text.textOut(s)
        elif kind == _LINE:
            _, x1, y1, x2, y2 = op
            lines.append((x0 + x1, y_top - y1, x0 + x2, y_top - y2))
        else:
            _, x, y, size, code = op
            qrcode.draw(c, code, x0 + x, y_top - y - size, size)
    c.drawText(text)
    if lines:
        c.setLineWidth(0.5)
        c.lines(lines)


def _fitted(slip: SlipData, width: float, fmt: str, max_height: float | None) -> _Layout:
    lay = _layout(slip, width, fmt, 1.0)
    scale = 1.0
    while max_height is not None and lay.height > max_height and scale > 0.6:
        scale -= 0.06
        lay = _layout(slip, width, fmt, scale)
    return lay


def build_slips_pdf(slips: Sequence[SlipData], fmt: str = "a6") -> bytes:
    """All slips in one PDF: 'a6' (four per A4 sheet, cut marks) or 'thermal' (one 80 mm page each)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown slip format {fmt!r}")
    if not slips:
        raise NothingToPrint("Không có giấy hẹn nào trong lựa chọn này: không có gì để in.",
                             en="No appointment slips in this selection: nothing to print.")
    fonts.register()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle("Giấy hẹn")
    c.setAuthor(t(police_unit(slips[0].unit.commune_name)))
    c.setCreator("EnrollPoint")
    if fmt == "a6":
        _a6_sheets(c, slips)
    else:
        for slip in slips:
            lay = _fitted(slip, THERMAL_W - 2 * THERMAL_MARGIN, "thermal", None)
            h = lay.height + 2 * THERMAL_MARGIN + 4 * mm
            c.setPageSize((THERMAL_W, h))
            _draw(c, lay, THERMAL_MARGIN, h - THERMAL_MARGIN)
            c.showPage()
    c.save()
    return buf.getvalue()


def _a6_sheets(c: Canvas, slips: Sequence[SlipData]) -> None:
    inner_w = A6_W - 2 * A6_MARGIN
    inner_h = A6_H - 2 * A6_MARGIN
    cells = ((0, A4[1]), (A6_W, A4[1]), (0, A6_H), (A6_W, A6_H))  # top-left corners, reading order
    for start in range(0, len(slips), 4):
        for slip, (x, y) in zip(slips[start : start + 4], cells, strict=False):
            lay = _fitted(slip, inner_w, "a6", inner_h)
            _draw(c, lay, x + A6_MARGIN, y - A6_MARGIN)
        _cut_marks(c)
        c.showPage()


def _cut_marks(c: Canvas) -> None:
    """Ticks where the sheet is cut into four, outside the slips' text, and a cross in the middle."""
    w, h = A4
    tick = 6 * mm
    c.saveState()
    c.setLineWidth(0.4)
    c.setStrokeGray(0.35)
    c.lines([
        (w / 2, h, w / 2, h - tick), (w / 2, 0, w / 2, tick),
        (0, h / 2, tick, h / 2), (w, h / 2, w - tick, h / 2),
        (w / 2 - 3 * mm, h / 2, w / 2 + 3 * mm, h / 2), (w / 2, h / 2 - 3 * mm, w / 2, h / 2 + 3 * mm),
    ])
    c.restoreState()
