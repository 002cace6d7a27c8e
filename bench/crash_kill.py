"""Crash safety: SIGKILL the real CLI at random moments and check that nothing is half-done or lost.

    .venv/bin/python bench/crash_kill.py [--runs 50] [--scenarios import,events,close-day,sync]
                                         [--seed 1] [--max-seconds 900] [--citizens 3000]

Each run picks a scenario (round-robin), starts `enrollpoint ...` as a child process, kills it with
SIGKILL after a random delay (calibrated from an unkilled run), then checks, on the real encrypted file:
- `PRAGMA integrity_check` is ok (and `foreign_key_check` is empty);
- import: the citizen count is the count before or the count after the whole file, never in between;
- events: every event the CLI acknowledged (printed its JSON success line; stdout unbuffered) is in
  status_events, and no citizen holds more `attended` events than were attempted;
- close-day: every day report has its outbox row (one transaction) and an acknowledged revision exists;
- sync: `enrollpoint sync` against a real hub process on 127.0.0.1 (`province.cli serve`), killed
  mid-way; then a full sync must leave the outbox empty and the hub holding every (point, day) exactly
  once at the laptop's latest revision. Without a hub it falls back to `sync --bundle`.
Bounded by --runs and --max-seconds. Prints a summary; exits 1 on any violation. Windows has no SIGKILL:
POSIX only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.support.hub_process import HubProcess  # noqa: E402 - the one hub process of tests and benches

SCENARIOS = ("import", "events", "close-day", "sync")
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Khánh", "Lan", "Long", "Mai",
         "Minh", "Nam", "Ngọc", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]


@dataclass
class Report:
    runs: dict[str, int] = field(default_factory=dict)
    killed: dict[str, int] = field(default_factory=dict)  # killed before the command finished
    completed: dict[str, int] = field(default_factory=dict)  # finished before the kill landed
    acked_events: int = 0
    violations: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, scen: str, was_killed: bool) -> None:
        self.runs[scen] = self.runs.get(scen, 0) + 1
        d = self.killed if was_killed else self.completed
        d[scen] = d.get(scen, 0) + 1

    def summary(self) -> str:
        parts = [
            f"{s}: {self.runs.get(s, 0)} runs ({self.killed.get(s, 0)} killed mid-way, "
            f"{self.completed.get(s, 0)} finished first)"
            for s in SCENARIOS
            if s in self.runs
        ]
        lines = [f"crash_kill: {sum(self.runs.values())} runs in {self.seconds:.0f} s; " + "; ".join(parts)]
        lines.append(f"acknowledged check-in events verified: {self.acked_events}")
        for s, why in self.skipped.items():
            lines.append(f"skipped {s}: {why}")
        lines.append(f"violations: {len(self.violations)}")
        lines += [f"  - {v}" for v in self.violations]
        return "\n".join(lines)


class Lab:
    """A data dir, a keyring and the commands against them."""

    def __init__(self, work: Path, citizens: int, seed: int) -> None:
        self.work = work
        self.data = work / "data"
        self.rnd = random.Random(seed)
        self.serial = 0
        self.env = dict(os.environ)
        self.env.update(
            PYTHONUNBUFFERED="1",  # an acknowledgement printed is an acknowledgement delivered
            PYTHON_KEYRING_BACKEND=os.environ.get("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring"),
            XDG_DATA_HOME=str(work / "xdg"),
            ENROLLPOINT_DATA_DIR=str(self.data),
            QT_QPA_PLATFORM="offscreen",
        )
        self.env.pop("ENROLLPOINT_PLAIN_DB", None)
        os.environ.update({k: self.env[k] for k in ("PYTHON_KEYRING_BACKEND", "XDG_DATA_HOME")})
        self.exe = [sys.executable, "-m", "desktop"]
        self.citizens = citizens
        self.event_pool: list[str] = []
        self.attempted: dict[str, int] = {}
        self.acked: dict[str, int] = {}

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.exe, *args, "--data-dir", str(self.data)], env=self.env, cwd=REPO, capture_output=True,
            text=True, timeout=timeout, check=False,
        )

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*self.exe, *args, "--data-dir", str(self.data), "--json"], env=self.env, cwd=REPO,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def csv(self, n: int) -> Path:
        """A list of n new citizens (fresh ID numbers every time)."""
        from common import idnumber

        lines = ["Họ và tên,Số định danh,Ngày sinh,Giới tính,Thôn/Tổ dân phố,Số điện thoại"]
        ids = []
        for _ in range(n):
            self.serial += 1
            sex = self.rnd.choice("MF")
            year = self.rnd.randint(1950, 2010)
            idn = idnumber.make("056", year, sex, self.serial)
            ids.append(idn)
            name = f"{self.rnd.choice(FAMILY)} {'Văn' if sex == 'M' else 'Thị'} {self.rnd.choice(GIVEN)}"
            lines.append(f"{name},{idn},15/06/{year},{'Nam' if sex == 'M' else 'Nữ'},Thôn Đông,"
                         f"09{self.rnd.randint(10_000_000, 99_999_999)}")
        path = self.work / f"list-{self.serial}.csv"
        path.write_text("\n".join(lines), encoding="utf-8")
        self._last_ids = ids
        return path

    def setup(self) -> None:
        r = self.cli("init", "--commune-code", "22736")
        if r.returncode != 0:
            raise SystemExit(f"init failed: {r.stderr}")
        r = self.cli("import", str(self.csv(self.citizens)))
        if r.returncode != 0:
            raise SystemExit(f"base import failed: {r.stderr}")
        self.cli("point", "add", "P1", "Nhà văn hoá thôn Đông")  # day close counts per point
        self.event_pool = list(self._last_ids)
        self.rnd.shuffle(self.event_pool)

    # --- checks on the file ---------------------------------------------------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        from desktop.storage import db as dbmod
        from desktop.storage import keys

        path = self.data / "enrollpoint.db"
        key = keys.load_key(path)
        conn = dbmod.connect_keyed(str(path), key) if key else __import__("sqlite3").connect(path)
        try:
            return list(conn.execute(sql, params))
        finally:
            conn.close()

    def citizens_now(self) -> int:
        return int(self.query("SELECT count(*) FROM citizens")[0][0])

    def integrity(self) -> list[str]:
        bad = []
        res = [r[0] for r in self.query("PRAGMA integrity_check")]
        if res != ["ok"]:
            bad.append(f"integrity_check: {res[:3]}")
        fk = self.query("PRAGMA foreign_key_check")
        if fk:
            bad.append(f"foreign_key_check: {fk[:3]}")
        return bad


def kill_after(p: subprocess.Popen[str], delay: float, durations: dict[str, float] | None = None,
               key: str = "") -> bool:
    """SIGKILL `p` after `delay` seconds unless it ended; True when the kill hit a running process.

    A run that ends first updates `durations[key]`, so the kill window follows the machine's load.
    """
    t = time.perf_counter()
    try:
        p.wait(timeout=delay)
        if durations is not None and key:
            durations[key] = time.perf_counter() - t
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        return True


def pick_delay(lab: Lab, duration: float) -> float:
    """Mostly after the interpreter start-up (~a third of a short command), up to just past the end."""
    return lab.rnd.uniform(0.3, 1.05) * duration


def calibrate(lab: Lab, args: tuple[str, ...]) -> float:
    """Duration of one unkilled run; a failing command means the scenario itself is broken."""
    t = time.perf_counter()
    r = lab.cli(*args)
    if r.returncode != 0:
        raise RuntimeError(f"`enrollpoint {' '.join(args[:2])}` fails without a kill: {r.stderr.strip()[-300:]}")
    return time.perf_counter() - t


def run_import(lab: Lab, rep: Report, rows: int, durations: dict[str, float]) -> None:
    before = lab.citizens_now()
    csv = lab.csv(rows)
    if "import" not in durations:  # calibrate on an unkilled import of the same size
        durations["import"] = calibrate(lab, ("import", str(csv)))
        csv = lab.csv(rows)
        before = lab.citizens_now()
    p = lab.spawn("import", str(csv))
    killed = kill_after(p, pick_delay(lab, durations["import"]), durations, "import")
    rep.add("import", killed)
    after = lab.citizens_now()
    if after not in (before, before + rows):
        rep.violations.append(f"import half applied: {before} -> {after} (file has {rows})")
    if not killed and after != before + rows:
        rep.violations.append(f"import finished (rc {p.returncode}) but count {before} -> {after}")
    rep.violations += [f"after import kill: {b}" for b in lab.integrity()]


def run_events(lab: Lab, rep: Report, durations: dict[str, float]) -> None:
    """A loop of `enrollpoint event ID attended`; one of them is killed at a random moment."""
    if "event" not in durations:
        idn = lab.event_pool.pop()
        durations["event"] = calibrate(lab, ("event", idn, "attended"))
        lab.attempted[idn] = lab.attempted.get(idn, 0) + 1
        lab.acked[idn] = lab.acked.get(idn, 0) + 1
    n = lab.rnd.randint(2, 5)
    victim = lab.rnd.randrange(n)  # which command of the loop is killed, and when in its life
    delay = pick_delay(lab, durations["event"])
    was_killed = False
    for j in range(n):
        if not lab.event_pool:
            break
        idn = lab.event_pool.pop()
        lab.attempted[idn] = lab.attempted.get(idn, 0) + 1
        p = lab.spawn("event", idn, "attended")
        killed = kill_after(p, delay, durations, "event") if j == victim else (p.wait(timeout=120) is None)
        out = p.stdout.read() if p.stdout else ""
        for line in out.splitlines():
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("event") == "attended" and data.get("id_number") == idn:
                lab.acked[idn] = lab.acked.get(idn, 0) + 1
        if killed:
            was_killed = True
        if j == victim:
            break
    rep.add("events", was_killed)
    rep.violations += [f"after event kill: {b}" for b in lab.integrity()]
    rows = lab.query(
        "SELECT c.id_number, count(e.id) FROM citizens c JOIN status_events e ON e.citizen_id = c.id "
        "WHERE e.event_type = 'attended' GROUP BY c.id_number"
    )
    have = dict(rows)
    for idn, k in lab.acked.items():
        if have.get(idn, 0) < k:
            rep.violations.append(f"acknowledged event lost for a citizen (acked {k}, stored {have.get(idn, 0)})")
    for idn, k in have.items():
        if k > lab.attempted.get(idn, 0):
            rep.violations.append("more events stored than attempted")
    rep.acked_events = sum(lab.acked.values())


def run_close_day(lab: Lab, rep: Report, durations: dict[str, float], day: str) -> None:
    if "close" not in durations:
        durations["close"] = calibrate(lab, ("close-day", "--date", day))
    if lab.event_pool:  # a change since the last close, so this close writes a new revision
        idn = lab.event_pool.pop()
        lab.cli("event", idn, "attended", "--at", f"{day}T10:00", "--point", "P1")
        lab.attempted[idn] = lab.attempted.get(idn, 0) + 1
        lab.acked[idn] = lab.acked.get(idn, 0) + 1
    before = lab.query("SELECT coalesce(max(revision), 0) FROM day_reports WHERE day = ?", (day,))[0][0]
    p = lab.spawn("close-day", "--date", day)
    killed = kill_after(p, pick_delay(lab, durations["close"]), durations, "close")
    out = p.stdout.read() if p.stdout else ""
    rep.add("close-day", killed)
    rep.violations += [f"after close-day kill: {b}" for b in lab.integrity()]
    orphans = lab.query(
        "SELECT count(*) FROM day_reports r LEFT JOIN outbox o ON o.report_id = r.id WHERE o.id IS NULL"
    )[0][0]
    if orphans:
        rep.violations.append(f"{orphans} day report(s) without their outbox row")
    after = lab.query("SELECT coalesce(max(revision), 0) FROM day_reports WHERE day = ?", (day,))[0][0]
    if after < before:
        rep.violations.append(f"day report revision went back ({before} -> {after})")
    try:
        acked = json.loads(out.strip().splitlines()[0]) if out.strip() else []
    except ValueError:
        acked = []
    for r in acked if isinstance(acked, list) else []:
        # closing an unchanged day again may return the same revision; what was printed must be stored
        found = lab.query("SELECT count(*) FROM day_reports WHERE point_code = ? AND day = ? AND revision = ?",
                          (r.get("point_code"), str(r.get("day")), r.get("revision")))[0][0]
        if not found:
            rep.violations.append(f"acknowledged day close lost: {r.get('point_code')} {r.get('day')} rev {r.get('revision')}")


def run_sync(lab: Lab, rep: Report, durations: dict[str, float]) -> None:
    bundle = lab.work / f"bundle-{lab.rnd.randrange(10**6)}.json"
    if "sync" not in durations:
        durations["sync"] = calibrate(lab, ("sync", "--bundle", str(bundle)))
    p = lab.spawn("sync", "--bundle", str(bundle))
    killed = kill_after(p, pick_delay(lab, durations["sync"]), durations, "sync")
    rep.add("sync", killed)
    rep.violations += [f"after sync kill: {b}" for b in lab.integrity()]
    lab.query("SELECT count(*) FROM outbox")


def run_sync_hub(lab: Lab, rep: Report, durations: dict[str, float], hub: HubProcess, n: int) -> None:
    """A new closed day to send, `enrollpoint sync` killed mid-way, then a full sync: the hub must hold
    every (point, day) exactly once at the laptop's latest revision, and the outbox must be empty."""
    day = (dt.date(2026, 4, 1) + dt.timedelta(days=n)).isoformat()
    if lab.event_pool:
        idn = lab.event_pool.pop()
        lab.cli("event", idn, "attended", "--at", f"{day}T09:00", "--point", "P1")
        lab.attempted[idn] = lab.attempted.get(idn, 0) + 1
        lab.acked[idn] = lab.acked.get(idn, 0) + 1
    closed = lab.cli("close-day", "--date", day)
    if closed.returncode != 0:
        rep.violations.append(f"close-day before sync failed: {closed.stderr.strip()[-200:]}")
        return
    if "sync-hub" not in durations:
        durations["sync-hub"] = calibrate(lab, ("sync",))
        lab.cli("close-day", "--date", day)  # a new revision of the same day, still to send
    p = lab.spawn("sync")
    killed = kill_after(p, pick_delay(lab, durations["sync-hub"]), durations, "sync-hub")
    rep.add("sync", killed)
    rep.violations += [f"after sync kill: {b}" for b in lab.integrity()]
    done = lab.cli("sync")
    if done.returncode != 0:
        rep.violations.append(f"sync after the kill failed: {done.stderr.strip()[-200:]}")
        return
    # Superseded revisions are never sent (the outbox keeps their rows unsent): count only the latest.
    pending = lab.query(
        "SELECT count(*) FROM outbox o JOIN day_reports r ON r.id = o.report_id WHERE o.sent_at IS NULL "
        "AND r.revision = (SELECT max(revision) FROM day_reports x WHERE x.point_code = r.point_code "
        "AND x.day = r.day)"
    )[0][0]
    if pending:
        rep.violations.append(f"{pending} report(s) still pending after a full sync")
    laptop = {(p_, str(d)): int(r) for p_, d, r in lab.query(
        "SELECT point_code, day, max(revision) FROM day_reports GROUP BY point_code, day")}
    if not laptop:
        rep.violations.append("no day report was closed: nothing to sync (scenario broken)")
    rows = [(p, d, rev) for (p, d), (rev, _h) in hub.rows().items()]
    keys = [(p_, d) for p_, d, _ in rows]
    if len(keys) != len(set(keys)):
        rep.violations.append("a (point, day) stored twice on the hub")
    on_hub = {(p_, d): r for p_, d, r in rows}
    if on_hub != laptop:
        rep.violations.append(f"hub and laptop differ: {sorted(set(on_hub.items()) ^ set(laptop.items()))[:3]}")


