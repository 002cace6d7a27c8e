"""A returning hub is not flooded: 300 simulated laptops, each with its own device enrolled at a real hub
process on 127.0.0.1 and a few closed days waiting, against a hub that answered 503 for an hour.

The hub (`enrollpoint-hub serve`, SQLite) sits behind the province's reverse proxy on 127.0.0.1
(tests/support/maintenance_proxy.py), which answers every request with its maintenance page — 503 with
`Retry-After: 30` — while "down". Each laptop runs the laptops' own code: one turn of `sync.link_policy.watch`
(probe with `HubClient.hello`, then `HubClient.drain` of its outbox when the probe reached the hub; the
run's outcome mapped as `sync --watch` maps it) and its own `Pacer` (default LinkPolicy, its own random
stream) for the wait before the next turn. The hour of 503 is simulated: turns happen in the order of
their simulated times and every one really goes through the proxy, but nobody waits between them. At the
end of the hour the proxy starts forwarding and the clock becomes real time: every laptop's next turn
happens when its Pacer said, in real seconds (up to the 300 s cap), with up to 300 turns at once.

Recorded, from the proxy's log: requests per second after recovery (histogram), requests in the first
minute (goal ≤ 600), 5xx after recovery (goal 0), 429s (the hub's bounded batch slots), and from the hub's
database that every waiting report is stored exactly once.

    PYTHONPATH=. .venv/bin/python bench/bench_link_flood.py [--laptops 300] [--days 3] [--down 3600]

Results (with the machine) are appended to bench/RESULTS-sync.md.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import datetime as dt
import functools
import heapq
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine_info import cpu_model  # noqa: E402

from desktop.services.province_link.link_watch import outcome_of  # noqa: E402
from province import admin  # noqa: E402
from province.db import open_hub  # noqa: E402
from sync import link_policy, protocol, signing  # noqa: E402
from sync.client import HubClient, RetryPolicy  # noqa: E402
from sync.link_policy import LinkPolicy, Pacer, Turn  # noqa: E402
from sync.outbox_port import ConfirmResult, OutgoingBatch, SyncResult  # noqa: E402
from sync.protocol import ImportSummary, Report  # noqa: E402
from tests.support.hub_process import COMMUNE, HubProcess  # noqa: E402
from tests.support.maintenance_proxy import MaintenanceProxy  # noqa: E402

D0 = dt.date(2026, 11, 28)
REAL_LIMIT = 420.0  # seconds of real time after recovery before the bench gives up


class MemoryOutbox:
    """A laptop's outbox in memory: the OutboxPort the sender drains (the desktop's is SQLite)."""

    def __init__(self, reports: list[Report]) -> None:
        self.pending: dict[int, Report] = dict(enumerate(reports))
        self.taken: set[int] = set()
        self.batch_ids: dict[tuple[int, ...], str] = {}
        self.lock = threading.Lock()

    def waiting(self) -> int:
        with self.lock:
            return len(self.pending)

    def take_batches(self, max_reports: int) -> list[OutgoingBatch]:
        with self.lock:
            free = [i for i in sorted(self.pending) if i not in self.taken][:max_reports]
            if not free:
                return []
            self.taken.update(free)
            ids = tuple(free)
            kept = ids in self.batch_ids
            bid = self.batch_ids.setdefault(ids, protocol.Batch.new("", "", []).batch_id)
            reports = tuple(self.pending[i] for i in ids)
            return [OutgoingBatch(bid, ids, reports, {i: "" for i in ids}, kept)]

    def confirm(self, batch: OutgoingBatch, summary: ImportSummary) -> ConfirmResult:
        with self.lock:
            for i in batch.item_ids:
                self.pending.pop(i, None)
                self.taken.discard(i)
            return ConfirmResult(len(batch.item_ids), [r for r in summary.results if r.outcome == protocol.CONFLICT])

    def renew(self, batch: OutgoingBatch, parts: int = 1) -> list[OutgoingBatch]:
        with self.lock:
            self.batch_ids[batch.item_ids] = protocol.Batch.new("", "", []).batch_id
            return [OutgoingBatch(self.batch_ids[batch.item_ids], batch.item_ids, batch.reports, batch.hashes)]

    def release(self, batch: OutgoingBatch) -> None:
        with self.lock:
            self.taken.difference_update(batch.item_ids)

    def failed(self, batch: OutgoingBatch, message: str) -> None:
        return

    def finished(self, result: SyncResult) -> None:
        with self.lock:
            self.taken.clear()
            result.remaining = len(self.pending)


@dataclass
class Laptop:
    index: int
    device_id: str
    token: str
    private_key: str
    outbox: MemoryOutbox
    rng: random.Random
    pacer: Pacer = field(init=False)
    turns: list[Turn] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pacer = Pacer(LinkPolicy(), rng=self.rng.random)

    def turn(self, url: str, sleep: Callable[[float], None]) -> Turn:
        """One turn of the watch loop, as `enrollpoint sync --watch` takes it (link_watch.run_watch)."""
        client = HubClient(url, token=self.token, device_id=self.device_id, commune_code=COMMUNE,
                           private_key=self.private_key, policy=RetryPolicy(link=self.pacer.policy),
                           sleep=sleep, rng=self.rng.random)
        got: list[Turn] = []
        try:
            link_policy.watch(waiting=self.outbox.waiting, probe=client.hello,
                              send=lambda: outcome_of(client.drain(self.outbox)), report=got.append,
                              pacer=self.pacer, max_turns=1)
        finally:
            client.close()
        self.turns.append(got[0])
        return got[0]


def enrol_all(hub: HubProcess, n: int, days: int, seed: int) -> list[Laptop]:
    db = open_hub(hub.url_db)
    try:
        with db.session(write=True) as s:
            codes = [admin.create_enrolment_code(s, COMMUNE)[0] for _ in range(n)]
    finally:
        db.close()

    def one(i: int) -> Laptop:
        priv, pub = signing.generate_keypair()
        client = HubClient(hub.url)
        try:
            e = client.enrol(codes[i], f"May {i:03d}", pub)
        finally:
            client.close()
        closed = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
        reports = [Report(COMMUNE, f"P{i:03d}", D0 + dt.timedelta(days=d), 1, closed, {"card_captured": d + 1}, {})
                   for d in range(days)]
        return Laptop(i, e.device_id, e.token, priv, MemoryOutbox(reports), random.Random(seed * 100_003 + i))

    with cf.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def _no_sleep(seconds: float) -> None:
    return


def simulate_down(laptops: list[Laptop], url: str, down: float, pool: cf.ThreadPoolExecutor) -> list[tuple[float, int]]:
    """The hour of 503, simulated: turns in the order of their simulated times, each really through the
    proxy, no waiting between them. Returns the heap of next turns (simulated time, laptop index)."""
    heap = [(laptops[i].rng.uniform(0, LinkPolicy().idle), i) for i in range(len(laptops))]  # first look at the outbox
    heapq.heapify(heap)
    while heap and heap[0][0] < down:
        chunk: list[tuple[float, int]] = []
        while heap and heap[0][0] < down and len(chunk) < 32:
            chunk.append(heapq.heappop(heap))
        turns = pool.map(lambda e: (e, laptops[e[1]].turn(url, _no_sleep)), chunk)
        for (at, i), t in turns:
            assert t.outcome == "busy", t
            heapq.heappush(heap, (at + t.wait, i))
    return heap


def run_real(laptops: list[Laptop], url: str, heap: list[tuple[float, int]], down: float,
             pool: cf.ThreadPoolExecutor) -> tuple[float, float]:
    """From recovery on, in real time: each laptop's next turn when its Pacer said. Returns (start, end)."""
    cond = threading.Condition()
    running = 0
    start = time.monotonic()

    def done(i: int, fut: cf.Future[Turn]) -> None:
        nonlocal running
        turn = fut.result()
        with cond:
            running -= 1
            if laptops[i].outbox.waiting():
                heapq.heappush(heap, (down + time.monotonic() - start + turn.wait, i))
            cond.notify()

    with cond:
        while time.monotonic() - start < REAL_LIMIT:
            if not heap and not running:
                break
            if not heap:
                cond.wait(1.0)
                continue
            due = start + heap[0][0] - down
            now = time.monotonic()
            if due > now:
                cond.wait(min(1.0, due - now))
                continue
            _, i = heapq.heappop(heap)
            running += 1
            fut = pool.submit(laptops[i].turn, url, time.sleep)
            fut.add_done_callback(functools.partial(done, i))
    return start, time.monotonic()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--laptops", type=int, default=300)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--down", type=float, default=3600.0, help="simulated seconds of 503 before recovery")
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hub = HubProcess(Path(tmp)).start()
        proxy = MaintenanceProxy(hub.port).start()
        try:
            t0 = time.monotonic()
            laptops = enrol_all(hub, args.laptops, args.days, args.seed)
            enrol_s = time.monotonic() - t0
            proxy.down = True
            with cf.ThreadPoolExecutor(max_workers=args.laptops) as pool:
                t1 = time.monotonic()
                heap = simulate_down(laptops, proxy.url, args.down, pool)
                down_s = time.monotonic() - t1
                down_requests = len(proxy.seen)
                proxy.down = False
                start, end = run_real(laptops, proxy.url, heap, args.down, pool)
            after = proxy.requests_since(start)
            rows = hub.rows()  # asserts no (point, day) stored twice
            expected = {(f"P{i:03d}", (D0 + dt.timedelta(days=d)).isoformat())
                        for i in range(args.laptops) for d in range(args.days)}
        finally:
            proxy.close()
            hub.stop()
    per_s = collections.Counter(int(s.at - start) for s in after)
    first_min = [s for s in after if s.at - start < 60]
    statuses = collections.Counter(s.status for s in after)
    by_path = collections.Counter(s.path for s in first_min)
    five = sum(n for code, n in statuses.items() if code >= 500)
    waiting = sum(lap.outbox.waiting() for lap in laptops)
    all_once = set(rows) == expected and waiting == 0
    last_sent = max((s.at - start for s in after if s.path.endswith("/batches") and s.status == 200), default=-1)
    hist = " ".join(str(per_s.get(sec, 0)) for sec in range(60))
    tens = " ".join(f"{sum(per_s.get(sec, 0) for sec in range(a, a + 10))}" for a in range(60, int(end - start) + 10, 10))
    lines = [
        f"laptops {args.laptops} × {args.days} waiting days; 503 (Retry-After 30) for {args.down:.0f} s simulated "
        f"({down_requests} requests through the proxy, {down_s:.1f} s real); enrolment {enrol_s:.1f} s",
        f"after recovery: first minute {len(first_min)} requests (goal ≤ 600: {'PASS' if len(first_min) <= 600 else 'FAIL'});"
        f" by path {dict(by_path)}",
        f"after recovery: statuses {dict(sorted(statuses.items()))}; 5xx {five} (goal 0: {'PASS' if five == 0 else 'FAIL'});"
        f" peak {max(per_s.values(), default=0)} req/s",
        f"stored {len(rows)} of {len(expected)} reports, each once; still waiting on laptops {waiting} "
        f"({'PASS' if all_once else 'FAIL'}); last batch stored {last_sent:.0f} s after recovery; "
        f"real phase {end - start:.0f} s",
        f"requests per second, seconds 0–59 after recovery: {hist}",
        f"requests per 10 s from second 60: {tens}",
    ]
    print("\n".join(lines))
    if not args.no_write:
        with open(ROOT / "bench" / "RESULTS-sync.md", "a", encoding="utf-8") as f:
            f.write(f"\n## Link flood: {args.laptops} laptops after an hour of 503 (bench/bench_link_flood.py), "
                    f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n")
            f.write(f"Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
                    f"Python {platform.python_version()}; hub: one `enrollpoint-hub serve` process, SQLite, "
                    f"8 batch slots; proxy and laptops in one Python process (threads).\n\n")
            f.write("".join(f"- {line}\n" for line in lines))
    ok = len(first_min) <= 600 and five == 0 and all_once
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
