"""The village list read back from real PDFs: names exact and NFC, order, page numbers, header, wrapping."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from common.vietnamese import NameOrder, name_sort_key
from desktop.errors import ServiceError
from desktop.printing.data import NothingToPrint
from desktop.printing.village_list import COL_W, COL_X, NAME_COL, PAD_X, build_list_pdf, sorted_rows
from tests.support.print_pages import LONG_NAME, NAMES, NFD_NAME, list_doc, page_texts, words


def test_every_name_appears_exactly_and_nfc() -> None:
    pdf = build_list_pdf(list_doc([*NAMES, NFD_NAME]))
    text = "\n".join(page_texts(pdf))
    assert unicodedata.is_normalized("NFC", text)
    for name in NAMES:
        assert text.count(name) == 1, name
    assert unicodedata.normalize("NFC", NFD_NAME) in text
    assert NFD_NAME not in text  # the decomposed form never reaches the page
    # both tone placements are printed as given, not merged
    assert "Hoà" in text and "Hòa" in text and "Thuý" in text and "Thúy" in text


def test_rows_sorted_by_given_name_then_family_option() -> None:
    doc = list_doc(["Trần Văn Bình", "Đặng Thị An", "Dương Văn An", "Zơ Râm Đào"], group_by_village=False)
    doc.order = "given"
    assert [r.full_name for r in sorted_rows(doc)] == ["Dương Văn An", "Đặng Thị An", "Trần Văn Bình", "Zơ Râm Đào"]
    doc.order = "family"
    assert [r.full_name for r in sorted_rows(doc)] == ["Dương Văn An", "Đặng Thị An", "Trần Văn Bình", "Zơ Râm Đào"]
    doc2 = list_doc(["Đặng Văn Zung", "Dương Văn Yên", "Anh Văn Bảo"], group_by_village=False, order="family")
    assert [r.full_name for r in sorted_rows(doc2)] == ["Anh Văn Bảo", "Dương Văn Yên", "Đặng Văn Zung"]
    # the printed order follows the same key (STT 1.. in name order)
    names = [f"Người Số {w}" for w in ("Đức", "Dũng", "An", "Ánh", "Ân", "Bảo")]
    pdf = build_list_pdf(list_doc(names, group_by_village=False))
    text = page_texts(pdf)[0]
    positions = [text.index(n) for n in sorted(names, key=lambda n: name_sort_key(n, NameOrder.GIVEN))]
    assert positions == sorted(positions)


def test_page_numbers_and_header_on_every_page() -> None:
    names = [f"Nguyễn Văn Người {i:04d}" for i in range(180)]
    pdf = build_list_pdf(list_doc(names))
    reader = PdfReader(io.BytesIO(pdf))
    n = len(reader.pages)
    assert n >= 4
    for i, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert re.findall(r"Trang \d+/\d+", text) == [f"Trang {i}/{n}"]
        if i < n or "Người" in text:
            for title in ("STT", "Họ và tên", "Thôn/Tổ", "Giờ hẹn", "Nội dung", "Ký nhận"):
                assert title in text, (i, title)
    # every row printed once, numbered 1..180
    all_text = "\n".join(p.extract_text() for p in reader.pages)
    for name in names:
        assert all_text.count(name) == 1
    assert "Tổng số: 180 công dân." in all_text


def test_long_names_wrap_inside_the_name_column() -> None:
    pdf = build_list_pdf(list_doc([LONG_NAME, "Lê Ỷ"]))
    left, right = COL_X[NAME_COL], COL_X[NAME_COL] + COL_W[NAME_COL]
    name_words = LONG_NAME.split()
    boxes = words(pdf)
    # the long name's words, in reading order, between the table's left columns and 'Năm sinh'
    found = [w for w in boxes if w[4] in name_words and left <= w[0] < right]
    assert [w[4] for w in sorted(found, key=lambda w: (round(w[1]), w[0]))] == name_words
    assert len({round(w[1]) for w in found}) >= 2  # on several lines: the row grew instead of overflowing
    for x0, _, x1, _, word in found:
        assert left + PAD_X - 0.5 <= x0 and x1 <= right - PAD_X + 0.5, word
    # no word of any cell crosses a column boundary (the table runs from 'STT' down to the total line)
    top = next(w[1] for w in boxes if w[4] == "STT")
    bottom = next(w[1] for w in boxes if w[4] == "Tổng")
    cells = [w for w in boxes if top - 1 <= w[1] < bottom]
    assert len(cells) > 20
    for x0, _, x1, _, word in cells:
        for cx in COL_X[1:]:
            assert not (x0 < cx - 0.5 and x1 > cx + 0.5), word


def test_empty_list_is_a_clear_error_not_a_blank_pdf() -> None:
    with pytest.raises(NothingToPrint) as e:
        build_list_pdf(list_doc([]))
    assert isinstance(e.value, ServiceError)
    assert "không có gì để in" in e.value.message


def test_headings_name_the_unit() -> None:
    from desktop.printing.data import Unit

    for commune, head in (("Phường Ba Đình", "CÔNG AN PHƯỜNG BA ĐÌNH"), ("Đặc khu Trường Sa", "CÔNG AN ĐẶC KHU TRƯỜNG SA"),
                          ("Xã Tân Lập", "CÔNG AN XÃ TÂN LẬP")):
        text = page_texts(build_list_pdf(list_doc(NAMES[:2], unit=Unit(commune, "Khánh Hòa"))))[0]
        assert head in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Nhà văn hóa thôn Đông" in text and "05/03/2026" in text
