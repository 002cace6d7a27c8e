"""The village list (danh sách) drawn straight on the canvas: thousands of rows in a couple of seconds.

Platypus LongTable needs ~13 s for 10,000 rows; here columns have fixed widths, strings are measured
through a cache, a cell is wrapped only when its text does not fit, and the pages are laid out in a
first pass (row heights, page breaks) so "Trang x/y" knows y before anything is drawn.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from common.vietnamese import name_sort_key, sort_key
from desktop.printing.data import ListDoc, ListRow, NothingToPrint
from desktop.printing.text import purpose_label
from paper import fonts
from paper.headings import place_date, police_unit, province_police
from paper.layout import centred, centred_lines, state_header, t, wrap

PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 16 * mm
SIZE = 8.5
LEADING = 10.5
PAD_TOP = 3.0
PAD_BOTTOM = 3.5
PAD_X = 3.0
HEAD_SIZE = 8.5

# (title, share of the width in mm, alignment, wraps)
COLUMNS: tuple[tuple[str, float, str, bool], ...] = (
    ("STT", 9, "c", False),
    ("Họ và tên", 48, "l", True),
    ("Năm sinh", 13, "c", False),
    ("Thôn/Tổ", 25, "l", True),
    ("Giờ hẹn", 23, "c", True),
    ("Nội dung", 36, "l", True),
    ("Ký nhận", 26, "c", False),
)
TABLE_W = PAGE_W - 2 * MARGIN_X
_MM_TOTAL = sum(c[1] for c in COLUMNS)
COL_W = tuple(TABLE_W * c[1] / _MM_TOTAL for c in COLUMNS)
COL_X = tuple(MARGIN_X + sum(COL_W[:i]) for i in range(len(COLUMNS)))
NAME_COL = 1
FOOTER_BLOCK = 78.0  # total line and the signature of whoever made the list


@dataclass(frozen=True, slots=True)
class _Row:
    cells: tuple[tuple[str, ...], ...]  # wrapped lines per column
    height: float


def sorted_rows(doc: ListDoc) -> list[ListRow]:
    """Rows in the chosen Vietnamese order (given name or family name), villages first if grouped."""
    if doc.order is None or doc.presorted:
        return list(doc.rows)
    order = doc.order

    def key(r: ListRow) -> tuple[str, str]:
        village = sort_key(t(r.village)) if doc.group_by_village and not doc.village else ""
        return village, name_sort_key(t(r.full_name), order)

    return sorted(doc.rows, key=key)


def _layout_row(stt: int, r: ListRow) -> _Row:
    texts = (
        str(stt),
        t(r.full_name),
        "" if r.birth_year is None else str(r.birth_year),
        t(r.village),
        t(r.slot),
        purpose_label(r.purpose, short=True),
        "",
    )
    cells: list[tuple[str, ...]] = []
    lines = 1
    for i, text in enumerate(texts):
        avail = COL_W[i] - 2 * PAD_X
        if COLUMNS[i][3] and text and fonts.width(text, fonts.REGULAR, SIZE) > avail:
            wrapped = wrap(text, fonts.REGULAR, SIZE, avail)
            lines = max(lines, len(wrapped))
            cells.append(wrapped)
        else:
            cells.append((text,))
    return _Row(tuple(cells), lines * LEADING + PAD_TOP + PAD_BOTTOM)


def _header_cells() -> tuple[tuple[tuple[str, ...], ...], float]:
    cells = tuple(wrap(c[0], fonts.BOLD, HEAD_SIZE, COL_W[i] - 2 * PAD_X) for i, c in enumerate(COLUMNS))
    n = max(len(c) for c in cells)
    return cells, n * LEADING + PAD_TOP + PAD_BOTTOM + 1


def build_list_pdf(doc: ListDoc) -> bytes:
    """The list as PDF bytes. Raises NothingToPrint for an empty list (never a blank page)."""
    if not doc.rows:
        raise NothingToPrint()
    fonts.register()
    rows = [_layout_row(i, r) for i, r in enumerate(sorted_rows(doc), start=1)]
    head_cells, head_h = _header_cells()

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(t(f"{doc.title} - {doc.village or doc.point_name}"))
    c.setAuthor(t(police_unit(doc.unit.commune_name)))
    c.setCreator("EnrollPoint")

    first_top = _first_page_top(None, doc)  # measure only
    pages = _paginate(rows, first_top, head_h)
    total = len(pages)
    for pno, (start, end, with_footer) in enumerate(pages, start=1):
        top = _first_page_top(c, doc) if pno == 1 else _running_header(c, doc)
        y = _draw_table_header(c, top, head_cells, head_h)
        y = _draw_rows(c, rows, start, end, y, top)
        if with_footer:
            _draw_end_block(c, doc, len(rows), y)
        _page_number(c, pno, total)
        c.showPage()
    c.save()
    return buf.getvalue()


def _paginate(rows: list[_Row], first_top: float, head_h: float) -> list[tuple[int, int, bool]]:
    """Page breaks as (start, end, has the closing block): the first pass of the two."""
    pages: list[tuple[int, int, bool]] = []
    bottom = MARGIN_BOTTOM + 10
    running_top = PAGE_H - MARGIN_TOP - 22
    i, n = 0, len(rows)
    top = first_top
    while i < n:
        y = top - head_h
        start = i
        while i < n and (y - rows[i].height >= bottom or i == start):
            y -= rows[i].height
            i += 1
        pages.append((start, i, False))
        top = running_top
    # the total line and signature go under the last row, or on a page of their own
    start, end, _ = pages[-1]
    used = (first_top if len(pages) == 1 else running_top) - head_h - sum(r.height for r in rows[start:end])
    if used - FOOTER_BLOCK >= bottom:
        pages[-1] = (start, end, True)
    else:
        pages.append((n, n, True))
    return pages


def _first_page_top(c: Canvas | None, doc: ListDoc) -> float:
    """Draw (or, with c=None, only measure) the first page's heading; return the table's top y."""
    top = PAGE_H - MARGIN_TOP
    if c is None:
        probe = Canvas(io.BytesIO(), pagesize=A4)
        return _first_page_top(probe, doc)
    y = state_header(c, MARGIN_X, PAGE_W - MARGIN_X, top,
                     (province_police(doc.unit.province_name), police_unit(doc.unit.commune_name)), 10)
    y -= 14
    mid = PAGE_W / 2
    y = centred_lines(c, mid, y, doc.title, fonts.BOLD, 13, TABLE_W, 16)
    if doc.subtitle:
        y = centred_lines(c, mid, y, doc.subtitle, fonts.REGULAR, 10, TABLE_W, 13)
    info = []
    if doc.village:
        info.append(f"Thôn/Tổ dân phố: {t(doc.village)}")
    if doc.point_name:
        info.append(f"Địa điểm: {t(doc.point_name)}")
    if doc.day is not None:
        info.append(f"Ngày: {doc.day:%d/%m/%Y}")
    if info:
        y = centred_lines(c, mid, y, "   ·   ".join(info), fonts.REGULAR, 10, TABLE_W, 13)
    return y - 4


def _running_header(c: Canvas, doc: ListDoc) -> float:
    parts = [police_unit(doc.unit.commune_name), t(doc.title).capitalize()]
    if doc.village:
        parts.append(t(doc.village))
    if doc.point_name:
        parts.append(t(doc.point_name))
    if doc.day is not None:
        parts.append(f"{doc.day:%d/%m/%Y}")
    line = wrap(" · ".join(parts), fonts.REGULAR, 8, TABLE_W)[0]
    c.setFillGray(0.3)
    centred(c, PAGE_W / 2, PAGE_H - MARGIN_TOP - 8, line, fonts.REGULAR, 8)
    c.setFillGray(0)
    return PAGE_H - MARGIN_TOP - 22


def _draw_table_header(c: Canvas, top: float, cells: tuple[tuple[str, ...], ...], h: float) -> float:
    c.setFillGray(0.88)
    c.rect(MARGIN_X, top - h, TABLE_W, h, stroke=0, fill=1)
    c.setFillGray(0)
    c.setFont(fonts.BOLD, HEAD_SIZE)
    n = max(len(x) for x in cells)
    for i, lines in enumerate(cells):
        # vertically centred within the header row
        y = top - PAD_TOP - HEAD_SIZE - (n - len(lines)) * LEADING / 2
        mid = COL_X[i] + COL_W[i] / 2
        for line in lines:
            c.drawString(mid - fonts.width(line, fonts.BOLD, HEAD_SIZE) / 2, y, line)
            y -= LEADING
    return top - h


class _CellText:
    """The text operators of each distinct cell string, made once per document.

    ReportLab's `textOut` measures, splits into font subsets and escapes its string on every call: 70,000
    calls for a 10,000-row list, most of the drawing time. A TrueType font gives a character its subset and
    code once, the first time it is used, so a string's operators never change within a document: they are
    cached here and appended to the text object exactly as `textOut` would (`_formatText`'s TrueType
    branch), with the same subset switches. Other fonts go through `textOut`.
    """

    def __init__(self, c: Canvas, text: PDFTextObject) -> None:
        self.text = text
        self.font = pdfmetrics.getFont(text._fontname)
        self.fast = bool(getattr(self.font, "_dynamicFont", False)) and not getattr(self.font, "shapable", False)
        self.doc = c._doc
        self.escape = c._escape
        self.tf = f"{fp_str(text._fontsize)} Tf {fp_str(text._leading)} TL"
        self.cache: dict[str, tuple[tuple[int, str], ...]] = {}

    def draw(self, x: float, y: float, s: str) -> None:
        text = self.text
        if not self.fast:
            text.setTextOrigin(x, y)
            text.textOut(s)
            return
        pieces = self.cache.get(s)
        if pieces is None:
            pieces = self.cache[s] = tuple(
                (subset, f"({self.escape(t)}) Tj") for subset, t in self.font.splitString(s, self.doc)
            )
        code = text._code
        code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        for subset, op in pieces:
            if subset != text._curSubset:
                code.append(f"{self.font.getSubsetInternalName(subset, self.doc)} {self.tf}")
                text._curSubset = subset
            code.append(op)


def _draw_rows(c: Canvas, rows: list[_Row], start: int, end: int, y: float, table_top: float) -> float:
    """Draw rows [start, end) under y (the header row's bottom; table_top is its top): one text object
    and one batch of lines for the whole page."""
    head_bottom = table_bottom = y
    if start < end:
        text = c.beginText()
        text.setFont(fonts.REGULAR, SIZE)
        cell = _CellText(c, text)
        width = fonts.width
        font = fonts.REGULAR
        hlines = []
        for r in rows[start:end]:
            base = y - PAD_TOP - SIZE + 1
            for i, lines in enumerate(r.cells):
                align = COLUMNS[i][2]
                x0 = COL_X[i]
                ly = base
                for line in lines:
                    if line:
                        x = x0 + (COL_W[i] - width(line, font, SIZE)) / 2 if align == "c" else x0 + PAD_X
                        cell.draw(x, ly, line)
                    ly -= LEADING
            y -= r.height
            hlines.append((MARGIN_X, y, MARGIN_X + TABLE_W, y))
        c.drawText(text)
        table_bottom = y
        c.setLineWidth(0.4)
        c.lines(hlines)
    c.setLineWidth(0.6)
    xs = [*COL_X, MARGIN_X + TABLE_W]
    c.lines([(x, table_top, x, table_bottom) for x in xs])
    c.lines([(MARGIN_X, y_, MARGIN_X + TABLE_W, y_) for y_ in (table_top, head_bottom, table_bottom)])
    return table_bottom


def _draw_end_block(c: Canvas, doc: ListDoc, count: int, y: float) -> None:
    y -= 16
    c.setFont(fonts.BOLD, 10)
    c.drawString(MARGIN_X, y, f"Tổng số: {count} công dân.")
    mid = MARGIN_X + TABLE_W * 0.72
    centred(c, mid, y - 16, t(place_date(doc.unit.commune_name, None)), fonts.REGULAR, 9)
    centred(c, mid, y - 30, "NGƯỜI LẬP DANH SÁCH", fonts.BOLD, 9)
    centred(c, mid, y - 41, "(Ký, ghi rõ họ tên)", fonts.REGULAR, 8)


def _page_number(c: Canvas, pno: int, total: int) -> None:
    centred(c, PAGE_W / 2, MARGIN_BOTTOM - 4, f"Trang {pno}/{total}", fonts.REGULAR, 8.5)
