"""Every file format a commune office produces imports to the same register rows."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from desktop.services.importer import import_file, legacy
from tests.support.import_files import (
    HEADER,
    PEOPLE,
    TITLES,
    citizens,
    csv_text,
    id_for,
    people_rows,
    write_csv,
)


def _expect_people(db, n=len(PEOPLE)):
    rows = citizens(db)
    assert len(rows) == n
    by_name = {r["full_name"]: r for r in rows}
    for i, (name, dob, sex, village, phone) in enumerate(PEOPLE[:n], start=1):
        r = by_name[name]
        assert r["birth_date"] == dob.isoformat()
        assert r["birth_year"] == dob.year
        assert r["sex"] == sex
        assert r["village"] == village
        assert r["id_number"] == id_for(dob, sex, i)
        assert (r["phone"] or "") == phone
        assert r["status"] == "new" and r["has_card"] == 0 and r["vneid_stage"] == 0
    return by_name


@pytest.mark.parametrize(
    ("encoding", "delimiter", "label"),
    [
        ("utf-8", ",", "UTF-8"),
        ("utf-8-sig", ",", "UTF-8 (BOM)"),
        ("utf-16", "\t", "UTF-16"),  # Excel "Unicode text": UTF-16 LE with BOM, tab separated
        ("utf-16-le", "\t", "UTF-16"),  # without BOM
    ],
)
def test_unicode_csv_variants(db, tmp_path, encoding, delimiter, label):
    path = write_csv(tmp_path / "ds.csv", [*TITLES, HEADER, *people_rows()], encoding, delimiter)
    r = import_file(db, path)
    assert (r.inserted, r.errors, r.rows_total) == (len(PEOPLE), 0, len(PEOPLE))
    assert r.encoding == label
    assert r.report_path is None
    _expect_people(db)


def test_semicolon_csv(db, tmp_path):
    path = write_csv(tmp_path / "ds.csv", [HEADER, *people_rows()], "utf-8", ";")
    assert import_file(db, path).inserted == len(PEOPLE)


def test_windows_1258_csv(db, tmp_path):
    data = legacy.encode_cp1258(csv_text([*TITLES, HEADER, *people_rows()]))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (tmp_path / "ds.csv").write_bytes(data)
    r = import_file(db, tmp_path / "ds.csv")
    assert r.encoding == "Windows-1258"
    assert r.inserted == len(PEOPLE)
    _expect_people(db)


@pytest.mark.parametrize(("encode", "label"), [(legacy.encode_tcvn3, "TCVN3"), (legacy.encode_vni, "VNI")])
def test_legacy_byte_encodings_converted(db, tmp_path, encode, label):
    (tmp_path / "ds.csv").write_bytes(encode(csv_text([*TITLES, HEADER, *people_rows()])))
    r = import_file(db, tmp_path / "ds.csv")
    assert r.encoding == label
    assert r.inserted == len(PEOPLE), r.issues
    _expect_people(db)


def test_tcvn3_table_known_mojibake():
    assert legacy.tcvn3_text("NguyÔn V¨n An") == "Nguyễn Văn An"
    assert legacy.tcvn3_text("Hµ Néi") == "Hà Nội"
    assert legacy.tcvn3_text("§Æng") == "Đặng"
    assert legacy.tcvn3_text("TH¤N §¤NG") == "THÔN ĐÔNG"
    assert legacy.tcvn3_text("NGUYÔN") == "NGUYỄN"  # capital font: lower-case code in a capital word
    assert legacy.vni_text("Nguyeãn Vaên An") == "Nguyễn Văn An"
    assert legacy.vni_text("Ñaëng Thò Thuùy") == "Đặng Thị Thúy"
    # Round trip of every Vietnamese lower-case letter and the seven TCVN3 capitals.
    letters = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵĂÂÊÔƠƯĐ"
    assert legacy.decode_tcvn3(legacy.encode_tcvn3(letters)) == letters
    assert legacy.decode_vni(legacy.encode_vni(letters + letters.upper())) == letters + letters.upper()


def test_utf8_csv_holding_tcvn3_mojibake(db, tmp_path):
    """A TCVN3 sheet saved by Excel as 'CSV UTF-8' keeps the mojibake characters: converted per cell."""
    mojibake = legacy.encode_tcvn3(csv_text([HEADER, *people_rows()])).decode("cp1252", errors="replace")
    (tmp_path / "ds.csv").write_text(mojibake, encoding="utf-8")
    r = import_file(db, tmp_path / "ds.csv")
    assert r.encoding == "TCVN3"
    _expect_people(db)


def _xlsx(path, rows, *, merged_title=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"] = "CÔNG AN XÃ HOÀ BÌNH"
    ws["A2"] = "DANH SÁCH CÔNG DÂN CẦN LÀM CĂN CƯỚC"
    if merged_title:
        ws.merge_cells("A1:G1")
        ws.merge_cells("A2:G2")
    start = 4
    for c, h in enumerate(HEADER, start=1):
        ws.cell(row=start, column=c, value=h)
    for r, row in enumerate(rows, start=start + 1):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v)
    wb.save(path)
    return path


def test_xlsx_titles_merged_serials_floats(db, tmp_path):
    name0, dob0, sex0, v0, p0 = PEOPLE[0]
    name1, dob1, sex1, v1, p1 = PEOPLE[1]
    name2, dob2, sex2, v2, p2 = PEOPLE[2]
    name3, dob3, sex3, v3, p3 = PEOPLE[3]
    serial = (dob1 - dt.date(1899, 12, 30)).days
    rows = [
        # a real Excel date cell
        [1, name0, dob0, "Nam", int(id_for(dob0, sex0, 1)), v0, int(p0)],
        # an Excel serial number typed as a number, ID as a float (calamine gives 56190xxxxxx.0)
        [2, name1, serial, "Nữ", float(id_for(dob1, sex1, 2)), v1, p1],
        ["THÔN MỚI"],  # a merged section row: one cell
        # text date d/m/yyyy; ID as text with its zero
        [3, name2, f"{dob2.day}/{dob2.month}/{dob2.year}", "F", id_for(dob2, sex2, 3), v2, p2],
        # year only, as a number
        [4, name3, dob3.year, "M", id_for(dob3, sex3, 4), v3, None],
    ]
    path = _xlsx(tmp_path / "ds.xlsx", rows)
    r = import_file(db, path)
    assert (r.inserted, r.errors, r.rows_total) == (4, 0, 4), r.issues
    assert r.encoding == "Excel"
    by_name = {c["full_name"]: c for c in citizens(db)}
    assert by_name[name0]["birth_date"] == dob0.isoformat()
    assert by_name[name0]["phone"] == p0  # 912345678.0 → '0912345678' with a warning
    assert by_name[name1]["birth_date"] == dob1.isoformat()
    assert by_name[name1]["id_number"] == id_for(dob1, sex1, 2)
    assert by_name[name2]["birth_date"] == dob2.isoformat()
    assert by_name[name3]["birth_date"] is None and by_name[name3]["birth_year"] == dob3.year
    warnings = [(i.row, i.reason) for i in r.issues if i.severity == "warning"]
    # Row numbers are the sheet's: header on row 4, first data row on 5.
    assert any(row == 5 and "thiếu số 0" in reason for row, reason in warnings)
    assert r.report_path is not None and r.report_path.name == "ds.loi.csv"


def test_xlsx_eleven_digit_id_repaired_with_warning(db, tmp_path):
    name, dob, sex, village, phone = PEOPLE[0]
    number = id_for(dob, sex, 1)
    path = _xlsx(tmp_path / "ds.xlsx", [[1, name, dob, "Nam", float(number), village, phone]])
    r = import_file(db, path)
    assert r.inserted == 1 and r.errors == 0
    (issue,) = [i for i in r.issues if i.field == "id_number"]
    assert issue.severity == "warning" and issue.row == 5 and issue.column == "Số CCCD"
    assert "thiếu số 0 đầu" in issue.reason
    assert citizens(db)[0]["id_number"] == number


def test_xlsx_in_tcvn3_font(db, tmp_path):
    rows = [[legacy.encode_tcvn3(str(c)).decode("cp1252") if isinstance(c, str) else c for c in row]
            for row in people_rows()]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([legacy.encode_tcvn3(h).decode("cp1252") for h in HEADER])
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / "ds.xlsx")
    r = import_file(db, tmp_path / "ds.xlsx")
    assert r.encoding == "Excel (TCVN3)"
    _expect_people(db)


def test_header_spellings_and_flags(db, tmp_path):
    rows = [
        ["TT", "HỌ TÊN", "Năm sinh", "Nam", "Nữ", "Số định danh", "Ấp", "Địa chỉ", "Số điện thoại",
         "Người cao tuổi", "Khuyết tật", "Cần đến tận nhà", "Ghi chú", "Ngày cấp"],
        ["1", "Phan Văn Tèo", "1940", "x", "", "", "Ấp 1", "12 đường Số 5", "84 912 345 678", "x", "", "x",
         "Nằm liệt giường", ""],
        ["2", "Lý Thị Lan", "1958", "", "x", "", "Ấp 2", "", "0912.345.679", "", "x", "", "", "15/08/2021"],
    ]
    write_csv(tmp_path / "ds.csv", rows)
    r = import_file(db, tmp_path / "ds.csv")
    assert r.inserted == 2, r.issues
    a, b = citizens(db)
    assert (a["sex"], a["birth_year"], a["village"], a["address"], a["phone"]) == (
        "M", 1940, "Ấp 1", "12 đường Số 5", "0912345678")
    assert (a["elderly"], a["disabled"], a["needs_home_visit"], a["note"]) == (1, 0, 1, "Nằm liệt giường")
    assert (b["sex"], b["disabled"], b["card_issued_on"], b["has_card"]) == ("F", 1, "2021-08-15", 1)


def test_two_level_header_dates_under_sex(db, tmp_path):
    rows = [
        ["STT", "Họ và tên", "Ngày tháng năm sinh", "", "Thôn"],
        ["", "", "Nam", "Nữ", ""],
        ["1", "Hà Văn Tú", "03/04/1970", "", "Bản Mường"],
        ["2", "Lò Thị Xuân", "", "1988", "Bản Mường"],
    ]
    write_csv(tmp_path / "ds.csv", rows)
    r = import_file(db, tmp_path / "ds.csv")
    assert r.inserted == 2, r.issues
    a, b = citizens(db)
    assert (a["sex"], a["birth_date"]) == ("M", "1970-04-03")
    assert (b["sex"], b["birth_year"]) == ("F", 1988)


def test_nfd_input_stored_nfc(db, tmp_path):
    import unicodedata

    name = unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ")
    village = unicodedata.normalize("NFD", "Thôn Đồng Hoà")
    write_csv(tmp_path / "ds.csv", [["Họ và tên", "Năm sinh", "Thôn"], [name, "1990", village]])
    import_file(db, tmp_path / "ds.csv")
    (c,) = citizens(db)
    for col in ("full_name", "full_name_raw", "given_name", "village"):
        assert unicodedata.is_normalized("NFC", c[col]), col
    assert c["full_name"] == "Nguyễn Thị Thuỷ"
    assert c["name_key"] == "nguyen thi thuy" and c["village_key"] == "thon dong hoa"


def test_section_rows_fill_village_and_names_are_not_sections(db, tmp_path):
    rows = [
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["THÔN BẮC", "", "", "", ""],
        ["1", "Bàn Văn Sinh", "1980", "Nam", ""],
        ["", "Tô Thị Hà", "", "", ""],  # only a name: a citizen, not a section 'Tổ'
        ["", "Tổ dân phố 4", "", "", ""],  # a section typed in the name column
        ["2", "Lò Văn Pọm", "1975", "Nam", ""],
    ]
    r = import_file(db, write_csv(tmp_path / "ds.csv", rows))
    assert (r.inserted, r.errors, r.rows_total) == (3, 0, 3), r.issues
    by_name = {c["full_name"]: c for c in citizens(db)}
    assert by_name["Bàn Văn Sinh"]["village"] == "THÔN BẮC"
    assert by_name["Tô Thị Hà"]["village"] == "THÔN BẮC"
    assert by_name["Lò Văn Pọm"]["village"] == "Tổ dân phố 4"
