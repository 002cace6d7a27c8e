"""The province page before and after a change, on one hub database, interleaved in the same run.

    .venv/bin/python bench/bench_hub_ab.py DB_URL [--before-rev HEAD] [--rounds 4] [--runs 5] [--back DAYS]
                                              [--view table|checks|trend|targets]

The tree at `--before-rev` (`git archive` of province/, sync/, common/ into a temporary folder) and this tree
each build the province table (figures + HTML, in-process, as `GET /` does) for the last reported day in
their own process, alternating, so both see the same machine load (the two shared cores here are rarely
idle). The older code is allowed to read a newer schema it does not know (only for this measurement).
Prints the medians and the page sizes; used for the issue-10 numbers in bench/RESULTS-hub.md. `--back` shows
a day that many days before the last one; `--view` builds the figures of another province-wide view instead
(nothing kept between runs: the process cache is switched off in both trees).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r'''
import json, statistics, sys, time
root, url, runs, back, view = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, root)
from sqlalchemy import create_engine, text
from province import migrations
engine = create_engine(url)
with engine.connect() as conn:
    rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
engine.dispose()
if rev not in migrations.KNOWN_REVISIONS:  # older code on a newer schema: allowed for this measurement only
    migrations.KNOWN_REVISIONS += (rev,)
    migrations.HEAD = rev
import datetime as dt
from sqlalchemy import func, select
from province.dashboard import data, render, stamped
from province.db import open_hub
from province.models import ReportVillage
stamped.KEEP = False
db = open_hub(url, migrate=False)
with db.session() as s:
    on = s.execute(select(func.max(ReportVillage.day))).scalar() - dt.timedelta(days=back)
times, size = [], 0
for _ in range(runs + 1):
    t0 = time.perf_counter()
    with db.session() as s:
        if view == "table":
            rows = data.province_rows(s, on)
            page = render.province_page(rows, on, {}, None, "rank")
        elif view == "checks":
            from province.dashboard import checks
            page = repr(checks.checks(s, on))
        elif view == "trend":
            from province.dashboard import trend
            page = repr(trend.charts(s, on))
        else:
            from province.dashboard import target_figures
            page = repr(target_figures.communes(s, on))
    times.append((time.perf_counter() - t0) * 1000)
    size = len(page.encode())
print(json.dumps({"times": times[1:], "size": size}))
'''


def run(root: Path, url: str, runs: int, back: int = 0, view: str = "table") -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(root), url, str(runs), str(back), view],
                         capture_output=True, text=True,
                         timeout=600, cwd=root)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--before-rev", default="HEAD")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--back", type=int, default=0, help="the day shown: this many days before the last one")
    ap.add_argument("--view", default="table", choices=("table", "checks", "trend", "targets"))
    args = ap.parse_args()
    before = Path(tempfile.mkdtemp(prefix="bench-hub-before-"))
    archive = before / "tree.tar"
    subprocess.run(["git", "archive", "-o", str(archive), args.before_rev, "province", "sync", "common"], cwd=ROOT,
                   check=True, timeout=120)
    with tarfile.open(archive) as tar:
        tar.extractall(before, filter="data")
    result: dict[str, list[float]] = {"before": [], "after": []}
    sizes: dict[str, object] = {}
    for _ in range(args.rounds):
        for name, root in (("before", before), ("after", ROOT)):
            r = run(root, args.url, args.runs, args.back, args.view)
            result[name] += r["times"]  # type: ignore[arg-type]
            sizes[name] = r["size"]
    b, a = statistics.median(result["before"]), statistics.median(result["after"])
    what = "province page build (figures + HTML" if args.view == "table" else f"{args.view} figures ("
    print(f"{what}, in-process; {args.back} days before the last), {args.rounds} × {args.runs} runs each, interleaved: "
          f"{args.before_rev} median {b:.0f} ms ({sizes['before']:,} bytes), this tree median {a:.0f} ms "
          f"({sizes['after']:,} bytes): ×{a / b:.2f}, +{a - b:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
