"""The laptops' probe, measured at the server: GET /api/v1/hello (no database work) against GET /api/v1/health
(SELECT 1), on a SQLite hub, as the time the app spends from the request's start to the end of its answer
(a pure ASGI wrapper around the real app; the client's own time is left out). Goal: hello p95 < 2 ms.

    .venv/bin/python bench/bench_hello.py [--requests 2000]

Results (with the machine) are appended to bench/RESULTS-sync.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from machine_info import cpu_model  # noqa: E402

from province.app import create_app  # noqa: E402
from province.db import open_hub  # noqa: E402


class ServerTimer:
    """ASGI wrapper: seconds from the request's arrival to the last byte of its answer, per path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: dict[str, list[float]] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.setdefault(scope["path"], []).append(time.perf_counter() - start)

        await self.app(scope, receive, timed_send)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


async def _drive(timer: ServerTimer, n: int) -> None:
    """One event loop, no client thread: the client's work happens between requests, never during one."""
    transport = httpx.ASGITransport(app=timer)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        for path in ("/api/v1/hello", "/api/v1/health"):
            for _ in range(50):  # warm-up, not counted
                await client.get(path)
            timer.times[path] = []
            for _ in range(n):
                assert (await client.get(path)).status_code == 200


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hub = open_hub(f"sqlite:///{Path(tmp) / 'hub.db'}")
        timer = ServerTimer(create_app(db=hub))
        asyncio.run(_drive(timer, args.requests))
        hub.close()
    rows = []
    for path, values in timer.times.items():
        rows.append(f"| GET {path} | {len(values)} | {statistics.median(values) * 1000:.2f} ms | "
                    f"{pct(values, 0.95):.2f} ms | {pct(values, 0.99):.2f} ms |")
    hello_p95 = pct(timer.times["/api/v1/hello"], 0.95)
    text = "\n".join([
        f"\n## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} — bench_hello.py (the laptops' probe)\n",
        f"Machine: {platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs shared with other jobs, Python "
        f"{platform.python_version()}. Hub app in-process (SQLite) driven through httpx's ASGI transport in one event loop, time measured at the server (ASGI wrapper: "
        "request start → last byte of the answer), after 50 warm-up requests per path.\n",
        "| request | n | median | p95 | p99 |", "|---|---|---|---|---|", *rows, "",
        f"Goal: hello p95 < 2 ms at the server — {'met' if hello_p95 < 2 else 'NOT met'} ({hello_p95:.2f} ms).\n",
    ])
    print(text)
    with open(ROOT / "bench" / "RESULTS-sync.md", "a", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
