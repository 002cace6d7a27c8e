"""Two data directories on one computer, both of commune 22736, both connected to one REAL hub process: each
keeps its own keyring entries (keyed by its enrolled device, not the commune), so connecting the second no
longer disconnects the first — both send their reports and the hub adds them up. Entries an older version
wrote under the commune code move to the device's name on first use, and only for the database they belong
to."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from desktop.models import Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link
from desktop.storage.db import Database, open_database
from sync.client import RetryPolicy
from tests.support.hub import hub_process

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow
COMMUNE = "22736"
DAY = dt.date(2025, 11, 20)
POLICY = RetryPolicy(timeout=(2.0, 5.0), max_attempts=2, base=0.01, cap=0.05, max_run_seconds=20)


def _hub_cli(url: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "province.cli", "--db", url, *args], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _laptop(data_dir: Path) -> Database:
    data_dir.mkdir(parents=True)
    db = open_database(data_dir / "enrollpoint.db")
    with db.session() as s:
        s.add(Point(code="TRUSO", name="Nhà văn hoá Trường Sa"))
    return db


def _get(user: str) -> str | None:
    return keyring.get_password(hub_link.SERVICE, user)


def test_two_data_dirs_keep_their_own_hub_secrets(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    _hub_cli(url, "init")
    _hub_cli(url, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    codes = [json.loads(_hub_cli(url, "--json", "enrol-code", COMMUNE))["code"] for _ in range(2)]
    first, second = _laptop(tmp_path / "may-1"), _laptop(tmp_path / "may-2")
    try:
        with hub_process(url, tmp_path / "hub.log") as base:
            hub_link.connect(first, base, codes[0], "Nguyễn Văn An")
            hub_link.connect(second, base, codes[1], "Lê Thị Hoa")  # used to overwrite the first's entry
            one, two = hub_link.credentials(first), hub_link.credentials(second)
            assert one.device_id != two.device_id and one.token != two.token
            assert _get(f"device-{one.device_id}:token") == one.token
            assert _get(f"device-{two.device_id}:private_key") == two.private_key
            assert _get(f"{COMMUNE}:token") is None  # nothing under the commune code any more

            # Both laptops close the same point and day with their own work and send it.
            for db in (first, second):
                with db.session() as s:
                    dayclose.close_day(s, DAY, "TRUSO", now=dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC))
                result = hub_link.sync_now(db, policy=POLICY, sleep=lambda _s: None, fetch=False)
                assert result.ok and result.remaining == 0, result.error
            with sqlite3.connect(tmp_path / "hub.db") as c:
                devices = {d for (d,) in c.execute(
                    "SELECT device_id FROM report_villages WHERE point_code='TRUSO' AND day=?", (DAY.isoformat(),))}
            assert devices == {one.device_id, two.device_id}  # two reports, one per laptop

            # An older version kept the first laptop's secrets under the commune code: move them on first use.
            for what in ("token", "private_key", "device_id"):
                keyring.set_password(hub_link.SERVICE, f"{COMMUNE}:{what}",
                                     _get(f"device-{one.device_id}:{what}") or "")
                keyring.delete_password(hub_link.SERVICE, f"device-{one.device_id}:{what}")
            # The second database does not take them (they are not its device's) and is not disturbed.
            assert hub_link.credentials(second).token == two.token
            assert _get(f"{COMMUNE}:token") == one.token
            moved = hub_link.credentials(first)
            assert (moved.token, moved.private_key, moved.device_id) == (one.token, one.private_key, one.device_id)
            assert _get(f"device-{one.device_id}:token") == one.token and _get(f"{COMMUNE}:token") is None
            assert hub_link.sync_now(first, policy=POLICY, sleep=lambda _s: None, fetch=False).ok

            # A commune entry left by another database (another device id) is never adopted.
            for what, value in (("token", "t"), ("private_key", two.private_key), ("device_id", "someone-else")):
                keyring.set_password(hub_link.SERVICE, f"{COMMUNE}:{what}", value)
            for what in ("token", "private_key", "device_id"):
                keyring.delete_password(hub_link.SERVICE, f"device-{two.device_id}:{what}")
            with pytest.raises(hub_link.NotConnected):
                hub_link.credentials(second)
            assert _get(f"{COMMUNE}:token") == "t"

            # Reconnecting a database keeps its device (its key proves it): new token and key under the same
            # entries, no key left waiting.
            code3 = json.loads(_hub_cli(url, "--json", "enrol-code", COMMUNE))["code"]
            assert hub_link.connect(first, base, code3, "Nguyễn Văn An")["same_device"] == "yes"
            again = hub_link.credentials(first)
            assert again.device_id == one.device_id
            assert again.token != one.token and again.private_key != one.private_key
            assert _get(f"device-{one.device_id}:next_private_key") is None
            # As a new device (--new-device), it drops its old device's entries.
            code4 = json.loads(_hub_cli(url, "--json", "enrol-code", COMMUNE))["code"]
            hub_link.connect(first, base, code4, "Nguyễn Văn An", new_device=True)
            newer = hub_link.credentials(first)
            assert newer.device_id != one.device_id and _get(f"device-{one.device_id}:token") is None
    finally:
        first.close()
        second.close()
