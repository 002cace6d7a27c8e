"""Personal data in village names, on the laptop: a village name holding a phone, an ID number or a person's name never
becomes a stored village (import refuses the row) and never leaves in a day report (quarantined)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from common.vietnamese import fold
from desktop import config
from desktop.models import Citizen, Point
from desktop.services.figures import dayclose
from desktop.services.importer import import_file
from desktop.services.register.statuses import record_event
from desktop.services.register.village_names import QUARANTINED_VILLAGE, village_problem
from tests.support.import_files import HEADER, write_csv

DAY = dt.date(2025, 8, 4)


def test_the_rule_in_vietnamese():
    assert "số điện thoại" in (village_problem("Trần Thị Bình 0987654321") or "")
    assert "họ tên" in (village_problem("Trần Thị Bình") or "")
    for fine in ("Thôn Đông", "Tổ dân phố 12", "Thôn Nguyễn Huệ", "Buôn Ma Thuột", "Ấp 3", ""):
        assert village_problem(fine) is None, fine


def test_import_refuses_the_row_and_names_the_field(db, tmp_path: Path):
    path = write_csv(tmp_path / "ds.csv", [
        HEADER,
        ["1", "Lê Văn Nam", "01/02/1990", "Nam", "056090000011", "Thôn Đông", ""],
        ["2", "Phạm Thị Tư", "10/10/1995", "Nữ", "056195000066", "Trần Thị Bình 0987654321", ""],
    ])
    r = import_file(db, path)
    assert (r.inserted, r.errors) == (1, 1)
    bad = [i for i in r.issues if i.severity == "error"]
    assert len(bad) == 1 and bad[0].row == 3 and bad[0].field == "village"
    assert "số điện thoại" in bad[0].reason
    with db.session() as s:
        assert [c.village for c in s.scalars(select(Citizen))] == ["Thôn Đông"]


def test_day_close_quarantines_a_stored_bad_name(db):
    """A name stored before the rule existed is counted, but under the quarantine name."""
    now = dt.datetime(2025, 1, 1)
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        p = Point(code="P1", name="Nhà văn hoá")
        s.add(p)
        for n, village in ((1, "Thôn Đông"), (2, "Nguyễn Văn An 0912345678")):
            c = Citizen(id_number=f"0561950{n:05d}", full_name=f"Lê Văn {n}", name_key="x", given_key="x",
                        sort_given="x", sort_family="x", village=village, village_key=fold(village),
                        created_at=now, updated_at=now)
            s.add(c)
            s.flush()
            record_event(s, c, "card_captured", at=dt.datetime.combine(DAY, dt.time(9)), point=p)
        row = dayclose.close_day(s, DAY, "P1", now=dt.datetime(2025, 8, 4, 17, tzinfo=dt.UTC))[0]
        report = dayclose.report_dict(row)
    assert set(report["by_village"]) == {"Thôn Đông", QUARANTINED_VILLAGE}
    assert report["totals"]["card_captured"] == 2
    assert "0912345678" not in json.dumps(report, ensure_ascii=False)
    assert "Nguyễn Văn An" not in json.dumps(report, ensure_ascii=False)
