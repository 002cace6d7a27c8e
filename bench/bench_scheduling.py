"""Scheduling and indicators on a commune-sized register: auto-assign, day counts, cumulative, progress.

    .venv/bin/python bench/bench_scheduling.py [--citizens 200000] [--events 100000] [--no-write]

Baseline (same run, same file): materialising the whole due list with `due.due_list()`, which is what a
naive auto-assign would do before picking a few hundred people. `auto_assign` streams the due rows from
one SQL query and keeps only the session's places in a heap, so it should cost about the same or less
than the baseline while holding a few hundred objects instead of the whole list. Indicator queries are
reported in seconds (target: well under a second each on 100k events). The table replaces
bench/RESULTS-scheduling.md unless `--no-write` (bench/run_all.py merges it into RESULTS.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="ep-bench-sched-"))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
os.environ["XDG_DATA_HOME"] = str(TMP / "xdg")
os.environ["ENROLLPOINT_DATA_DIR"] = str(TMP / "data")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.vietnamese import NameOrder, fold, name_sort_key, split_name  # noqa: E402
from desktop.models import Point  # noqa: E402
from desktop.services import scheduling  # noqa: E402
from desktop.services.due import rules as due  # noqa: E402
from desktop.services.figures import indicators, progress  # noqa: E402
from desktop.storage.db import open_database  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Ngọc", "Sơn"]
VILLAGES = [f"Thôn {i}" for i in range(1, 25)]
EVENTS = ["attended", "card_captured", "attended", "no_show", "attended"]


HEADER = (
    "# Scheduling and indicator benchmarks (`bench/bench_scheduling.py`)\n\n"
    "Command: `.venv/bin/python bench/bench_scheduling.py` (generated register, encrypted if the app encrypts).\n"
    "Baseline: `due.due_list()` of the whole register; auto_assign keeps only the session's places.\n\n"
)


def build(db, n: int, n_events: int, day: dt.date) -> None:
    rnd = random.Random(6)
    now = "2025-01-01 08:00:00.000000"
    rows = []
    for i in range(n):
        name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        parts = split_name(name)
        village = rnd.choice(VILLAGES)
        year = rnd.randint(1935, 2015)
        has_card = rnd.random() < 0.6
        rows.append((
            f"{i:012d}", name, name, parts.family, parts.middle, parts.given, fold(name), fold(parts.given),
            name_sort_key(name, NameOrder.GIVEN), name_sort_key(name, NameOrder.FAMILY), year, village,
            fold(village), "", year < 1950, False, False, "2015-06-01" if has_card else None, "",
            fold(name), "new", has_card, 0, now, now,
        ))
    with db.session() as s:
        s.connection().exec_driver_sql(
            "INSERT INTO citizens (id_number, full_name_raw, full_name, family_name, middle_name, given_name, "
            "name_key, given_key, sort_given, sort_family, birth_year, village, village_key, address, elderly, "
            "disabled, needs_home_visit, card_issued_on, note, search_text, status, has_card, vneid_stage, "
            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        s.add(Point(code="P1", name="Nhà văn hóa", address="", kind="mobile", active=True))
        s.flush()
        evs = []
        for _ in range(n_events):
            d = day - dt.timedelta(days=rnd.randint(0, 60))
            evs.append((rnd.randint(1, n), rnd.choice(EVENTS), f"{d} 09:00:00.000000", d.isoformat(), 1, now))
        s.connection().exec_driver_sql(
            "INSERT INTO status_events (citizen_id, event_type, occurred_at, occurred_on, point_id, note, "
            "recorded_at) VALUES (?,?,?,?,?,'',?)",
            evs,
        )


def timed(s, fn):  # type: ignore[no-untyped-def]
    """Wall time of one plain run, then peak Python memory of a second run under tracemalloc.

    Each run is inside a savepoint that is rolled back, so both see the same database.
    """
    nested = s.begin_nested()
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    nested.rollback()
    nested = s.begin_nested()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    nested.rollback()
    return out, elapsed, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--citizens", type=int, default=200_000)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    day = dt.date.today() + dt.timedelta(days=1)
    db = open_database(TMP / "bench.db")
    t0 = time.perf_counter()
    build(db, args.citizens, args.events, day)
    print(f"built {args.citizens} citizens, {args.events} events in {time.perf_counter() - t0:.1f} s")

    results = []
    with db.session() as s:
        n_due, t_base, m_base = timed(s, lambda: len(due.due_list(s, day)))
        obj = scheduling.create_enrollment_session(s, point_id=1, day=day, start="07:00", end="17:00", slot_minutes=30,
                                        kits=2, minutes_per_person=5)
        res, t_assign, m_assign = timed(s, lambda: scheduling.auto_assign(s, obj.id))
        results.append(("due_list(all) [baseline]", t_base, m_base, f"{n_due} due"))
        results.append(("auto_assign", t_assign, m_assign, f"{res.assigned} placed"))
        for name, fn in [
            ("count_day", lambda: indicators.count_day(s, day - dt.timedelta(days=3))),
            ("count_until", lambda: indicators.count_until(s, day)),
            ("daily_series(30 d)", lambda: indicators.daily_series(s, day - dt.timedelta(days=29), day)),
            ("progress", lambda: progress.progress(s, day)),
        ]:
            _, t, m = timed(s, fn)
            results.append((name, t, m, ""))
        s.rollback()
    db.close()

    lines = [
        f"### bench_scheduling {dt.date.today()} — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; {args.citizens} citizens, {args.events} events",
        "",
        "| step | seconds | peak Python memory (MB) | note |",
        "|---|---:|---:|---|",
    ]
    for name, t, m, note in results:
        lines.append(f"| {name} | {t:.3f} | {m / 1e6:.1f} | {note} |")
    lines.append("")
    lines.append(f"auto_assign / baseline: time ×{t_assign / t_base:.2f}, memory ×{m_assign / max(1, m_base):.3f}")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        Path(__file__).with_name("RESULTS-scheduling.md").write_text(HEADER + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