def _has_command(lab: Lab, name: str) -> bool:
    r = lab.cli(name, "--help")
    return r.returncode == 0


def run(
    runs: int = 50,
    scenarios: tuple[str, ...] = SCENARIOS,
    *,
    seed: int = 1,
    max_seconds: float = 900,
    citizens: int = 3000,
    import_rows: int = 5000,
    workdir: Path | None = None,
) -> Report:
    if os.name != "posix":
        raise SystemExit("crash_kill needs POSIX signals")
    t0 = time.perf_counter()
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="ep-crash-")) if own else Path(workdir)
    rep = Report()
    try:
        lab = Lab(work, citizens, seed)
        lab.setup()
        active = []
        for s in scenarios:
            cmd = {"import": "import", "events": "event", "close-day": "close-day", "sync": "sync"}[s]
            if _has_command(lab, cmd):
                active.append(s)
            else:
                rep.skipped[s] = f"`enrollpoint {cmd}` does not exist yet"
        if "close-day" in active or "sync" in active:
            # events on one day so that closing it has something to count
            for idn in lab.event_pool[-5:]:
                lab.cli("event", idn, "attended", "--at", "2026-03-02T09:00", "--point", "P1")
                lab.attempted[idn] = lab.acked[idn] = 1
            del lab.event_pool[-5:]
        hub: HubProcess | None = None
        if "sync" in active:
            try:
                hub = HubProcess(work, commune="22736")
                hub.start()
                r = lab.cli("connect", "--hub", hub.url, "--code", hub.enrol_code(), "--name", "crash-lab")
                if r.returncode != 0:
                    raise RuntimeError(r.stderr.strip()[-300:])
            except Exception as exc:  # no hub: the offline bundle path is still exercised
                if hub is not None:
                    hub.stop()
                hub = None
                rep.skipped["sync (hub)"] = f"hub not available ({exc}); used `sync --bundle`"
        durations: dict[str, float] = {}
        stop = threading.Event()
        sync_no = 0
        try:
            i = 0
            while i < runs and active and not stop.is_set() and time.perf_counter() - t0 <= max_seconds:
                scen = active[i % len(active)]
                try:
                    if scen == "import":
                        run_import(lab, rep, import_rows, durations)
                    elif scen == "events":
                        run_events(lab, rep, durations)
                    elif scen == "close-day":
                        run_close_day(lab, rep, durations, "2026-03-02")
                    elif hub is not None:
                        run_sync_hub(lab, rep, durations, hub, sync_no)
                        sync_no += 1
                    else:
                        run_sync(lab, rep, durations)
                except RuntimeError as exc:  # the scenario cannot run at all: report it, go on without
                    rep.violations.append(f"{scen}: {exc}")
                    active.remove(scen)
                    continue
                i += 1
        finally:
            if hub is not None:
                hub.stop()
    finally:
        rep.seconds = time.perf_counter() - t0
        if own:
            shutil.rmtree(work, ignore_errors=True)
    return rep


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=900)
    ap.add_argument("--citizens", type=int, default=3000, help="base register size")
    ap.add_argument("--import-rows", type=int, default=5000, help="rows per killed import")
    args = ap.parse_args()
    scen = tuple(s.strip() for s in args.scenarios.split(",") if s.strip())
    unknown = set(scen) - set(SCENARIOS)
    if unknown:
        ap.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    rep = run(args.runs, scen, seed=args.seed, max_seconds=args.max_seconds, citizens=args.citizens,
              import_rows=args.import_rows)
    print(rep.summary())
    return 1 if rep.violations else 0


if __name__ == "__main__":
    sys.exit(main())
