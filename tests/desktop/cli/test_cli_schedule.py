"""The scheduling, check-in and progress commands, run in-process against a real database file."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop import paths
from desktop.cli import main
from desktop.storage.db import open_database
from tests.support.schedule import add_citizen, add_point

DAY = dt.date.today() + dt.timedelta(days=3)


@pytest.fixture
def seeded():
    db = open_database(paths.db_path())
    with db.session() as s:
        add_point(s, "NVH1", "Nhà văn hóa thôn Đông")
        for i in range(5):
            add_citizen(s, f"Nguyễn Văn Dòng{i}", id_number=f"00109000000{i}", village="Thôn Đông")
        add_citizen(s, "Trần Thị Lệnh", id_number="001190000009", village="Thôn Tây")
    db.close()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_session_add_list_assign_appointments_checkin_progress(seeded, capsys):
    code, out, _ = run(capsys, "session", "add", "--point", "NVH1", "--date", DAY.strftime("%d/%m/%Y"),
                       "--start", "07:30", "--end", "08:30", "--slot-minutes", "30", "--kits", "2", "--json")
    assert code == 0
    created = json.loads(out)
    assert (created["capacity_per_slot"], created["capacity"], created["start"]) == (12, 24, "07:30")
    sid = created["id"]

    code, out, _ = run(capsys, "session", "list", "--from", DAY.isoformat(), "--to", DAY.isoformat(), "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [sid]

    code, out, _ = run(capsys, "session", "assign", str(sid), "--kind", "first_card", "--limit", "4", "--json")
    assert code == 0 and json.loads(out)["assigned"] == 4

    code, out, _ = run(capsys, "session", "appointments", str(sid), "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 4 and all(r["slot_start"] == "07:30" for r in rows)

    code, out, _ = run(capsys, "checkin", rows[0]["code"].lower(), "--session", str(sid), "--action",
                       "card_captured", "--at", f"{DAY.isoformat()}T07:40", "--json")
    assert code == 0
    res = json.loads(out)
    assert res["events"] == ["attended", "card_captured"] and res["match"] == "code"

    code, out, _ = run(capsys, "progress", "--on", DAY.isoformat(), "--json")
    assert code == 0
    pr = json.loads(out)
    card = next(i for i in pr["indicators"] if i["code"] == "card_captured")
    assert card["today"] == 1 and card["cumulative"] == 1 and pr["eligible"] == 6
    assert len(pr["series"]) == 30 and pr["series"][-1]["card_captured"] == 1

    code, out, _ = run(capsys, "progress", "--on", DAY.isoformat())
    assert code == 0 and "Hồ sơ cấp thẻ căn cước đã thu nhận: hôm nay 1, lũy kế 1" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["session", "add", "--point", "NOPE", "--date", "2025-07-01", "--start", "07:30", "--end", "08:30"],
         "Không có điểm thu nhận"),
        (["session", "add", "--point", "NVH1", "--date", "31/02/2025", "--start", "07:30", "--end", "08:30"],
         "không hợp lệ"),
        (["session", "add", "--point", "NVH1", "--date", "2025-07-01", "--start", "09:00", "--end", "08:30"],
         "Giờ kết thúc"),
        (["session", "add", "--point", "NVH1", "--date", "2025-07-01", "--start", "07:30", "--end", "08:30",
          "--kits", "0"], "Số bộ máy"),
        (["session", "assign", "999"], "Không có buổi"),
        (["session", "appointments", "999"], "Không có buổi"),
        (["session"], ""),
        (["checkin", "ZZZZZZZZZZ", "--session", "1", "--action", "attended"], "Không có buổi"),
        (["progress", "--on", "hôm qua"], "không hợp lệ"),
    ],
)
def test_bad_input_exits_2_with_one_vietnamese_line(seeded, capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("enrollpoint: ")
    assert needle in lines[0]


def test_checkin_errors(seeded, capsys):
    code, out, _ = run(capsys, "session", "add", "--point", "NVH1", "--date", DAY.isoformat(), "--start", "07:30",
                       "--end", "08:30", "--json")
    sid = str(json.loads(out)["id"])
    code, _, err = run(capsys, "checkin", "Nguyễn Văn", "--session", sid, "--action", "attended")
    assert code == 2 and "Có 5 người khớp" in err
    code, _, err = run(capsys, "checkin", "không ai tên này", "--session", sid, "--action", "attended")
    assert code == 2 and "Không tìm thấy" in err
    code, _, err = run(capsys, "checkin", "001190000009", "--session", sid, "--action", "fly")
    assert code == 2 and "không hợp lệ" in err
    code, _, err = run(capsys, "checkin", "001190000009", "--session", sid, "--action", "vneid_l2_captured")
    assert code == 2 and "Chưa có thẻ" in err
    code, out, err = run(capsys, "checkin", "001190000009", "--session", sid, "--action", "attended", "--json")
    assert code == 0 and json.loads(out)["appointment_state"] == "attended"  # a walk-in in the session
