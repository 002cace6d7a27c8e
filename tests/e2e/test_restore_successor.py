"""End to end: a dead laptop restored from its backup must not double the province's figures.

Real processes and files only: a hub process on 127.0.0.1 (`enrollpoint-hub serve`, SQLite), laptops driven
through the `enrollpoint` CLI in subprocesses, each in its own data directory and its own keyring (a
plaintext file keyring under its own XDG_DATA_HOME). A backup carries the database, never the keyring: the
restored laptop starts with an empty keyring dir, as a new machine does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from common import idnumber
from tests.support.hub_process import COMMUNE, HubProcess, hub_cli
from tests.support.hub_process import REPO as ROOT

pytestmark = pytest.mark.slow
DAY = dt.date(2026, 11, 20)
KEY_RE = re.compile(r"\b(?:[A-Z2-7]{4}-){13}[A-Z2-7]{4}\b")


class Laptop:
    """One machine: its data dir and its keyring; every call is a CLI subprocess."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root / name
        self.root.mkdir(parents=True)
        self.env = {**os.environ, "ENROLLPOINT_DATA_DIR": str(self.root / "data"),
                    "XDG_DATA_HOME": str(self.root / "xdg-data"), "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
                    "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "PYTHONPATH": str(ROOT)}
        self.env.pop("ENROLLPOINT_RECOVERY_KEY", None)
        self.recovery_key = ""
        self.serial = 0

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True,
                             timeout=120, cwd=ROOT, env={**self.env, **(env or {})})
        if not self.recovery_key and (m := KEY_RE.search(out.stderr)):
            self.recovery_key = m.group(0)
        return out

    def ok(self, *args: str) -> str:
        out = self.run(*args)
        assert out.returncode == 0, (args, out.stdout, out.stderr)
        return out.stdout

    def js(self, *args: str) -> object:
        return json.loads(self.ok(*args, "--json"))

    def setup(self) -> None:
        self.ok("init", "--commune-code", COMMUNE)

    def capture(self, day: dt.date) -> None:
        """One more citizen of this laptop, a card captured at TRUSO on `day`."""
        self.serial += 1
        number = idnumber.make("056", 1990, "M", abs(hash(self.root.name)) % 900 * 1000 + self.serial)
        csv = self.root / f"ds-{self.serial}.csv"
        csv.write_text('STT,Họ và tên,"Ngày, tháng, năm sinh",Giới tính,Số CCCD,Thôn/Tổ dân phố,SĐT\r\n'
                       f"1,Nguyễn Văn An,01/01/1990,Nam,{number},Thôn Đông,\r\n", encoding="utf-8")
        self.ok("import", str(csv))
        self.ok("event", number, "card_captured", "--point", "TRUSO", "--at", f"{day.isoformat()}T09:00")

    def close(self, day: dt.date, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("close-day", "--date", day.isoformat(), *extra)

    def connect(self, hub: HubProcess, code: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("connect", "--hub", hub.url, "--code", code, "--name", self.root.name, "--json", *extra)

    def backup(self, to: Path) -> Path:
        to.mkdir(parents=True, exist_ok=True)
        return Path(self.js("backup", "--to", str(to))["backup"])  # type: ignore[index]

    def device_id(self) -> str:
        return str(self.js("sync-status")["device_id"])  # type: ignore[index]


def restore_on_new_machine(root: Path, name: str, backup: Path, recovery_key: str) -> Laptop:
    """A new machine: empty data dir, empty keyring; `restore --with-recovery-key`."""
    lap = Laptop(root, name)
    out = lap.run("restore", str(backup), "--with-recovery-key", env={"ENROLLPOINT_RECOVERY_KEY": recovery_key})
    assert out.returncode == 0, out.stderr
    return lap


def card_total(hub: HubProcess, day: dt.date | None = None) -> int:
    """The hub's card_captured for the commune (one day, or all), summed over devices not held."""
    with sqlite3.connect(hub.db_file) as c:
        q = ("SELECT coalesce(sum(r.card_captured), 0) FROM report_villages r WHERE r.commune_code = ?"
             + (" AND r.day = ?" if day else ""))
        return int(c.execute(q, (COMMUNE, day.isoformat()) if day else (COMMUNE,)).fetchone()[0])


def running_total(hub: HubProcess) -> int:
    with sqlite3.connect(hub.db_file) as c:
        row = c.execute("SELECT value FROM commune_totals WHERE commune_code = ? AND indicator = 'card_captured'",
                        (COMMUNE,)).fetchone()
    return int(row[0]) if row else 0


def devices(hub: HubProcess) -> list[dict[str, object]]:
    return json.loads(hub_cli(hub.url_db, "--json", "device", "list"))  # type: ignore[no-any-return]


@pytest.fixture
def hub(tmp_path: Path):  # type: ignore[no-untyped-def]
    h = HubProcess(tmp_path)
    h.start()
    yield h
    h.stop()


def _two_laptops(tmp_path: Path, hub: HubProcess) -> tuple[Laptop, Laptop, Path]:
    """A and B of one commune, connected; one capture each on DAY; B's last backup is taken after its close and
    before its sync (the report waits in its outbox), then both send. The hub holds 2."""
    a, b = Laptop(tmp_path, "may-A"), Laptop(tmp_path, "may-B")
    for lap in (a, b):
        lap.setup()
        assert lap.connect(hub, hub.enrol_code()).returncode == 0
        lap.capture(DAY)
        assert lap.close(DAY).returncode == 0
    backup = b.backup(tmp_path / "usb")
    for lap in (a, b):
        lap.ok("sync")
    assert card_total(hub, DAY) == 2 and running_total(hub) == 2
    return a, b, backup


def test_restored_laptop_with_a_replacement_code_keeps_the_province_at_the_truth(tmp_path: Path,
                                                                                 hub: HubProcess) -> None:
    """The issue's measurement: one capture on each of two laptops; B dies; B's backup restored on a new
    machine; replacement code; re-close; sync → the hub holds 2, not 3. The old B, if it reappears, is refused
    with words."""
    a, b, backup = _two_laptops(tmp_path, hub)
    dead = b.device_id()
    b2 = restore_on_new_machine(tmp_path, "may-B-moi", backup, b.recovery_key)

    # sync-status on the restored laptop does not pretend it is connected (the keyring stayed on the dead one).
    st = b2.run("sync-status")
    assert st.returncode == 0 and "Lần gửi thành công" not in st.stdout and "không có mã truy cập" in st.stdout
    out = b2.run("sync")
    assert out.returncode != 0 and "Đã gửi 0" not in out.stdout and out.stdout.count("chưa được kết nối") == 1

    made = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE, "--replaces", dead))
    assert made["replaces"]["device_id"] == dead
    res = b2.connect(hub, made["code"])
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["device_id"] == dead and info["successor_of"] == dead and info["held"] == ""
    assert "Lỗi gần nhất" not in b2.ok("sync-status")  # the "not connected" of before is no longer true
    assert b2.close(DAY).returncode == 0
    b2.ok("sync")
    assert card_total(hub, DAY) == 2 and running_total(hub) == 2  # truth: 2 (the original code: 3)

    # The successor's new work continues the same device: a correction replaces, never adds.
    b2.capture(DAY)
    assert b2.close(DAY).returncode == 0
    b2.ok("sync")
    assert card_total(hub, DAY) == 3 and running_total(hub) == 3
    assert len(devices(hub)) == 2

    # The old laptop reappears (repaired) with a day to send: refused, in words; nothing counted.
    b.capture(DAY + dt.timedelta(days=1))
    assert b.close(DAY + dt.timedelta(days=1)).returncode == 0
    old = b.run("sync")
    assert old.returncode != 0 and "đã được thay thế bởi máy «may-B-moi»" in old.stdout, old.stdout
    assert running_total(hub) == 3


