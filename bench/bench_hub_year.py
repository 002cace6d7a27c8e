"""The steering views at the scale of the country, on bench_hub.py's seed extended to a year: 3,321 communes ×
365 days, a third of the communes with 3 laptops (5,535 devices, ≈2.02 M reports), one target set over every
commune, rankings published for the last day. A bench, never part of `make test`.

    .venv/bin/python bench/bench_hub_year.py [--days 365] [--multi-share 0.3333] [--pg URL] [--no-sqlite]
                                             [--runs 9] [--existing URL [--no-ingest]]

Per store: the year's backlog in-process (one batch of `--days` reports per device: the seed, timed), then
every steering view over HTTP on a real hub process (signed in): warm (no delivery in between) and the first
request right after a new report was stored (the roll-ups are read, the kept results recomputed), server
time as the client sees it on loopback, median and p95; then a day's deliveries from every device (5,535
batches of one report) in-process and, the next day, over loopback HTTP. Appends to bench/RESULTS-hub.md.
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

import httpx
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_hub import (  # noqa: E402
    CPU,
    START,
    build,
    devices_of,
    ingest_in_process,
    login_client,
    machine,
    p95,
    setup_hub,
)

from province.db import open_hub  # noqa: E402
from province.intake import Sender, intake  # noqa: E402
from province.models import ReportVillage  # noqa: E402
from sync import communes, protocol, signing  # noqa: E402
from tests.support.hub import hub_process  # noqa: E402


def _targets_and_ranks(url: str, codes: list[str], on: dt.date) -> None:
    """One target set over every commune (card_captured, a deadline after the seed) and the day's ranking
    published, as the admin would."""
    from province.dashboard import published
    from province.target_sets_write import store
    from province.targets_read import TargetRecord

    db = open_hub(url)
    with db.session(write=True) as s:
        store(s, "Bench", [TargetRecord(i + 2, code, "card_captured", 20_000, on + dt.timedelta(days=60),
                                        {"set": "Bench", "denominator": "30000", "basis": "eligible"})
                           for i, code in enumerate(codes)])
    with db.session(write=True) as s:
        published.publish(s, on)
    db.close()


def _get(http: httpx.Client, path: str) -> float:
    t0 = time.perf_counter()
    r = http.get(path)
    ms = (time.perf_counter() - t0) * 1000
    assert r.status_code == 200, (path, r.status_code)
    return ms


def _deliver(url: str, code: str, dev: str, day: dt.date, point: str, n: int) -> None:
    rep = protocol.Report(code, point, day, 1, protocol.utc_now(), {"card_captured": n}, {})
    batch = protocol.Batch.new(dev, code, [rep])
    db = open_hub(url)  # a connection of its own, as the intake endpoint's
    try:
        intake(db, batch, protocol.body_hash(protocol.encode_batch(batch)), Sender(dev, code), "bench")
    finally:
        db.close()


def view_lines(url: str, on: dt.date, runs: int, tmp: Path) -> list[str]:
    db = open_hub(url)
    with db.session() as s:
        code, dev = s.execute(select(ReportVillage.commune_code, ReportVillage.device_id)
                              .order_by(ReportVillage.id.desc()).limit(1)).one()
    db.close()
    paths = {
        "/ (the last day)": f"/?on={on}",
        "/ (30 days back)": f"/?on={on - dt.timedelta(days=30)}",
        "/ (182 days back)": f"/?on={on - dt.timedelta(days=182)}",
        "/completeness": f"/completeness?on={on}",
        "/completeness (30 days back)": f"/completeness?on={on - dt.timedelta(days=30)}",
        "/targets": f"/targets?on={on}",
        "/rankings": f"/rankings?on={on}",
        "/checks": f"/checks?on={on}",
        "/trend": f"/trend?on={on}",
        "/commune/{code}": f"/commune/{code}?on={on}",
        "/commune/{code}/points": f"/commune/{code}/points?on={on}",
        "/commune/{code}/trend": f"/commune/{code}/trend?on={on}",
        "/commune/{code}/laptop/{id}": f"/commune/{code}/laptop/{dev}?on={on}",
        "/phone": f"/phone?on={on}",
    }
    run = int(time.time()) % 100_000  # new points each run: a re-run on the same seed must not send duplicates
    warm: dict[str, list[float]] = {}
    fresh: dict[str, list[float]] = {}
    today: dict[str, list[float]] = {}
    with hub_process(url, tmp / "hub-views.log") as base:
        http = login_client(base, url)
        http.timeout = httpx.Timeout(600)  # a slow view is measured, not given up on
        try:
            for name, path in paths.items():
                _get(http, path)  # warm-up
                warm[name] = [_get(http, path) for _ in range(runs)]
                times = []
                for i in range(runs):  # a new report of an earlier day (later days exist), then the view
                    _deliver(url, code, dev, on - dt.timedelta(days=40 + i), f"Q{run}-{len(fresh)}", i + 1)
                    times.append(_get(http, path))
                fresh[name] = times
                times = []
                for i in range(runs):  # a new report of the last day (today's deliveries arriving), then the view
                    _deliver(url, code, dev, on, f"T{run}-{len(today)}-{i}", i + 1)
                    times.append(_get(http, path))
                today[name] = times
        finally:
            http.close()
    worst = max(max(p95(v) for v in kind.values()) for kind in (warm, fresh, today))
    out = [f"- steering views over HTTP (signed in, loopback, {runs} runs each; server p95 target < 300 ms: "
           f"{'met' if worst < 300 else 'NOT MET'} — worst p95 {worst:.0f} ms); 'after a report of day −40': a "
           "new report of a day before every view but the 182-days-back one; 'after a report of the last day': "
           "today's deliveries arriving:",
           "  | view | warm median | warm p95 | after a report of day −40: median | p95 "
           "| after a report of the last day: median | p95 |",
           "  |---|---|---|---|---|---|---|"]
    for name in paths:
        out.append(f"  | {name} | {statistics.median(warm[name]):.0f} ms | {p95(warm[name]):.0f} ms | "
                   f"{statistics.median(fresh[name]):.0f} ms | {p95(fresh[name]):.0f} ms | "
                   f"{statistics.median(today[name]):.0f} ms | {p95(today[name]):.0f} ms |")
    return out


def day_batches(devs: list[tuple[str, str]], keys: dict[str, tuple[str, str]], day: dt.date
                ) -> list[tuple[str, bytes, str]]:
    out = []
    closed = protocol.utc_now()
    for code, dev in devs:
        rep = protocol.Report(code, "P1", day, 1, closed, {"card_captured": 7, "vneid_l2_captured": 5,
                                                         "vneid_activated": 3, "attended": 9, "no_show": 1},
                              {"Thôn 1": {"card_captured": 1}})
        body = protocol.encode_batch(protocol.Batch.new(dev, code, [rep]))
        out.append((dev, body, signing.sign(keys[dev][0], body)))
    return out


def day_ingest_lines(url: str, devs: list[tuple[str, str]], keys: dict[str, tuple[str, str]], day: dt.date,
                     tmp: Path) -> list[str]:
    one = day_batches(devs, keys, day)
    in_s = ingest_in_process(url, one, keys)
    cpu = CPU[url]
    two = [(dev, protocol.gzip_body(body), sig) for dev, body, sig in day_batches(devs, keys, day + dt.timedelta(days=1))]
    with hub_process(url, tmp / "hub-day.log") as base, httpx.Client(base_url=base, timeout=60) as http:
        t0 = time.perf_counter()
        for dev, wire, sig in two:
            r = http.post("/api/v1/batches", content=wire, headers={
                "Authorization": f"Bearer tok{dev}", protocol.HEADER_DEVICE: dev,
                protocol.HEADER_SIGNATURE: sig, "Content-Encoding": "gzip"})
            assert r.status_code == 200, r.text
        http_s = time.perf_counter() - t0
    return [f"- **a day's deliveries from every device** ({len(one):,} batches of one report, on the year's "
            f"data): in-process {in_s:.1f} s ({len(one) / in_s:,.0f} batches/s, CPU {cpu:.1f} s; target < 60 s: "
            f"{'met' if in_s < 60 else 'NOT MET'}); the next day over loopback HTTP (real hub process, gzip, one "
            f"keep-alive client, one batch at a time) {http_s:.1f} s ({len(two) / http_s:,.0f} batches/s)"]


def _rekey(url: str, keys: dict[str, tuple[str, str]]) -> None:
    from province.models import Device

    db = open_hub(url)
    with db.session(write=True) as s:
        for dev, (_private, public) in keys.items():
            row = s.get(Device, dev)
            if row is not None:
                row.public_key = public
    db.close()


def run_store(name: str, url: str, devs: list[tuple[str, str]], keys: dict[str, tuple[str, str]],
              batches: list[tuple[str, bytes, str]], codes: list[str], days: int, runs: int, tmp: Path,
              say: Any) -> None:
    setup_hub(url, devs, keys)
    seed_s = ingest_in_process(url, batches, keys)
    say(f"- {name}: the year's backlog (one batch of {days} reports per device) in-process {seed_s:.0f} s "
        f"(CPU {CPU[url]:.0f} s); load average {os.getloadavg()[0]:.1f}")
    on = START + dt.timedelta(days=days - 1)
    _targets_and_ranks(url, codes, on)
    for line in view_lines(url, on, runs, tmp):
        say(line)
    for line in day_ingest_lines(url, devs, keys, START + dt.timedelta(days=days), tmp):
        say(line)
    say(f"  (load average at the end {os.getloadavg()[0]:.1f})")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=3321)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--devices", type=int, default=3)
    ap.add_argument("--multi-share", type=float, default=1 / 3)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--pg", default=None)
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS-hub.md"))
    ap.add_argument("--no-ingest", action="store_true", help="with --existing: time the views only (the "
                    "seed stays as it is, so another tree can be timed on the same data)")
    ap.add_argument("--existing", default=None, help="a hub this bench seeded before: time the views and a "
                    "day's deliveries on it (the laptops' keys are made again and stored)")
    args = ap.parse_args()
    codes = [c.code for c in communes.all_communes()][: args.communes]
    devs = devices_of(codes, args.devices, args.multi_share)
    keys = {dev: signing.generate_keypair() for _c, dev in devs}
    tmp = Path(tempfile.mkdtemp(prefix="bench-year-"))
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"## bench_hub_year.py — {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")
    say(f"- machine: {machine()}; load average at start {os.getloadavg()[0]:.1f} (shared with other jobs)")
    t0 = time.perf_counter()
    batches = [] if args.existing else build(devs, args.days, keys)
    say(f"- seed: {len(codes):,} communes × {args.days} days, {len(devs):,} devices "
        f"({len(devs) - len(codes):,} extra laptops), {len(devs) * args.days:,} reports; built and signed in "
        f"{time.perf_counter() - t0:.0f} s")
    if args.existing:
        _rekey(args.existing, keys)
        on = START + dt.timedelta(days=args.days - 1)
        say(f"- on the existing hub {args.existing.split('@')[-1]} (seeded earlier by this bench); load average "
            f"{os.getloadavg()[0]:.1f}")
        for line in view_lines(args.existing, on, args.runs, tmp):
            say(line)
        if not args.no_ingest:
            for line in day_ingest_lines(args.existing, devs, keys, START + dt.timedelta(days=args.days), tmp):
                say(line)
        say(f"  (load average at the end {os.getloadavg()[0]:.1f})")
    elif not args.no_sqlite:
        run_store("SQLite", f"sqlite:///{tmp / 'hub.db'}", devs, keys, batches, codes, args.days, args.runs, tmp, say)
    if args.pg:
        from tests.support.hub import fresh_pg_database

        with fresh_pg_database(args.pg) as pg:
            run_store("PostgreSQL", pg, devs, keys, batches, codes, args.days, args.runs, tmp, say)
    out = Path(args.out)
    out.write_text(out.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
