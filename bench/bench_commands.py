"""Whole commands as an officer waits for them: process start to exit, against baselines in the same run.

    .venv/bin/python bench/bench_commands.py [--citizens 200000] [--session-citizens 15000] [--repeat 5]
                                             [--only search,status,print,assign,import] [--no-write]

Each command runs as its own process (`.venv/bin/enrollpoint …`), timed with perf_counter around
`subprocess.run`, median of `--repeat` runs (one run for the long ones). Baselines, measured in the same
run on the same files:
- `enrollpoint --version`: Python start plus our entry point; search/status are reported as the time
  *above* it (target: under 0.25 s more);
- LibreOffice headless converting an .xlsx of the same 10,000+ rows to PDF (`soffice --convert-to pdf`),
  when LibreOffice is installed (`apt-get install libreoffice-calc-nogui`, only for this benchmark);
  target: `print list` at most half of its time.
Databases are encrypted as the app makes them, with a plaintext file keyring in a temp folder (a
benchmark never touches the user's keyring). Writes bench/RESULTS-commands.md unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from machine_info import cpu_model  # noqa: E402

BIN = Path(sys.executable).with_name("enrollpoint")
TMP = Path(tempfile.mkdtemp(prefix="ep-bench-cmd-"))
ENV = {
    **os.environ,
    "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
    "XDG_DATA_HOME": str(TMP / "xdg"),
    "XDG_CONFIG_HOME": str(TMP / "xdg-config"),
}
ENV.pop("ENROLLPOINT_PLAIN_DB", None)


def run(*args: str, data: Path | None = None, check: bool = True) -> float:
    """Seconds from process start to exit of one `enrollpoint` command."""
    cmd = [str(BIN), *args] + (["--data-dir", str(data)] if data else [])
    t = time.perf_counter()
    out = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=900)
    secs = time.perf_counter() - t
    if check and out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr[-2000:]}")
    return secs


def median_of(n: int, *args: str, data: Path | None = None) -> float:
    return statistics.median(run(*args, data=data) for _ in range(n))


def make_commune(data: Path, citizens: int) -> None:
    run("init", "--commune-code", "22736", data=data)
    run("demo", "--citizens", str(citizens), data=data)


def some_id_number(data: Path) -> str:
    out = subprocess.run([str(BIN), "search", "nguyen", "--limit", "1", "--json", "--data-dir", str(data)],
                         env=ENV, capture_output=True, text=True, timeout=120, check=True)
    import json

    rows = json.loads(out.stdout)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    return str(rows[0]["id_number"])


def bench_search_status(data: Path, repeat: int) -> list[tuple[str, str, str, str]]:
    base = median_of(repeat, "--version")
    search = median_of(repeat, "search", "nguyen thi thuy", data=data)
    number = some_id_number(data)
    status = median_of(repeat, "status", number, data=data)
    return [
        ("`enrollpoint --version` (baseline)", f"{base:.2f} s", "—", "—"),
        ("`enrollpoint search \"nguyen thi thuy\"`", f"{search:.2f} s", f"+{search - base:.2f} s",
         "< +0.25 s: " + ("yes" if search - base < 0.25 else "no")),
        ("`enrollpoint status ID`", f"{status:.2f} s", f"+{status - base:.2f} s",
         "< +0.25 s: " + ("yes" if status - base < 0.25 else "no")),
    ]


def big_session(data: Path) -> tuple[str, float]:
    """A session large enough for everyone due in a 15,000-citizen demo; returns (id, assign seconds)."""
    run("session", "add", "--point", "TRUSO", "--date", "2027-01-05", "--start", "06:00", "--end", "22:00",
        "--kits", "50", "--minutes-per-person", "4", data=data)
    out = subprocess.run([str(BIN), "session", "list", "--json", "--data-dir", str(data)], env=ENV,
                         capture_output=True, text=True, timeout=120, check=True)
    import json

    sessions = json.loads(out.stdout)
    sessions = sessions.get("sessions", sessions) if isinstance(sessions, dict) else sessions
    sid = str(max(int(s["id"]) for s in sessions))
    secs = run("session", "assign", sid, data=data)
    return sid, secs


def bench_print(data: Path, sid: str) -> list[tuple[str, str, str, str]]:
    pdf, xlsx = TMP / "list.pdf", TMP / "list.xlsx"
    t_pdf = run("print", "list", "--session", sid, "--out", str(pdf), data=data)
    run("print", "list", "--session", sid, "--xlsx", "--out", str(xlsx), data=data)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    rows = [("`enrollpoint print list --session S` (PDF)", f"{t_pdf:.2f} s", "", "")]
    if soffice:
        t = time.perf_counter()
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(TMP / "lo"), str(xlsx)],
                       env={**ENV, "HOME": str(TMP / "lo-home")}, capture_output=True, timeout=900, check=True)
        lo = time.perf_counter() - t
        rows.append(("LibreOffice headless, same rows .xlsx → PDF (baseline)", f"{lo:.2f} s", "—", "—"))
        rows[0] = (rows[0][0], rows[0][1], f"{t_pdf / lo:.2f}× LibreOffice",
                   "≤ 0.5×: " + ("yes" if t_pdf / lo <= 0.5 else "no"))
    else:
        rows[0] = (rows[0][0], rows[0][1], "LibreOffice not installed", "—")
    return rows


def bench_import(data: Path, citizens: int) -> list[tuple[str, str, str, str]]:
    from bench_import import generate

    csv = TMP / "list.csv"
    generate(csv, citizens)
    run("init", "--commune-code", "22736", data=data)
    secs = run("import", str(csv), data=data)
    return [(f"`enrollpoint import` {citizens:,}-row CSV (encrypted)", f"{secs:.1f} s", "",
             "< 10 s: " + ("yes" if secs < 10 else "no"))]


def machine() -> str:
    import platform

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"nproc {os.cpu_count()}, {cpu_model()}; Python {platform.python_version()}; "
            f"load average {load}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--citizens", type=int, default=200_000)
    ap.add_argument("--session-citizens", type=int, default=15_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", default="search,status,print,assign,import")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    only = set(a.only.split(","))
    rows: list[tuple[str, str, str, str]] = []
    try:
        if only & {"search", "status"}:
            big = TMP / "big"
            make_commune(big, a.citizens)
            rows += bench_search_status(big, a.repeat)
        if only & {"print", "assign"}:
            mid = TMP / "mid"
            make_commune(mid, a.session_citizens)
            sid, assign = big_session(mid)
            rows.append((f"`enrollpoint session assign` ({a.session_citizens:,}-citizen demo, one large session)",
                         f"{assign:.2f} s", "", "< 3 s: " + ("yes" if assign < 3 else "no")))
            if "print" in only:
                rows += bench_print(mid, sid)
        if "import" in only:
            rows += bench_import(TMP / "imp", a.citizens)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    table = "| command | measured | against the baseline | target met |\n|---|---|---|---|\n"
    table += "\n".join(f"| {a_} | {b} | {c} | {d} |" for a_, b, c, d in rows)
    text = ("# Whole commands (`bench/bench_commands.py`)\n\n"
            f"Machine: {machine()}.\nProcess start to exit, median of {a.repeat} runs for search/status, one "
            "run for the others.\n\n" + table + "\n")
    print(text)
    if not a.no_write:
        (HERE / "RESULTS-commands.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
