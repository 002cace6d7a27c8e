"""The phone page (`/phone`) as a leader's phone meets it on a slow 3G line: headless Chromium (390×844, mobile)
over its DevTools pipe, the network throttled to 300 ms round trip and 400 kbit/s each way (harsher than
DevTools' "Regular 3G" preset: 100 ms, 750/250 kbit/s), against a real hub process serving a hub this bench
or bench_hub_year.py seeded. Measures from navigation start: first contentful paint, the load event, and the
bytes transferred (compressed), median of `--runs`, with the browser's cache off. Headless Chromium draws a
frame only when asked: the bench asks right after the load event, so the paint time is an upper bound.

    .venv/bin/python bench/bench_phone_paint.py DB_URL [--runs 5] [--on YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import func, select  # noqa: E402

from province import auth  # noqa: E402
from province.db import open_hub  # noqa: E402
from province.models import ReportVillage  # noqa: E402
from tests.support.cdp_pipe import Browser  # noqa: E402
from tests.support.hub import hub_process  # noqa: E402

PHONE = (390, 844)
RTT_MS, KBIT = 300, 400


def _link(url: str, next_path: str) -> str:
    db = open_hub(url)
    try:
        with db.session(write=True) as s:
            if s.execute(select(auth.HubUser).where(auth.HubUser.name == "bench-phone")).first() is None:
                auth.add_user(s, "bench-phone", "bench-phone-password-1", "viewer")
            token, _ = auth.create_login_link(s, "bench-phone")
        return f"/login/link/{token}?next={next_path}"
    finally:
        db.close()


def _measure(b: Browser, url: str) -> tuple[float, float, int]:
    b.open(url, *PHONE, mobile=True)
    b.call("Page.captureScreenshot", format="png")  # a frame is drawn: headless paints only when asked
    fcp = b.value("JSON.stringify(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]))")
    fcp = dict(json.loads(fcp)).get("first-contentful-paint", -1)
    nav = b.value("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
    entry = json.loads(nav)
    return float(fcp), float(entry["loadEventStart"]), int(entry["transferSize"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--on", default=None)
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium is not installed")
    db = open_hub(args.url)
    with db.session() as s:
        on = dt.date.fromisoformat(args.on) if args.on else s.execute(select(func.max(ReportVillage.day))).scalar()
    db.close()
    path = f"/phone?on={on}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-phone-"))
    with hub_process(args.url, tmp / "hub.log") as base, Browser(chromium, tmp / "chromium") as b:
        b.open(base + _link(args.url, path), *PHONE, mobile=True)  # signed in (the cookie stays in the profile)
        b.call("Network.enable")
        b.call("Network.setCacheDisabled", cacheDisabled=True)
        b.call("Network.emulateNetworkConditions", offline=False, latency=RTT_MS,
               downloadThroughput=KBIT * 1000 / 8, uploadThroughput=KBIT * 1000 / 8)
        runs = [_measure(b, base + path) for _ in range(args.runs)]
    fcp = statistics.median(r[0] for r in runs)
    load = statistics.median(r[1] for r in runs)
    size = statistics.median(r[2] for r in runs)
    print(f"/phone on {on}, Chromium {PHONE[0]}×{PHONE[1]} mobile, {RTT_MS} ms RTT, {KBIT} kbit/s, {args.runs} runs: "
          f"first contentful paint (upper bound) median {fcp:.0f} ms (max {max(r[0] for r in runs):.0f}), load event "
          f"{load:.0f} ms, {size:,.0f} bytes transferred (headers included); target < 1,000 ms: "
          f"{'met' if max(r[0] for r in runs) < 1000 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
