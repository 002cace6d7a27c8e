"""`enrollpoint-hub calendar …` and `leader …`: the rules are stored, read back, audited, and bad input is
refused with one line of words (exit 2, nothing stored)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from province import workdays
from province.db import open_hub
from province.models import AuditEntry
from tests.support.hub_process import REPO


def _cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "province.cli", "--db", db, *args], capture_output=True, text=True,
                          timeout=60, cwd=REPO)


def test_calendar_and_leaders(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    assert _cli(db, "init").returncode == 0
    assert _cli(db, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56").returncode == 0
    for args in (("calendar", "cutoff", "17:05"), ("calendar", "holiday", "2026-09-02", "--note", "Quốc khánh"),
                 ("calendar", "workday", "2026-12-05"), ("leader", "set", "22736", "Đ/c Trần Thị B")):
        assert _cli(db, *args).returncode == 0
    shown = json.loads(_cli(db, "--json", "calendar", "show").stdout)
    assert shown == {"cutoff": "17:05", "days": [{"day": "2026-09-02", "working": False, "note": "Quốc khánh"},
                                                  {"day": "2026-12-05", "working": True, "note": ""}]}
    hub = open_hub(db)
    try:
        with hub.session() as s:
            rules = workdays.load(s)
            assert rules.working(dt.date(2026, 12, 5)) and not rules.working(dt.date(2026, 9, 2))
            assert rules.working(dt.date(2026, 9, 3)) and not rules.working(dt.date(2026, 12, 6))
            assert rules.deadline(dt.date(2026, 9, 3)) == dt.datetime(2026, 9, 3, 10, 5, tzinfo=dt.UTC)
            assert workdays.leaders(s) == {"22736": "Đ/c Trần Thị B"}
            actions = [a for (a,) in s.query(AuditEntry.action).order_by(AuditEntry.id)]
        assert actions[-4:] == ["calendar.cutoff", "calendar.holiday", "calendar.workday", "leader.set"]
    finally:
        hub.close()

    for args, words in ((("calendar", "cutoff", "25:00"), "Giờ chốt phải có dạng GG:PP"),
                        (("leader", "set", "99999", "X"), "Không có xã '99999'"),
                        (("calendar", "holiday", "2026-13-01"), "not a date")):
        out = _cli(db, *args)
        assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    assert json.loads(_cli(db, "--json", "calendar", "show").stdout)["cutoff"] == "17:05"  # nothing changed
    assert _cli(db, "calendar", "clear", "2026-09-02").returncode == 0
    assert _cli(db, "leader", "set", "22736", "").returncode == 0
    assert _cli(db, "--lang", "en", "leader", "list").stdout.strip() == "No leaders named."
