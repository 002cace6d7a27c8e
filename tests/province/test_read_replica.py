"""A read replica (ENROLLPOINT_HUB_READ_DB) serves the steering views while reports, logins and admin actions
go to the database itself (real hub process; the replica is a SQLite copy brought up to date with SQLite's
backup API, as streaming replication would on PostgreSQL). A replica behind a migration stops the start with
words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.hub import PASSWORD, login, post
from tests.support.hub_process import REPO, HubProcess, hub_cli
from tests.support.scoped_hub import enrol_over_http

DAY = dt.date(2026, 6, 1)
COMMUNE = "22736"


def _copy(primary: Path, replica: Path) -> None:
    """The replica catches up: the primary's pages copied into it under SQLite's own locking."""
    src, dst = sqlite3.connect(primary), sqlite3.connect(replica)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _cards(http: httpx.Client) -> int:
    """The commune's card count in the province table's CSV (a steering view)."""
    r = http.get("/export.csv", params={"on": DAY.isoformat()})
    assert r.status_code == 200, r.text[:300]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    head = rows[0]
    row = next(x for x in rows[1:] if COMMUNE in x)
    col = next(i for i, h in enumerate(head) if "thẻ" in h.lower() or "card" in h.lower())
    return int(row[col].replace(".", "").replace(",", "") or 0)


def test_the_views_read_the_replica_and_everything_else_the_database(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    primary, replica = tmp_path / "hub.db", tmp_path / "replica.db"
    url = f"sqlite:///{primary}"
    hub_cli(url, "init")
    hub_cli(url, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    hub_cli(url, "user", "add", "quan.tri", "--role", "admin")
    _copy(primary, replica)
    hub = HubProcess(tmp_path, db_url=url, commune=None, env={"ENROLLPOINT_HUB_READ_DB": f"sqlite:///{replica}"})
    with hub, httpx.Client(base_url=hub.url, timeout=15) as http:
        lap = enrol_over_http(http, hub, COMMUNE)  # the code and the enrolment: written to the database
        assert post(http, lap, lap.batch(lap.report(DAY, card_captured=5))).status_code == 200
        assert login(http).status_code == 303  # the login and its session: the database
        assert _cards(http) == 0  # the replica has not caught up: the view shows what it holds
        _copy(primary, replica)
        assert _cards(http) == 5  # caught up: the view follows (its kept results restamped by the counter)
        assert post(http, lap, lap.batch(lap.report(DAY, revision=2, card_captured=7))).status_code == 200
        assert _cards(http) == 5
        _copy(primary, replica)
        assert _cards(http) == 7
    with sqlite3.connect(primary) as db:  # the reports went to the database only through intake
        assert db.execute("SELECT count(*) FROM report_villages").fetchone()[0] >= 1


def test_a_replica_behind_a_migration_stops_the_start_with_words(tmp_path: Path) -> None:
    primary, replica = tmp_path / "hub.db", tmp_path / "replica.db"
    hub_cli(f"sqlite:///{primary}", "init")
    _copy(primary, replica)
    with sqlite3.connect(replica) as db:
        db.execute("UPDATE alembic_version SET version_num = '0015_published_ranks'")
    env = {"ENROLLPOINT_HUB_READ_DB": f"sqlite:///{replica}", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "province.cli", "--db", f"sqlite:///{primary}", "serve", "--host",
                        "127.0.0.1", "--port", "1"], capture_output=True, text=True, timeout=60, cwd=REPO,
                       env={**env, "PYTHONPATH": str(REPO)})
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "0015_published_ranks" in out and "Traceback" not in out, out[-1500:]
