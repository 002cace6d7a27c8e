"""`enrollpoint init|demo|search|event|due|status|point` in-process, and once as the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path, capsys) -> str:
    d = str(tmp_path / "cli")
    code, _out, err = run(capsys, "demo", "--data-dir", d, "--citizens", "300", "--seed", "4")
    assert code == 0, err
    return d


def _first_id(capsys, d: str, text: str = "nguyen") -> str:
    code, out, _ = run(capsys, "search", "--data-dir", d, text, "--json", "--limit", "50")
    assert code == 0
    return next(r["id_number"] for r in json.loads(out)["rows"] if r["id_number"] and r["status"] == "new"
                and r["has_card"])


def test_init_known_unknown_and_wrong(tmp_path: Path, capsys) -> None:
    d = str(tmp_path / "i")
    code, out, _ = run(capsys, "init", "--data-dir", d, "--commune-code", "22366", "--json")
    assert code == 0
    got = json.loads(out)
    assert got["commune_name"] == "Phường Nha Trang" and got["province_code"] == "56" and got["known"]
    code, out, err = run(capsys, "init", "--data-dir", d, "--commune-code", "22366", "--commune-name", "Xã Khác")
    assert code == 2 and "Phường Nha Trang" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "init", "--data-dir", d, "--commune-code", "22366", "--province-code", "1")
    assert code == 2
    code, out, err = run(capsys, "init", "--data-dir", d, "--commune-code", "99999", "--commune-name",
                         "Xã Thử Nghiệm", "--province-code", "56", "--json")
    assert code == 0 and "cảnh báo" in err and json.loads(out)["known"] is False
    code, _, err = run(capsys, "init", "--data-dir", d, "--commune-code", "99999")
    assert code == 2
    code, _, err = run(capsys, "init", "--data-dir", d, "--commune-code", "abc")
    assert code == 2


def test_search_json_and_text(data: str, capsys) -> None:
    code, out, _ = run(capsys, "search", "--data-dir", data, "Nguyễn", "--json", "--limit", "5")
    got = json.loads(out)
    assert code == 0 and len(got["rows"]) == 5 and got["has_more"]
    assert all(r["full_name"].startswith("Nguyễn") for r in got["rows"])
    code, out, _ = run(capsys, "search", "--data-dir", data, "nguyen", "--limit", "3")
    assert code == 0 and "Nguyễn" in out and "--offset 3" in out
    code, out, _ = run(capsys, "search", "--data-dir", data, "qqqzzz")
    assert code == 0 and "Không tìm thấy" in out
    code, _, _ = run(capsys, "search", "--data-dir", data, "an", "--limit", "0")
    assert code == 2


def test_event_and_status(data: str, capsys) -> None:
    idn = _first_id(capsys, data)
    code, _, err = run(capsys, "event", "--data-dir", data, idn, "vneid_activated")
    assert code == 2 and "kích hoạt" in err  # activated before registered
    code, _, err = run(capsys, "event", "--data-dir", data, "000000000000", "scheduled")
    assert code == 2 and "Không tìm thấy" in err
    code, _, err = run(capsys, "event", "--data-dir", data, idn, "scheduled", "--point", "NOPE")
    assert code == 2
    code, _, err = run(capsys, "event", "--data-dir", data, idn, "scheduled", "--at", "yesterday")
    assert code == 2
    code, out, _ = run(capsys, "event", "--data-dir", data, idn, "vneid_l2_captured", "--point", "NVH-01",
                       "--at", "2026-03-05T09:30", "--note", "hỗ trợ tại thôn", "--json")
    assert code == 0 and json.loads(out)["status"] == "vneid_l2_captured"
    code, out, _ = run(capsys, "status", "--data-dir", data, idn, "--json")
    got = json.loads(out)
    assert code == 0 and got["vneid_stage"] == 1
    last = got["history"][-1]
    assert last["event"] == "vneid_l2_captured" and last["point"] == "NVH-01"
    assert last["occurred_at"].startswith("2026-03-05T09:30") and last["note"] == "hỗ trợ tại thôn"
    assert "vneid_approved" in got["allowed_events"]
    code, out, _ = run(capsys, "status", "--data-dir", data, idn)
    assert code == 0 and "Nhà văn hóa" in out and "VNeID" in out
    code, _, _ = run(capsys, "status", "--data-dir", data, "12345")
    assert code == 2


def test_due(data: str, capsys) -> None:
    code, out, _ = run(capsys, "due", "--data-dir", data, "--json", "--limit", "500")
    got = json.loads(out)
    assert code == 0 and got["total"] == len(got["rows"]) > 0
    kinds = {k for r in got["rows"] for k in r["kinds"]}
    assert {"first_card", "vneid_register", "vneid_activate"} <= kinds
    code, out, _ = run(capsys, "due", "--data-dir", data, "--kind", "first_card", "--on", "01/03/2026", "--json")
    assert code == 0 and all(r["kinds"] == ["first_card"] or "first_card" in r["kinds"] for r in json.loads(out)["rows"])
    village = json.loads(out)["rows"][0]["village"]
    code, out, _ = run(capsys, "due", "--data-dir", data, "--village", village.upper(), "--json")
    assert code == 0 and {r["village"] for r in json.loads(out)["rows"]} == {village}
    assert run(capsys, "due", "--data-dir", data, "--kind", "nope")[0] == 2
    assert run(capsys, "due", "--data-dir", data, "--on", "32/13/2026")[0] == 2
    assert run(capsys, "due", "--data-dir", data, "--village", "Thôn Không Có")[0] == 2
    code, out, _ = run(capsys, "due", "--data-dir", data, "--limit", "3")
    assert code == 0 and "Đến hạn" in out


def test_points(tmp_path: Path, capsys) -> None:
    d = str(tmp_path / "p")
    code, out, _ = run(capsys, "point", "add", "--data-dir", d, "NVH-02", "Nhà văn hóa thôn Tây Nam",
                       "--address", "Thôn Tây Nam", "--json")
    assert code == 0 and json.loads(out)["code"] == "NVH-02"
    assert run(capsys, "point", "add", "--data-dir", d, "NVH-02", "Trùng mã")[0] == 2
    assert run(capsys, "point", "add", "--data-dir", d, "X", "Y", "--kind", "boat")[0] == 2
    assert run(capsys, "point", "add", "--data-dir", d, "CA", "Trụ sở", "--kind", "office")[0] == 0
    code, out, _ = run(capsys, "point", "list", "--data-dir", d, "--json")
    assert [p["code"] for p in json.loads(out)] == ["CA", "NVH-02"]
    assert run(capsys, "point", "--data-dir", d)[0] == 2  # missing action


def test_demo_refuses_second_time(data: str, capsys) -> None:
    code, out, err = run(capsys, "demo", "--data-dir", data, "--citizens", "10", "--json")
    assert code == 2 and "error" in json.loads(out)


def test_console_script_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "enrollpoint"
    assert exe.exists()
    env = {**os.environ, "ENROLLPOINT_PLAIN_DB": "1"}
    d = str(tmp_path / "sub")
    # (the registry takes --data-dir after the command name; `enrollpoint --data-dir D` alone starts the GUI)
    p = subprocess.run([str(exe), "init", "--data-dir", d, "--commune-code", "22366", "--json"],
                       capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["commune_name"] == "Phường Nha Trang"
    p = subprocess.run([str(exe), "init", "--data-dir", d, "--commune-code", "22366", "--commune-name", "Sai"],
                       capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 2 and p.stderr.startswith("enrollpoint: ")
