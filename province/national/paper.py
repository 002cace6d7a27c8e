"""The national hub's monthly A4 summary for the ministry's working group, in the Decree 30/2020 layout the
province papers use (province.dashboard.paper_report; fonts, headings and "Trang x/y" from `paper/`): the
ministry top-left, nation and motto top-right, number, place and date, title, addressee, the provinces
ranked by the month's figure with their communes reported in the month / communes in the register and the
last day held, the national total, "Nơi nhận" and the signature block.

The month is read from the commune-days with `day` in the month (one read; a paper, not a page)."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.paper import paper_date
from paper import fonts
from paper.headings import MOTTO, NATION
from paper.layout import numbered_canvas, paragraph
from province.dashboard.brief import vn_int
from province.dashboard.data import vn_date
from province.national.models import NationalCommuneDay, NationalProvince
from sync import communes, indicators


@dataclass(frozen=True)
class NationalSetup:
    """Who issues the national summary (the ministry's unit); fixed words, as the Decree 30 heading asks."""

    parent: str = "BỘ CÔNG AN"
    unit: str = "CỤC CẢNH SÁT QLHC VỀ TTXH"
    unit_abbr: str = "C06"
    place: str = "Hà Nội"
    addressee: str = "Tổ công tác triển khai Đề án 06 Bộ Công an"
    signer_title: str = "CỤC TRƯỞNG"


@dataclass(slots=True)
class MonthLine:
    code: str
    name: str
    value: int = 0
    reported: set[str] = field(default_factory=set)
    expected: int = 0
    last_day: dt.date | None = None


@dataclass(frozen=True)
class MonthSummary:
    year: int
    month: int
    indicator: str
    lines: list[MonthLine]
    on: dt.date  # the date the paper is issued

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


def month_summary(s: Session, year: int, month: int, indicator: str, on: dt.date) -> MonthSummary:
    """Every enrolled province's figures for the month, ranked by the month's count of `indicator`."""
    names = communes.provinces()
    expected: dict[str, int] = {}
    for c in communes.all_communes():
        expected[c.province_code] = expected.get(c.province_code, 0) + 1
    lines = {p: MonthLine(p, names.get(p, p), expected=expected.get(p, 0))
             for p in s.scalars(select(NationalProvince.province_code))}
    summary = MonthSummary(year, month, indicator, [], on)
    t = NationalCommuneDay
    for prov, commune, day, values in s.execute(select(t.province_code, t.commune_code, t.day, t.values_json)
                                                .where(t.day >= summary.first, t.day <= summary.last)):
        line = lines.get(prov)
        if line is None or values == "{}":  # no line, or a completeness-only row: the commune sent nothing
            continue
        line.value += int(json.loads(values).get(indicator, 0))
        line.reported.add(commune)
        line.last_day = day if line.last_day is None or day > line.last_day else line.last_day
    summary.lines.extend(sorted(lines.values(), key=lambda x: (-x.value, x.code)))
    return summary


def table_rows(m: MonthSummary) -> list[list[str]]:
    head = ["Hạng", "Tỉnh, thành phố", indicators.label(m.indicator), "Xã đã báo cáo trong tháng",
            "Số liệu đến ngày"]
    rows = [[str(i + 1), x.name, vn_int(x.value), f"{vn_int(len(x.reported))}/{vn_int(x.expected)}",
             vn_date(x.last_day) if x.last_day else "chưa có"] for i, x in enumerate(m.lines)]
    total = ["", "Toàn quốc", vn_int(sum(x.value for x in m.lines)),
             f"{vn_int(sum(len(x.reported) for x in m.lines))}/{vn_int(sum(x.expected for x in m.lines))}", ""]
    return [head, *rows, total]


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=11, leading=14.5, spaceAfter=3)
    return {"body": base, "centre": ParagraphStyle("c", parent=base, alignment=1, spaceAfter=0),
            "bold_centre": ParagraphStyle("bc", parent=base, fontName=fonts.BOLD, alignment=1, spaceAfter=0),
            "title": ParagraphStyle("t", parent=base, fontName=fonts.BOLD, fontSize=13, alignment=1, spaceAfter=2),
            "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11, spaceAfter=0),
            "small": ParagraphStyle("s", parent=base, fontSize=9.5, leading=12, spaceAfter=0)}


def _heading(m: MonthSummary, setup: NationalSetup, st: dict[str, ParagraphStyle]) -> Table:
    left = [paragraph(setup.parent, st["centre"]), paragraph(setup.unit, st["bold_centre"]),
            paragraph("———", st["centre"]), paragraph(f"Số: ……/BC-{setup.unit_abbr}", st["centre"])]
    right = [paragraph(NATION, st["bold_centre"]), paragraph(MOTTO, st["bold_centre"]),
             paragraph("———————", st["centre"]), paragraph(f"{setup.place}, {paper_date(m.on)}", st["centre"])]
    tbl = Table([[left, right]], colWidths=[75 * mm, 100 * mm])
    tbl.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return tbl


def to_pdf(m: MonthSummary, setup: NationalSetup | None = None) -> bytes:
    setup, st = setup or NationalSetup(), _styles()
    rows = table_rows(m)
    tbl = Table([[paragraph(c, st["cell"]) for c in r] for r in rows], colWidths=[14 * mm, 50 * mm, 37 * mm,
                                                                                  40 * mm, 34 * mm], repeatRows=1)
    tbl.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    period = f"tháng {m.month:02d}/{m.year} (từ ngày {vn_date(m.first)} đến ngày {vn_date(m.last)})"
    story: list[Flowable] = [
        _heading(m, setup, st), Spacer(1, 6 * mm), paragraph("BÁO CÁO", st["title"]),
        paragraph(f"Kết quả thực hiện Đề án 06 của các tỉnh, thành phố {period}", st["bold_centre"]),
        Spacer(1, 4 * mm), paragraph(f"Kính gửi: {setup.addressee}.", st["centre"]), Spacer(1, 4 * mm),
        paragraph(f"1. Số liệu do máy chủ của {vn_int(len(m.lines))} tỉnh, thành phố gửi lên, mỗi xã được tính "
                  "một lần, theo lần sửa mới nhất.", st["body"]),
        paragraph(f"2. Xếp hạng theo {indicators.label(m.indicator)} trong tháng:", st["body"]), tbl,
        Spacer(1, 6 * mm)]
    copies = [paragraph(x, st["small"]) for x in ("Nơi nhận:", "- Như trên;", "- Lãnh đạo Bộ (để báo cáo);",
                                                   f"- Lưu: VT, {setup.unit_abbr}.")]
    sign = [paragraph(setup.signer_title, st["bold_centre"]), Spacer(1, 22 * mm)]
    signature = Table([[copies, sign]], colWidths=[80 * mm, 95 * mm])
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(KeepTogether([signature]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=15 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"BÁO CÁO tháng {m.month:02d}/{m.year}", author=setup.unit)
    doc.build(story, canvasmaker=numbered_canvas(A4[0], 10 * mm))
    return buf.getvalue()
