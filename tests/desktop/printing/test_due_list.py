"""The due list per village ("what is missing" for the village head): CLI to PDF and XLSX, read back, Vietnamese order."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop import config, paths
from desktop.printing.data import NothingToPrint
from desktop.services.documents import due_lists
from desktop.services.register.citizens import add_citizen
from desktop.storage.db import open_database
from tests.support.print_pages import page_texts

ON = dt.date(2026, 12, 1)
# name, birth, village, phone, card issued, VNeID stage → what the list must say
PEOPLE = [
    ("Nguyễn Văn An", "05/03/1985", "Tổ dân phố 10", "0912345678", None, 0),  # first card
    ("Trần Thị Bình", "25/11/2000", "Tổ dân phố 2", "0987654321", "05/01/2016", 0),  # expired at 25: cấp đổi
    ("Lê Thị Thuý", "31/01/1970", "Thôn Đông", "0355123456", "01/03/2022", 0),  # VNeID register
    ("Đặng Quốc Khánh", "09/07/1962", "Thôn Dương", "", "10/10/2021", 2),  # VNeID activate
    ("Y Bih Niê Kdăm", "04/05/1980", "Buôn Ko Sier", "0905111222", None, 0),  # first card
    ("Phạm Văn Cường", "09/09/1991", "Tổ dân phố 2", "0905000111", "01/04/2022", 3),  # nothing due
]


def _seed(db) -> None:
    with db.session() as s:
        config.set_commune(s, config.Commune("24175", "Xã Hòa Phú", "66", "Đắk Lắk"))
        for name, born, village, phone, issued, stage in PEOPLE:
            c = add_citizen(s, {"full_name": name, "birth_date": born, "village": village, "phone": phone,
                                "card_issued_on": issued})
            c.vneid_stage = stage  # (as an imported list would set it)


@pytest.fixture
def seeded(db):
    _seed(db)
    return db


def test_groups_in_natural_vietnamese_village_order(seeded) -> None:
    with seeded.session() as s:
        doc = due_lists.due_list_doc(s, ON)
    assert [v.village for v in doc.villages] == ["Buôn Ko Sier", "Thôn Dương", "Thôn Đông", "Tổ dân phố 2",
                                                 "Tổ dân phố 10"]
    by_name = {line.full_name: line for v in doc.villages for line in v.lines}
    assert "Phạm Văn Cường" not in by_name
    assert by_name["Nguyễn Văn An"].kinds == ("first_card",)
    assert by_name["Trần Thị Bình"].kinds[0] == "renew"
    assert "vneid_register" in by_name["Lê Thị Thuý"].kinds
    assert by_name["Đặng Quốc Khánh"].kinds == ("vneid_activate",) and by_name["Đặng Quốc Khánh"].phone == ""


def test_cli_pdf_and_xlsx(tmp_path: Path, capsys) -> None:
    from desktop.cli import main

    db = open_database(paths.db_path())
    _seed(db)
    db.close()
    pdf_path = tmp_path / "can-den.pdf"
    assert main(["--json", "print", "due", "--date", "2026-12-01", "--out", str(pdf_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["count"] == 5 and out["document"] == "due"
    texts = [unicodedata.normalize("NFC", x) for x in page_texts(pdf_path.read_bytes())]
    assert len(texts) == 5  # one page per village, for each village head
    first = " ".join(texts[0].split())
    assert "DANH SÁCH CÔNG DÂN CẦN ĐẾN LÀM THỦ TỤC" in first and "Buôn Ko Sier" in first
    assert "Y Bih Niê Kdăm" in first and "0905111222" in first and "Cấp thẻ căn cước lần đầu" in first
    assert "Ghi chú của trưởng thôn/tổ" in first and "CÔNG AN XÃ HÒA PHÚ" in first
    assert "Hòa Phú, ngày 01 tháng 12 năm 2026" in first
    all_text = " ".join(" ".join(texts).split())
    assert "Cấp đổi thẻ căn cước" in all_text and "Kích hoạt tài khoản VNeID" in all_text
    assert "CCCD" not in all_text
    assert all_text.index("Thôn Dương") < all_text.index("Thôn Đông") < all_text.index("Tổ dân phố 2") \
        < all_text.index("Tổ dân phố 10")

    one = tmp_path / "to2.pdf"
    assert main(["print", "due", "--village", "to dan pho 2", "--date", "2026-12-01", "--out", str(one)]) == 0
    capsys.readouterr()
    t2 = " ".join(" ".join(page_texts(one.read_bytes())).split())
    assert "Trần Thị Bình" in t2 and "Nguyễn Văn An" not in t2 and "Phạm Văn Cường" not in t2

    xlsx = tmp_path / "can-den.xlsx"
    assert main(["print", "due", "--xlsx", "--date", "2026-12-01", "--out", str(xlsx)]) == 0
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Tổng hợp", "Buôn Ko Sier", "Thôn Dương", "Thôn Đông", "Tổ dân phố 2", "Tổ dân phố 10"]
    ws = wb["Tổ dân phố 2"]
    assert [c.value for c in ws[5]] == ["STT", "Họ và tên", "Ngày sinh", "Số điện thoại", "Cần làm",
                                        "Ghi chú của trưởng thôn/tổ"]
    assert ws.cell(6, 2).value == "Trần Thị Bình" and ws.cell(6, 4).value == "0987654321"
    assert ws.cell(6, 6).value in (None, "")

    # a selection with nobody due is exit 2, and no file
    capsys.readouterr()
    empty = tmp_path / "none.pdf"
    assert main(["print", "due", "--village", "Thôn Không Có", "--out", str(empty)]) == 2
    assert not empty.exists() and "Không có công dân nào" in capsys.readouterr().err


def test_nothing_to_print_is_a_service_error(db) -> None:
    with db.session() as s, pytest.raises(NothingToPrint):
        due_lists.due_list_doc(s, ON)
