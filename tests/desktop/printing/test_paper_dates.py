"""Dates and places on paper (Decree 30/2020/NĐ-CP): 'ngày 05 tháng 01 năm 2026', a numbered unit in full.

The printed daily report and village list are read back with pypdf."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.paper import BLANK_DATE, paper_date
from desktop.printing.daily_report import build_report_pdf
from desktop.printing.data import DailyReportData, IndicatorLine, Unit, VillageLine
from desktop.printing.village_list import build_list_pdf
from paper.headings import place_date, place_name, police_unit
from tests.support.print_pages import list_doc, page_texts


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
    (dt.date(2026, 2, 9), "ngày 09 tháng 02 năm 2026"),
    (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),  # month 3 onwards: no zero
    (dt.date(2026, 9, 10), "ngày 10 tháng 9 năm 2026"),
    (dt.date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
    (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
])
def test_paper_date(day: dt.date, text: str) -> None:
    assert paper_date(day) == text


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_paper_date_rule_for_every_day(day: dt.date) -> None:
    words = paper_date(day).split(" ")
    assert words[0::2] == ["ngày", "tháng", "năm"]
    dd, mm, yyyy = words[1], words[3], words[5]
    assert int(dd) == day.day and int(mm) == day.month and int(yyyy) == day.year
    assert len(dd) == 2  # days 1–9 get a zero, 10–31 have two digits anyway
    assert len(mm) == (2 if day.month in (1, 2, 10, 11, 12) else 1)


def test_blank_date_to_fill_by_hand() -> None:
    assert paper_date(None) == BLANK_DATE == "ngày …… tháng …… năm ………"


@pytest.mark.parametrize(("commune", "place"), [
    ("Xã Tân Lập", "Tân Lập"),
    ("Phường Ba Đình", "Ba Đình"),
    ("Đặc khu Trường Sa", "Trường Sa"),
    ("Phường 1 Bảo Lộc", "Phường 1 Bảo Lộc"),  # named by a number: in full
    ("phường 3", "Phường 3"),
    ("Xã 3", "Xã 3"),
    ("Thị trấn 2", "Thị trấn 2"),
])
def test_place_name(commune: str, place: str) -> None:
    assert place_name(commune) == place
    assert place_date(commune, dt.date(2026, 1, 5)) == f"{place}, ngày 05 tháng 01 năm 2026"


def _report(unit: Unit, day: dt.date) -> bytes:
    data = DailyReportData(
        unit, day,
        [IndicatorLine("card_captured", "Hồ sơ CCCD đã thu nhận", 12, 340, 1000)],
        [VillageLine("Tổ dân phố 2", (5, 0, 0), (100, 0, 0))],
        no_show_count=0, point_name="", appointments_count=0, attended_count=0, prepared_by="Trần Thị Lan",
    )
    return build_report_pdf(data)


@pytest.mark.parametrize(("commune", "day", "line"), [
    ("Xã Tân Lập", dt.date(2026, 1, 5), "Tân Lập, ngày 05 tháng 01 năm 2026"),
    ("Phường 1 Bảo Lộc", dt.date(2026, 2, 9), "Phường 1 Bảo Lộc, ngày 09 tháng 02 năm 2026"),
    ("Phường B'Lao", dt.date(2026, 3, 15), "B'Lao, ngày 15 tháng 3 năm 2026"),
    ("Đặc khu Trường Sa", dt.date(2026, 11, 30), "Trường Sa, ngày 30 tháng 11 năm 2026"),
])
def test_daily_report_pdf_date_line(commune: str, day: dt.date, line: str) -> None:
    text = "\n".join(page_texts(_report(Unit(commune, "Lâm Đồng"), day)))
    assert line in text
    assert police_unit(commune) in text  # 'CÔNG AN PHƯỜNG 1 BẢO LỘC'
    # the old wording is gone
    assert f"ngày {day.day} tháng {day.month} năm" not in text or (day.day >= 10 and day.month >= 3)


def test_village_list_pdf_blank_date_names_the_unit_in_full() -> None:
    doc = list_doc(["Nguyễn Thị Thuý", "Y Bih Niê Kdăm"], unit=Unit("Phường 1 Bảo Lộc", "Lâm Đồng"))
    text = "\n".join(page_texts(build_list_pdf(doc)))
    assert "Phường 1 Bảo Lộc, ngày …… tháng …… năm ………" in text
    assert "CÔNG AN PHƯỜNG 1 BẢO LỘC" in text
