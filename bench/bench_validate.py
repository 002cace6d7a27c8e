"""Benchmark: the row rules (`RowValidator.validate`) on 200,000 typical list rows, in two source trees.

The import spends most of its Python time here, so a change to the row rules is measured against the tree
before it in the same run (alternating, best of N), not against an old figure. Times are the child's CPU
seconds (`time.process_time`): on a shared machine wall time swings by 2× between identical runs.

    .venv/bin/python bench/bench_validate.py --before /path/to/older/checkout [--rows 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs inside a child interpreter with the tree under test first on sys.path.
CHILD = r"""
import datetime as dt, json, random, sys, time
sys.path.insert(0, sys.argv[1])
import importlib
try:
    RowValidator = importlib.import_module("desktop.services.register.validate").RowValidator
except ImportError:  # trees before the services were grouped by area
    RowValidator = importlib.import_module("desktop.services." + "importer.validate").RowValidator
rows = json.loads(open(sys.argv[2], encoding="utf-8").read())
v = RowValidator(today=dt.date(2026, 12, 1))
t0 = time.process_time()
kept = sum(1 for i, r in enumerate(rows) if v.validate(r, i)[0] is not None)
print(json.dumps({"seconds": time.process_time() - t0, "kept": kept}))
"""


def make_rows(n: int) -> list[dict[str, object]]:
    """Rows as a CSV reader hands them over: text cells, a few flawed ones (8 % rejected or repaired)."""
    rnd = random.Random(7)
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
    given = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Phúc"]
    rows = []
    for i in range(n):
        year = rnd.randint(1940, 2012)
        sex = rnd.choice("MF")
        century = (year - 1900) // 100 * 2 + (1 if sex == "F" else 0)
        number = f"056{century}{year % 100:02d}{i:06d}"
        row: dict[str, object] = {
            "full_name": f"{rnd.choice(family)} {'Thị' if sex == 'F' else 'Văn'} {rnd.choice(given)}",
            "birth_date": f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{year}",
            "sex": "Nữ" if sex == "F" else "Nam", "id_number": number,
            "village": f"Thôn {rnd.randint(1, 12)}", "phone": f"09{rnd.randint(10_000_000, 99_999_999)}",
        }
        if i % 25 == 0:
            row["id_number"] = number[:11]  # one digit lost
        if i % 40 == 0:
            row["card_known"] = "x"
        rows.append(row)
    return rows


def run(tree: Path, data: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(data)], capture_output=True, text=True,
                         check=True, timeout=600)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="a checkout of the tree to compare against")
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = ROOT / "bench" / "out" / "validate-rows.json"
    data.parent.mkdir(exist_ok=True)
    data.write_text(json.dumps(make_rows(args.rows), ensure_ascii=False), encoding="utf-8")
    best: dict[str, float] = {}
    kept: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, tree in (("before", Path(args.before)), ("after", ROOT)):
            r = run(tree, data)
            best[name] = min(best.get(name, 1e9), r["seconds"])
            kept[name] = int(r["kept"])
    assert kept["before"] == kept["after"], f"the trees keep different rows: {kept}"
    print(f"{dt.date.today()}: {args.rows:,} rows, best of {args.repeat}, CPU: before {best['before']:.2f} s, "
          f"after {best['after']:.2f} s, after/before {best['after'] / best['before']:.2f}; "
          f"{kept['after']:,} rows kept by both")


if __name__ == "__main__":
    main()
