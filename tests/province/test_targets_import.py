"""`enrollpoint-hub targets import FILE`: a province's targets from CSV or XLSX, all or nothing, every fault
named by row, column and reason, bounded before reading, audited (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from province import admin
from province.db import HubDB
from province.models import AuditEntry
from province.targets_read import MAX_BYTES, parse
from tests.support.clis import hub


@pytest.fixture
def communes(hub_db: HubDB) -> list[str]:
    codes = ["22736", "22737", "22738"]
    with hub_db.session(write=True) as s:
        for c in codes:
            admin.add_commune(s, c, f"Xã {c}", "56")
        admin.add_commune(s, "99999", "Xã tỉnh khác", "01")
    return codes


def _targets(hub_db: HubDB) -> list[tuple[str, str, int, dt.date | None]]:
    with hub_db.session() as s:
        return [(t.commune_code, t.indicator, t.value, t.deadline) for t in admin.list_targets(s)]


def test_wide_csv_and_long_xlsx_import_and_are_audited(tmp_path: Path, hub_url: str, hub_db: HubDB,
                                                       communes: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    wide = tmp_path / "chi-tieu.csv"
    wide.write_text("Mã xã;Tên xã;card_captured;vneid_activated;Hạn\n"
                    "22736;Trường Sa;1200;800;31/12/2026\n22737;Song Tử;900;;\n", encoding="utf-8-sig")
    data = hub(hub_url, capsys, "targets", "import", str(wide))
    assert (data["added"], data["updated"], data["communes"]) == (3, 0, 2)
    assert _targets(hub_db) == [("22736", "card_captured", 1200, dt.date(2026, 12, 31)),
                                ("22736", "vneid_activated", 800, dt.date(2026, 12, 31)),
                                ("22737", "card_captured", 900, None)]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["commune_code", "indicator", "value", "deadline"])
    sheet.append([22736, "card_captured", 1500, dt.datetime(2027, 3, 31)])
    sheet.append([22738, "vneid_l2_captured", 40.0, None])
    book.save(tmp_path / "long.xlsx")
    data = hub(hub_url, capsys, "targets", "import", str(tmp_path / "long.xlsx"))
    assert (data["added"], data["updated"]) == (1, 1)
    assert ("22736", "card_captured", 1500, dt.date(2027, 3, 31)) in _targets(hub_db)
    with hub_db.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "target.import")))
    assert len(rows) == 2 and all(r.actor.startswith("admin (os: ") for r in rows)


def test_one_bad_cell_refuses_the_whole_file_naming_row_column_reason(tmp_path: Path, hub_url: str, hub_db: HubDB,
                                                                      communes: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    hub(hub_url, capsys, "target", "set", "22736", "card_captured", "10")
    bad = tmp_path / "bad.csv"
    bad.write_text("commune_code,card_captured,no_show,deadline\n"
                   "22736,100,5,2026-12-31\n"
                   "22737,-3,,\n"
                   "22738,abc,,31/02/2026\n"
                   "12345,1,,\n"
                   "22736,7,,\n"
                   "99999,1,,\n", encoding="utf-8")
    err = hub(hub_url, capsys, "--lang", "en", "targets", "import", str(bad), "--province", "56", ok=False)
    assert "row 3, column card_captured: value '-3'" in err
    assert "row 4, column card_captured: value 'abc'" in err and "row 4, column deadline: not a date" in err
    assert _targets(hub_db) == [("22736", "card_captured", 10, None)]  # nothing stored, nothing changed
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("commune_code,card_captured\n12345,1\n22736,7\n22736,8\n99999,1\n", encoding="utf-8")
    err = hub(hub_url, capsys, "--lang", "en", "targets", "import", str(fixed), "--province", "56", ok=False)
    assert "row 2, column commune_code: commune '12345' is not in the register" in err
    assert "row 4, column card_captured: the same target as row 3" in err
    assert "row 5, column commune_code: commune 99999 is of province 01, not 56" in err
    assert _targets(hub_db) == [("22736", "card_captured", 10, None)]
    vi = hub(hub_url, capsys, "targets", "import", str(fixed), ok=False)
    assert "dòng 2, cột commune_code: không có xã '12345'" in vi


def test_unknown_columns_and_bounds_are_refused_before_reading(tmp_path: Path, hub_url: str, hub_db: HubDB,
                                                               communes: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "typo.csv"
    typo.write_text("commune_code,card_capture\n22736,1\n", encoding="utf-8")
    assert "row 1, column card_capture: unknown column" in hub(hub_url, capsys, "--lang", "en", "targets", "import",
                                                               str(typo), ok=False)
    big = tmp_path / "big.csv"
    big.write_bytes(b"commune_code,card_captured\n" + b"22736,1\n" * (MAX_BYTES // 8 + 1))
    assert "over 5 MB" in hub(hub_url, capsys, "--lang", "en", "targets", "import", str(big), ok=False)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert "unpacks too large" in hub(hub_url, capsys, "--lang", "en", "targets", "import", str(bomb), ok=False)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    assert "damaged" in hub(hub_url, capsys, "--lang", "en", "targets", "import", str(junk), ok=False)
    assert _targets(hub_db) == []


def test_the_reader_gives_typed_records_and_extra_columns(tmp_path: Path) -> None:
    f = tmp_path / "sets.csv"
    f.write_text("commune_code,indicator,value,deadline,denominator\n22736,card_captured,5,2026-12-31,40\n",
                 encoding="utf-8")
    (rec,) = parse(f, extra=("denominator",))
    assert (rec.row, rec.commune, rec.indicator, rec.value, rec.deadline, rec.extra) == \
        (2, "22736", "card_captured", 5, dt.date(2026, 12, 31), {"denominator": "40"})
