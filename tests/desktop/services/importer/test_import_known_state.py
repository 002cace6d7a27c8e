"""Card and VNeID state from a half-done commune's list, in CSV and XLSX.

The imported state keeps card holders off the "register VNeID" list and activated people off the "activate"
list, and it is history: no indicator of any day counts it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop.models import Citizen, StatusEvent
from desktop.services.due import rules as due
from desktop.services.due.kinds import DueKind
from desktop.services.figures import indicators
from desktop.services.importer import import_file
from desktop.services.importer.header import field_of
from desktop.services.register import statuses
from desktop.services.register.cells import parse_yes_no
from tests.support.import_files import id_for, write_csv

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Buôn", "Đã có thẻ căn cước", "Ngày cấp",
          "VNeID mức 2", "Đã kích hoạt VNeID"]
ON = dt.date(2026, 12, 1)


def _rows() -> list[list[object]]:
    people = [
        # name, dob, sex, card?, issued, vneid l2, activated
        ("Y Bih Niê Kdăm", dt.date(1980, 5, 4), "M", "Có", "12/03/2022", "Rồi", "Đã kích hoạt"),
        ("H'Hen Niê", dt.date(1992, 8, 15), "F", "x", "", "Mức 2", "Chưa"),
        ("Nguyễn Thị Thuý", dt.date(1975, 1, 2), "F", "Đã cấp 05/06/2021", "", "chưa", ""),
        ("Trần Văn Bình", dt.date(1988, 2, 3), "M", "Chưa", "", "", ""),
        ("Lê Văn Cường", dt.date(1990, 9, 9), "M", "có lẽ", "", "", ""),
    ]
    rows: list[list[object]] = [["CÔNG AN XÃ EA KAO"], ["DANH SÁCH CÔNG DÂN"], HEADER]
    for i, (name, dob, sex, card, issued, l2, act) in enumerate(people, start=1):
        rows.append([str(i), name, dob.strftime("%d/%m/%Y"), "Nam" if sex == "M" else "Nữ", id_for(dob, sex, i),
                     "Buôn Ko Tam", card, issued, l2, act])
    return rows


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_known_state_imported_not_counted(db, tmp_path, fmt):
    rows = _rows()
    path = write_csv(tmp_path / "ds.csv", rows) if fmt == "csv" else _xlsx(tmp_path / "ds.xlsx", rows)
    result = import_file(db, path)
    assert result.inserted == 5 and result.errors == 0
    # the unreadable "có lẽ" is a warning naming the column, the row is kept
    unclear = [i for i in result.issues if i.field == "card_known"]
    assert len(unclear) == 1 and "có lẽ" in unclear[0].reason and unclear[0].column == "Đã có thẻ căn cước"
    with db.session() as s:
        by_name = {c.full_name: c for c in s.scalars(select(Citizen))}
        y = by_name["Y Bih Niê Kdăm"]
        assert (y.has_card, y.vneid_stage, y.card_known, y.vneid_known) == (True, 3, True, 3)
        assert y.card_issued_on == dt.date(2022, 3, 12) and y.status == "vneid_activated"
        h = by_name["H'Hen Niê"]
        assert (h.has_card, h.vneid_stage, h.status) == (True, 2, "vneid_approved")
        t = by_name["Nguyễn Thị Thuý"]
        assert (t.has_card, t.vneid_stage, t.card_issued_on) == (True, 0, dt.date(2021, 6, 5))
        b = by_name["Trần Văn Bình"]
        assert (b.has_card, b.vneid_stage) == (False, 0)
        assert by_name["Lê Văn Cường"].has_card is False
        assert y.village == "Buôn Ko Tam"

        register = {i.citizen.full_name for i in due.due_list(s, ON, DueKind.VNEID_REGISTER)}
        assert register == {"Nguyễn Thị Thuý"}  # the card holders who have no account yet, nobody else
        activate = {i.citizen.full_name for i in due.due_list(s, ON, DueKind.VNEID_ACTIVATE)}
        assert activate == {"H'Hen Niê"}
        first = {i.citizen.full_name for i in due.due_list(s, ON, DueKind.FIRST_CARD)}
        assert first == {"Trần Văn Bình", "Lê Văn Cường"}

        # history from elsewhere: no event, nothing counted today or cumulatively
        assert s.scalar(select(StatusEvent.id).limit(1)) is None
        assert not any(indicators.count_until(s, ON).values())
        assert not any(indicators.count_day(s, dt.date.today()).totals.values())
        # the state rebuilt from the (absent) events agrees with the cache
        for c in by_name.values():
            before = (c.status, c.has_card, c.vneid_stage)
            statuses.rebuild_state(s, c)
            assert (c.status, c.has_card, c.vneid_stage) == before

        # activation of someone registered elsewhere is possible, and counts once, today
        statuses.record_event(s, h, "vneid_activated", at=dt.datetime(2026, 12, 1, 9, 0))
        assert indicators.count_day(s, ON).totals["vneid_activated"] == 1
        assert indicators.count_until(s, ON)["vneid_l2_captured"] == 0


def test_reimport_adds_known_state_never_erases(db, tmp_path):
    rows = _rows()
    import_file(db, write_csv(tmp_path / "a.csv", rows))
    # a later list of the same people with the status columns blank or saying "chưa" changes nothing
    later = [r[:6] + ["", "", "Chưa", "Chưa"] if isinstance(r[0], str) and r[0].isdigit() else r for r in rows]
    later[2] = HEADER
    import_file(db, write_csv(tmp_path / "b.csv", later))
    with db.session() as s:
        y = s.scalar(select(Citizen).where(Citizen.full_name == "Y Bih Niê Kdăm"))
        assert (y.has_card, y.vneid_stage, y.vneid_known) == (True, 3, 3)
    # a later list that reports the activation of someone known only as registered raises the stage
    third = [r for r in rows[:3]] + [rows[4][:8] + ["Rồi", "Đã kích hoạt"]]
    import_file(db, write_csv(tmp_path / "c.csv", third))
    with db.session() as s:
        h = s.scalar(select(Citizen).where(Citizen.full_name == "H'Hen Niê"))
        assert (h.has_card, h.vneid_stage, h.status) == (True, 3, "vneid_activated")
        assert s.scalar(select(StatusEvent.id).limit(1)) is None


@pytest.mark.parametrize(("cell", "answer"), [
    ("Có", True), ("x", True), ("rồi", True), ("Đã cấp", True), ("ĐÃ KÍCH HOẠT", True), ("Mức 2", True),
    ("VNeID mức 2", True), ("✓", True), ("không", False), ("Chưa", False), ("chưa kích hoạt", False),
    ("Mức 1", False), ("-", False), ("0", False), (1.0, True), (0, False), ("có lẽ", None),
])
def test_yes_no_spellings(cell, answer):
    yes, ok, _when = parse_yes_no(cell)
    assert yes is answer and ok is (answer is not None)


def test_yes_with_date_gives_the_issue_date():
    assert parse_yes_no("Đã cấp 12/03/2022") == (True, True, dt.date(2022, 3, 12))
    assert parse_yes_no(dt.datetime(2021, 6, 5)) == (True, True, dt.date(2021, 6, 5))


@pytest.mark.parametrize(("heading", "fld"), [
    ("Đã có thẻ căn cước", "card_known"), ("Đã có thẻ CCCD", "card_known"), ("Tình trạng thẻ", "card_known"),
    ("Ngày cấp", "card_issued_on"), ("Ngày cấp thẻ CCCD", "card_issued_on"),
    ("Đã kích hoạt VNeID", "vneid_activated"), ("Kích hoạt tài khoản ĐDĐT", "vneid_activated"),
    ("VNeID mức 2", "vneid_l2"), ("Định danh điện tử mức 2", "vneid_l2"), ("Số CCCD", "id_number"),
    ("Buôn", "village"), ("Bon", "village"), ("Làng", "village"), ("Bản", "village"), ("Ấp", "village"),
    ("Phum/Sóc", "village"), ("Khối phố", "village"), ("Tiểu khu", "village"), ("Thôn/Buôn", "village"),
])
def test_headings(heading, fld):
    assert field_of(heading) == fld


GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Long"]


def test_section_rows_with_every_village_word(db, tmp_path):
    """A list grouped by merged section rows: 'BUÔN KO SIER', 'Khối phố 3', 'Tiểu khu 5', 'Phum Trà Tim'."""
    rows: list[list[object]] = [["DANH SÁCH CÔNG DÂN"], ["STT", "Họ và tên", "Năm sinh", "Giới tính"]]
    sections = ("BUÔN KO SIER", "Khối phố 3", "Tiểu khu 5", "Phum Trà Tim", "Sóc Xoài", "Bon Bu Dăr")
    for n, section in enumerate(sections, start=1):
        rows.append([section, "", "", ""])
        rows.append([str(n), f"Nguyễn Văn {GIVEN[n - 1]}", "1980", "Nam"])
    import_file(db, write_csv(tmp_path / "sections.csv", rows))
    with db.session() as s:
        got = {c.full_name: c.village for c in s.scalars(select(Citizen))}
    assert got == {"Nguyễn Văn An": "BUÔN KO SIER", "Nguyễn Văn Bình": "Khối phố 3", "Nguyễn Văn Cường": "Tiểu khu 5",
                   "Nguyễn Văn Dũng": "Phum Trà Tim", "Nguyễn Văn Hải": "Sóc Xoài", "Nguyễn Văn Long": "Bon Bu Dăr"}
