"""Village lists and daily reports as XLSX (openpyxl), for offices that work in spreadsheets.

Names come from the register, and a name typed as "=HYPERLINK(…)" must never become a formula that a
spreadsheet runs (CSV/formula injection). Every text cell is therefore written with data_type 's', and a
text that begins with =, +, - or @ also gets quotePrefix, so Excel and LibreOffice show it as typed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.spreadsheet import looks_like_formula
from common.vietnamese import nfc
from desktop.printing.data import DailyReportData, ListDoc, NoShow, NothingToPrint, village_goal_text
from desktop.printing.due_list import KINDS as DUE_KINDS
from desktop.printing.due_list import TITLE as DUE_TITLE
from desktop.printing.due_list import DueListDoc
from desktop.printing.text import purpose_label
from desktop.printing.village_list import sorted_rows
from paper.headings import (
    MOTTO,
    NATION,
    place_date,
    police_unit,
    province_police,
    report_copies,
    report_number,
    report_recipients,
)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E0E0E0")
_BOLD = Font(bold=True)


def set_text(cell: Cell, value: object) -> None:
    """Write a string that stays a string: never a formula, whatever it begins with."""
    s = nfc(str(value)) if value is not None else ""
    cell.value = s
    cell.data_type = "s"  # openpyxl would otherwise mark '=…' as a formula ('f')
    if looks_like_formula(s):
        cell.quotePrefix = True


def _put(ws: Worksheet, row: int, col: int, value: object, *, bold: bool = False, border: bool = True) -> Cell:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        set_text(cell, value)
    if bold:
        cell.font = _BOLD
    if border:
        cell.border = _BORDER
    return cell


def _header(ws: Worksheet, row: int, titles: Iterable[str]) -> None:
    for col, title in enumerate(titles, start=1):
        c = _put(ws, row, col, title, bold=True)
        c.fill = _HEAD_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def list_xlsx(doc: ListDoc) -> bytes:
    """The village list with the same columns and order as the printed one."""
    if not doc.rows:
        raise NothingToPrint()
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    _put(ws, 1, 1, police_unit(doc.unit.commune_name), bold=True, border=False)
    _put(ws, 2, 1, doc.title, bold=True, border=False)
    info = [x for x in (
        f"Thôn/Tổ: {nfc(doc.village)}" if doc.village else "",
        f"Địa điểm: {nfc(doc.point_name)}" if doc.point_name else "",
        f"Ngày: {doc.day:%d/%m/%Y}" if doc.day else "",
    ) if x]
    _put(ws, 3, 1, " · ".join(info), border=False)
    head = 5
    _header(ws, head, ("STT", "Họ và tên", "Năm sinh", "Thôn/Tổ", "Giờ hẹn", "Nội dung", "Ký nhận"))
    for i, r in enumerate(sorted_rows(doc), start=1):
        row = head + i
        _put(ws, row, 1, i)
        _put(ws, row, 2, r.full_name)
        _put(ws, row, 3, r.birth_year if r.birth_year is not None else "")
        _put(ws, row, 4, r.village)
        _put(ws, row, 5, r.slot)
        _put(ws, row, 6, purpose_label(r.purpose, short=True))
        _put(ws, row, 7, "")
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.print_title_rows = f"{head}:{head}"
    _widths(ws, (6, 32, 10, 20, 14, 24, 16))
    return _save(wb)


def report_xlsx(data: DailyReportData) -> bytes:
    """The daily report: indicators, villages and (only when asked for) the no-show names, one sheet each."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    last = _report_heading(ws, data)
    _report_indicators(ws, data, last + 2)
    _report_villages(wb.create_sheet("Theo thôn, tổ"), data)
    if data.no_shows is not None:
        _report_no_shows(wb.create_sheet("Vắng mặt"), data.no_shows)
    return _save(wb)


