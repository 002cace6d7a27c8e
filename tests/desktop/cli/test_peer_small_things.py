"""Smaller things of peer sync, through the real CLI on real database files: `.epp` files 0600, no
hostname as device name, `status` history by event time, a cut `peer import` told at the next start and in
`peer status`, `peer group create --name`, the `--all` hint, and `walk-in`."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import stat
from pathlib import Path

import pytest

from desktop.cli import main as ep
from desktop.services.peer import changes, usbfile
from tests.support.import_files import HEADER, TITLES, people_rows, write_csv

COMMUNE = "22736"


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_PLAIN_DB", "1")


def run(capsys: pytest.CaptureFixture[str], *args: str, ok: bool = True) -> tuple[dict | list, str]:
    capsys.readouterr()
    code = ep([*args, "--json"])
    out = capsys.readouterr()
    assert (code == 0) == ok, out.err + out.out
    return (json.loads(out.out.splitlines()[-1]) if out.out.strip() else {}), out.err


def laptop(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> str:
    d = str(tmp_path / name)
    run(capsys, "init", "--data-dir", d, "--commune-code", COMMUNE)
    return d


def pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    a, b = laptop(tmp_path, capsys, "a"), laptop(tmp_path, capsys, "b")
    made, _ = run(capsys, "peer", "group", "create", "--data-dir", a, "--name", "Máy trụ sở")
    run(capsys, "peer", "group", "join", made["code"], "--data-dir", b, "--name", "Máy 2")
    return a, b


def test_group_create_name_and_epp_files_are_private(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = pair(tmp_path, capsys)
    status, _ = run(capsys, "peer", "status", "--data-dir", a)
    assert status["device_id"]
    capsys.readouterr()
    assert ep(["peer", "status", "--data-dir", a]) == 0
    assert "Máy này: Máy trụ sở" in capsys.readouterr().out
    f = tmp_path / "a.epp"
    run(capsys, "peer", "export", str(f), "--data-dir", a)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600


def test_export_of_nothing_hints_at_all(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = pair(tmp_path, capsys)
    run(capsys, "peer", "export", str(tmp_path / "a.epp"), "--data-dir", a)
    run(capsys, "peer", "import", str(tmp_path / "a.epp"), "--data-dir", b)
    run(capsys, "peer", "export", str(tmp_path / "b.epp"), "--data-dir", b)
    run(capsys, "peer", "import", str(tmp_path / "b.epp"), "--data-dir", a)  # a knows b holds everything
    capsys.readouterr()  # a file from a for a third laptop, never heard from:
    assert ep(["peer", "export", str(tmp_path / "for-c.epp"), "--data-dir", a]) == 0
    out = capsys.readouterr().out
    assert "Đã ghi 0 thay đổi" in out and "--all" in out


def test_a_cut_import_is_told_at_start_and_in_status_until_imported_again(
        tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    a, b = pair(tmp_path, capsys)
    run(capsys, "import", str(write_csv(tmp_path / "l.csv", [*TITLES, HEADER, *people_rows()])), "--data-dir", a)
    monkeypatch.setattr(changes.raw_after, "__defaults__", (2,))  # pages of two entries
    f = tmp_path / "a.epp"
    run(capsys, "peer", "export", str(f), "--data-dir", a)
    real = usbfile.apply_ops
    calls = [0]

    def cut(session, ops):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt  # the power goes after the first page
        return real(session, ops)

    monkeypatch.setattr(usbfile, "apply_ops", cut)
    try:
        code = ep(["peer", "import", str(f), "--data-dir", b])
    except KeyboardInterrupt:
        code = 130
    assert code != 0
    monkeypatch.setattr(usbfile, "apply_ops", real)
    status, err = run(capsys, "peer", "status", "--data-dir", b)
    assert "CẢNH BÁO" in err and "a.epp" in err and "chưa được nhập hết" in err  # at start, any command
    assert any("a.epp" in c and "chưa được nhập hết" in c for c in status["conflicts"])
    _, err = run(capsys, "point", "list", "--data-dir", b)
    assert "chưa được nhập hết" in err
    done, _ = run(capsys, "peer", "import", str(f), "--data-dir", b)
    assert done["received"] > 0
    status, err = run(capsys, "peer", "status", "--data-dir", b)
    assert "chưa được nhập hết" not in err and not any("chưa được nhập hết" in c for c in status["conflicts"])


def test_status_history_is_in_event_time_order(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a = laptop(tmp_path, capsys, "a")
    number = people_rows()[0][4]
    run(capsys, "import", str(write_csv(tmp_path / "l.csv", [*TITLES, HEADER, *people_rows()])), "--data-dir", a)
    from desktop import paths
    from desktop.services.register.statuses import record_event
    from desktop.storage.connect import driver_connection
    from desktop.storage.db import open_database

    paths.set_data_dir(a)
    db = open_database(paths.db_path())
    try:
        with db.session() as s:
            from sqlalchemy import select

            from desktop.models import Citizen

            cid = s.scalar(select(Citizen.id).where(Citizen.id_number == number))
            now = dt.datetime.now().replace(microsecond=0)
            record_event(s, cid, "attended", at=now - dt.timedelta(hours=1), point=1)
            early = now - dt.timedelta(days=2)  # arrived later (another laptop's event): inserted after
            driver_connection(s).execute(
                "INSERT INTO status_events (citizen_id, event_type, occurred_at, occurred_on, point_id, note,"
                " recorded_at) VALUES (?, 'scheduled', ?, ?, 1, '', ?)",
                (cid, early.isoformat(" "), early.date().isoformat(), now.isoformat(" ")))
    finally:
        db.close()
    got, _ = run(capsys, "status", number, "--data-dir", a)
    times = [h["occurred_at"] for h in got["history"]]
    assert len(times) == 2 and times == sorted(times)


def test_device_name_is_not_the_hostname(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a = laptop(tmp_path, capsys, "a")
    req = tmp_path / "req.json"
    run(capsys, "connect", "--code", "ABCD-EFGH-JKMN", "--request-file", str(req), "--commune", COMMUNE,
        "--data-dir", a)
    text = req.read_text(encoding="utf-8")
    name = json.loads(text)
    blob = json.dumps(name, ensure_ascii=False)
    assert "Máy " in blob
    if platform.node():
        assert f'"{platform.node()}"' not in blob


def test_walk_in_adds_and_marks_attended(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a = laptop(tmp_path, capsys, "a")
    got, _ = run(capsys, "walk-in", "--name", "Hoàng Thị Mơ", "--birth", "1991", "--village", "Thôn Đông",
                 "--point", "TRUSO", "--data-dir", a)
    assert got["full_name"] == "Hoàng Thị Mơ" and got["status"] == "attended"
    found, _ = run(capsys, "search", "hoang thi mo", "--data-dir", a)
    assert "Hoàng Thị Mơ" in json.dumps(found, ensure_ascii=False)
    _, err = run(capsys, "walk-in", "--name", "Người Không Điểm", "--data-dir", a, ok=False)
    assert "--session" in err and "Traceback" not in err
    assert os.environ.get("ENROLLPOINT_PLAIN_DB") == "1"
