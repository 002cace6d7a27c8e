"""The due list per village (danh sách công dân cần đến làm thủ tục) for the village head and the Fatherland Front.

One section per village (a new page each, so every village head gets his own sheets): who must still come,
by kind of work (first card, cấp đổi, VNeID registration, VNeID activation), with the phone number and an
empty column for the village head's notes. Platypus tables, A4 landscape, "Trang x/y" at the foot.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from desktop.printing.data import NothingToPrint, Unit
from paper import fonts
from paper.headings import chief_title, place_date, police_unit, province_police
from paper.layout import numbered_canvas, state_header, t
from paper.layout import paragraph as _p

PAGE = landscape(A4)
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN
HEADER_SPACE = 20 * mm
TITLE = "DANH SÁCH CÔNG DÂN CẦN ĐẾN LÀM THỦ TỤC"
SUBTITLE = "Cấp thẻ căn cước, cấp đổi thẻ căn cước, đăng ký và kích hoạt tài khoản định danh điện tử (VNeID)"
# Kind code → (column heading, words in the "Cần làm" cell); the order is the columns' order.
KINDS: dict[str, tuple[str, str]] = {
    "first_card": ("Cấp thẻ lần đầu", "Cấp thẻ căn cước lần đầu"),
    "renew": ("Cấp đổi thẻ", "Cấp đổi thẻ căn cước"),
    "vneid_register": ("Đăng ký VNeID", "Đăng ký định danh điện tử mức 2"),
    "vneid_activate": ("Kích hoạt VNeID", "Kích hoạt tài khoản VNeID"),
}


@dataclass(frozen=True, slots=True)
class DueLine:
    full_name: str
    birth: str  # '05/03/1985', or the year alone when only the year is known
    phone: str
    kinds: tuple[str, ...]  # KINDS codes, in KINDS order
    reason: str = ""  # e.g. the card's expiry; '' when the kind says it all
    flag: str = ""  # "Tạm hoãn" / "Bị từ chối"


@dataclass(slots=True)
class VillageDue:
    village: str
    lines: list[DueLine]

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if kind in line.kinds)


@dataclass(slots=True)
class DueListDoc:
    unit: Unit
    on: dt.date
    villages: list[VillageDue] = field(default_factory=list)
    kind: str | None = None  # only this kind of work, or every kind

    @property
    def people(self) -> int:
        return sum(len(v.lines) for v in self.villages)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=fonts.BOLD, fontSize=12.5, leading=16, alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", base, alignment=TA_CENTER),
        "village": ParagraphStyle("village", base, fontName=fonts.BOLD, fontSize=11.5, leading=15,
                                  alignment=TA_CENTER, spaceBefore=4),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=11),
        "cellc": ParagraphStyle("cellc", base, fontSize=9, leading=11, alignment=TA_CENTER),
        "head": ParagraphStyle("head", base, fontName=fonts.BOLD, fontSize=8.5, leading=10.5, alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", base, fontName=fonts.BOLD, alignment=TA_CENTER),
        "signi": ParagraphStyle("signi", base, fontSize=8.5, alignment=TA_CENTER),
        "date": ParagraphStyle("date", base, alignment=TA_CENTER),
    }


_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
]


def _table(v: VillageDue, st: dict[str, ParagraphStyle]) -> Table:
    head = ["STT", "Họ và tên", "Ngày sinh", "Số điện thoại", "Cần làm", "Ghi chú của trưởng thôn/tổ"]
    rows: list[list[object]] = [[_p(h, st["head"]) for h in head]]
    for i, line in enumerate(v.lines, start=1):
        todo = "; ".join(KINDS[k][1] for k in line.kinds if k in KINDS)
        if line.reason:
            todo += f" ({line.reason})"
        if line.flag:
            todo += f" [{line.flag}]"
        rows.append([_p(i, st["cellc"]), _p(line.full_name, st["cell"]), _p(line.birth, st["cellc"]),
                     _p(line.phone, st["cellc"]), _p(todo, st["cell"]), ""])
    widths = [11 * mm, 58 * mm, 24 * mm, 28 * mm, 78 * mm]
    widths.append(WIDTH - sum(widths))  # the notes column takes the rest: room to write by hand
    tbl = Table(rows, colWidths=widths, repeatRows=1, rowHeights=[None] + [9 * mm] * len(v.lines))
    tbl.setStyle(TableStyle(_GRID))
    return tbl


def _summary(v: VillageDue, doc: DueListDoc) -> str:
    kinds = [doc.kind] if doc.kind else list(KINDS)
    parts = [f"{KINDS[k][0]}: {v.count(k)}" for k in kinds if k in KINDS]
    return f"Tổng số: {len(v.lines)} người — " + "; ".join(parts) + "."


def _signatures(doc: DueListDoc, st: dict[str, ParagraphStyle]) -> KeepTogether:
    chief = chief_title(doc.unit.commune_name)
    date_line = Table([["", _p(place_date(doc.unit.commune_name, doc.on), st["date"])]],
                      colWidths=[WIDTH / 2, WIDTH / 2])
    cells = [
        [_p("TRƯỞNG THÔN/TỔ TRƯỞNG TỔ DÂN PHỐ", st["sign"]), _p(chief.upper(), st["sign"])],
        [_p("(Ký, ghi rõ họ tên)", st["signi"]), _p("(Ký tên, đóng dấu)", st["signi"])],
        ["", ""],
    ]
    sig = Table(cells, colWidths=[WIDTH / 2, WIDTH / 2], rowHeights=[None, None, 18 * mm])
    sig.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 6), date_line, sig])


class _StateHeading(Flowable):
    """The two-column state heading (unit left, nation and motto right) at the top of each village's pages."""

    def __init__(self, unit_lines: tuple[str, str]) -> None:
        super().__init__()
        self.unit_lines = unit_lines
        self.width, self.height = WIDTH, HEADER_SPACE

    def draw(self) -> None:
        state_header(self.canv, 0, WIDTH, HEADER_SPACE, self.unit_lines, 9.5)


def build_due_list_pdf(doc: DueListDoc) -> bytes:
    """The due list as PDF bytes; nobody due is NothingToPrint (never a blank page)."""
    if not doc.people:
        raise NothingToPrint("Không có công dân nào cần đến làm thủ tục trong lựa chọn này: không có gì để in.",
                             en="No citizen in this selection is due: nothing to print.")
    fonts.register()
    st = _styles()
    unit_lines = (province_police(doc.unit.province_name), police_unit(doc.unit.commune_name))
    story: list[Flowable] = []
    for v in doc.villages:
        if not v.lines:
            continue
        if story:
            story.append(PageBreak())
        story += [_StateHeading(unit_lines), _p(TITLE, st["title"]), _p(SUBTITLE, st["sub"]),
                  _p(v.village or "(Chưa rõ thôn/tổ)", st["village"]),
                  _p(f"Tính đến ngày {doc.on:%d/%m/%Y}. {_summary(v, doc)}", st["sub"]), Spacer(1, 5),
                  _table(v, st), _signatures(doc, st)]
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=t(f"{TITLE.capitalize()} {doc.on:%d/%m/%Y}"),
                            author=t(police_unit(doc.unit.commune_name)), creator="EnrollPoint")
    pdf.build(story, canvasmaker=numbered_canvas(PAGE[0], MARGIN - 2))
    return buf.getvalue()
