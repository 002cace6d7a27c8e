"""Bench: peer sync between two laptops of one commune over loopback.

1. First sync: laptop A holds a 200,000-citizen register with 300,000 status events (the demo register,
   topped up with events); laptop B is empty. A serves (`enrollpoint peer serve`, its own process), B runs
   `enrollpoint peer sync --with 127.0.0.1:P` (its own process). Goal: < 60 s, peak RSS of either < 400 MB.
   A's one-time stamp of the existing register (done by the first export/serve after the upgrade) is
   timed separately.
2. Evening sync: A records 1,500 events and 500 appointments; B syncs again. Goal: < 2 s. The USB file of
   the same changes (`peer export`): goal < 1 MB.
Baseline (same run): reading every citizen and event row of A once through SQLite (the least any copy
of the register can cost), and one `peer sync` with nothing to exchange.

    .venv/bin/python bench/bench_peer.py [--db PREBUILT_200K.db]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).with_name("RESULTS-peer.md")
N_CITIZENS, N_EVENTS = 200_000, 300_000

_RUN = (
    "import resource, sys, time; from desktop.cli import main; t = time.perf_counter(); rc = main(sys.argv[1:]); "
    "print('BENCH', time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rc, "
    "file=sys.stderr)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """Run one CLI command in its own process: (seconds inside main, peak RSS in MB, stdout)."""
    p = subprocess.run([sys.executable, "-c", _RUN, *args], env=env, capture_output=True, text=True, timeout=900,
                       cwd=ROOT)
    line = [ln for ln in p.stderr.splitlines() if ln.startswith("BENCH")]
    if p.returncode != 0 or not line:
        raise SystemExit(f"{args}: {p.stdout}\n{p.stderr}")
    _, secs, rss_kb, rc = line[-1].split()
    if rc != "0":
        raise SystemExit(f"{args} exit {rc}: {p.stdout}\n{p.stderr}")
    return float(secs), int(rss_kb) // 1024, p.stdout


def _hwm_mb(pid: int) -> int:
    for ln in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ln.startswith("VmHWM:"):
            return int(ln.split()[1]) // 1024
    return 0


def _top_up_events(db_file: Path, want: int) -> None:
    con = sqlite3.connect(db_file)
    have = con.execute("SELECT count(*) FROM status_events").fetchone()[0]
    ids = [r[0] for r in con.execute("SELECT id FROM citizens ORDER BY id")]
    rows = []
    day = dt.date(2026, 10, 1)
    for n in range(max(0, want - have)):
        when = dt.datetime.combine(day + dt.timedelta(days=n % 50), dt.time(8)) + dt.timedelta(seconds=n)
        rows.append((ids[n % len(ids)], "attended", when.isoformat(" "), when.date().isoformat(), when.isoformat(" ")))
    with con:
        con.executemany("INSERT INTO status_events (citizen_id, event_type, occurred_at, occurred_on, point_id, note,"
                        " recorded_at) VALUES (?, ?, ?, ?, NULL, '', ?)", rows)
    con.close()


def _evening(env: dict[str, str]) -> None:
    """1,500 events and 500 appointments on A, through the services (what a day at the point writes)."""
    code = (
        "import datetime as dt\n"
        "from desktop import paths\n"
        "from desktop.storage.db import open_database\n"
        "from desktop.services.register import statuses\n"
        "from desktop.services.scheduling.enrollment_sessions import create_enrollment_session\n"
        "from desktop.services.scheduling.booking import book\n"
        "from desktop.models import Citizen, Point\n"
        "from sqlalchemy import select\n"
        "db = open_database(paths.db_path())\n"
        "with db.session() as s:\n"
        "    p = s.scalars(select(Point)).first()\n"
        "    day = dt.date.today() + dt.timedelta(days=2)\n"
        "    es = create_enrollment_session(s, point_id=p.id, day=day, start='07:00', end='17:00', kits=20)\n"
        "    new = list(s.scalars(select(Citizen).where(Citizen.status == 'new').limit(2000)))\n"
        "    for c in new[:500]:\n"
        "        book(s, c.id, es.id)\n"
        "    n = 0\n"
        "    for c in new[500:]:\n"
        "        if n >= 1500: break\n"
        "        statuses.record_event(s, c, 'attended', point=p)\n"
        "        n += 1\n"
        "db.close()\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT, timeout=600)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, help="a prebuilt 200,000-citizen demo database (bench/make_db.py)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
               XDG_DATA_HOME=str(tmp / "xdg"), ENROLLPOINT_PLAIN_DB="1")
    a_dir, b_dir = tmp / "A", tmp / "B"
    a_dir.mkdir()
    a_db = a_dir / "enrollpoint.db"
    from bench.make_db import make_db  # noqa: PLC0415 - bench helper

    if args.db:
        shutil.copy(args.db, a_db)
    else:
        make_db(N_CITIZENS, a_db)
    _top_up_events(a_db, N_EVENTS)
    env_a, env_b = dict(env, ENROLLPOINT_DATA_DIR=str(a_dir)), dict(env, ENROLLPOINT_DATA_DIR=str(b_dir))
    con = sqlite3.connect(a_db)
    commune = dict(con.execute("SELECT key, value FROM settings WHERE key LIKE 'commune.%'").fetchall())
    n_cit, n_ev = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("citizens", "status_events"))
    t0 = time.perf_counter()
    for _ in con.execute("SELECT * FROM citizens"):
        pass
    for _ in con.execute("SELECT * FROM status_events"):
        pass
    baseline_read = time.perf_counter() - t0
    con.close()
    _cli(env_b, "init", "--commune-code", commune["commune.code"], "--commune-name", commune["commune.name"],
         "--province-code", commune["commune.province_code"])
    _, _, out = _cli(env_a, "peer", "group", "create", "--json")
    _cli(env_b, "peer", "group", "join", json.loads(out)["code"])
    stamp_s, stamp_rss, _ = _cli(env_a, "peer", "export", str(tmp / "full.epp"), "--all")
    full_size = (tmp / "full.epp").stat().st_size

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "desktop", "peer", "serve", "--port", str(port)], env=env_a,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        first_s, first_rss_b, _ = _cli(env_b, "peer", "sync", "--with", f"127.0.0.1:{port}")
        rss_a_first = _hwm_mb(server.pid)
        noop_s, _, _ = _cli(env_b, "peer", "sync", "--with", f"127.0.0.1:{port}")
        _evening(env_a)
        usb_s, _, _ = _cli(env_a, "peer", "export", str(tmp / "evening.epp"))
        usb_size = (tmp / "evening.epp").stat().st_size
        eve_s, eve_rss_b, out = _cli(env_b, "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
        eve_recv = json.loads(out)["received"]
        rss_a = _hwm_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    b = sqlite3.connect(b_dir / "enrollpoint.db")
    b_cit, b_ev = (b.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("citizens", "status_events"))
    b.close()
    ok = (first_s < 60 and max(rss_a_first, first_rss_b) < 400 and eve_s < 2 and usb_size < 1_000_000
          and b_ev >= n_ev and b_cit >= n_cit)
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    rows = [
        f"| baseline: read every citizen and event row of A once (SQLite) | {n_cit:,} + {n_ev:,} rows | "
        f"{baseline_read:.1f} s | — |",
        f"| baseline: `peer sync` with nothing to exchange | 0 | {noop_s * 1000:.0f} ms | — |",
        f"| one-time stamp of A's register + full USB file (`peer export --all`) | {full_size / 1e6:.0f} MB | "
        f"{stamp_s:.1f} s, {stamp_rss} MB RSS | — |",
        f"| first LAN sync A → B | {b_cit:,} citizens, {b_ev:,} events | {first_s:.1f} s; RSS A {rss_a_first} MB,"
        f" B {first_rss_b} MB | < 60 s, < 400 MB |",
        f"| evening sync (1,500 events + 500 appointments) | {eve_recv:,} entries | {eve_s * 1000:.0f} ms; "
        f"RSS A {rss_a} MB, B {eve_rss_b} MB | < 2 s |",
        f"| evening USB file (`peer export`) | {usb_size / 1000:.0f} kB | {usb_s * 1000:.0f} ms | < 1 MB |",
    ]
    section = (
        f"\n## {when} — bench_peer.py\n\nMachine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, shared with other jobs. Two processes on loopback (A: `peer serve`, B: `peer sync`).\n\n"
        "| case | size | time / memory | goal |\n|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"First sync / baseline read: {first_s / baseline_read:.0f}×. {'Goals met.' if ok else 'GOAL NOT MET.'}\n"
    )
    if not RESULTS.exists():
        RESULTS.write_text("# Peer sync benchmark results\n\nEach run appends a section (bench/bench_peer.py).\n")
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(section)
    print(section)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
