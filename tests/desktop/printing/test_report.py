"""The daily report read back: indicators against targets, villages, optional no-show names, signatures."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from desktop.printing.daily_report import build_report_pdf, pct
from desktop.printing.data import DailyReportData, IndicatorLine, NoShow, NothingToPrint, Unit, VillageLine
from tests.support.print_pages import DAY, UNIT, page_texts


def _data(unit: Unit = UNIT, villages: int = 3, names: bool = False) -> DailyReportData:
    inds = [
        IndicatorLine("card_captured", "Hồ sơ CCCD đã thu nhận", 85, 56873, 57543),
        IndicatorLine("vneid_l2_captured", "Hồ sơ VNeID mức 2 đã thu nhận", 60, 43292, 49798),
        IndicatorLine("vneid_activated", "Tài khoản VNeID đã kích hoạt", 31, 20011, None),
    ]
    vil = [VillageLine(f"Thôn Đông Hưng {i}", (i, i + 1, i + 2), (10 * i, 11 * i, 12 * i)) for i in range(1, villages + 1)]
    d = DailyReportData(unit, DAY, inds, vil, no_show_count=2, point_name="Nhà văn hóa thôn Đông",
                        appointments_count=120, attended_count=118, prepared_by="Trần Thị Lan")
    if names:
        d.no_shows = [NoShow("Nguyễn Thị Thuý", 1980, "Thôn Đông", "07:30"), NoShow("Đặng Văn Hoà", 1975, "Thôn Tây", "08:00")]
    return d


def test_indicators_today_cumulative_target_and_percent() -> None:
    text = "\n".join(page_texts(build_report_pdf(_data())))
    assert "BÁO CÁO KẾT QUẢ" in text and "05/03/2026" in text
    assert "Hồ sơ CCCD đã thu nhận" in text  # the label the data carries
    # Vietnamese number style, percentages never rounded up (98,83 % as the press reports Gia Nghĩa)
    assert "56.873" in text and "57.543" in text and "98,83" in text
    assert "43.292" in text and "49.798" in text and "86,93" in text
    assert "Lịch hẹn trong ngày: 120; đã đến: 118; vắng mặt: 2." in text
    for i in (1, 2, 3):
        assert f"Thôn Đông Hưng {i}" in text
    assert "Tổng cộng" in text


def test_percent_never_reaches_100_before_the_target() -> None:
    assert pct(99.996) == "99,99"
    assert pct(100.0) == "100,00"
    assert pct(None) == "—"


def test_no_show_names_only_when_asked() -> None:
    without = "\n".join(page_texts(build_report_pdf(_data())))
    assert "Số người vắng mặt: 2." in without
    assert "Nguyễn Thị Thuý" not in without
    with_names = "\n".join(page_texts(build_report_pdf(_data(names=True))))
    assert "Nguyễn Thị Thuý" in with_names and "Đặng Văn Hoà" in with_names


@pytest.mark.parametrize(("commune", "chief", "place"), [
    ("Xã Tân Lập", "TRƯỞNG CÔNG AN XÃ", "Tân Lập, ngày 05 tháng 3 năm 2026"),
    ("Phường Ba Đình", "TRƯỞNG CÔNG AN PHƯỜNG", "Ba Đình, ngày 05 tháng 3 năm 2026"),
    ("Đặc khu Trường Sa", "TRƯỞNG CÔNG AN ĐẶC KHU", "Trường Sa, ngày 05 tháng 3 năm 2026"),
])
def test_signature_blocks_use_the_unit_word(commune: str, chief: str, place: str) -> None:
    text = "\n".join(page_texts(build_report_pdf(_data(Unit(commune, "Khánh Hòa")))))
    assert "NGƯỜI LẬP BIỂU" in text and chief in text and place in text
    assert "Trần Thị Lan" in text


def test_page_numbers_on_a_long_report() -> None:
    pdf = build_report_pdf(_data(villages=80))
    reader = PdfReader(io.BytesIO(pdf))
    n = len(reader.pages)
    assert n >= 2
    for i, page in enumerate(reader.pages, start=1):
        assert re.findall(r"Trang \d+/\d+", page.extract_text()) == [f"Trang {i}/{n}"]


def test_no_indicators_is_nothing_to_print() -> None:
    d = _data()
    d.indicators = []
    with pytest.raises(NothingToPrint):
        build_report_pdf(d)
