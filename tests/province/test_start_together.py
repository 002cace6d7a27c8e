"""Four `serve` processes started at the same instant, on a fresh database and on one a revision behind,
all come up and the schema is migrated exactly once: the migrations run under the database's lock
(PostgreSQL advisory lock, SQLite BEGIN IMMEDIATE), no UniqueViolation / UndefinedTable / "table already
exists" in any log."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine

from province import migrations
from province.db import current_revision, normalise_url
from tests.support.hub_process import REPO, free_port

N = 4


def _start_together(db_url: str, tmp: Path) -> None:
    ports = [free_port() for _ in range(N)]
    logs = [tmp / f"serve-{i}.log" for i in range(N)]
    procs = []
    try:
        for port, log in zip(ports, logs, strict=True):
            with open(log, "wb") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "province.cli", "--db", db_url, "serve", "--port", str(port),
                     "--log-level", "warning", "--no-access-log"], stdout=out, stderr=subprocess.STDOUT, cwd=REPO))
        up: set[int] = set()
        deadline = time.monotonic() + 90
        while len(up) < N and time.monotonic() < deadline:
            for i, port in enumerate(ports):
                if i in up:
                    continue
                assert procs[i].poll() is None, f"serve {i} exited:\n{logs[i].read_text(errors='replace')[-3000:]}"
                try:
                    if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                        up.add(i)
                except requests.RequestException:
                    pass
            time.sleep(0.2)
        assert len(up) == N, f"only {len(up)} of {N} hubs answered in 90 s"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
    for log in logs:
        text = log.read_text(errors="replace")
        assert "Traceback" not in text and "UniqueViolation" not in text and "UndefinedTable" not in text, text
    engine = create_engine(normalise_url(db_url))
    try:
        assert current_revision(engine) == migrations.HEAD
    finally:
        engine.dispose()


def test_four_serve_processes_on_a_fresh_database(hub_url: str, tmp_path: Path) -> None:
    _start_together(hub_url, tmp_path)


def test_four_serve_processes_on_a_database_one_revision_behind(hub_url: str, tmp_path: Path) -> None:
    engine = create_engine(normalise_url(hub_url))
    try:
        migrations.upgrade(engine, migrations.KNOWN_REVISIONS[-2])
        assert current_revision(engine) == migrations.KNOWN_REVISIONS[-2]
    finally:
        engine.dispose()
    _start_together(hub_url, tmp_path)
