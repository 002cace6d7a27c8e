"""Bench: one 200,000-row import, then USB and LAN sync among three laptops.

Laptop A imports a 200,000-row list with `enrollpoint import` (one import: every row gets the same time,
so the change-log clock's counter passes 99,999 when the rows are stamped: it must carry, not overflow).
B and C join A's group (each its own data dir and keyring). A → B by USB file (`peer export` /
`peer import`), then C syncs with A over the LAN (`peer serve` in its own process on 127.0.0.1), then C
with B and A with B (every laptop has then heard from every other). Every command is its own process; time and peak RSS of each are recorded. At the end the three
registers must hold the same citizens and change log, and every stamp must be canonical.

    .venv/bin/python bench/bench_peer_three.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
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
SUMMARY = Path(__file__).with_name("RESULTS.md")
STRICT = re.compile(r"^\d{13}\.\d{5}\.[0-9a-f]{1,32}$")

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
    """One CLI command in its own process: (seconds inside main, peak RSS in MB, stdout)."""
    p = subprocess.run([sys.executable, "-c", _RUN, *args], env=env, capture_output=True, text=True, timeout=1800,
                       cwd=ROOT)
    line = [ln for ln in p.stderr.splitlines() if ln.startswith("BENCH")]
    if p.returncode != 0 or not line or line[-1].split()[3] != "0":
        raise SystemExit(f"{args}: {p.stdout}\n{p.stderr[-3000:]}")
    _, secs, rss_kb, _rc = line[-1].split()
    return float(secs), int(rss_kb) // 1024, p.stdout


def _hwm_mb(pid: int) -> int:
    for ln in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ln.startswith("VmHWM:"):
            return int(ln.split()[1]) // 1024
    return 0


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "peer", "serve", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("peer serve did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def _facts(data_dir: Path) -> dict[str, object]:
    con = sqlite3.connect(data_dir / "enrollpoint.db")
    try:
        stamps = [h for (h,) in con.execute("SELECT hlc FROM peer_log")]
        return {
            "citizens": con.execute("SELECT count(*) FROM citizens").fetchone()[0],
            "log": len(stamps),
            "canonical": all(STRICT.match(h) for h in stamps),
            "max_counter": max((int(h.split(".")[1]) for h in stamps), default=0),
            "register": hash(tuple(con.execute("SELECT gid, id_number, full_name, birth_date, phone, village"
                                               " FROM citizens ORDER BY gid").fetchall())),
        }
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    args = ap.parse_args()
    from bench.bench_import import OUT, generate  # noqa: PLC0415 - bench helper

    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"citizens_{args.rows}.csv"
    if not csv_path.exists():
        generate(csv_path, args.rows)
    tmp = Path(tempfile.mkdtemp(prefix="bench-peer3-"))
    base = dict(os.environ, PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", ENROLLPOINT_PLAIN_DB="1")
    env = {n: dict(base, ENROLLPOINT_DATA_DIR=str(tmp / n), XDG_DATA_HOME=str(tmp / f"xdg-{n}")) for n in "ABC"}
    rows: list[tuple[str, float, str]] = []
    for n in "ABC":
        _cli(env[n], "init", "--commune-code", "22736")
    secs, rss, out = _cli(env["A"], "import", str(csv_path), "--json")
    rows.append((f"A: `import` of {args.rows:,} rows", secs, f"{rss} MB"))
    _, _, out = _cli(env["A"], "peer", "group", "create", "--json")
    code = json.loads(out)["code"]
    for n in "BC":
        _cli(env[n], "peer", "group", "join", code, "--name", f"Máy {n}")
    secs, rss, out = _cli(env["A"], "peer", "export", str(tmp / "a.epp"), "--json")
    size = (tmp / "a.epp").stat().st_size
    rows.append((f"A: stamp + `peer export` ({json.loads(out)['entries']:,} entries, {size / 1e6:.0f} MB file)",
                 secs, f"{rss} MB"))
    secs, rss, out = _cli(env["B"], "peer", "import", str(tmp / "a.epp"), "--json")
    rows.append((f"B: `peer import` of A's file ({json.loads(out)['received']:,} received)", secs, f"{rss} MB"))
    server, port = _serve(env["A"])
    try:
        secs, rss, out = _cli(env["C"], "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
        rows.append((f"C: first LAN `peer sync` with A ({json.loads(out)['received']:,} received)", secs,
                     f"C {rss} MB, A (server) {_hwm_mb(server.pid)} MB"))
    finally:
        _stop(server)
    server, port = _serve(env["B"])
    try:
        secs, rss, out = _cli(env["C"], "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
        got = json.loads(out)
        rows.append((f"C: LAN `peer sync` with B (sent {got['sent']}, received {got['received']})", secs,
                     f"C {rss} MB, B (server) {_hwm_mb(server.pid)} MB"))
        secs, rss, out = _cli(env["A"], "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
        got = json.loads(out)
        rows.append((f"A: LAN `peer sync` with B (sent {got['sent']}, received {got['received']})", secs,
                     f"A {rss} MB, B (server) {_hwm_mb(server.pid)} MB"))
    finally:
        _stop(server)
    facts = {n: _facts(tmp / n) for n in "ABC"}
    same = facts["A"]["register"] == facts["B"]["register"] == facts["C"]["register"] and (
        facts["A"]["log"] == facts["B"]["log"] == facts["C"]["log"])
    ok = same and all(f["canonical"] and f["citizens"] == args.rows for f in facts.values())
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    load = os.getloadavg()
    section = (
        f"\n## {when} — bench_peer_three.py (200,000-row import, then USB and LAN among three laptops)\n\n"
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs shared with "
        f"other jobs (load average at the end {load[0]:.1f}). Plain SQLite files; each command its own process.\n\n"
        "| step | time | peak RSS |\n|---|---|---|\n"
        + "\n".join(f"| {what} | {secs:.1f} s | {mem} |" for what, secs, mem in rows)
        + f"\n\nAfter: every laptop {facts['A']['citizens']:,} citizens, {facts['A']['log']:,} change-log entries, "
        f"highest clock counter {max(int(str(f['max_counter'])) for f in facts.values()):,} (carried, never past "
        f"99,999), all stamps canonical: {all(f['canonical'] for f in facts.values())}; the three registers equal: "
        f"{same}. {'OK.' if ok else 'FAILED.'}\n"
    )
    for target, title in ((RESULTS, "# Peer sync benchmark results\n"), (SUMMARY, "# Benchmark results\n")):
        if not target.exists():
            target.write_text(title)
        with target.open("a", encoding="utf-8") as f:
            f.write(section)
    print(section)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
