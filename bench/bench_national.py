"""National roll-up intake at scale: province hubs' signed batches into a national hub's database, against a
bare insert of the same rows in the same run.

    PYTHONPATH=. .venv/bin/python bench/bench_national.py [--provinces 34] [--days 365] [--communes 98]
        [--pg URL] [--no-write]

Each province is enrolled (its key pinned), then its commune-days (roll-up format 2: each with its
completeness by channel) go in batches of 5,000 rows as the
province hub sends them: JSON text parsed, signature verified, communes checked against the register, rows
stored (province.national.intake.take_batch with the body's bytes, as the API calls it: the signed bytes
are found in the canonical body, not encoded again; one write transaction per batch). Then every batch again
(the idempotent path: nothing stored). Baseline: the same rows by one executemany INSERT into a scratch
table of the same shape. Target (the product brief): 34 × 365 days in < 60 s. Then the national page
(/national and a province's drill-down) asked 40 times each through the real app, signed in: p95 in ms
(target < 300 ms). The load average (1 min) is printed before and after each backend: the machine is shared.
Writes bench/RESULTS-national.md unless --no-write.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from province.db import HubDB, open_hub
from province.national import rollup
from province.national.intake import create_code, enrol, take_batch
from sync import communes, signing

OUT = Path(__file__).with_name("RESULTS-national.md")


def _batches(provinces: int, days: int, per: int) -> list[tuple[str, str, list[str]]]:
    """(province, private key, wire JSON texts) per province."""
    by_province: dict[str, list[str]] = {}
    for c in communes.all_communes():
        by_province.setdefault(c.province_code, []).append(c.code)
    first = dt.date.today() - dt.timedelta(days=days)
    out = []
    for prov in list(by_province)[:provinces]:
        private, _ = signing.generate_keypair()
        comps = [rollup.completeness(3, {"network": 1, "usb": d % 2}, {"phone": 1 - d % 2}, 1) for d in range(7)]
        rows = [rollup.Row(c, first + dt.timedelta(days=d), 1, False, {"card_captured": d % 17, "attended": d % 5},
                           comps[d % 7]) for c in by_province[prov][:per] for d in range(days)]
        wires = []
        for i in range(0, len(rows), rollup.MAX_ROWS):
            batch = rollup.new_batch(prov, uuid.uuid4().hex, "2026-12-06T00:00:00Z", rows[i:i + rollup.MAX_ROWS])
            wires.append(rollup.wire_text(rollup.sign_batch(private, batch)))  # as a province hub stores it
        out.append((prov, private, wires))
    return out


def _page_p95(hub: HubDB, province: str) -> tuple[float, float]:
    """p95 (ms) of GET /national and GET /national/{province}, 40 each, through the real app, signed in."""
    from fastapi.testclient import TestClient

    from province import auth
    from province.app import create_app
    from province.settings import HubSettings

    with hub.session(write=True) as s:
        auth.add_user(s, "bench.quantri", "mật-khẩu-đo-123456", "admin")
    out = []
    with TestClient(create_app(db=hub, settings=HubSettings(role="national"))) as c:
        m = re.search(r'name="csrf" value="([^"]*)"', c.get("/login").text)
        c.post("/login", data={"name": "bench.quantri", "password": "mật-khẩu-đo-123456", "next": "/",
                               "csrf": m.group(1) if m else ""}, follow_redirects=False)
        for path in ("/national", f"/national/{province}"):
            times = []
            for _ in range(40):
                t0 = time.perf_counter()
                r = c.get(path)
                times.append(1000 * (time.perf_counter() - t0))
                assert r.status_code == 200 and "dữ liệu đến ngày" in r.text or path != "/national", r.text[:300]
            out.append(statistics.quantiles(times, n=20)[-1])
    return out[0], out[1]


def run(url: str, provinces: int, days: int, per: int) -> dict[str, float]:
    work = _batches(provinces, days, per)
    hub = open_hub(url)
    for prov, private, _ in work:
        with hub.session(write=True) as s:
            code = create_code(s, prov)[0]
            enrol(s, {"province": prov, "code": code, "hub_public_key": signing.public_key_of(private)})
    rows = 0
    t0 = time.perf_counter()
    for _, _, wires in work:
        for text in wires:
            with hub.session(write=True) as s:
                raw = text.encode()  # as the API gets it: the bytes, parsed, both given to the intake
                rows += take_batch(s, json.loads(raw), raw)["receipt"]["stored"]
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _, _, wires in work:
        for text in wires:
            with hub.session(write=True) as s:
                raw = text.encode()
                assert take_batch(s, json.loads(raw), raw)["duplicate"]
    again_s = time.perf_counter() - t0
    meta = sa.MetaData()
    bare = sa.Table("bench_bare", meta, sa.Column("commune_code", sa.String(32), primary_key=True),
                    sa.Column("day", sa.Date, primary_key=True), sa.Column("province_code", sa.String(8)),
                    sa.Column("revision", sa.Integer), sa.Column("provisional", sa.Integer),
                    sa.Column("values_json", sa.Text), sa.Column("batch_id", sa.String(36)),
                    sa.Column("received_at", sa.DateTime), sa.Column("completeness_json", sa.Text))
    meta.create_all(hub.engine)
    params = []
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for prov, _, wires in work:
        for text in wires:
            batch = json.loads(text)["batch"]
            params += [{"commune_code": r["commune"], "day": dt.date.fromisoformat(r["day"]), "province_code": prov,
                        "revision": r["revision"], "provisional": 0, "values_json": json.dumps(r["values"]),
                        "batch_id": batch["batch_id"], "received_at": at,
                        "completeness_json": json.dumps(r["completeness"])} for r in batch["rows"]]
    t0 = time.perf_counter()
    with hub.engine.begin() as conn:
        conn.execute(bare.insert(), params)
    bare_s = time.perf_counter() - t0
    meta.drop_all(hub.engine)
    page_ms, drill_ms = _page_p95(hub, work[0][0])
    hub.close()
    return {"rows": rows, "import_s": import_s, "again_s": again_s, "bare_s": bare_s, "page_ms": page_ms,
            "drill_ms": drill_ms}


@contextlib.contextmanager
def _fresh_pg(base_url: str) -> Iterator[str]:
    """A new database on the server of --pg, dropped afterwards (the given one is never written)."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"ep_bench_national_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--provinces", type=int, default=34)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--communes", type=int, default=98, help="communes per province (3,321 / 34 ≈ 98)")
    ap.add_argument("--pg", default=None, help="a PostgreSQL URL: a new database is made on its server, then dropped")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    lines = [f"# National roll-up intake ({a.provinces} provinces × {a.communes} communes × {a.days} days)", "",
             "| backend | rows | import s | rows/s | again (idempotent) s | bare insert s | import / bare | "
             "page p95 ms | drill-down p95 ms | load avg before → after |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        targets = [("sqlite", f"sqlite:///{tmp}/national.db")]
        if a.pg:
            targets.append(("postgresql", stack.enter_context(_fresh_pg(a.pg))))
        for name, url in targets:
            load = os.getloadavg()[0]
            r = run(url, a.provinces, a.days, a.communes)
            lines.append(f"| {name} | {int(r['rows']):,} | {r['import_s']:.1f} | {r['rows'] / r['import_s']:,.0f} | "
                         f"{r['again_s']:.1f} | {r['bare_s']:.1f} | {r['import_s'] / r['bare_s']:.2f}× | "
                         f"{r['page_ms']:.0f} | {r['drill_ms']:.0f} | {load:.1f} → {os.getloadavg()[0]:.1f} |")
            print(lines[-1], flush=True)
    print("\n".join(lines))
    if not a.no_write:
        OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
