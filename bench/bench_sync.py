"""Bench: a laptop back online after 60 days sends its whole backlog to a real hub process on loopback.

Backlog: 3 points × 60 closed days = 180 reports (with some activity and villages). Goal: ≤ 3 requests
and < 2 s. Baseline measured in the same run: the round trip of one single-report sync (median of 5).
Writes the numbers with the machine to bench/RESULTS-sync.md (append) and prints them.

    .venv/bin/python bench/bench_sync.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop.settings_keys import KEY_HUB_DEVICE_ID

ROOT = Path(__file__).resolve().parents[1]
COMMUNE = "22736"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hub(db_url: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "province.cli", "--db", db_url, *args], capture_output=True,
                         text=True, timeout=120, cwd=ROOT, check=True)
    return out.stdout


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ["ENROLLPOINT_DATA_DIR"] = str(tmp / "data")
    os.environ["XDG_DATA_HOME"] = str(tmp / "xdg")  # keyring file stays in the temp dir
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    sys.path.insert(0, str(ROOT))

    import requests

    from common.vietnamese import fold
    from desktop import config
    from desktop.models import Citizen, Point
    from desktop.services.figures import dayclose
    from desktop.services.province_link import hub_link, outbox
    from desktop.services.register.statuses import record_event
    from desktop.storage.db import open_database

    db_url = f"sqlite:///{tmp / 'hub.db'}"
    _hub(db_url, "init")
    _hub(db_url, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    code = json.loads(_hub(db_url, "--json", "enrol-code", COMMUNE))["code"]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "province.cli", "--db", db_url, "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning", "--no-access-log"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("hub did not start")
            time.sleep(0.2)

        db = open_database(tmp / "data" / "laptop.db")
        with db.session() as s:
            s.add_all([Point(code=c, name=f"Điểm {c}") for c in ("P0", "P1", "P2", "P3")])
        hub_link.connect(db, url, code, "bench")
        d0 = dt.date(2025, 5, 1)
        closed_at = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)

        # baseline: one report per sync, 5 times (first one warms the connection path up)
        single = []
        for i in range(6):
            with db.session() as s:
                dayclose.close_day(s, d0 + dt.timedelta(days=i), "P0", now=closed_at)
            t = time.perf_counter()
            r = hub_link.sync_now(db, fetch=False)
            single.append(time.perf_counter() - t)
            assert r.ok and r.sent == 1, r
        baseline = statistics.median(single[1:])

        # the backlog: 3 points × 60 days, some activity every third day
        villages = ["Thôn Đông", "Thôn Tây", "Tổ dân phố 1", "Tổ dân phố 2"]
        now = dt.datetime(2025, 1, 1)
        with db.session() as s:
            points = list(s.query(Point).filter(Point.code != "P0").order_by(Point.code))
            n = 0
            for i in range(60):
                day = d0 + dt.timedelta(days=i)
                if i % 3 == 0:
                    for p in points:
                        for _ in range(4):
                            n += 1
                            v = villages[n % 4]
                            c = Citizen(id_number=f"05619700{n:04d}", full_name=f"Lê Văn {n}", name_key=str(n),
                                        given_key=str(n), sort_given=str(n), sort_family=str(n), village=v,
                                        village_key=fold(v), created_at=now, updated_at=now)
                            s.add(c)
                            s.flush()
                            record_event(s, c, "attended", at=dt.datetime.combine(day, dt.time(9)), point=p)
                            record_event(s, c, "card_captured", at=dt.datetime.combine(day, dt.time(10)), point=p)
                for p in points:
                    dayclose.close_day(s, day, p.code, now=closed_at)
        with db.session() as s:
            waiting = outbox.waiting_count(s)
        t = time.perf_counter()
        res = hub_link.sync_now(db, fetch=False)
        backlog = time.perf_counter() - t
        assert res.ok and res.sent == waiting == 180 and res.remaining == 0, res
        with db.session() as s:
            assert config.get(s, KEY_HUB_DEVICE_ID)
        db.close()
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()

    machine = (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs "
               f"({platform.processor() or platform.machine()}), shared with other jobs")
    lines = [
        f"## {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} — bench_sync.py",
        "",
        f"Machine: {machine}. Hub: `enrollpoint-hub serve` (uvicorn, SQLite) on 127.0.0.1, separate process.",
        "",
        "| case | reports | requests | time | goal |",
        "|---|---|---|---|---|",
        f"| baseline: one single-report sync (median of 5) | 1 | 1 | {baseline * 1000:.0f} ms | — |",
        f"| 60-day backlog, 3 points | {res.sent} | {res.requests} | {backlog * 1000:.0f} ms | ≤ 3 requests, < 2 s |",
        "",
        f"Backlog / baseline: {backlog / baseline:.1f}× the time of one single-report round trip for "
        f"{res.sent}× the reports ({res.sent / backlog:.0f} reports/s). "
        f"Goal {'met' if res.requests <= 3 and backlog < 2.0 else 'NOT met'}.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "RESULTS-sync.md"
    if not out.exists():
        out.write_text("# Sync benchmark results\n\nEach run appends a section (bench/bench_sync.py).\n\n")
    with out.open("a", encoding="utf-8") as f:
        f.write(text + "\n")
    return 0 if res.requests <= 3 and backlog < 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
