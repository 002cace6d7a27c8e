"""Create a benchmark commune database: `python bench/make_db.py N OUT.db [--seed S] [--encrypted]`.

Used by the search/open benchmarks here and by the UI, printing and import benchmarks. The file is a
plain SQLite file by default (open it with `open_database(path, encrypted=False)` or with
ENROLLPOINT_PLAIN_DB=1, or the app will convert it to SQLCipher on first open); `--encrypted` makes a
SQLCipher file keyed through the OS keyring, as the app does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_db(n: int, out: Path, *, seed: int = 6, encrypted: bool = False, force: bool = False) -> float:
    from desktop.services.demo import create_demo
    from desktop.storage.db import open_database

    if out.exists():
        if not force:
            raise SystemExit(f"{out} exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    db = open_database(out, encrypted=encrypted)
    try:
        create_demo(db, n, seed=seed)
        with db.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--encrypted", action="store_true")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    secs = make_db(a.n, a.out, seed=a.seed, encrypted=a.encrypted, force=a.force)
    print(f"{a.n} citizens → {a.out} ({a.out.stat().st_size / 1e6:.0f} MB) in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ------------------------------------------------------------------------------ results file helpers
RESULTS = Path(__file__).with_name("RESULTS-register.md")


def machine() -> str:
    """nproc, CPU model, Python, SQLite (stdlib) and SQLCipher's SQLite versions, load at the time."""
    import os
    import platform
    import sqlite3

    from machine_info import cpu_model

    cpu = cpu_model()
    try:
        import sqlcipher3

        cipher = sqlcipher3.connect(":memory:").execute("SELECT sqlite_version()").fetchone()[0]
    except Exception:  # noqa: BLE001 - optional
        cipher = "n/a"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"nproc {os.cpu_count()}, {cpu}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} "
            f"(stdlib), {cipher} (sqlcipher3); load average {load} (machine shared with other jobs)")


def write_section(title: str, body: str) -> None:
    """Replace (or add) one `## title` section of RESULTS-register.md, keeping the others."""
    import datetime as dt
    import re

    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Register: search and open\n"
    section = f"## {title}\n\n_{dt.date.today().isoformat()}; {machine()}_\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text)
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text.rstrip() + "\n", encoding="utf-8")
