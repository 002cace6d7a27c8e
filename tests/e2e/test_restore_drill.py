"""The restore drill: a real hub with two laptops' reports is backed up, wiped and restored into a fresh
database (SQLite → SQLite, PostgreSQL → PostgreSQL); the hub restarts on the restored database and the laptops
go on syncing without re-enrolment, each new report counted exactly once.

Real processes only: `enrollpoint-hub serve` on 127.0.0.1, `enrollpoint-hub backup/restore` and the laptops'
`enrollpoint` CLI in subprocesses with their own data dirs and keyrings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from province.db import open_hub
from province.models import CommuneTotal, ReportVillage
from tests.support.hub import PG_ENV, fresh_pg_database
from tests.support.hub_process import HubProcess, hub_cli
from tests.support.laptop_cli import CliLaptop

pytestmark = pytest.mark.slow
DAY = dt.date(2026, 11, 20)
PASS = "diễn tập khôi phục 2026"


@contextlib.contextmanager
def _database(kind: str, tmp: Path, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / name}.db"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL: set {PG_ENV} (bash scripts/ci-postgres.sh prints a URL)")
    with fresh_pg_database(base) as url:
        yield url


def _figures(url: str) -> tuple[int, int, int]:
    """(reports stored for DAY, their card_captured sum, the commune's running card_captured total)."""
    db = open_hub(url)
    try:
        with db.session() as s:
            n, total = s.execute(select(func.count(), func.coalesce(func.sum(ReportVillage.card_captured), 0))
                                 .where(ReportVillage.day == DAY)).one()
            running = s.scalar(select(CommuneTotal.value).where(CommuneTotal.indicator == "card_captured")) or 0
        return int(n), int(total), int(running)
    finally:
        db.close()


def _listing(url: str) -> tuple[object, object, str]:
    devices = [(d["id"], d["name"], d["revoked"]) for d in json.loads(hub_cli(url, "--json", "device", "list"))]
    users = [(u["name"], u["role"]) for u in json.loads(hub_cli(url, "--json", "user", "list"))]
    fingerprint = json.loads(hub_cli(url, "--json", "enrol-code", "22736"))["hub_key_fingerprint"]
    return devices, users, fingerprint


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_backup_wipe_restore_restart_and_the_laptops_sync_on(tmp_path: Path, kind: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_BACKUP_PASSPHRASE", PASS)
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", "Mật-khẩu-đủ-dài-2026")
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    with _database(kind, tmp_path, "old") as old_url, _database(kind, tmp_path, "new") as new_url:
        hub = HubProcess(tmp_path / "old", db_url=old_url)
        hub.cli("user", "add", "quan.tri", "--role", "admin")
        laptops = [CliLaptop(tmp_path, name).setup() for name in ("may-A", "may-B")]
        with hub:
            for lap in laptops:
                assert lap.connect(hub, hub.enrol_code()).returncode == 0
                lap.capture(DAY)
                lap.close(DAY)
                lap.ok("sync")
        assert _figures(old_url) == (2, 2, 2)
        before = _listing(old_url)
        backup = tmp_path / "hub-backup.bin"
        hub_cli(old_url, "backup", str(backup))
        if kind == "sqlite":  # the wipe: the old database is gone
            for suffix in ("", "-wal", "-shm"):
                Path(str(hub.db_file) + suffix).unlink(missing_ok=True)
        hub_cli(new_url, "restore", str(backup))
        assert _listing(new_url)[0] == before[0] and _listing(new_url)[1:] == before[1:]
        assert _figures(new_url) == (2, 2, 2)
        restarted = HubProcess(tmp_path / "new", db_url=new_url, commune=None)
        restarted.port, restarted.url = hub.port, hub.url  # the same address the laptops know
        with restarted:
            a, b = laptops
            a.capture(DAY)
            a.close(DAY)  # revision 2 of A's day: replaces A's report, never adds to it
            a.ok("sync")
            b.ok("sync")  # nothing new: accepted, nothing doubled
        assert _figures(new_url) == (2, 3, 3)