def test_restored_laptop_with_an_ordinary_code_is_a_new_laptop_held_for_the_admin(tmp_path: Path,
                                                                                  hub: HubProcess) -> None:
    """An ordinary code (or --new-device): told before the hub is asked that it will count as a new laptop;
    its restored, never-sent day is not sent as its own work; the hub holds the device (chờ duyệt), its new
    reports are not summed until the admin approves."""
    _a, b, backup = _two_laptops(tmp_path, hub)
    b2 = restore_on_new_machine(tmp_path, "may-B-moi", backup, b.recovery_key)
    res = b2.connect(hub, hub.enrol_code())
    assert res.returncode == 0, res.stderr
    assert "sẽ được tính là một máy mới" in res.stderr  # before the hub was asked anything
    info = json.loads(res.stdout)
    assert info["new_after_restore"] == "yes" and info["held"] and info["device_id"] != b.device_id()
    b2.ok("sync")
    assert card_total(hub, DAY) == 2 and running_total(hub) == 2  # the original code: 3
    b2.capture(DAY)
    b2.capture(DAY)  # its own work on a day the old laptop closed: counts differ, the re-close is refused
    refused = b2.close(DAY)
    assert refused.returncode == 2 and "máy mới" in refused.stderr, refused.stderr

    later = DAY + dt.timedelta(days=2)
    b2.capture(later)
    assert b2.close(later).returncode == 0
    held = b2.run("sync")
    assert held.returncode != 0 and "chờ tỉnh duyệt" in held.stdout, held.stdout
    assert running_total(hub) == 2
    new = [d for d in devices(hub) if d["held"]]
    assert len(new) == 1 and "khôi phục" in str(new[0]["held"])
    hub_cli(hub.url_db, "device", "approve", str(new[0]["id"]))
    b2.ok("sync")
    assert card_total(hub, later) == 1 and running_total(hub) == 3