def _report_heading(ws: Worksheet, data: DailyReportData) -> int:
    """The heading as on paper (Decree 30/2020): units and number left, nation, motto, place and date right;
    then "Kính gửi". Returns the last row written."""
    commune = data.unit.commune_name
    _put(ws, 1, 1, province_police(data.unit.province_name), border=False)
    _put(ws, 2, 1, police_unit(commune), bold=True, border=False)
    _put(ws, 3, 1, report_number(commune, data.number), border=False)
    _put(ws, 1, 4, NATION, bold=True, border=False)
    _put(ws, 2, 4, MOTTO, bold=True, border=False)
    _put(ws, 3, 4, place_date(commune, data.day), border=False)
    _put(ws, 5, 1, "BÁO CÁO KẾT QUẢ CẤP THẺ CĂN CƯỚC VÀ ĐỊNH DANH ĐIỆN TỬ", bold=True, border=False)
    where = f"Điểm thu nhận: {nfc(data.point_name)}" if data.point_name else "Toàn địa bàn"
    _put(ws, 6, 1, f"Ngày {data.day:%d/%m/%Y} · {where}", border=False)
    r = 7
    to = data.recipients or report_recipients(commune, data.unit.province_name)
    if len(to) == 1:
        _put(ws, r, 1, f"Kính gửi: {nfc(to[0])}.", border=False)
    else:
        _put(ws, r, 1, "Kính gửi:", border=False)
        for i, name in enumerate(to):
            r += 1
            _put(ws, r, 2, f"- {nfc(name)}{'.' if i == len(to) - 1 else ';'}", border=False)
    if data.point_name:
        r += 1
        _put(ws, r, 1, "Báo cáo của một điểm thu nhận: không so với chỉ tiêu giao cho toàn xã, "
                       "tỷ lệ đạt chỉ tính trên báo cáo toàn địa bàn.", border=False)
    return r


def _report_indicators(ws: Worksheet, data: DailyReportData, head: int) -> None:
    """The indicator table from row `head`, then the day's appointments and the signatures' place."""
    commune = data.unit.commune_name
    _header(ws, head, ("STT", "Chỉ tiêu", "Trong ngày", "Lũy kế", "Chỉ tiêu giao", "Tỷ lệ đạt (%)"))
    for i, ind in enumerate(data.indicators, start=1):
        r = head + i
        _put(ws, r, 1, i)
        _put(ws, r, 2, ind.label)
        _put(ws, r, 3, ind.today)
        _put(ws, r, 4, ind.cumulative)
        _put(ws, r, 5, ind.target if ind.target is not None else "")
        pct = ind.percent
        c = _put(ws, r, 6, round(pct / 100, 4) if pct is not None else "")
        c.number_format = "0.00%"
    r = head + len(data.indicators) + 2
    _put(ws, r, 1, "Lịch hẹn trong ngày", border=False)
    _put(ws, r, 3, data.appointments_count, border=False)
    _put(ws, r + 1, 1, "Đã đến", border=False)
    _put(ws, r + 1, 3, data.attended_count, border=False)
    _put(ws, r + 2, 1, "Vắng mặt", border=False)
    _put(ws, r + 2, 3, data.no_show_count, border=False)
    _put(ws, r + 4, 4, place_date(data.unit.commune_name, data.day), border=False)
    for i, line in enumerate(report_copies(commune, data.copies)):
        _put(ws, r + 5 + i, 1, line, bold=i == 0, border=False)
    _widths(ws, (6, 40, 12, 12, 14, 14))


