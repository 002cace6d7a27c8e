"""Hub benchmarks: backlog ingest (60 days × 3,321 communes × 5 indicators ≈ 1 M values) and the dashboard.

    .venv/bin/python bench/bench_hub.py [--communes 3321] [--days 60] [--http-communes 300] [--pg URL]
                                        [--devices 3] [--multi-share 0.1]

1. baseline: bare sqlite3 executemany of the same reports into an equivalent table (unique index, WAL,
   synchronous=FULL, one commit per commune), measured in the same run;
2. hub in-process: per device one signed batch of 60 reports → verify signature → decode_batch → intake()
   (exactly what POST /batches does after reading the body), one transaction per batch; every commune has
   one laptop, and `--multi-share` of them (10%) have `--devices` (3) laptops reporting the same point and
   days (several laptops per commune: the hub keeps one report per device and sums them);
3. hub over loopback HTTP: a real `enrollpoint-hub serve` process, gzip bodies, keep-alive client, for a
   subset of communes (wire overhead);
4. dashboard (signed in through GET + POST /login, as a browser): GET / for all 3,321 communes on the 1 M-value database, the
   first request right after a new batch and warm requests, median and p95; the same on PostgreSQL with --pg.
Results (with the machine) are appended to bench/RESULTS-hub.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from province import admin  # noqa: E402
from province.db import open_hub  # noqa: E402
from province.intake import Sender, intake  # noqa: E402
from province.models import Device, ReportVillage  # noqa: E402
from sync import communes, protocol, signing  # noqa: E402
from tests.support.hub import hub_process  # noqa: E402

START = dt.date(2025, 7, 1)


def machine() -> str:
    from machine_info import cpu_model

    cpu = cpu_model()
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} logical CPUs{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}")


def devices_of(codes: list[str], n_devices: int, share: float) -> list[tuple[str, str]]:
    """(commune, device id): one laptop per commune ("d<code>"), `n_devices` for every 1/share-th commune."""
    step = max(1, round(1 / share)) if share > 0 else 0
    out = []
    for i, code in enumerate(codes):
        n = n_devices if step and i % step == 0 else 1
        out += [(code, f"d{code}" if k == 0 else f"d{code}-{k + 1}") for k in range(n)]
    return out


def build(devs: list[tuple[str, str]], days: int, keys: dict[str, tuple[str, str]]) -> list[tuple[str, bytes, str]]:
    """(device, canonical body, signature) per device: 60 reports each at the same point P1, counts only."""
    rnd = random.Random(6)
    out = []
    closed = protocol.utc_now()
    for code, dev in devs:
        reports = [
            protocol.Report(code, "P1", START + dt.timedelta(days=d), 1, closed,
                            {"card_captured": rnd.randint(0, 120), "vneid_l2_captured": rnd.randint(0, 80),
                             "vneid_activated": rnd.randint(0, 60), "attended": rnd.randint(0, 150),
                             "no_show": rnd.randint(0, 30)},
                            {"Thôn 1": {"card_captured": 1}})
            for d in range(days)
        ]
        body = protocol.encode_batch(protocol.Batch.new(dev, code, reports))
        out.append((dev, body, signing.sign(keys[dev][0], body)))
    return out


def baseline(batches: list[tuple[str, bytes, str]], path: Path) -> float:
    """Bare sqlite3: the same report rows as the hub stores them (one per report, five figures and the
    village breakdown; 0006), same unique key, same commit granularity."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, commune TEXT, point TEXT, day TEXT, device TEXT, "
                "revision INT, content_hash TEXT, closed_at TEXT, received_at TEXT, batch_id TEXT, breakdown TEXT, "
                "a INT, b INT, c INT, d INT, e INT, UNIQUE (commune, point, day, device))")
    decoded = [protocol.decode_batch(body) for _dev, body, _ in batches]
    rows_per = [[(b.commune_code, "P1", (START + dt.timedelta(days=d)).isoformat(), b.device_id, 1, "h" * 64, "c",
                  "r", "b", '{"Thôn 1":{"card_captured":1}}', d, d, d, d, d) for d in range(len(b.reports))]
                for b in decoded]
    t0 = time.perf_counter()
    for rows in rows_per:
        con.execute("BEGIN")
        con.executemany("INSERT INTO v (commune, point, day, device, revision, content_hash, closed_at, "
                        "received_at, batch_id, breakdown, a, b, c, d, e) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        rows)
        con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def setup_hub(url: str, devs: list[tuple[str, str]], keys: dict[str, tuple[str, str]]) -> None:
    db = open_hub(url)
    with db.session(write=True) as s:
        admin.import_official(s)
        s.flush()  # communes before the devices that reference them
        now = admin.now()
        for code, dev in devs:
            s.add(Device(id=dev, commune_code=code, name=f"Máy {dev}", public_key=keys[dev][1],
                         token_hash=signing.token_hash(f"tok{dev}"), token_expires_at=now + dt.timedelta(days=9),
                         enrolled_at=now - dt.timedelta(days=90), revoked=False))
    db.close()


CPU: dict[str, float] = {}


def ingest_in_process(url: str, batches: list[tuple[str, bytes, str]], keys: dict[str, tuple[str, str]]) -> float:
    db = open_hub(url)
    c0 = time.process_time()
    t0 = time.perf_counter()
    for dev, body, sig in batches:
        assert signing.verify(keys[dev][1], body, sig)
        batch = protocol.decode_batch(body)
        summary = intake(db, batch, protocol.body_hash(body), Sender(dev, batch.commune_code), "bench")
        assert summary["imported"] == len(batch.reports)
    elapsed = time.perf_counter() - t0
    CPU[url] = time.process_time() - c0
    db.close()
    return elapsed


def ingest_http(base: str, batches: list[tuple[str, bytes, str]]) -> float:
    wires = [(dev, protocol.gzip_body(body), sig) for dev, body, sig in batches]
    with httpx.Client(base_url=base, timeout=60) as http:
        t0 = time.perf_counter()
        for dev, wire, sig in wires:
            r = http.post("/api/v1/batches", content=wire, headers={
                "Authorization": f"Bearer tok{dev}", protocol.HEADER_DEVICE: dev,
                protocol.HEADER_SIGNATURE: sig, "Content-Encoding": "gzip"})
            assert r.status_code == 200, r.text
        return time.perf_counter() - t0


def login_client(base: str, url: str) -> httpx.Client:
    """An httpx client signed in to the dashboard as a browser is: GET /login (the pre-login cookie and the
    form's CSRF token, tests.support.hub.login_token), then POST /login with them."""
    from province import auth
    from tests.support.hub import login_token

    db = open_hub(url)
    with db.session(write=True) as s:
        if s.execute(select(auth.HubUser).where(auth.HubUser.name == "bench")).first() is None:
            auth.add_user(s, "bench", BENCH_PASSWORD, "viewer")
    db.close()
    http = httpx.Client(base_url=base, timeout=60)
    r = http.post("/login", data={"name": "bench", "password": BENCH_PASSWORD, "next": "/",
                                  "csrf": login_token(http)})
    assert r.status_code == 303, r.status_code  # signed in (a refused login answers 200 with the form)
    return http


BENCH_PASSWORD = "bench-password-123"


def time_gets(http: httpx.Client, path: str, runs: int,
              markers: tuple[str, ...] = ("communes", "by-commune")) -> list[float]:
    out = []
    http.get(path)  # warm-up
    for _ in range(runs):
        t0 = time.perf_counter()
        r = http.get(path)
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.status_code
        assert path.startswith("/export") or any(f'id="{t}"' in r.text for t in markers)
    return out


def first_after_batch(http: httpx.Client, url: str, path: str, runs: int, point: str = "P9") -> list[float]:
    """GET / right after a new batch was stored (by another connection, as the intake endpoint would)."""
    db = open_hub(url)
    with db.session() as s:
        code = s.execute(select(Device.commune_code).limit(1)).scalar()
    out = []
    for i in range(runs):
        rep = protocol.Report(code, point, START + dt.timedelta(days=i % 60), 1, protocol.utc_now(),
                              {"card_captured": i}, {})
        batch = protocol.Batch.new(f"d{code}", code, [rep])
        intake(db, batch, protocol.body_hash(protocol.encode_batch(batch)), Sender(f"d{code}", code), "bench")
        t0 = time.perf_counter()
        r = http.get(path)
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    db.close()
    return out


def dashboard_lines(url: str, runs: int, tmp: Path) -> list[str]:
    """Page build in-process (totals tables + the day's reports + HTML), then HTTP GETs against a real
    process: the first request after a new batch, and repeated (warm) requests. There is no page cache."""
    from province.dashboard import data, render

    db = open_hub(url)
    with db.session() as s:
        last = s.execute(select(func.max(ReportVillage.day))).scalar()
        n = s.execute(select(func.count()).select_from(ReportVillage)).scalar()
    on = last or START
    build, sql = [], []
    for _ in range(max(3, runs // 3)):
        t0 = time.perf_counter()
        with db.session() as s:
            rows = data.province_rows(s, on)
        t1 = time.perf_counter()
        render.province_page(rows, on, {}, None, "rank")
        build.append((time.perf_counter() - t0) * 1000)
        sql.append((t1 - t0) * 1000)
    past = []
    for _ in range(3):
        t0 = time.perf_counter()
        with db.session() as s:
            data.province_rows(s, on - dt.timedelta(days=30))
        past.append((time.perf_counter() - t0) * 1000)
    steer = completeness_timings(db, on)
    db.close()
    work_day = _weekday(on)
    with hub_process(url, tmp / "hub-dash.log") as base:
        http = login_client(base, url)
        try:
            comp = time_gets(http, f"/completeness?on={work_day}", runs)
            comp_past = time_gets(http, f"/completeness?on={_weekday(on - dt.timedelta(days=30))}", runs)
            first = first_after_batch(http, url, f"/?on={on}", runs)
            full = time_gets(http, f"/?on={on}", runs)
            prov = time_gets(http, f"/?on={on}&province=56", runs)
            csv_t = time_gets(http, f"/export.csv?on={on}", 3)
            size = len(http.get(f"/?on={on}").content)
            drill = drill_lines(http, url, on, runs)
        finally:
            http.close()
    return [
        f"- dashboard on {n:,} reports ({len(rows):,} communes, {size / 1e6:.1f} MB HTML), no page cache:",
        f"  - in-process build: median {statistics.median(build):.0f} ms, p95 {p95(build):.0f} ms over "
        f"{len(build)} runs, of which figures (totals, freshness, the day's reports, targets) median "
        f"{statistics.median(sql):.0f} ms; a day 30 days back (later days subtracted): median "
        f"{statistics.median(past):.0f} ms",
        f"  - **HTTP GET / (signed in), first request right after a new batch was stored**: median "
        f"{statistics.median(first):.0f} ms, p95 {p95(first):.0f} ms over {runs} runs; target < 300 ms: "
        f"{'met' if statistics.median(first) < 300 else 'NOT MET'}",
        f"  - **HTTP GET / warm (no new batch in between)**: median {statistics.median(full):.0f} ms, p95 "
        f"{p95(full):.0f} ms over {runs} runs",
        f"  - GET /?province=56: median {statistics.median(prov):.0f} ms; /export.csv: median "
        f"{statistics.median(csv_t):.0f} ms",
        f"  - **HTTP GET /completeness** (who reported, by channel, from `arrivals`): the last working day "
        f"median {statistics.median(comp):.0f} ms, p95 {p95(comp):.0f} ms; 30 days back median "
        f"{statistics.median(comp_past):.0f} ms, p95 {p95(comp_past):.0f} ms over {runs} runs; target p95 < 300 ms: "
        f"{'met' if max(p95(comp), p95(comp_past)) < 300 else 'NOT MET'}",
        "  - completeness in-process (figures only): " + "; ".join(
            f"{what} median {statistics.median(ms):.0f} ms" for what, ms in steer.items()),
        *drill,
    ]


def drill_lines(http: httpx.Client, url: str, on: dt.date, runs: int) -> list[str]:
    """The checks, trend and drill-down pages (a busy commune: the one with most reports)."""
    db = open_hub(url)
    with db.session() as s:
        code, dev = s.execute(select(ReportVillage.commune_code, ReportVillage.device_id)
                              .order_by(ReportVillage.id.desc()).limit(1)).one()
    db.close()
    paths = {"/checks": (f"/checks?on={on}", "checks"), "/trend": (f"/trend?on={on}", "trend-card_captured"),
             "/commune/{code}/trend": (f"/commune/{code}/trend?on={on}", "trend-card_captured"),
             "/commune/{code}/points": (f"/commune/{code}/points?on={on}", "points"),
             "/commune/{code}/point/P1": (f"/commune/{code}/point/P1?on={on}", "days"),
             "/commune/{code}/laptop/{id}": (f"/commune/{code}/laptop/{dev}?on={on}", "reports")}
    timed = {name: time_gets(http, path, runs, (marker,)) for name, (path, marker) in paths.items()}
    worst = max(p95(ms) for ms in timed.values())
    fresh = {"/checks": first_after_batch(http, url, f"/checks?on={on}", runs, "P7"),  # new reports, not replays
             "/trend": first_after_batch(http, url, f"/trend?on={on}", runs, "P6")}
    return ["  - **checks, trend and drill-down pages** (HTTP GET, signed in; the province-wide checks and trend "
            "kept until new data arrives): " + "; ".join(
                f"{name} median {statistics.median(ms):.0f} ms, p95 {p95(ms):.0f} ms" for name, ms in timed.items())
            + f" over {runs} runs; target p95 < 300 ms: {'met' if worst < 300 else 'NOT MET'}",
            "  - **the same, first request right after a new batch was stored** (recomputed): " + "; ".join(
                f"{name} median {statistics.median(ms):.0f} ms, p95 {p95(ms):.0f} ms" for name, ms in fresh.items())
            + f"; target p95 < 300 ms: {'met' if max(p95(ms) for ms in fresh.values()) < 300 else 'NOT MET'}"]


def _weekday(day: dt.date) -> dt.date:
    """The working day on or before `day` (Monday–Friday; the bench sets no holidays)."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def completeness_timings(db: Any, on: dt.date) -> dict[str, list[float]]:
    """The completeness figures for a day every commune reported, a day 30 back, and days after the data
    (every commune missing: the "Chưa báo cáo" list searches back 1 and 40 days for each one's last arrival)."""
    from province.dashboard import completeness

    days = {"last working day": _weekday(on), "30 days back": _weekday(on - dt.timedelta(days=30)),
            "the next day (all missing, heard the day before)": on + dt.timedelta(days=1),
            "40 days after (all missing)": on + dt.timedelta(days=40)}
    out: dict[str, list[float]] = {}
    with db.session() as s:
        # The bench enrols its laptops today, after the days it reports: date them back, so they are expected.
        s.execute(text("UPDATE devices SET enrolled_at = :t"), {"t": dt.datetime(2020, 1, 1)})
        s.execute(text("DELETE FROM calendar_days"))
        for day in days.values():  # the days after the data may fall on a weekend: make them working days
            if day.weekday() >= 5:
                s.execute(text("INSERT INTO calendar_days (day, working, note) VALUES (:d, :w, '')"),
                          {"d": day, "w": True})
        s.commit()
    for what, day in days.items():
        for _ in range(5):
            t0 = time.perf_counter()
            with db.session() as s:
                c = completeness.completeness(s, day)
            out.setdefault(what, []).append((time.perf_counter() - t0) * 1000)
        assert c.working and c.by_commune.expected > 0
    return out


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=3321)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--http-communes", type=int, default=300)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--devices", type=int, default=3, help="laptops per commune in the multi-laptop communes")
    ap.add_argument("--multi-share", type=float, default=0.1, help="share of communes with --devices laptops")
    ap.add_argument("--pg", default=None, help="also ingest into (and time the dashboard on) a fresh database "
                    "created on this PostgreSQL server")
    ap.add_argument("--no-sqlite", action="store_true", help="with --pg: skip the SQLite hub runs")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS-hub.md"))
    ap.add_argument("--dashboard-db", default=None, help="only time the dashboard on this existing hub DB")
    args = ap.parse_args()
    if args.dashboard_db:
        lines = [f"## bench_hub.py --dashboard-db — {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
                 f"- machine: {machine()}; load average {os.getloadavg()[0]:.1f} (shared)"]
        target = args.dashboard_db if "://" in args.dashboard_db else f"sqlite:///{Path(args.dashboard_db).resolve()}"
        lines += dashboard_lines(target, args.runs,
                                 Path(tempfile.mkdtemp(prefix="bench-hub-")))
        print("\n".join(lines))
        out = Path(args.out)
        out.write_text(out.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(lines) + "\n",
                       encoding="utf-8")
        return 0

    codes = [c.code for c in communes.all_communes()][: args.communes]
    devs = devices_of(codes, args.devices, args.multi_share)
    keys = {dev: signing.generate_keypair() for _c, dev in devs}
    tmp = Path(tempfile.mkdtemp(prefix="bench-hub-"))
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"## bench_hub.py — {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")
    say(f"- machine: {machine()}; load average at start {os.getloadavg()[0]:.1f} (shared with other jobs)")
    t0 = time.perf_counter()
    batches = build(devs, args.days, keys)
    n_values = len(devs) * args.days * len(protocol.INDICATORS)
    n_multi = len({c for c, d in devs if d != f"d{c}"})
    wire = sum(len(protocol.gzip_body(b)) for _, b, _ in batches[:50]) / min(50, len(batches))
    say(f"- workload: {len(codes):,} communes × {args.days} days × 5 indicators, {n_multi:,} communes "
        f"({args.multi_share:.0%}) with {args.devices} laptops reporting the same point and days, the others one: "
        f"{len(devs):,} devices, {n_values:,} values in {len(batches):,} signed batches "
        f"(≈{wire / 1024:.1f} KiB gzip each); built and signed in "
        f"{time.perf_counter() - t0:.1f} s (laptop-side cost, not counted below)")

    base_s = baseline(batches, tmp / "baseline.db")
    say(f"- baseline, bare sqlite3 executemany, same rows/unique key/commits: {base_s:.1f} s "
        f"({n_values / base_s:,.0f} values/s)")

    if not args.no_sqlite:
        url = f"sqlite:///{tmp / 'hub.db'}"
        setup_hub(url, devs, keys)
        hub_s = ingest_in_process(url, batches, keys)
        say(f"- **hub in-process on SQLite** (verify + decode + intake, 1 transaction per batch): {hub_s:.1f} s "
            f"({n_values / hub_s:,.0f} values/s; {len(batches) / hub_s:,.0f} batches/s; CPU time of the process "
            f"{CPU[url]:.1f} s); "
            f"ratio to baseline ×{hub_s / base_s:.2f}; target < 120 s: {'met' if hub_s < 120 else 'NOT MET'}")

        # Replay of every batch (the laptop resent everything): must store nothing, and be quick.
        t1 = time.perf_counter()
        db = open_hub(url)
        for dev, body, _sig in batches[:500]:
            b = protocol.decode_batch(body)
            s = intake(db, b, protocol.body_hash(body), Sender(dev, b.commune_code), "bench")
            assert s["replayed"]
        db.close()
        rep = time.perf_counter() - t1
        say(f"- replay of {min(500, len(batches))} already-stored batches: {rep * 1000 / min(500, len(batches)):.1f} ms "
            "per batch (stored summary returned, nothing written)")

        for line in dashboard_lines(url, args.runs, tmp):
            say(line)

        # Wire overhead: a real hub process on loopback, fresh database, a subset of communes.
        n_http = min(args.http_communes, len(batches))
        if n_http:
            url2 = f"sqlite:///{tmp / 'hub-http.db'}"
            setup_hub(url2, devs, keys)
            subset = batches[:n_http]
            url3 = f"sqlite:///{tmp / 'hub-inproc2.db'}"
            setup_hub(url3, devs, keys)
            inproc = ingest_in_process(url3, subset, keys)
            with hub_process(url2, tmp / "hub-http.log") as base:
                http_s = ingest_http(base, subset)
            vals = n_http * args.days * 5
            say(f"- hub over loopback HTTP (real process, gzip, keep-alive, {n_http} batches = {vals:,} values): "
                f"{http_s:.1f} s ({vals / http_s:,.0f} values/s, {http_s * 1000 / n_http:.0f} ms per batch) vs "
                f"in-process {inproc:.1f} s for the same batches: wire overhead ×{http_s / inproc:.2f}; "
                f"extrapolated full backlog over HTTP ≈ {http_s / n_http * len(batches):.0f} s")

    if args.pg:
        from tests.support.hub import fresh_pg_database

        with fresh_pg_database(args.pg) as pg:  # a new empty database on that server, dropped afterwards
            setup_hub(pg, devs, keys)
            pg_s = ingest_in_process(pg, batches, keys)
            say(f"- **hub in-process on PostgreSQL** ({args.pg.split('@')[-1]}, fresh database): {pg_s:.1f} s "
                f"({n_values / pg_s:,.0f} values/s; CPU time of the process {CPU[pg]:.1f} s); ratio to the SQLite "
                f"baseline ×{pg_s / base_s:.2f}")
            for line in dashboard_lines(pg, args.runs, tmp):
                say(line.replace("- dashboard on", "- PostgreSQL dashboard on", 1))

    out = Path(args.out)
    prev = out.read_text(encoding="utf-8") if out.exists() else "# Hub benchmark results\n"
    out.write_text(prev.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"appended to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
