"""Demo data speed: `services.demo.create_demo` against a bare write of the same rows, in the same run:
`python bench/bench_demo.py [--sizes 2000 200000] [--repeat 3] [--write]`.

For each size: `create_demo` on a fresh plain SQLite file (generation of names, villages, events and ID
numbers, the raw inserts, the FTS rebuild, targets, PRAGMA optimize); then the baseline, a bare `executemany`
of exactly the rows it wrote (citizens and status events, read back from that file beforehand) into a fresh
file at the same schema, in one transaction with the FTS insert trigger dropped and no FTS rebuild: the cost
of only putting those bytes on disk. The ratio says what generating realistic data costs on top. Median of
the repeats; `--write` records the table in bench/RESULTS-register.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def _fresh(path: Path):  # type: ignore[no-untyped-def]
    from desktop.storage.db import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return open_database(path, encrypted=False)


def run_demo(path: Path, n: int) -> tuple[float, int]:
    from desktop.services.demo import create_demo

    db = _fresh(path)
    try:
        t0 = time.perf_counter()
        summary = create_demo(db, n, seed=6)
        secs = time.perf_counter() - t0
    finally:
        db.close()
    return secs, summary.events


def read_rows(path: Path) -> tuple[list[str], list[tuple], list[str], list[tuple]]:
    from desktop.services.demo import CITIZEN_COLUMNS, EVENT_COLUMNS

    db = _fresh_open(path)
    try:
        with db.engine.connect() as c:
            crow = c.exec_driver_sql(f"SELECT {', '.join(CITIZEN_COLUMNS)} FROM citizens ORDER BY id").fetchall()
            erow = c.exec_driver_sql(f"SELECT {', '.join(EVENT_COLUMNS)} FROM status_events ORDER BY id").fetchall()
    finally:
        db.close()
    return list(CITIZEN_COLUMNS), [tuple(r) for r in crow], list(EVENT_COLUMNS), [tuple(r) for r in erow]


def _fresh_open(path: Path):  # type: ignore[no-untyped-def]
    from desktop.storage.db import open_database

    return open_database(path, encrypted=False)


def run_baseline(path: Path, rows: tuple[list[str], list[tuple], list[str], list[tuple]]) -> float:
    ccols, crows, ecols, erows = rows
    db = _fresh(path)
    try:
        raw = db.engine.raw_connection()
        try:
            con = raw.driver_connection
            assert con is not None
            con.execute("PRAGMA foreign_keys=OFF")  # the points the events name are not copied: bare rows only
            t0 = time.perf_counter()
            con.execute("BEGIN")
            con.execute("DROP TRIGGER IF EXISTS citizens_fts_ai")
            con.executemany(f"INSERT INTO citizens ({', '.join(ccols)}) VALUES ({', '.join('?' * len(ccols))})", crows)
            con.executemany(f"INSERT INTO status_events ({', '.join(ecols)}) VALUES ({', '.join('?' * len(ecols))})",
                            erows)
            con.execute("COMMIT")
            return time.perf_counter() - t0
        finally:
            raw.close()
    finally:
        db.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 200_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="record in bench/RESULTS-register.md")
    a = ap.parse_args()
    lines = ["| citizens | events | create_demo s (median) | baseline: bare executemany s (median) | ratio | "
             "citizens/s (create_demo) |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        for n in a.sizes:
            demo_path, base_path = Path(tmp) / f"demo{n}.db", Path(tmp) / f"base{n}.db"
            ours, base, events = [], [], 0
            rows = None
            for _ in range(max(1, a.repeat)):
                secs, events = run_demo(demo_path, n)
                ours.append(secs)
                if rows is None:
                    rows = read_rows(demo_path)
                base.append(run_baseline(base_path, rows))
            mo, mb = statistics.median(ours), statistics.median(base)
            line = f"| {n:,} | {events:,} | {mo:.2f} | {mb:.2f} | {mo / mb:.1f}x | {n / mo:,.0f} |"
            print(line, flush=True)
            lines.append(line)
    body = "\n".join(lines) + (
        f"\n\n{a.repeat} runs per size, fresh plain SQLite files (WAL) in a temporary directory. Baseline: the same "
        "citizen and event rows, read back from the demo file, written by one bare `executemany` each in one "
        "transaction (FTS trigger dropped, no FTS rebuild): the floor for writing those rows. create_demo also "
        "generates names, villages, ID numbers and event histories, rebuilds the FTS index and runs PRAGMA optimize.")
    print(body)
    if a.write:
        from make_db import write_section

        write_section("Demo data (bench/bench_demo.py)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
