"""The hub's intake on PostgreSQL against SQLite, the same signed batches, in the same run.

    .venv/bin/python bench/bench_intake.py [--pg URL] [--communes 400] [--runs 3] [--threads 4] [--no-write]

Each delivery is what POST /batches does after reading the body: verify the signature, decode, intake()
(one transaction). Two shapes of work:
- backlog: one batch of 60 days per laptop (a commune back online after two months), 400 communes;
- daily: one report per batch, 3 days × 400 communes (1,200 evening deliveries);
each delivered one after another on one connection, and with `--threads` deliveries in flight at once (what
the hub's HTTP server does: its thread pool runs one intake per request).
Stores, fresh for every run and run in turn (SQLite, PostgreSQL, PostgreSQL as before, …) so a change in
the machine's load touches all three: SQLite (the baseline: the target is PostgreSQL no slower than it);
PostgreSQL as the intake runs it (one statement per step, COPY for a backlog, a ping only for a connection
idle > 10 s); PostgreSQL as before this change (`IntakeWriter.combined = False`: one statement at a time,
and a ping on every checkout as SQLAlchemy's pool_pre_ping did), for the ratio of what it bought.
PostgreSQL: --pg, a server URL (default $EP_TEST_PG_URL; `bash scripts/ci-postgres.sh` starts one).
Writes bench/RESULTS-intake.md unless --no-write.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import queue
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_hub  # noqa: E402  (puts the repo and tests/province on sys.path)

from province import db as hub_db  # noqa: E402
from province.db import PING_AFTER_IDLE_S, open_hub  # noqa: E402
from province.intake import Sender, intake  # noqa: E402
from province.intake_writer import IntakeWriter  # noqa: E402
from sync import communes as commune_list  # noqa: E402
from sync import protocol, signing  # noqa: E402
from tests.support.hub import fresh_pg_database  # noqa: E402

TMP = Path(tempfile.mkdtemp(prefix="ep-bench-intake-"))
Delivery = tuple[str, bytes, str]  # device, canonical body, signature


def daily(devs: list[tuple[str, str]], days: int, keys: dict[str, tuple[str, str]]) -> list[Delivery]:
    """Day by day, every laptop sends that day's one report (the evening after day close)."""
    rnd = random.Random(7)
    closed = protocol.utc_now()
    out = []
    for d in range(days):
        for code, dev in devs:
            report = protocol.Report(code, "P1", bench_hub.START + dt.timedelta(days=d), 1, closed,
                                     {"card_captured": rnd.randint(0, 120), "attended": rnd.randint(0, 150)},
                                     {"Thôn 1": {"card_captured": 1}})
            body = protocol.encode_batch(protocol.Batch.new(dev, code, [report]))
            out.append((dev, body, signing.sign(keys[dev][0], body)))
    return out


def ingest(url: str, deliveries: list[Delivery], keys: dict[str, tuple[str, str]], threads: int) -> float:
    """Seconds to take every delivery, `threads` at a time (1: one after another)."""
    db = open_hub(url)
    work: queue.SimpleQueue[Delivery] = queue.SimpleQueue()
    for d in deliveries:
        work.put(d)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            while True:
                try:
                    dev, body, sig = work.get_nowait()
                except queue.Empty:
                    return
                if not signing.verify(keys[dev][1], body, sig):
                    raise AssertionError("bad signature")
                batch = protocol.decode_batch(body)
                summary = intake(db, batch, protocol.body_hash(body), Sender(dev, batch.commune_code), "bench")
                if summary["imported"] != len(batch.reports):
                    raise AssertionError(summary)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    db.close()
    if errors:
        raise errors[0]
    return elapsed


