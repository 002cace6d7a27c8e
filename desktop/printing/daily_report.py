"""The daily report (báo cáo ngày): indicators against targets, villages, no-shows, signatures.

A few pages at most, so it uses platypus tables (wrapping cells, spans) rather than the hand-drawn
canvas of the village list; "Trang x/y" comes from a canvas that holds its pages until the count is known.
"""

from __future__ import annotations

import io
import math

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.printing.data import DailyReportData, NothingToPrint, VillageLine, village_goal_text
from paper import fonts
from paper.headings import (
    chief_title,
    place_date,
    police_unit,
    province_police,
    report_copies,
    report_number,
    report_recipients,
)
from paper.layout import centred, numbered_canvas, state_header, t
from paper.layout import paragraph as _p

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
HEADER_SPACE = 30 * mm  # the state heading, the number and the place and date, drawn on the first page
SPLIT = 0.42  # share of the width of the unit column in the heading (as layout.state_header)


def pct(value: float | None) -> str:
    """Vietnamese number style: 86,93 (comma decimal); '—' when there is no target."""
    if value is None:
        return "—"
    floored = math.floor(value * 100 + 1e-9) / 100  # 99,996 % is not yet 100 %: never round up
    return f"{floored:.2f}".replace(".", ",")


def num(n: int | None) -> str:
    """Thousands with dots, as written in Vietnam: 1.162.884."""
    return "—" if n is None else f"{n:,}".replace(",", ".")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=fonts.BOLD, fontSize=12, leading=16, alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", base, alignment=TA_CENTER),
        "h": ParagraphStyle("h", base, fontName=fonts.BOLD, fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "cellc": ParagraphStyle("cellc", base, fontSize=8.5, leading=10.5, alignment=TA_CENTER),
        "head": ParagraphStyle("head", base, fontName=fonts.BOLD, fontSize=8, leading=10, alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", base, fontName=fonts.BOLD, alignment=TA_CENTER),
        "signi": ParagraphStyle("signi", base, fontSize=8.5, alignment=TA_CENTER),
        "date": ParagraphStyle("date", base, alignment=TA_CENTER, fontName=fonts.REGULAR),
        "left": ParagraphStyle("left", base, alignment=TA_LEFT),
        "to": ParagraphStyle("to", base, alignment=TA_LEFT, leftIndent=62 * mm),
        "note": ParagraphStyle("note", base, fontName=fonts.REGULAR, fontSize=8.5, alignment=TA_CENTER),
        "recv_h": ParagraphStyle("recv_h", base, fontName=fonts.BOLD, fontSize=9, leading=11),
        "recv": ParagraphStyle("recv", base, fontSize=8, leading=10),
    }


_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def _indicator_table(data: DailyReportData, st: dict[str, ParagraphStyle]) -> Table:
    head = ["STT", "Chỉ tiêu", "Trong ngày", "Lũy kế", "Chỉ tiêu giao", "Tỷ lệ đạt (%)"]
    rows = [[_p(h, st["head"]) for h in head]]
    for i, ind in enumerate(data.indicators, start=1):
        rows.append([
            _p(i, st["cellc"]), _p(ind.label, st["cell"]), _p(num(ind.today), st["cellc"]),
            _p(num(ind.cumulative), st["cellc"]), _p(num(ind.target), st["cellc"]), _p(pct(ind.percent), st["cellc"]),
        ])
    widths = [10 * mm, 70 * mm, 22 * mm, 24 * mm, 26 * mm, 28 * mm]
    tbl = Table(rows, colWidths=widths, repeatRows=1)
    tbl.setStyle(TableStyle([*_GRID, ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88))]))
    return tbl


def _village_goal(v: VillageLine, data: DailyReportData) -> str:
    """'Hồ sơ cấp thẻ …: 80,00 % — Đạt' for a village with targets set by the commune; '' without."""
    return village_goal_text(v, [ind.label for ind in data.indicators])


