"""Due rules in SQL (renewals counted from the latest card event, births known only as a year)
against the rules before it, on the same register in the same run:
`python bench/bench_due.py [DB] [--citizens 200000] [--repeat 5] [--write]` (DB: a plain file from
`bench/make_db.py`; without one, a `--citizens` register is made in a temp folder first). `--write` records
the table in bench/RESULTS-due.md.

Before these rules a renewal was computed from `card_issued_on` alone, with one NOT EXISTS on later card
events; now the card counted from is the later of `card_issued_on` and the latest capture/delivery, which
adds a NOT EXISTS per renewal age that has come (run only for rows whose register date is before the
window). Timed: count of everyone due, count of renewals, and the auto-assign pass (the due mask of every
row), median of the repeats.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from machine_info import cpu_model  # noqa: E402


def previous_filter_sql(kind: str | None, on: dt.date) -> tuple[str, dict[str, Any]]:
    """The WHERE fragment of `due.due_filter_sql` as it was before renewals counted from the latest card event (the baseline)."""
    from desktop.services.due.rules import CARD_AGE, GRACE_YEARS, RENEWAL_AGES, TERMINAL_VALUES, sub_years

    a = "c"
    params: dict[str, Any] = {"due_d14": sub_years(on, CARD_AGE).isoformat(), "due_y14": on.year - CARD_AGE}
    for i, t in enumerate(TERMINAL_VALUES):
        params[f"due_t{i}"] = t
    not_terminal = f"{a}.status NOT IN ({', '.join(f':due_t{i}' for i in range(len(TERMINAL_VALUES)))})"
    adult = f"({a}.birth_date <= :due_d14 OR ({a}.birth_date IS NULL AND {a}.birth_year <= :due_y14))"
    parts = {
        "first_card": f"({a}.has_card = 0 AND {adult})",
        "vneid_register": f"({a}.has_card = 1 AND {a}.vneid_stage = 0 AND {adult})",
        "vneid_activate": f"({a}.vneid_stage IN (1, 2))",
    }
    birth = f"coalesce({a}.birth_date, printf('%04d-01-01', {a}.birth_year))"
    milestones = []
    for age in RENEWAL_AGES:
        params[f"due_r{age}"] = sub_years(on, age).isoformat()
        milestones.append(
            f"({birth} <= :due_r{age} AND {a}.card_issued_on < date({birth}, '+{age - GRACE_YEARS} years'))")
    params["due_ev0"], params["due_ev1"] = "card_captured", "card_issued"
    parts["renew"] = (
        f"({a}.has_card = 1 AND {a}.card_issued_on IS NOT NULL AND "
        f"({a}.birth_date IS NOT NULL OR {a}.birth_year IS NOT NULL) AND ({' OR '.join(milestones)}) "
        f"AND NOT EXISTS (SELECT 1 FROM status_events e WHERE e.citizen_id = {a}.id "
        f"AND e.event_type IN (:due_ev0, :due_ev1) AND e.occurred_on > {a}.card_issued_on))")
    order = ("first_card", "renew", "vneid_register", "vneid_activate")
    body = " OR ".join(parts[k] for k in order) if kind is None else parts[kind]
    return f"({not_terminal} AND ({body}))", params


def _mask(filter_sql: Any, on: dt.date) -> tuple[str, dict[str, Any]]:
    terms, params = [], {}
    for bit, kind in enumerate(("first_card", "renew", "vneid_register", "vneid_activate")):
        frag, p = filter_sql(kind, on)
        params.update(p)
        terms.append(f"coalesce(({frag}), 0) * {1 << bit}")
    return " + ".join(terms), params


def _time(raw: Any, sql: str, params: dict[str, Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = raw.execute(sql, params).fetchall()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, nargs="?")
    ap.add_argument("--citizens", type=int, default=200_000, help="register size when no DB is given")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--on", default="2026-12-01")
    ap.add_argument("--write", action="store_true", help="record in bench/RESULTS-due.md")
    args = ap.parse_args()
    if args.db is None:
        with tempfile.TemporaryDirectory(prefix="ep-bench-due-") as tmp:
            from make_db import make_db

            args.db = Path(tmp) / "due.db"
            make_db(args.citizens, args.db)
            return _run(args)
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from desktop.services.due import rules as due
    from desktop.storage.connect import driver_connection
    from desktop.storage.db import open_database

    on = dt.date.fromisoformat(args.on)
    db = open_database(args.db, encrypted=False)
    rows = []
    try:
        with db.session() as s:
            raw = driver_connection(s)
            n = raw.execute("SELECT count(*) FROM citizens").fetchone()[0]
            for label, kind in (("count of everyone due", None), ("count of renewals", "renew")):
                old_where, old_p = previous_filter_sql(kind, on)
                new_where, new_p = due.due_filter_sql(kind, on)
                t_old, r_old = _time(raw, f"SELECT count(*) FROM citizens c WHERE {old_where}", old_p, args.repeat)
                t_new, r_new = _time(raw, f"SELECT count(*) FROM citizens c WHERE {new_where}", new_p, args.repeat)
                rows.append((label, t_old, t_new, r_old[0][0], r_new[0][0]))
            old_mask, old_p = _mask(previous_filter_sql, on)
            new_mask, new_p = due.due_mask_sql(on)
            t_old, r_old = _time(raw, f"SELECT sum(({old_mask}) > 0) FROM citizens c", old_p, args.repeat)
            t_new, r_new = _time(raw, f"SELECT sum(({new_mask}) > 0) FROM citizens c", new_p, args.repeat)
            rows.append(("auto-assign pass (due mask of every row)", t_old, t_new, r_old[0][0], r_new[0][0]))
    finally:
        db.close()
    lines = [f"## bench_due.py — {time.strftime('%Y-%m-%d %H:%M')}", "",
             f"{n:,} citizens, on {on}, median of {args.repeat}; {cpu_model()}; load average "
             f"{os.getloadavg()[0]:.1f}.", "",
             "| query | before (card_issued_on) | now | ratio | rows before → now |", "|---|---|---|---|---|"]
    lines += [f"| {label} | {t_old * 1000:.0f} ms | {t_new * 1000:.0f} ms | {t_new / t_old:.2f} | {c_old:,} → {c_new:,} |"
              for label, t_old, t_new, c_old, c_new in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (HERE / "RESULTS-due.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