def measure(pg: str | None, communes: int, runs: int, threads: int) -> list[tuple[str, str, str, str]]:
    codes = [c.code for c in commune_list.all_communes()][:communes]
    devs = bench_hub.devices_of(codes, 1, 0)
    keys = {dev: signing.generate_keypair() for _c, dev in devs}
    shapes = {"backlog (1 batch × 60 days per laptop)": bench_hub.build(devs, 60, keys),
              "daily (1 report per batch, 3 days)": daily(devs, 3, keys)}
    tmp = TMP
    rows: list[tuple[str, str, str, str]] = []

    def timed(store: str, deliveries: list[Delivery], n: int, before: bool = False) -> float:
        """A fresh hub database on `store`, its communes and laptops, then the deliveries timed. `before`:
        PostgreSQL as the intake ran before this change (one statement at a time; a ping on every checkout,
        as pool_pre_ping did)."""
        IntakeWriter.combined = not before
        hub_db.PING_AFTER_IDLE_S = 0.0 if before else PING_AFTER_IDLE_S
        try:
            with contextlib.ExitStack() as stack:
                url = (f"sqlite:///{tmp / f'hub-{time.monotonic_ns()}.db'}" if store == "sqlite"
                       else stack.enter_context(fresh_pg_database(str(pg))))
                bench_hub.setup_hub(url, devs, keys)
                return ingest(url, deliveries, keys, n)
        finally:
            IntakeWriter.combined = True
            hub_db.PING_AFTER_IDLE_S = PING_AFTER_IDLE_S

    for shape, deliveries in shapes.items():
        for n in (1, threads):
            lite, now, before = [], [], []
            for _ in range(runs):
                lite.append(timed("sqlite", deliveries, n))
                if pg:
                    now.append(timed("pg", deliveries, n))
                    before.append(timed("pg", deliveries, n, before=True))
            how = "one after another" if n == 1 else f"{n} in flight"
            base = statistics.median(lite)
            label = f"{shape}, {len(deliveries):,} deliveries, {how}"
            rows.append((f"{label}: SQLite", f"{base:.2f} s", "baseline", runs_of(lite)))
            if not pg:
                rows.append((f"{label}: PostgreSQL", "no --pg / $EP_TEST_PG_URL", "—", "—"))
                continue
            med = statistics.median(now)
            rows.append((f"{label}: PostgreSQL", f"{med:.2f} s", f"{med / base:.2f}× SQLite "
                         f"({'met' if med <= base else 'missed'})", runs_of(now)))
            old = statistics.median(before)
            rows.append((f"{label}: PostgreSQL as before (a ping per checkout, one statement at a time)",
                         f"{old:.2f} s",
                         f"{old / base:.2f}× SQLite", runs_of(before)))
    return rows


def insert_ways(pg: str, batches: int = 400, rows: int = 60) -> list[tuple[str, str, str, str]]:
    """Ways to put a backlog's report rows into PostgreSQL, on a table shaped like report_villages (unique
    key, day index, foreign key to communes): `batches` transactions of `rows` rows each."""
    import psycopg

    from province.intake_writer import _VL_COLS, _VL_PG_TYPES

    cols = ", ".join(_VL_COLS)
    now = dt.datetime(2026, 1, 1)

    def rows_of(i: int) -> list[tuple[object, ...]]:
        return [(f"C{i}", "P1", dt.date(2026, 1, 1) + dt.timedelta(days=d), f"dev{i}", 1, "h" * 64, now, now,
                 "b" * 36, '{"Thôn 1":{"card_captured":1}}', 1, 2, 3, 4, 5) for d in range(rows)]

    def one(conn: psycopg.Connection, way: str, data: list[tuple[object, ...]]) -> None:
        with conn.cursor() as cur:
            if way == "executemany":
                cur.executemany(f"INSERT INTO rv ({cols}) VALUES ({', '.join(['%s'] * len(_VL_COLS))})", data)
            elif way == "executemany in a pipeline":
                with conn.pipeline():
                    cur.executemany(f"INSERT INTO rv ({cols}) VALUES ({', '.join(['%s'] * len(_VL_COLS))})", data)
            elif way == "multi-row VALUES":
                row = "(" + ", ".join(["%s"] * len(_VL_COLS)) + ")"
                cur.execute(f"INSERT INTO rv ({cols}) VALUES " + ", ".join([row] * len(data)),
                            [v for r in data for v in r])
            elif way == "INSERT … SELECT unnest(arrays)":
                arrays = ", ".join(f"%s::{t}[]" for t in _VL_PG_TYPES)
                cur.execute(f"INSERT INTO rv ({cols}) SELECT * FROM unnest({arrays})", [list(c) for c in zip(*data, strict=True)])
            else:
                binary = way == "COPY binary (the intake's)"
                with cur.copy(f"COPY rv ({cols}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")) as cp:
                    if binary:
                        cp.set_types(list(_VL_PG_TYPES))
                    for r in data:
                        cp.write_row(r)

    ways = ["executemany", "executemany in a pipeline", "multi-row VALUES", "INSERT … SELECT unnest(arrays)",
            "COPY text", "COPY binary (the intake's)"]
    with fresh_pg_database(pg) as url:
        dsn = libpq_dsn(url)
        with psycopg.connect(dsn) as conn:
            times: dict[str, float] = {}
            for way in ways:
                conn.execute("DROP TABLE IF EXISTS rv")
                conn.execute("DROP TABLE IF EXISTS cm")
                conn.execute("CREATE TABLE cm (code varchar(32) PRIMARY KEY)")
                conn.execute(f"INSERT INTO cm SELECT 'C' || g FROM generate_series(0, {batches - 1}) g")
                conn.execute("CREATE TABLE rv (id bigserial PRIMARY KEY, commune_code varchar(32) REFERENCES cm, "
                             "point_code varchar(32), day date, device_id varchar(32), revision int, "
                             "content_hash varchar(64), closed_at timestamp, received_at timestamp, "
                             "batch_id varchar(36), breakdown_json text, " + ", ".join(f"{i} int" for i in
                                                                                     protocol.INDICATORS)
                             + ", UNIQUE (commune_code, point_code, day, device_id))")
                conn.execute("CREATE INDEX ON rv (day, commune_code)")
                conn.commit()
                data = [rows_of(i) for i in range(batches)]
                t0 = time.perf_counter()
                for batch in data:
                    one(conn, way, batch)
                    conn.commit()
                times[way] = time.perf_counter() - t0
    base = times["executemany"]
    return [(f"{way}: {batches} transactions × {rows} rows", f"{t:.2f} s", f"{t / base:.2f}× executemany", "")
            for way, t in times.items()]