def _village_table(data: DailyReportData, st: dict[str, ParagraphStyle]) -> Table:
    n = len(data.indicators)
    goals = any(v.targets for v in data.villages)
    top = [_p("STT", st["head"]), _p("Thôn/Tổ dân phố", st["head"])]
    sub: list[object] = ["", ""]
    for ind in data.indicators:
        top += [_p(ind.label, st["head"]), ""]
        sub += [_p("Trong ngày", st["head"]), _p("Lũy kế", st["head"])]
    if goals:
        top.append(_p("Chỉ tiêu của thôn: tỷ lệ đạt", st["head"]))
        sub.append("")
    rows: list[list[object]] = [top, sub]
    tot_today = [0] * n
    tot_cum = [0] * n
    for i, v in enumerate(data.villages, start=1):
        row: list[object] = [_p(i, st["cellc"]), _p(v.village or "(Chưa rõ thôn/tổ)", st["cell"])]
        for k in range(n):
            a = v.today[k] if k < len(v.today) else 0
            b = v.cumulative[k] if k < len(v.cumulative) else 0
            tot_today[k] += a
            tot_cum[k] += b
            row += [_p(num(a), st["cellc"]), _p(num(b), st["cellc"])]
        if goals:
            row.append(_p(_village_goal(v, data) or "—", st["cell"]))
        rows.append(row)
    total: list[object] = ["", _p("Tổng cộng", st["head"])]
    for k in range(n):
        total += [_p(num(tot_today[k]), st["head"]), _p(num(tot_cum[k]), st["head"])]
    if goals:
        total.append("")
    rows.append(total)
    first = [10 * mm, 35 * mm if not goals else 30 * mm]
    last = [38 * mm] if goals else []
    rest = (WIDTH - sum(first) - sum(last)) / max(1, 2 * n)
    style = [
        *_GRID,
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (1, 1)),
        ("BACKGROUND", (0, 0), (-1, 1), colors.Color(0.88, 0.88, 0.88)),
        ("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.95, 0.95, 0.95)),
    ]
    for k in range(n):
        style.append(("SPAN", (2 + 2 * k, 0), (3 + 2 * k, 0)))
    if goals:
        style.append(("SPAN", (2 + 2 * n, 0), (2 + 2 * n, 1)))
    tbl = Table(rows, colWidths=first + [rest] * (2 * n) + last, repeatRows=2)
    tbl.setStyle(TableStyle(style))
    return tbl


def _no_show_table(data: DailyReportData, st: dict[str, ParagraphStyle]) -> Table:
    head = ["STT", "Họ và tên", "Năm sinh", "Thôn/Tổ", "Giờ hẹn"]
    rows = [[_p(h, st["head"]) for h in head]]
    for i, ns in enumerate(data.no_shows or [], start=1):
        rows.append([_p(i, st["cellc"]), _p(ns.full_name, st["cell"]),
                     _p("" if ns.birth_year is None else ns.birth_year, st["cellc"]),
                     _p(ns.village, st["cell"]), _p(ns.slot, st["cellc"])])
    tbl = Table(rows, colWidths=[10 * mm, 70 * mm, 22 * mm, 48 * mm, 30 * mm], repeatRows=1)
    tbl.setStyle(TableStyle([*_GRID, ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88))]))
    return tbl


def _recipients(data: DailyReportData) -> tuple[str, ...]:
    return data.recipients or report_recipients(data.unit.commune_name, data.unit.province_name)


def _signatures(data: DailyReportData, st: dict[str, ParagraphStyle]) -> KeepTogether:
    chief = chief_title(data.unit.commune_name)
    date_line = Table([["", _p(place_date(data.unit.commune_name, data.day), st["date"])]],
                      colWidths=[WIDTH / 2, WIDTH / 2])
    # Decree 30/2020: "Nơi nhận" at the foot, left: the addressees ("Như trên"), and the office's copy.
    where = [_p(line, st["recv_h" if i == 0 else "recv"]) for i, line in enumerate(report_copies(data.unit.commune_name, data.copies))]
    cells = [
        [_p("NGƯỜI LẬP BIỂU", st["sign"]), _p(chief.upper(), st["sign"])],
        [_p("(Ký, ghi rõ họ tên)", st["signi"]), _p("(Ký tên, đóng dấu)", st["signi"])],
        ["", ""],
        [_p(data.prepared_by, st["sign"]), _p(data.chief_name, st["sign"])],
    ]
    sig = Table(cells, colWidths=[WIDTH / 2, WIDTH / 2], rowHeights=[None, None, 22 * mm, None])
    sig.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    recv = Table([[where, ""]], colWidths=[WIDTH / 2, WIDTH / 2])
    recv.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 8), date_line, sig, Spacer(1, 6), recv])


