"""The meeting papers as PDF on the shared A4 page (`paper/`), in the Decree 30/2020 layout: unit and
parent unit top-left, nation and motto top-right, "Số: …/BC-PC06", place and date, title, "Kính gửi",
body (totals, met / not met, furthest behind, non-reporters, growth, stalls, projections), "Nơi nhận",
signature block, "Trang x/y". Every figure comes from `brief.Brief`, built from the table's own rows."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from common.paper import paper_date
from paper import fonts
from paper.headings import MOTTO, NATION
from paper.layout import numbered_canvas, paragraph
from province.dashboard.brief import Brief, vn_int
from province.dashboard.data import LABELS, vn_date
from province.dashboard.report_setup import ReportSetup

KINDS = ("daily", "weekly", "fortnight")
PERIOD_DAYS = {"daily": 0, "weekly": 7, "fortnight": 15}
FILE_WORDS = {"daily": "nhanh", "weekly": "tuan", "fortnight": "15-ngay"}


@dataclass(frozen=True)
class Words:
    """The title lines, the addressee and the period sentence of one kind of paper."""

    title: str
    subtitle: str
    addressee: str


def words(kind: str, b: Brief, setup: ReportSetup) -> Words:
    as_of = f"tính đến {setup.cutoff} ngày {vn_date(b.on)}"
    if kind == "daily":
        return Words("BÁO CÁO NHANH", f"Kết quả thực hiện Đề án 06 {as_of}", setup.addressee)
    period = f"từ ngày {vn_date(b.since)} đến ngày {vn_date(b.on)}"
    if kind == "weekly":
        return Words("BÁO CÁO", f"Tiến độ thực hiện Đề án 06 trong tuần ({period}), phục vụ họp Thường trực "
                     f"Ban Chỉ đạo; số liệu {as_of}", setup.addressee)
    return Words("BÁO CÁO", f"Kết quả thực hiện Đề án 06 trong 15 ngày ({period}); số liệu {as_of}",
                 setup.chairman)


def body_lines(kind: str, b: Brief) -> list[str]:
    """The paragraphs of the body, plain text (the XLSX writes the same lines)."""
    out = [f"1. Tổng hợp chung: {vn_int(b.reported)}/{vn_int(b.communes)} đơn vị đã báo cáo trong ngày "
           f"{vn_date(b.on)}."]
    for t in b.totals:
        out.append(f"- {t.label}: {t.text} (trong ngày: {vn_int(t.today)}"
                   + (f"; trong kỳ: {vn_int(b.growth[t.indicator])}" if t.indicator in b.growth else "") + ").")
    out.append(f"2. Đơn vị đạt mọi chỉ tiêu: {vn_int(b.met)}; chưa đạt: {vn_int(b.not_met)}.")
    return out


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=11, leading=14.5, spaceAfter=3)
    return {
        "body": base,
        "centre": ParagraphStyle("centre", parent=base, alignment=1, spaceAfter=0),
        "bold_centre": ParagraphStyle("bc", parent=base, fontName=fonts.BOLD, alignment=1, spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=13, alignment=1, spaceAfter=2),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, spaceBefore=6, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11, spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=9.5, leading=12, spaceAfter=0),
    }


def _heading(b: Brief, setup: ReportSetup, st: dict[str, ParagraphStyle], number: str) -> Table:
    left = [paragraph(setup.parent, st["centre"]), paragraph(setup.unit, st["bold_centre"]),
            paragraph("———", st["centre"]), paragraph(f"Số: {number or '……'}/BC-{setup.unit_abbr}", st["centre"])]
    right = [paragraph(NATION, st["bold_centre"]), paragraph(MOTTO, st["bold_centre"]),
             paragraph("———————", st["centre"]),
             paragraph(f"{setup.place}, {paper_date(b.on)}", st["centre"])]
    tbl = Table([[left, right]], colWidths=[75 * mm, 100 * mm])
    tbl.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return tbl


def _table(rows: list[list[str]], widths: list[float], st: ParagraphStyle) -> Table:
    tbl = Table([[paragraph(c, st) for c in r] for r in rows], colWidths=[w * mm for w in widths], repeatRows=1)
    tbl.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    return tbl


def behind_rows(b: Brief) -> list[list[str]]:
    head = ["Hạng", "Đơn vị", "Kết quả", "Ghi chú"]
    return [head] + [[str(x.rank) if x.rank is not None else "—", x.name, x.figures,
                      "; ".join(w for w in (x.silent, x.projection) if w)] for x in b.behind]


def silent_rows(b: Brief) -> list[list[str]]:
    return [["Mã", "Đơn vị", "Tình trạng"]] + [[c, n, w] for c, n, w in b.silent]


def to_pdf(kind: str, b: Brief, setup: ReportSetup, number: str = "") -> bytes:
    st = _styles()
    w = words(kind, b, setup)
    story: list[Flowable] = [_heading(b, setup, st, number), Spacer(1, 6 * mm),
                             paragraph(w.title, st["title"]), paragraph(w.subtitle, st["bold_centre"]),
                             Spacer(1, 4 * mm), paragraph(f"Kính gửi: {w.addressee}.", st["centre"]),
                             Spacer(1, 4 * mm)]
    story += [paragraph(line, st["body"]) for line in body_lines(kind, b)]
    story.append(paragraph(f"3. {len(b.behind)} đơn vị có kết quả thấp nhất:", st["head"]))
    story.append(_table(behind_rows(b), [14, 45, 73, 43], st["cell"]))
    story.append(paragraph(f"4. Đơn vị chưa báo cáo ngày {vn_date(b.on)}: {vn_int(len(b.silent))}.", st["head"]))
    if b.silent:
        story.append(_table(silent_rows(b), [20, 65, 90], st["cell"]))
    if b.since is not None:
        story.append(paragraph(f"5. Đơn vị không tiến triển từ ngày {vn_date(b.since)}: {vn_int(len(b.stalled))}.",
                               st["head"]))
        story.append(paragraph(", ".join(n for _c, n in b.stalled) + "." if b.stalled else "Không có.", st["body"]))
    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether(_signature(setup, st)))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=15 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{w.title} {vn_date(b.on)}", author=setup.unit)
    doc.build(story, canvasmaker=numbered_canvas(A4[0], 10 * mm))
    return buf.getvalue()


def _signature(setup: ReportSetup, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    copies = [paragraph(x, st["small"]) for x in
              ("Nơi nhận:", "- Như trên;", "- Lãnh đạo Công an tỉnh (để báo cáo);", f"- Lưu: VT, {setup.unit_abbr}.")]
    sign = [paragraph(setup.signer_title, st["bold_centre"]), Spacer(1, 22 * mm),
            paragraph(setup.signer, st["bold_centre"])]
    tbl = Table([[copies, sign]], colWidths=[80 * mm, 95 * mm])
    tbl.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [tbl]


def filename(kind: str, on: dt.date, ext: str) -> str:
    return f"bao-cao-{FILE_WORDS[kind]}-{on.isoformat()}.{ext}"


__all__ = ["KINDS", "LABELS", "PERIOD_DAYS", "body_lines", "filename", "to_pdf", "words"]