def statement_ways(pg: str, n: int = 2000) -> list[tuple[str, str, str, str]]:
    """Per transaction (BEGIN … COMMIT), what a round trip costs: one statement, the same work as two
    statements, and the two in psycopg's pipeline mode."""
    import psycopg

    one = "WITH u AS (UPDATE t1 SET v = v + 1 WHERE id = %s) SELECT v FROM t1 WHERE id = %s"
    with fresh_pg_database(pg) as url, psycopg.connect(libpq_dsn(url)) as c:
        c.execute("CREATE TABLE t1 (id int PRIMARY KEY, v int)")
        c.execute("INSERT INTO t1 VALUES (1, 0)")
        c.commit()

        def two(cur: psycopg.Cursor) -> None:
            cur.execute("UPDATE t1 SET v = v + 1 WHERE id = %s", (1,))
            cur.execute("SELECT v FROM t1 WHERE id = %s", (1,))
            cur.fetchall()

        def piped(cur: psycopg.Cursor) -> None:
            with c.pipeline():
                two(cur)

        def single(cur: psycopg.Cursor) -> None:
            cur.execute(one, (1, 1))
            cur.fetchall()

        out: dict[str, float] = {}
        for label, body in (("one statement", single), ("two statements", two), ("two in a pipeline", piped)):
            t0 = time.perf_counter()
            for _ in range(n):
                with c.cursor() as cur:
                    body(cur)
                c.commit()
            out[label] = (time.perf_counter() - t0) / n * 1000
    return [(f"{k} + COMMIT", f"{v:.3f} ms", f"{v / out['one statement']:.2f}× one statement", "")
            for k, v in out.items()]


def libpq_dsn(url: str) -> str:
    """A SQLAlchemy psycopg URL as psycopg.connect() takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def runs_of(xs: list[float]) -> str:
    return "runs " + ", ".join(f"{x:.2f}" for x in xs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=os.environ.get("EP_TEST_PG_URL"))
    ap.add_argument("--communes", type=int, default=400)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS-intake.md")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--pg-note", default="scripts/ci-postgres.sh: fsync off; SQLite keeps synchronous=FULL",
                    help="how the PostgreSQL server is set up, for the results")
    ap.add_argument("--append", action="store_true", help="add to the results file instead of replacing it")
    ap.add_argument("--no-ways", action="store_true", help="skip the insert and round-trip tables")
    a = ap.parse_args()
    load0 = os.getloadavg()
    try:
        rows = measure(a.pg, a.communes, a.runs, a.threads)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    load1 = os.getloadavg()
    table = "| what | median | against SQLite | runs |\n|---|---|---|---|\n"
    table += "\n".join(f"| {w} | {m} | {r} | {x} |" for w, m, r, x in rows)
    if a.pg and not a.no_ways:
        table += ("\n\nWays to put a backlog's report rows into PostgreSQL (one run; a table shaped like "
                  "report_villages: unique key, day index, foreign key):\n\n| way | time | against executemany |\n"
                  "|---|---|---|\n" + "\n".join(f"| {w} | {m} | {r} |" for w, m, r, _ in insert_ways(a.pg)))
        table += ("\n\nWhat a round trip costs, per transaction (2,000 transactions):\n\n"
                  "| statements | per transaction | against one statement |\n|---|---|---|\n"
                  + "\n".join(f"| {w} | {m} | {r} |" for w, m, r, _ in statement_ways(a.pg)))
    text = (f"## bench_intake.py — {time.strftime('%Y-%m-%d %H:%M')}\n\n"
            f"Machine: {bench_hub.machine()}; load average {load0[0]:.1f} at the start, {load1[0]:.1f} at the end. "
            f"PostgreSQL on 127.0.0.1 ({a.pg_note}). "
            f"{a.communes} communes, one laptop each; median of {a.runs} runs, stores taken in turn.\n\n"
            + table + "\n")
    print(text)
    if not a.no_write:
        old = a.out.read_text(encoding="utf-8").rstrip("\n") + "\n\n" if a.append and a.out.exists() else ""
        a.out.write_text(old + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
