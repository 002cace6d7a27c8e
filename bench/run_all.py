"""Run every benchmark script in bench/ one after another, then merge their RESULTS-*.md into RESULTS.md.

Each script measures its target against a baseline in the same run and writes its own RESULTS-<area>.md
with the machine it ran on; this runner only sequences them (never in parallel: 2 cores) and merges.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (script, its arguments): each writes its own RESULTS-<area>.md.
ORDER: list[tuple[str, list[str]]] = [(name, []) for name in (
    "bench_open.py",
    "bench_import.py",
    "bench_search.py",
    "bench_ui.py",
    "bench_scheduling.py",
    "bench_print.py",
    "bench_sync.py",
    "bench_hub.py",
    "bench_intake.py",  # hub intake, PostgreSQL against SQLite
    "bench_encryption.py",
    "bench_peer.py",
    "bench_commands.py",  # whole commands, process start to exit
    "bench_link_flood.py",  # 300 laptops after an hour of 503 (about 5 min, mostly real waiting)
)] + [
    ("bench_due.py", ["--write"]),  # due rules in SQL, on a register it makes
    ("bench_demo.py", ["--write"]),  # demo data against a bare write of the same rows
]


def merge() -> Path:
    parts = sorted(HERE.glob("RESULTS-*.md"))
    out = HERE / "RESULTS.md"
    head = "# Benchmark results\n\nMerged from the per-area files by `bench/run_all.py`; each section names its machine.\n"
    out.write_text(head + "\n".join("\n" + p.read_text(encoding="utf-8").strip() + "\n" for p in parts), encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    only = set(argv)
    failed = []
    for name, args in ORDER:
        script = HERE / name
        if not script.exists() or (only and name not in only):
            continue
        print(f"== {name}", flush=True)
        t = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script), *args], cwd=HERE.parent)
        print(f"== {name}: exit {rc} in {time.perf_counter() - t:.1f} s", flush=True)
        if rc:
            failed.append(name)
    print(f"merged into {merge()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