def _report_villages(wv: Worksheet, data: DailyReportData) -> None:
    """One row per village: each indicator today and cumulative, and the village's own targets if any."""
    titles = ["STT", "Thôn/Tổ dân phố"]
    for ind in data.indicators:
        titles += [f"{ind.label} - trong ngày", f"{ind.label} - lũy kế"]
    goals = any(v.targets for v in data.villages)  # the commune's own village targets, as on paper
    if goals:
        titles.append("Chỉ tiêu của thôn: tỷ lệ đạt")
    labels = [ind.label for ind in data.indicators]
    _header(wv, 1, titles)
    for i, v in enumerate(data.villages, start=1):
        _put(wv, 1 + i, 1, i)
        _put(wv, 1 + i, 2, v.village)
        for k in range(len(data.indicators)):
            _put(wv, 1 + i, 3 + 2 * k, v.today[k] if k < len(v.today) else 0)
            _put(wv, 1 + i, 4 + 2 * k, v.cumulative[k] if k < len(v.cumulative) else 0)
        if goals:
            _put(wv, 1 + i, 3 + 2 * len(data.indicators), village_goal_text(v, labels) or "—")
    _widths(wv, (6, 28, *([14] * (2 * len(data.indicators))), *((48,) if goals else ())))


def _report_no_shows(wn: Worksheet, no_shows: list[NoShow]) -> None:
    """The names of who did not come, only when the report is asked for with them."""
    _header(wn, 1, ("STT", "Họ và tên", "Năm sinh", "Thôn/Tổ", "Giờ hẹn"))
    for i, ns in enumerate(no_shows, start=1):
        _put(wn, 1 + i, 1, i)
        _put(wn, 1 + i, 2, ns.full_name)
        _put(wn, 1 + i, 3, ns.birth_year if ns.birth_year is not None else "")
        _put(wn, 1 + i, 4, ns.village)
        _put(wn, 1 + i, 5, ns.slot)
    _widths(wn, (6, 32, 10, 22, 14))


def due_list_xlsx(doc: DueListDoc) -> bytes:
    """The due list per village: one sheet per village (as the printed pages) and a summary sheet first."""
    if not doc.people:
        raise NothingToPrint()
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    _put(ws, 1, 1, police_unit(doc.unit.commune_name), bold=True, border=False)
    _put(ws, 2, 1, DUE_TITLE, bold=True, border=False)
    _put(ws, 3, 1, f"Tính đến ngày {doc.on:%d/%m/%Y}", border=False)
    _header(ws, 5, ("STT", "Thôn/Tổ dân phố", "Tổng số", *(h for h, _ in DUE_KINDS.values())))
    for i, v in enumerate(doc.villages, start=1):
        _put(ws, 5 + i, 1, i)
        _put(ws, 5 + i, 2, v.village)
        _put(ws, 5 + i, 3, len(v.lines))
        for j, kind in enumerate(DUE_KINDS, start=4):
            _put(ws, 5 + i, j, v.count(kind))
    _widths(ws, (6, 30, 10, 16, 14, 16, 16))
    used: set[str] = set()
    for v in doc.villages:
        sheet = wb.create_sheet(_sheet_title(v.village, used))
        _put(sheet, 1, 1, police_unit(doc.unit.commune_name), bold=True, border=False)
        _put(sheet, 2, 1, f"{DUE_TITLE} — {v.village}", bold=True, border=False)
        _put(sheet, 3, 1, f"Tính đến ngày {doc.on:%d/%m/%Y}", border=False)
        _header(sheet, 5, ("STT", "Họ và tên", "Ngày sinh", "Số điện thoại", "Cần làm",
                           "Ghi chú của trưởng thôn/tổ"))
        for i, line in enumerate(v.lines, start=1):
            todo = "; ".join(DUE_KINDS[k][1] for k in line.kinds if k in DUE_KINDS)
            if line.flag:
                todo += f" [{line.flag}]"
            for col, value in enumerate((i, line.full_name, line.birth, line.phone, todo, ""), start=1):
                _put(sheet, 5 + i, col, value)
        sheet.freeze_panes = sheet.cell(row=6, column=1)
        sheet.print_title_rows = "5:5"
        _widths(sheet, (6, 30, 12, 14, 40, 36))
    return _save(wb)


def _sheet_title(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the workbook."""
    base = "".join(ch for ch in nfc(name) if ch not in "[]:*?/\\")[:28] or "Thôn"
    title, n = base, 2
    while title.lower() in used:
        title, n = f"{base[:26]} {n}", n + 1
    used.add(title.lower())
    return title
