"""ID numbers through real files: Excel's lost zeros repaired, unknown place codes refused."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from desktop.services.importer import import_file
from tests.support.import_files import HEADER, write_csv


def _ids(db) -> dict[str, str | None]:
    with db.engine.connect() as c:
        return dict(c.exec_driver_sql("SELECT full_name, id_number FROM citizens").all())


def test_xlsx_number_cells_missing_two_zeros_are_repaired(db, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    # Typed as numbers, Excel keeps 1190012345 for 001190012345 (Hà Nội) and 56185003333 for 056…
    ws.append([1, "Nguyễn Thị Hà", "02/03/1990", "Nữ", 1190012345, "Thôn Đông", "0912345678"])
    ws.append([2, "Hoàng Văn Bắc", "15/08/1985", "Nam", 6085001234, "Thôn Tây", ""])
    ws.append([3, "Trần Thị Mai", "01/02/1985", "Nữ", 56185003333, "Thôn Tây", ""])
    path = tmp_path / "danh_sach.xlsx"
    wb.save(path)
    r = import_file(db, path)
    assert (r.inserted, r.errors) == (3, 0)
    assert _ids(db) == {
        "Nguyễn Thị Hà": "001190012345", "Hoàng Văn Bắc": "006085001234", "Trần Thị Mai": "056185003333",
    }
    reasons = [i.reason for i in r.issues if i.field == "id_number"]
    assert any("hai số 0" in x and "001190012345" in x for x in reasons)
    assert any("hai số 0" in x and "006085001234" in x for x in reasons)
    assert any("thiếu số 0 đầu" in x and "056185003333" in x for x in reasons)


def test_ten_digits_that_cannot_be_a_number_are_an_error(db, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ds.csv", [HEADER, ["1", "Lê Văn Ba", "02/03/1990", "Nam", "3190012345", "Thôn Đông", ""]])
    r = import_file(db, path)
    assert (r.inserted, r.errors) == (0, 1)
    assert any(i.field == "id_number" and i.severity == "error" for i in r.issues)


def test_unknown_place_code_from_a_number_cell_is_an_error(db, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([1, "Phạm Thị Tư", "10/10/1995", "Nữ", 999195000066, "Thôn Đông", ""])
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    r = import_file(db, path)
    assert (r.inserted, r.errors) == (0, 1)
    [issue] = [i for i in r.issues if i.field == "id_number"]
    assert "'999'" in issue.reason and issue.severity == "error"


def test_unknown_place_code_from_text_is_an_error(db, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ds.csv", [HEADER, ["1", "Phạm Thị Tư", "10/10/1995", "Nữ", "999195000066", "Thôn Đông", ""]])
    r = import_file(db, path)
    assert (r.inserted, r.errors) == (0, 1)


def test_eth_from_an_old_windows_file_is_stored_as_d_with_stroke(db, tmp_path: Path) -> None:
    """'Ðặng' (U+00D0, cp1258's Đ read as cp1252) is stored as 'Đặng' and found by 'dang'."""
    from desktop.services.due import search

    path = write_csv(tmp_path / "ds.csv", [HEADER, ["1", "\u00d0ặng Văn \u00d0ức", "10/10/1995", "Nam",
                                                     "001095000066", "Thôn Ðông", ""]])
    r = import_file(db, path)
    assert (r.inserted, r.errors) == (1, 0)
    with db.session() as s:
        rows = search.search(s, "dang van duc").rows
        assert [row.full_name for row in rows] == ["Đặng Văn Đức"]
        assert rows[0].village == "Thôn Đông"