def build_report_pdf(data: DailyReportData) -> bytes:
    """The daily report as PDF bytes. No indicator at all means nothing to report (NothingToPrint)."""
    if not data.indicators:
        raise NothingToPrint("Chưa có chỉ tiêu nào để báo cáo: không có gì để in.",
                             en="No targets to report yet: nothing to print.")
    fonts.register()
    st = _styles()
    story: list[object] = [Spacer(1, HEADER_SPACE)]
    story.append(_p("BÁO CÁO KẾT QUẢ CẤP THẺ CĂN CƯỚC VÀ ĐỊNH DANH ĐIỆN TỬ", st["title"]))
    where = f"Điểm thu nhận: {t(data.point_name)}" if data.point_name else "Toàn địa bàn"
    story.append(_p(f"Ngày {data.day:%d/%m/%Y} · {where}", st["sub"]))
    story.append(Spacer(1, 4))
    to = _recipients(data)
    if len(to) == 1:
        story.append(_p(f"Kính gửi: {to[0]}.", st["sub"]))
    else:
        story.append(_p("Kính gửi:", st["sub"]))
        for i, name in enumerate(to):
            story.append(_p(f"- {name}{'.' if i == len(to) - 1 else ';'}", st["to"]))
    if data.point_name:
        story.append(Spacer(1, 3))
        story.append(_p("Báo cáo của một điểm thu nhận: không so với chỉ tiêu giao cho toàn xã, "
                        "tỷ lệ đạt chỉ tính trên báo cáo toàn địa bàn.", st["note"]))
    story.append(Spacer(1, 6))
    story.append(_p("I. KẾT QUẢ THEO CHỈ TIÊU", st["h"]))
    story.append(_indicator_table(data, st))
    story.append(Spacer(1, 4))
    story.append(_p(
        f"Lịch hẹn trong ngày: {num(data.appointments_count)}; đã đến: {num(data.attended_count)}; "
        f"vắng mặt: {num(data.no_show_count)}.", st["base"]))
    story.append(_p("II. KẾT QUẢ THEO THÔN/TỔ DÂN PHỐ", st["h"]))
    if data.villages:
        story.append(_village_table(data, st))
    else:
        story.append(_p("Không có số liệu theo thôn/tổ trong ngày.", st["base"]))
    story.append(_p("III. CÔNG DÂN VẮNG MẶT THEO LỊCH HẸN", st["h"]))
    story.append(_p(f"Số người vắng mặt: {num(data.no_show_count)}.", st["base"]))
    if data.no_shows:
        story.append(Spacer(1, 4))
        story.append(_no_show_table(data, st))
    story.append(_signatures(data, st))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=t(f"Báo cáo ngày {data.day:%d/%m/%Y}"),
                            author=t(police_unit(data.unit.commune_name)), creator="EnrollPoint")
    unit_lines = (province_police(data.unit.province_name), police_unit(data.unit.commune_name))

    def first_page(c: Canvas, _doc: object) -> None:
        y = state_header(c, MARGIN, A4[0] - MARGIN, A4[1] - MARGIN, unit_lines, 10, SPLIT)
        mid = MARGIN + WIDTH * SPLIT
        centred(c, (MARGIN + mid) / 2, y - 4, t(report_number(data.unit.commune_name, data.number)),
                fonts.REGULAR, 10)
        centred(c, (mid + A4[0] - MARGIN) / 2, y - 4, t(place_date(data.unit.commune_name, data.day)),
                fonts.REGULAR, 10)

    doc.build(story, onFirstPage=first_page, canvasmaker=numbered_canvas(A4[0], MARGIN - 2))
    return buf.getvalue()
