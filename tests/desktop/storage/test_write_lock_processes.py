"""Two programs writing one database: real OS processes on one SQLite/SQLCipher file.

The GUI, `sync --watch`, `peer serve` and a CLI command may write the same file at once. A write
transaction that opened with a deferred BEGIN, read, and then wrote failed at once with "database is
locked" whenever another process had committed since its read began (SQLite cannot wait there: its
snapshot is stale). Write transactions now take the write lock when they begin (BEGIN IMMEDIATE) and
wait their turn within the busy timeout; reads stay deferred, so a long read never blocks a write.

The workers are this file run as a script (`python test_write_lock_processes.py events|read …`): each
drives the real CLI entry point (`enrollpoint event …`) or the read paths the GUI and `search` use.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve()
ROOT = HERE.parents[3]
PROCESSES = 4
EVENTS_EACH = 50
DEADLINE_S = 240  # the whole 4-process run; each worker also bounds itself


def _id(n: int) -> str:
    return f"0561900{n:05d}"


def _wait_for(path: Path, seconds: float) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {path.name}")
        time.sleep(0.01)


# --------------------------------------------------------------------------------------------- workers
def _worker_events(data_dir: str, go: str, ids: str) -> None:
    """Record 'scheduled' for each ID through the CLI entry point, one command per event, as an officer
    (or a script) would; print {"ok": n, "failed": [...]} as the last line."""
    from desktop.cli import main

    _wait_for(Path(go), 60)
    ok, failed = 0, []
    for id_number in ids.split(","):
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = main(["event", id_number, "scheduled", "--data-dir", data_dir, "--json"])
        except Exception as exc:  # what the old code did: a traceback out of the command
            failed.append(f"{id_number}: {type(exc).__name__}: {exc}")
            continue
        if rc == 0:
            ok += 1
        else:
            failed.append(f"{id_number}: exit {rc}: {out.getvalue().strip()} {err.getvalue().strip()}")
    print(json.dumps({"ok": ok, "failed": failed}))


def _worker_read(data_dir: str, reading: str, done: str) -> None:
    """Hold read transactions open (the GUI's read session and the CLI's DB-API reader) until told to stop;
    print the event counts each saw at the start and at the end of its transaction."""
    from sqlalchemy import text

    from desktop import paths
    from desktop.storage.db import open_database

    paths.set_data_dir(data_dir)
    db = open_database(paths.db_path())
    try:
        with db.read_session() as s, db.reader() as conn:
            first_s = s.execute(text("SELECT count(*) FROM status_events")).scalar_one()
            first_r = conn.execute("SELECT count(*) FROM status_events").fetchone()[0]
            Path(reading).touch()
            _wait_for(Path(done), 60)
            last_s = s.execute(text("SELECT count(*) FROM status_events")).scalar_one()
            last_r = conn.execute("SELECT count(*) FROM status_events").fetchone()[0]
    finally:
        db.close()
    print(json.dumps({"session": [first_s, last_s], "reader": [first_r, last_r]}))


# ----------------------------------------------------------------------------------------------- tests
def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(HERE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env(), cwd=str(ROOT))


def _register(data_dir: Path, n: int) -> None:
    """A real (encrypted, migrated) commune database with `n` citizens, nothing recorded yet."""
    sys.path.insert(0, str(ROOT))
    from desktop import paths
    from desktop.storage.db import open_database
    from tests.support.register import add_citizen

    paths.set_data_dir(str(data_dir))
    db = open_database(paths.db_path())
    try:
        with db.session() as s:
            for i in range(n):
                add_citizen(s, f"Nguyễn Văn Thử {i}", id_number=_id(i))
    finally:
        db.close()


def _events_in(data_dir: Path) -> int:
    from desktop.storage.connect import open_connection
    from desktop.storage.keys import load_key

    path = data_dir / "enrollpoint.db"
    conn = open_connection(path, load_key(path))
    try:
        return int(conn.execute("SELECT count(*) FROM status_events").fetchone()[0])
    finally:
        conn.close()


def _finish(p: subprocess.Popen[str], deadline: float) -> tuple[str, str]:
    try:
        return p.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        pytest.fail(f"worker still running after the time limit:\n{out}\n{err[-2000:]}")


def test_four_processes_record_200_events_at_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _register(data, PROCESSES * EVENTS_EACH)
    go = tmp_path / "go"
    workers = []
    for w in range(PROCESSES):
        ids = ",".join(_id(w * EVENTS_EACH + i) for i in range(EVENTS_EACH))
        workers.append(_spawn("events", str(data), str(go), ids))
    time.sleep(1.0)  # let the interpreters start, so the four really write at the same time
    go.touch()
    deadline = time.monotonic() + DEADLINE_S
    results = []
    for p in workers:
        out, err = _finish(p, deadline)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    failed = [f for r in results for f in r["failed"]]
    assert failed == [], f"{len(failed)} of {PROCESSES * EVENTS_EACH} failed, e.g. {failed[:3]}"
    assert sum(r["ok"] for r in results) == PROCESSES * EVENTS_EACH
    assert _events_in(data) == PROCESSES * EVENTS_EACH  # exactly 200: none lost, none doubled


def test_a_long_read_in_one_process_does_not_block_a_write_in_another(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _register(data, 2)
    reading, done = tmp_path / "reading", tmp_path / "done"
    reader = _spawn("read", str(data), str(reading), str(done))
    try:
        end = time.monotonic() + 60
        while not reading.exists():
            assert reader.poll() is None, reader.communicate()[1][-3000:]
            assert time.monotonic() < end, "the reader never started its read"
            time.sleep(0.02)
        t0 = time.monotonic()
        cli = subprocess.run([str(Path(sys.executable).parent / "enrollpoint"), "event", _id(0), "scheduled", "--data-dir",
                              str(data)], capture_output=True, text=True, env=_env(), cwd=str(ROOT), timeout=60)
        took = time.monotonic() - t0
        assert cli.returncode == 0, cli.stderr
        assert reader.poll() is None  # the read transactions are still open
        assert took < 8, f"the write waited {took:.1f} s behind a read"  # busy timeout is 10 s
        assert _events_in(data) == 1
    finally:
        done.touch()
    out, err = _finish(reader, time.monotonic() + 60)
    assert reader.returncode == 0, err[-3000:]
    seen = json.loads(out.strip().splitlines()[-1])
    # A real snapshot: the read saw the database as it was when its transaction began, before the write.
    assert seen == {"session": [0, 0], "reader": [0, 0]}


def test_a_read_session_refuses_to_write(tmp_path: Path) -> None:
    """A write slipped into a read session would be a deferred write again: it fails loudly instead."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from desktop.storage.db import open_database

    db = open_database(tmp_path / "x.db")
    try:
        with pytest.raises(OperationalError, match="readonly"), db.read_session() as s:
            s.execute(text("INSERT INTO settings(key, value) VALUES ('probe', 'x')"))
        with db.session() as s:  # the pooled connection is writable again afterwards
            s.execute(text("INSERT INTO settings(key, value) VALUES ('probe', 'y')"))
        with db.read_session() as s:
            assert s.execute(text("SELECT value FROM settings WHERE key='probe'")).scalar_one() == "y"
    finally:
        db.close()


def test_a_read_that_writes_on_first_use_is_run_again_as_a_write(tmp_path: Path) -> None:
    """The GUI's reads (`Database.read_call`): the peers panel asks for this laptop's device id, which is
    made on first use; that one write is redone in a write session instead of failing as read-only."""
    from desktop.services.peer.ids import device_id
    from desktop.storage.db import open_database

    db = open_database(tmp_path / "x.db")
    try:
        first = db.read_call(device_id)
        assert len(first) == 32
        assert db.read_call(device_id) == first  # stored by the write session, read without writing now
    finally:
        db.close()


if __name__ == "__main__":
    role, *rest = sys.argv[1:]
    {"events": _worker_events, "read": _worker_read}[role](*rest)