def test_a_week_old_backup_re_closed_never_lowers_the_province(tmp_path: Path, hub: HubProcess) -> None:
    """B's backup is 7 days old; the days B closed after it are at the hub, their events lost with B. The
    successor re-closes every day of the gap: each is refused with the hub's figures unless confirmed, and the
    province's totals never drop."""
    b = Laptop(tmp_path, "may-B")
    b.setup()
    assert b.connect(hub, hub.enrol_code()).returncode == 0
    b.capture(DAY)
    assert b.close(DAY).returncode == 0
    backup = b.backup(tmp_path / "usb")
    b.ok("sync")
    gap = [DAY + dt.timedelta(days=i) for i in range(1, 8)]
    for day in gap:
        b.capture(day)
        b.capture(day)
        assert b.close(day).returncode == 0
    b.ok("sync")
    before = running_total(hub)
    assert before == 1 + 2 * len(gap)

    b2 = restore_on_new_machine(tmp_path, "may-B-moi", backup, b.recovery_key)
    made = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE, "--replaces", b.device_id()))
    info = json.loads(b2.connect(hub, made["code"]).stdout)
    assert info["successor_of"] and int(info["predecessor_reports"]) == len(gap)
    for day in [DAY, *gap]:
        out = b2.close(day)
        if day == DAY:
            assert out.returncode == 0
        else:
            assert out.returncode == 2 and "GIẢM" in out.stderr and "2 → 0" in out.stderr, out.stderr
        b2.ok("sync")
        assert running_total(hub) == before  # never drops
    # New work on a gap day continues above the hub's revision and adds to it.
    b2.capture(gap[0])
    b2.capture(gap[0])
    b2.capture(gap[0])
    assert b2.close(gap[0]).returncode == 0
    b2.ok("sync")
    assert card_total(hub, gap[0]) == 3 and running_total(hub) == before + 1


