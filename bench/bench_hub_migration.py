"""Upgrade of a full hub database to reports keyed by device (0004_report_per_device).

    .venv/bin/python bench/bench_hub_migration.py [--communes 3321] [--days 60] [--pg URL]

Builds a hub at `0003_batch_per_device` holding the 60-day backlog of every commune (one report per point and
day as that schema had: 199,260 reports, 996,300 values, one batch per commune), written with bare
executemany, then times `province.migrations.upgrade()` to 0004 (one transaction) and checks that every report
and value is still there with its device (0006 later drops the value table: one store per report). Baseline in the same run: copying the value table once
(`CREATE TABLE … AS SELECT`), the least any rewrite of it costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from province import migrations  # noqa: E402
from province.db import create_hub_engine  # noqa: E402
from sync import communes, protocol  # noqa: E402

START = dt.date(2025, 7, 1)


def fill(url: str, codes: list[str], days: int) -> None:
    engine = create_hub_engine(url)
    migrations.upgrade(engine, "0003_batch_per_device")
    now = dt.datetime(2025, 9, 1, 3, 0)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO communes (code, name, province_code, province_name, active) "
                          "VALUES (:c, :c, '56', 'Khánh Hòa', true)"), [{"c": c} for c in codes])
        conn.execute(text("INSERT INTO batches (batch_id, device_id, commune_code, body_hash, summary_json, source, "
                          "received_at) VALUES (:b, :d, :c, 'h', '{}', 'http', :t)"),
                     [{"b": f"b{c}", "d": f"d{c}", "c": c, "t": now} for c in codes])
        vl, rv = [], []
        for c in codes:
            for k in range(days):
                day = START + dt.timedelta(days=k)
                common = {"c": c, "day": day, "t": now, "b": f"b{c}"}
                vl.append({**common, "v": k % 50})
                rv += [{**common, "i": ind, "v": k % 50} for ind in protocol.INDICATORS]
        conn.execute(text("INSERT INTO report_villages (commune_code, point_code, day, revision, content_hash, "
                          "breakdown_json, closed_at, received_at, batch_id, card_captured, vneid_l2_captured, "
                          "vneid_activated, attended, no_show) VALUES (:c, 'P1', :day, 1, 'h', '{}', :t, :t, :b, "
                          ":v, :v, :v, :v, :v)"), vl)
        conn.execute(text("INSERT INTO report_values (commune_code, point_code, day, indicator, value, revision, "
                          "closed_at, received_at, batch_id) VALUES (:c, 'P1', :day, :i, :v, 1, :t, :t, :b)"), rv)
    engine.dispose()


def measure(url: str, label: str) -> str:
    engine = create_hub_engine(url)
    try:
        with engine.begin() as conn:
            t0 = time.perf_counter()
            conn.execute(text("CREATE TABLE bench_copy AS SELECT * FROM report_values"))
            copy_s = time.perf_counter() - t0
            conn.execute(text("DROP TABLE bench_copy"))
            before = conn.execute(text("SELECT count(*), sum(value) FROM report_values")).one()
            n_reports = conn.execute(text("SELECT count(*) FROM report_villages")).scalar()
        t0 = time.perf_counter()
        migrations.upgrade(engine, "0004_report_per_device")
        up_s = time.perf_counter() - t0
        with engine.connect() as conn:
            after = conn.execute(text("SELECT count(*), sum(value) FROM report_values")).one()
            stray = conn.execute(text("SELECT count(*) FROM report_values WHERE device_id <> 'd' || commune_code"))
            assert tuple(after) == tuple(before) and stray.scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM report_villages")).scalar() == n_reports
    finally:
        engine.dispose()
    return (f"- **upgrade 0003 → 0004 on {label}** ({n_reports:,} reports, {before[0]:,} values, one batch per "
            f"commune): {up_s:.1f} s in one transaction, every report and value kept with its device; baseline "
            f"in the same run, one `CREATE TABLE AS SELECT` copy of report_values: {copy_s:.1f} s (×{up_s / copy_s:.1f})")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=3321)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--pg", default=None)
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS-hub.md"))
    args = ap.parse_args()
    codes = [c.code for c in communes.all_communes()][: args.communes]
    lines = [f"## bench_hub_migration.py — {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}"]
    tmp = Path(tempfile.mkdtemp(prefix="bench-hub-mig-"))
    url = f"sqlite:///{tmp / 'hub.db'}"
    fill(url, codes, args.days)
    lines.append(measure(url, "SQLite"))
    print(lines[-1], flush=True)
    if args.pg:
        from tests.support.hub import fresh_pg_database

        with fresh_pg_database(args.pg) as pg:
            fill(pg, codes, args.days)
            lines.append(measure(pg, "PostgreSQL"))
            print(lines[-1], flush=True)
    out = Path(args.out)
    out.write_text(out.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
