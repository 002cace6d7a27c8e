"""Appointment slips read back: Vietnamese text, the QR holding only the code, A6 sheets, 80 mm roll."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from desktop.printing.data import NothingToPrint, Unit
from desktop.printing.slips import build_slips_pdf
from tests.support.print_pages import NAMES, NFD_NAME, decode_qr, page_texts, render_png, slip

CODES = ["K7Q2M9XD4A", "B3N8P1RZ6C", "H5T0V7WY2E", "M9X4K2Q8JF", "Z1Y2X3W4V5"]
ID_NUMBER = "056190001234"


def _slips() -> list:
    names = [NAMES[0], NAMES[2], NAMES[4], NAMES[5], NFD_NAME]
    return [slip(code, name, code_text=f"{code[:5]}-{code[5:]}") for code, name in zip(CODES, names, strict=True)]


def test_a6_four_to_a_sheet_with_names_and_codes() -> None:
    pdf = build_slips_pdf(_slips(), "a6")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # 5 slips → 4 + 1
    w, h = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert round(w / mm) == 210 and round(h / mm) == 297
    texts = page_texts(pdf)
    first = texts[0]
    assert unicodedata.is_normalized("NFC", "\n".join(texts))
    for name in (NAMES[0], NAMES[2], NAMES[4], NAMES[5]):
        assert name in first
    assert unicodedata.normalize("NFC", NFD_NAME) in texts[1]
    assert first.count("GIẤY HẸN") == 4
    assert first.count("CÔNG AN XÃ TÂN LẬP") == 4
    assert first.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 4
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert "K7Q2M-9XD4A" in first  # the code in text under the QR
    assert "Cấp thẻ căn cước và đăng ký định danh điện tử mức 2" in first and "CCCD" not in first
    assert "Điện thoại có SIM đứng tên chính" in first  # (wraps beside the QR)
    assert "Thứ Năm, ngày 05/03/2026" in first and "07:30 - 08:00" in first
    assert "Trung úy Phạm Văn Minh" in first


def test_qr_holds_the_code_and_nothing_else() -> None:
    slips = [slip(c, n) for c, n in zip(CODES[:4], NAMES[:4], strict=True)]
    pdf = build_slips_pdf(slips, "a6")
    found = decode_qr(render_png(pdf, 1, 200))
    assert sorted(found) == sorted(CODES[:4])
    for payload in found:
        assert re.fullmatch(r"[0-9A-Z]{10}", payload)
        assert ID_NUMBER not in payload
        for n in NAMES:
            assert n not in payload and n.split()[-1] not in payload


def test_thermal_is_80mm_wide_one_slip_per_page_and_decodes() -> None:
    pdf = build_slips_pdf(_slips()[:2], "thermal")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:
        w, h = (float(x) for x in page.mediabox.upper_right)
        assert abs(w - 80 * mm) < 0.01
        assert 90 * mm < h < 200 * mm  # as tall as the slip, not an A4 sheet
    texts = page_texts(pdf)
    assert NAMES[0] in texts[0] and NAMES[2] in texts[1]
    assert "CÔNG AN XÃ TÂN LẬP" in texts[0]
    assert decode_qr(render_png(pdf, 1, 200)) == [CODES[0]]


def test_what_to_bring_follows_purpose_and_age() -> None:
    child = slip("K7Q2M9XD4A", "Lê Ỷ", purpose="card", birth_year=2015)
    vneid = slip("B3N8P1RZ6C", "Đặng Văn Hoà", purpose="vneid")
    texts = page_texts(build_slips_pdf([child], "thermal")) + page_texts(build_slips_pdf([vneid], "thermal"))
    assert "Cha, mẹ hoặc người giám hộ đi cùng" in texts[0]
    assert "Điện thoại có SIM" not in texts[0]
    assert "Điện thoại có SIM đứng tên chính mình" in texts[1]
    assert "Cha, mẹ" not in texts[1]


def test_long_text_shrinks_to_stay_on_the_a6_slip() -> None:
    long_place = "Nhà văn hóa " + " ".join(["thôn Đông Hưng Thịnh Vượng"] * 12)
    pdf = build_slips_pdf([slip("K7Q2M9XD4A", NAMES[0], point_name=long_place)], "a6")
    text = page_texts(pdf)[0]
    assert "Vui lòng đến đúng giờ" in text
    assert decode_qr(render_png(pdf, 1, 200)) == ["K7Q2M9XD4A"]


def test_unit_words_for_phuong_and_dac_khu() -> None:
    for name, head in (("Phường Ba Đình", "CÔNG AN PHƯỜNG BA ĐÌNH"), ("Đặc khu Trường Sa", "CÔNG AN ĐẶC KHU TRƯỜNG SA")):
        pdf = build_slips_pdf([slip("K7Q2M9XD4A", NAMES[0], unit=Unit(name, "Thành phố Hà Nội"))], "a6")
        text = page_texts(pdf)[0]
        assert head in text and "CÔNG AN THÀNH PHỐ HÀ NỘI" in text


def test_empty_and_unknown_format() -> None:
    with pytest.raises(NothingToPrint):
        build_slips_pdf([], "a6")
    with pytest.raises(ValueError):
        build_slips_pdf([slip("K7Q2M9XD4A", "Lê Ỷ")], "letter")


def test_date_weekday() -> None:
    text = page_texts(build_slips_pdf([slip("K7Q2M9XD4A", "Lê Ỷ", day=dt.date(2026, 3, 8))], "thermal"))[0]
    assert "Chủ nhật, ngày 08/03/2026" in text
