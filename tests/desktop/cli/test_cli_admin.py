"""Admin CLI: operators, backup/restore, audit, encrypt, recovery key; --json and exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def data(tmp_path: Path) -> str:
    return str(tmp_path / "data")


def test_operators_backup_audit(capsys, data, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENROLLPOINT_PIN", "2468")
    rc, out, err = run(capsys, "operator", "add", "Nguyễn Văn Trưởng", "--role", "supervisor", "--data-dir", data)
    assert rc == 0 and "Nguyễn Văn Trưởng" in out
    assert "KHÓA KHÔI PHỤC" in err  # the new database's recovery key, shown once
    rc, out, err = run(capsys, "operator", "add", "Lê Thị Bình", "--data-dir", data, "--json")
    assert rc == 2 and "--by" in err  # a supervisor must authorise
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "0000")
    rc, _, err = run(capsys, "operator", "add", "Lê Thị Bình", "--by", "Nguyễn Văn Trưởng", "--data-dir", data)
    assert rc == 2 and "không đúng" in err
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "2468")
    monkeypatch.setenv("ENROLLPOINT_PIN", "12")
    rc, _, err = run(capsys, "operator", "add", "Lê Thị Bình", "--by", "Nguyễn Văn Trưởng", "--data-dir", data)
    assert rc == 2 and "4 đến 8" in err
    monkeypatch.setenv("ENROLLPOINT_PIN", "1357")
    rc, _, _ = run(capsys, "operator", "add", "Lê Thị Bình", "--by", "Nguyễn Văn Trưởng", "--data-dir", data)
    assert rc == 0
    rc, out, _ = run(capsys, "operator", "list", "--json", "--data-dir", data)
    assert rc == 0 and {o["role"] for o in json.loads(out)} == {"operator", "supervisor"}
    rc, out, _ = run(capsys, "backup", "--json", "--data-dir", data)
    made = json.loads(out)
    assert rc == 0 and made["encrypted"] and Path(made["backup"]).is_file()
    rc, out, _ = run(capsys, "audit", "--json", "--limit", "50", "--data-dir", data)
    actions = [e["action"] for e in json.loads(out)]
    assert rc == 0 and "backup.create" in actions and "login.failed" in actions and "operator.create" in actions
    rc, out, _ = run(capsys, "audit", "--limit", "0", "--json", "--data-dir", data)
    assert rc == 2 and "error" in json.loads(out)
    rc, out, _ = run(capsys, "restore", made["backup"], "--json", "--data-dir", data)
    assert rc == 0 and json.loads(out)["previous_kept_as"]
    rc, _, err = run(capsys, "restore", str(Path(data) / "nope.db"), "--data-dir", data)
    assert rc == 2 and "Không tìm thấy" in err


def test_encrypt_and_recovery_key(capsys, data, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENROLLPOINT_PLAIN_DB", "1")
    monkeypatch.setenv("ENROLLPOINT_PIN", "2468")
    assert run(capsys, "operator", "add", "Trưởng", "--role", "supervisor", "--data-dir", data)[0] == 0
    db_file = Path(data) / "enrollpoint.db"
    assert db_file.read_bytes()[:15] == b"SQLite format 3"
    monkeypatch.delenv("ENROLLPOINT_PLAIN_DB")
    rc, out, _ = run(capsys, "encrypt", "--json", "--data-dir", data)
    res = json.loads(out)
    assert rc == 0 and res["converted"] and res["recovery_key"]
    assert db_file.read_bytes()[:15] != b"SQLite format 3"
    rc, out, _ = run(capsys, "encrypt", "--json", "--data-dir", data)
    assert json.loads(out)["converted"] is False
    rc, out, _ = run(capsys, "recovery-key", "--data-dir", data)
    assert rc == 0 and "Khóa khôi phục" in out
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "2468")
    rc, out, _ = run(capsys, "recovery-key", "--show", "--by", "Trưởng", "--json", "--data-dir", data)
    assert rc == 0 and json.loads(out)["recovery_key"] == res["recovery_key"]
    from desktop.storage import keys

    keys.forget_key(db_file)
    rc, _, err = run(capsys, "operator", "list", "--data-dir", data)
    assert rc == 2 and "khóa khôi phục" in err
    monkeypatch.setenv("ENROLLPOINT_RECOVERY_KEY", res["recovery_key"])
    assert run(capsys, "recovery-key", "--unlock", "--data-dir", data)[0] == 0
    rc, out, _ = run(capsys, "operator", "list", "--data-dir", data)
    assert rc == 0 and "Trưởng" in out
