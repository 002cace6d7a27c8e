"""`enrollpoint-hub audit`: the database audit read back newest first, filtered by time and kind, bounded, in
either language; command-line actions name the OS user (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import getpass

import pytest
from sqlalchemy import update

from province.db import HubDB
from province.models import AuditEntry
from tests.support.clis import hub


def test_audit_filters_and_names_the_os_user(hub_url: str, hub_db: HubDB, capsys: pytest.CaptureFixture[str]) -> None:
    hub(hub_url, capsys, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56")
    hub(hub_url, capsys, "target", "set", "22736", "card_captured", "100")
    hub(hub_url, capsys, "enrol-code", "22736")
    with hub_db.session(write=True) as s:  # the commune was added long ago
        s.execute(update(AuditEntry).where(AuditEntry.action == "commune.add")
                  .values(at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC)))
    rows = hub(hub_url, capsys, "audit")
    assert [r["action"] for r in rows] == ["enrol_code.create", "target.set", "commune.add"]
    assert {r["actor"] for r in rows} == {f"admin (os: {getpass.getuser()})"}
    assert rows[1]["detail"] == {"indicator": "card_captured", "value": 100, "deadline": None}
    assert [r["action"] for r in hub(hub_url, capsys, "audit", "--since", "2026-06-01")] == \
        ["enrol_code.create", "target.set"]
    assert [r["action"] for r in hub(hub_url, capsys, "audit", "--since", "1d")] == ["enrol_code.create", "target.set"]
    assert [r["action"] for r in hub(hub_url, capsys, "audit", "--kind", "target")] == ["target.set"]
    assert [r["action"] for r in hub(hub_url, capsys, "audit", "--kind", "enrol_code.create")] == ["enrol_code.create"]
    assert len(hub(hub_url, capsys, "audit", "--limit", "1")) == 1
    assert hub(hub_url, capsys, "audit", "--kind", "nothing") == []
    capsys.readouterr()
    from province.cli import main

    assert main(["--db", hub_url, "--lang", "en", "audit", "--kind", "commune"]) == 0
    assert "\tcommune.add\tcommune 22736\t" in capsys.readouterr().out
    assert main(["--db", hub_url, "audit", "--kind", "commune"]) == 0
    assert "\tcommune.add\txã 22736\t" in capsys.readouterr().out
    assert main(["--db", hub_url, "audit", "--since", "yesterday"]) == 2
    assert "Lệnh không đúng" in capsys.readouterr().err
    assert main(["--db", hub_url, "audit", "--limit", "0"]) == 2


def test_the_os_user_is_the_command_lines_only(hub_url: str, hub_db: HubDB, capsys: pytest.CaptureFixture[str]) -> None:
    """A command run in this process leaves no trace: the next action outside a command is plain "admin"."""
    from province import admin

    hub(hub_url, capsys, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56")
    with hub_db.session(write=True) as s:
        admin.set_target(s, "22736", "card_captured", 5, None)
    assert [r["actor"] for r in hub(hub_url, capsys, "audit")] == ["admin", f"admin (os: {getpass.getuser()})"]
