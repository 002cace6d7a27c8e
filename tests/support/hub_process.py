"""One real hub process on 127.0.0.1 for tests and benches: `python -m province.cli serve` with bounded waits.

`HubProcess(tmp)` makes a fresh SQLite hub with commune 22736 (Đặc khu Trường Sa); `HubProcess(tmp,
db_url=…, commune=None)` serves an existing database (PostgreSQL too). It can be stopped and started again on
the same port (a hub restart), and reads back what it stored.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests

REPO = Path(__file__).resolve().parents[2]
COMMUNE = "22736"
_sleep = time.sleep  # a test may replace time.sleep for the code it drives; the hub waits stay real


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hub_cli(db_url: str, *args: str) -> str:
    """`enrollpoint-hub --db URL …` run to completion; its standard output (a failure fails the test)."""
    out = subprocess.run([sys.executable, "-m", "province.cli", "--db", db_url, *args], capture_output=True,
                         text=True, timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    return out.stdout


class HubProcess:
    """`enrollpoint-hub serve` in a subprocess; start/stop with bounded waits."""

    def __init__(self, tmp: Path, *, db_url: str | None = None, commune: str | None = COMMUNE,
                 log: Path | None = None, access_log: bool = False, province: str = "56",
                 env: dict[str, str] | None = None) -> None:
        self.db_file = tmp / "hub.db"
        self.url_db = db_url or f"sqlite:///{self.db_file}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or tmp / "hub.log"
        self.access_log = access_log
        self.proc: subprocess.Popen[bytes] | None = None
        self.commune = commune or COMMUNE
        self.env = env or {}  # e.g. {"ENROLLPOINT_HUB_ROLE": "national"} for the server process
        if commune is not None:
            hub_cli(self.url_db, "init")
            hub_cli(self.url_db, "commune", "add", commune, "Đặc khu Trường Sa", "--province", province)

    def start(self, timeout: float = 40) -> HubProcess:
        logging_args = (["--log-level", "info", "--access-log"] if self.access_log
                        else ["--log-level", "warning", "--no-access-log"])
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "province.cli", "--db", self.url_db, "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), *logging_args],
                stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            _sleep(0.1)
        self.stop()
        raise RuntimeError(f"hub did not start within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> HubProcess:
        return self.start() if self.proc is None else self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def cli(self, *args: str) -> str:
        return hub_cli(self.url_db, *args)

    def enrol_code(self, commune: str | None = None) -> str:
        return str(json.loads(self.cli("--json", "enrol-code", commune or self.commune))["code"])

    def rows(self) -> dict[tuple[str, str], tuple[int, str]]:
        """(point, day) → (revision, content hash) as stored by a SQLite hub; no (point, day) twice."""
        with sqlite3.connect(self.db_file) as c:
            rows = c.execute("SELECT point_code, day, revision, content_hash FROM report_villages "
                             "WHERE commune_code = ?", (self.commune,)).fetchall()
        keys = [(p, str(d)) for p, d, _, _ in rows]
        assert len(keys) == len(set(keys)), "a (point, day) stored twice"
        return {(p, str(d)): (rev, h) for p, d, rev, h in rows}

    def batch_count(self) -> int:
        with sqlite3.connect(self.db_file) as c:
            return int(c.execute("SELECT count(*) FROM batches").fetchone()[0])
