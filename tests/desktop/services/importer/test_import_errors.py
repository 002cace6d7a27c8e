"""Bad input: named row errors for bad rows, ImportFileError and not a byte written for bad files."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from desktop.services.importer import ImportCancelled, ImportFileError, import_file
from tests.support.import_files import HEADER, PEOPLE, citizens, dump, id_for, people_rows, write_csv

TODAY = dt.date.today()


@pytest.fixture
def seeded(db, tmp_path):
    """A register with a few citizens already, so 'nothing written' is checked against real data."""
    write_csv(tmp_path / "seed.csv", [HEADER, *people_rows()])
    import_file(db, tmp_path / "seed.csv")
    return db


def _issues(result, severity="error"):
    return {(i.row, i.column): i for i in result.issues if i.severity == severity}


def test_bad_rows_are_named_and_skipped(seeded, tmp_path):
    name, dob, sex, village, phone = PEOPLE[0]
    rows = [
        HEADER,
        ["1", "Hồ Văn Một", "31/02/1990", "Nam", "", "Thôn Đông", ""],  # 2: date does not exist
        ["2", "Hồ Văn Hai", "tháng Giêng", "Nam", "", "Thôn Đông", ""],  # 3: not a date
        ["3", "Hồ Văn Ba", "01/01/1990", "Nam", idnumber_for(1985, "M"), "Thôn Đông", ""],  # 4: ID/DOB
        ["4", "Hồ Thị Bốn", "01/01/1990", "Nữ", idnumber_for(1990, "M"), "Thôn Đông", ""],  # 5: ID/sex
        ["5", "", "01/01/1990", "Nữ", "", "Thôn Đông", ""],  # 6: no name
        ["6", "Hồ Văn Sáu", (TODAY + dt.timedelta(days=3)).strftime("%d/%m/%Y"), "Nam", "", "", ""],  # 7
        ["7", "Hồ Văn Bảy", "01/01/1870", "Nam", "", "", ""],  # 8: age > 130
        ["8", "Hồ Văn Tám", "01/01/1990", "Không rõ", "", "", ""],  # 9: sex
        ["9", "Hồ Văn Chín", "01/01/1990", "Nam", "05609000012", "", ""],  # 10: 11 digits not repairable
        ["10", "Hồ Văn Mười", "01/01/1990", "Nam", "5.6179E+10", "", ""],  # 11: scientific notation
        ["11", "Hồ Văn 11", "01/01/1990", "Nam", "", "", ""],  # 12: digits in the name
        ["12", "Hồ Văn Mười Hai", "01/01/1990", "Nam", idnumber_for(1990, "M", 7), "", ""],  # 13 ok
        ["13", "Hồ Văn Trùng", "01/01/1990", "Nam", idnumber_for(1990, "M", 7), "", ""],  # 14: dup in file
        ["14", "Hồ Văn Mười Bốn", "01/01/1990", "Nam", "", "", "12 34"],  # 15 ok, phone warning
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    r = import_file(seeded, path)
    errs = _issues(r)
    date_col, id_col, sex_col, name_col = "Ngày, tháng, năm sinh", "Số CCCD", "Giới tính", "Họ và tên"
    assert "không tồn tại" in errs[(2, date_col)].reason
    assert "Không đọc được ngày" in errs[(3, date_col)].reason and errs[(3, date_col)].value == "tháng Giêng"
    assert "năm sinh 1985" in errs[(4, id_col)].reason
    assert "giới tính nam" in errs[(5, id_col)].reason
    assert errs[(6, name_col)].reason == "Thiếu họ tên"
    assert "tương lai" in errs[(7, date_col)].reason
    assert "130" in errs[(8, date_col)].reason
    assert "Giới tính" in errs[(9, sex_col)].reason
    assert (10, id_col) in errs
    assert "khoa học" in errs[(11, id_col)].reason
    assert "chữ số" in errs[(12, name_col)].reason
    assert "trùng với dòng 13" in errs[(14, id_col)].reason
    assert (15, "SĐT") in _issues(r, "warning")
    assert r.errors == 12 and r.inserted == 2 and r.rows_total == 14
    assert r.inserted + r.updated + r.unchanged + r.errors == r.rows_total
    # The report beside the input, UTF-8 with BOM, in Vietnamese.
    assert r.report_path == tmp_path / "bad.loi.csv"
    raw = r.report_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    report = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert report[0] == ["Dòng", "Cột", "Giá trị", "Lý do", "Mức độ"]
    assert ["3", date_col, "tháng Giêng", errs[(3, date_col)].reason, "Lỗi"] in report
    assert len(report) == 1 + len(r.issues)


def idnumber_for(year: int, sex: str, serial: int = 99) -> str:
    return id_for(dt.date(year, 1, 1), sex, serial)


def test_xlsx_report_writes_formulas_as_text(db, tmp_path):
    rows = [HEADER, ["1", "=HYPERLINK(\"http://x\")", "01/01/1990", "Nam", "", "", ""],
            ["2", "Ngô Văn Ba", "+1990", "Nam", "", "", ""]]
    path = write_csv(tmp_path / "ds.csv", rows)
    r = import_file(db, path, report_path=tmp_path / "out" / "loi.xlsx")
    assert r.report_path == tmp_path / "out" / "loi.xlsx"
    ws = openpyxl.load_workbook(r.report_path).active
    values = [c.value for row in ws.iter_rows() for c in row]
    data_types = {c.value: c.data_type for row in ws.iter_rows() for c in row}
    assert "=HYPERLINK(\"http://x\")" in values
    assert data_types["=HYPERLINK(\"http://x\")"] == "s"
    assert data_types["+1990"] == "s"
    # CSV report: the same values are neutralised with a leading apostrophe.
    r2 = import_file(db, path, report_path=tmp_path / "loi.csv")
    assert "'=HYPERLINK" in r2.report_path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "rỗng"),
        ("blank.csv", b"\xef\xbb\xbf\r\n  \r\n", "rỗng"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "không phải bảng tính"),
        ("broken.xlsx", bytes(range(256)) * 8, "không phải tệp Excel"),
        ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 100, "Không đọc được tệp Excel"),
        ("junk.csv", bytes(range(256)) * 8, "không phải bảng tính"),
        ("latin.csv", "Họ và tên\nJosé Müller Ñandú ÿ ž\n".encode().replace(b"\xc3", b"\x81\x8d"),
         "Không giải mã được"),
        ("noheader.csv", b"a,b,c\n1,2,3\n", "Không tìm thấy dòng tiêu đề"),
        ("noname.csv", "STT,Ngày sinh,Số CCCD,Thôn\n1,01/01/1990,,Thôn 1\n".encode(), "Thiếu cột bắt buộc 'Họ và tên'"),
    ],
)
def test_fatal_file_errors_write_nothing(seeded, tmp_path, name, content, message):
    before = dump(seeded)
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ImportFileError) as info:
        import_file(seeded, tmp_path / name)
    assert message in info.value.message
    assert dump(seeded) == before
    assert not (tmp_path / name).with_suffix(".loi.csv").exists()


@pytest.fixture
def small_chunks(monkeypatch):
    import desktop.services.importer as importer

    monkeypatch.setattr(importer, "CHUNK", 500)


def test_cancel_rolls_back_everything(seeded, tmp_path, small_chunks):
    before = dump(seeded)
    rows = [HEADER] + [
        [str(i), f"Người Thứ {chr(0x41 + i % 26)}", "01/01/1990", "Nam", idnumber_for(1990, "M", 1000 + i),
         "Thôn Mới", ""]
        for i in range(1500)
    ]
    # Also change an existing citizen, so an update must be rolled back too.
    rows.append(["x", PEOPLE[0][0], PEOPLE[0][1].strftime("%d/%m/%Y"), "Nam", id_for(PEOPLE[0][1], "M", 1),
                 "Thôn Khác", ""])
    path = write_csv(tmp_path / "big.csv", rows)
    calls = []

    def progress(done, total):
        calls.append((done, total))

    def cancel():
        return len(calls) >= 1  # after the first batch has been written

    with pytest.raises(ImportCancelled):
        import_file(seeded, path, progress=progress, cancel=cancel)
    assert calls and calls[0][0] > 0
    assert dump(seeded) == before


def test_crash_mid_import_rolls_back(seeded, tmp_path, monkeypatch, small_chunks):
    from desktop.services.importer import writer

    before = dump(seeded)
    rows = [HEADER] + [[str(i), "Lê Văn Tư", "01/01/1990", "Nam", idnumber_for(1990, "M", 500 + i), "", ""]
                       for i in range(1500)]
    path = write_csv(tmp_path / "big.csv", rows)
    original = writer.BulkWriter.flush
    state = {"n": 0}

    def flaky(self):
        state["n"] += 1
        original(self)
        if state["n"] == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(writer.BulkWriter, "flush", flaky)
    with pytest.raises(RuntimeError):
        import_file(seeded, path)
    assert dump(seeded) == before
    monkeypatch.setattr(writer.BulkWriter, "flush", original)
    assert import_file(seeded, path).inserted == 1500


def test_progress_reported(db, tmp_path, small_chunks):
    rows = [HEADER] + [[str(i), "Lê Văn Tư", "01/01/1990", "Nam", idnumber_for(1990, "M", i), "", ""]
                       for i in range(1500)]
    path = write_csv(tmp_path / "big.csv", rows)
    calls = []
    r = import_file(db, path, progress=lambda d, t: calls.append((d, t)))
    assert r.inserted == 1500
    assert len(calls) >= 3 and calls[-1][0] == calls[-1][1]
    assert all(d <= t for d, t in calls)
    assert len(citizens(db)) == 1500


def _fts_trigger_present(database) -> bool:
    with database.engine.connect() as c:
        return c.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'citizens_fts_ai'"
        ).first() is not None


def _fts_hits(database, phrase: str) -> int:
    with database.engine.connect() as c:
        c.exec_driver_sql("INSERT INTO citizens_fts(citizens_fts) VALUES ('integrity-check')")
        return c.exec_driver_sql(
            "SELECT count(*) FROM citizens_fts WHERE citizens_fts MATCH ?", (f'"{phrase}"',)
        ).scalar_one()


def test_bulk_search_index_and_trigger_survive_import_and_cancel(seeded, tmp_path, small_chunks):
    """The import indexes its new rows in one statement; the per-row trigger is back afterwards."""
    from desktop.services.register.citizens import add_citizen

    assert _fts_trigger_present(seeded)
    assert _fts_hits(seeded, "dang quoc khanh") == 1  # imported rows are searchable
    rows = [HEADER] + [[str(i), "Vũ Thị Hằng", "02/02/1992", "Nữ", idnumber_for(1992, "F", 3000 + i), "", ""]
                       for i in range(1200)]
    path = write_csv(tmp_path / "cancelled.csv", rows)
    with pytest.raises(ImportCancelled):
        import_file(seeded, path, cancel=lambda: True)
    assert _fts_trigger_present(seeded)
    assert _fts_hits(seeded, "vu thi hang") == 0
    with seeded.session() as s:  # a citizen added later goes through the restored trigger
        add_citizen(s, {"full_name": "Ỷ Lan", "birth_year": 1970, "sex": "F", "village": "Thôn Đông"})
    assert _fts_hits(seeded, "y lan") == 1
