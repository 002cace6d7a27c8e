"""PostgreSQL: the upgrade that moves `report_villages` into monthly partitions (0019_report_partitions), on a
year of the whole country.

    .venv/bin/python bench/bench_partition_migration.py --pg URL [--communes 3321] [--days 365]

Builds a hub at `0018_day_counters` holding one report per commune and day (the reports themselves, written
with COPY: the roll-ups do not matter to this migration), then times `province.migrations.upgrade()` to 0019
(one transaction, the hub's start) and checks every row is still there, in its month's partition. Baseline in
the same run: copying the table once (`CREATE TABLE … AS SELECT`), the least any rewrite of it costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from province import migrations, partitions  # noqa: E402
from province.db import create_hub_engine  # noqa: E402
from sync import communes  # noqa: E402
from tests.support.hub import fresh_pg_database  # noqa: E402

START = dt.date(2025, 7, 1)


def fill(url: str, codes: list[str], days: int) -> int:
    engine = create_hub_engine(url)
    migrations.upgrade(engine, "0018_day_counters")
    now = dt.datetime(2026, 7, 2, 3, 0)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO communes (code, name, province_code, province_name, active) "
                          "VALUES (:c, :c, '56', 'Khánh Hòa', true)"), [{"c": c} for c in codes])
        raw = conn.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(
                "COPY report_villages (commune_code, point_code, day, device_id, revision, content_hash, "
                "breakdown_json, closed_at, received_at, batch_id, card_captured, vneid_l2_captured, "
                "vneid_activated, attended, no_show) FROM STDIN") as copy:
            for c in codes:
                for k in range(days):
                    v = k % 50
                    copy.write_row((c, "P1", START + dt.timedelta(days=k), f"d{c}", 1, "h", "{}", now, now,
                                    f"b{c}", v, v, v, v, v))
    engine.dispose()
    return len(codes) * days


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", required=True)
    ap.add_argument("--communes", type=int, default=3321)
    ap.add_argument("--days", type=int, default=365)
    args = ap.parse_args()
    codes = [c.code for c in communes.all_communes()][: args.communes]
    with fresh_pg_database(args.pg) as url:
        t0 = time.perf_counter()
        rows = fill(url, codes, args.days)
        built = time.perf_counter() - t0
        engine = create_hub_engine(url)
        with engine.begin() as conn:
            t0 = time.perf_counter()
            conn.execute(text("CREATE TABLE bare_copy AS SELECT * FROM report_villages"))
            bare = time.perf_counter() - t0
            conn.execute(text("DROP TABLE bare_copy"))
        t0 = time.perf_counter()
        migrations.upgrade(engine)
        took = time.perf_counter() - t0
        with engine.connect() as conn:
            counts = partitions.describe(conn)
        engine.dispose()
    assert sum(counts.values()) == rows and counts[partitions.DEFAULT] == 0, counts
    months = sum(1 for n, k in counts.items() if k and n != partitions.DEFAULT)
    print(f"PostgreSQL, {rows:,} reports ({len(codes):,} communes × {args.days} days; built with COPY in "
          f"{built:.0f} s): upgrade 0018 → 0019 (partitions) {took:.1f} s; bare CREATE TABLE AS copy of the table "
          f"{bare:.1f} s (×{took / bare:.1f}); {months} months filled, {len(counts)} partitions in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