def test_successor_enrolled_by_file_keeps_the_province_at_the_truth(tmp_path: Path, hub: HubProcess) -> None:
    """The same story on an island: request file → `enrollpoint-hub enrol-file` → response file. The restored
    laptop becomes the successor (same device id), its waiting revision is not sent again, the hub holds 2."""
    _a, b, backup = _two_laptops(tmp_path, hub)
    dead = b.device_id()
    b2 = restore_on_new_machine(tmp_path, "may-B-moi", backup, b.recovery_key)
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE, "--replaces", dead))["code"]
    req, resp = tmp_path / "yeu-cau.json", tmp_path / "tra-loi.json"
    b2.ok("connect", "--code", code, "--request-file", str(req))
    hub_cli(hub.url_db, "enrol-file", str(req), "--out", str(resp))
    info = b2.js("connect", "--response-file", str(resp))
    assert info["device_id"] == dead and info["successor_of"] == dead  # type: ignore[index]
    status = b2.ok("sync-status")
    assert "không có mã truy cập" not in status and "Báo cáo đang chờ gửi: 0" in status, status
    assert b2.close(DAY).returncode == 0
    bundle = b2.run("sync", "--bundle", str(tmp_path / "goi.json"))
    assert bundle.returncode == 2 and "Không có báo cáo nào đang chờ gửi" in bundle.stderr  # nothing to re-send
    assert card_total(hub, DAY) == 2 and running_total(hub) == 2

    # A laptop enrolled only by file says so, not "(chưa kết nối)".
    c = Laptop(tmp_path, "may-C")
    c.setup()
    c.ok("connect", "--code", hub.enrol_code(), "--request-file", str(tmp_path / "c-req.json"))
    hub_cli(hub.url_db, "enrol-file", str(tmp_path / "c-req.json"), "--out", str(tmp_path / "c-resp.json"))
    c.ok("connect", "--response-file", str(tmp_path / "c-resp.json"))
    assert "Máy chủ tỉnh: (kết nối bằng tệp" in c.ok("sync-status")


def test_successor_catches_up_the_dead_laptops_events_from_the_group_and_counts_them_once(
        tmp_path: Path, hub: HubProcess) -> None:
    """§1c: B's backup predates B's capture of DAY; A holds that event (USB peer sync). The successor enters the
    group code again (the backup does not carry it), catches up from A, and its day close counts the dead
    laptop's event — once: A still counts only its own."""
    a, b = Laptop(tmp_path, "may-A"), Laptop(tmp_path, "may-B")
    for lap in (a, b):
        lap.setup()
        assert lap.connect(hub, hub.enrol_code()).returncode == 0
    group = str(a.js("peer", "group", "create")["code"])  # type: ignore[index]
    b.ok("peer", "group", "join", group)
    backup = b.backup(tmp_path / "usb")
    a.capture(DAY)
    b.capture(DAY)
    b.ok("peer", "export", str(tmp_path / "b.peer"))
    a.ok("peer", "import", str(tmp_path / "b.peer"))
    for lap in (a, b):
        assert lap.close(DAY).returncode == 0
        lap.ok("sync")
    assert card_total(hub, DAY) == 2

    b2 = restore_on_new_machine(tmp_path, "may-B-moi", backup, b.recovery_key)
    st = b2.run("peer", "sync", "--with", "127.0.0.1:9")
    assert st.returncode == 2 and "nhập lại mã nhóm" in st.stderr, st.stderr
    assert "nhập lại mã nhóm" in b2.ok("peer", "status")
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE, "--replaces", b.device_id()))["code"]
    assert b2.connect(hub, code).returncode == 0
    early = b2.close(DAY)
    assert early.returncode == 2 and "GIẢM" in early.stderr  # not caught up yet: refused, nothing lowered

    b2.ok("peer", "group", "join", group)
    a.ok("peer", "export", "--all", str(tmp_path / "a.peer"))
    b2.ok("peer", "import", str(tmp_path / "a.peer"))
    assert b2.close(DAY).returncode == 0  # the dead laptop's event is its own again: 1, unchanged
    b2.capture(DAY)
    assert b2.close(DAY).returncode == 0
    b2.ok("sync")
    b2.ok("peer", "export", str(tmp_path / "b2.peer"))
    a.ok("peer", "import", str(tmp_path / "b2.peer"))
    assert a.close(DAY).returncode == 0
    a.ok("sync")
    assert card_total(hub, DAY) == 3 and running_total(hub) == 3  # A 1, B's successor 2: the truth
