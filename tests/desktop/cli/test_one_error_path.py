"""One error path for the CLI: a full disk, a read-only data folder and a database another program holds
locked each end in one line of words naming the real cause and exit 2, never a traceback, never "enter the
recovery key" for a disk that is only full. Real CLI processes on a real tmpfs (root, as in CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.disks import fill, remount_read_only, tmpfs

EXE = Path(sys.executable).parent / "enrollpoint"


def cli(data: Path, *args: str, plain: bool = False, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"ENROLLPOINT_PLAIN_DB": "1"} if plain else {})}
    return subprocess.run([str(EXE), *args, "--data-dir", str(data)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def one_line_refusal(r: subprocess.CompletedProcess[str]) -> str:
    """Exit 2 and exactly one line on stderr, with no traceback; the line."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in r.stderr and len(lines) == 1, r.stderr
    return lines[0]


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk", "8m") as where:
        yield where


def _commune(data: Path, plain: bool = False) -> None:
    r = cli(data, "init", "--commune-code", "22366", plain=plain)
    assert r.returncode == 0, r.stderr


def test_a_full_data_disk_is_called_full_not_a_wrong_key(disk: Path) -> None:
    data = disk / "data"
    _commune(data)
    fill(disk)
    for args in (("search", "an"), ("close-day", "--date", "2026-12-01"), ("backup",)):
        line = one_line_refusal(cli(data, *args))
        assert "đầy" in line, (args, line)
        assert "khóa khôi phục" not in line and "giải mã" not in line, (args, line)


def test_a_read_only_data_folder_is_said_so(disk: Path) -> None:
    data = disk / "data"
    _commune(data)
    remount_read_only(disk)
    line = one_line_refusal(cli(data, "close-day", "--date", "2026-12-01"))
    assert "chỉ đọc" in line or "thiếu quyền" in line, line
    assert "khóa khôi phục" not in line


def test_a_database_held_by_another_program_is_busy_after_the_timeout(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _commune(data, plain=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\n"
         "print('held', flush=True)\n"
         "time.sleep(60)\n", str(data / "enrollpoint.db")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        line = one_line_refusal(cli(data, "close-day", "--date", "2026-12-01", plain=True, timeout=90))
        assert "đang bận" in line, line
        assert time.monotonic() - t0 < 60  # the busy timeout, not forever
    finally:
        holder.kill()
        holder.wait(10)


def test_a_bug_is_one_line_and_the_log_keeps_the_traceback(tmp_path: Path, monkeypatch, capsys) -> None:
    """Anything not known is a bug: exit 1, one line pointing to the log, the traceback in the log only."""
    from desktop import cli as cli_module
    from desktop.cli import register_cmds

    def broken(*_a: object) -> int:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(register_cmds, "_search", broken, raising=False)
    data = tmp_path / "data"
    code = cli_module.main(["init", "--commune-code", "22366", "--data-dir", str(data)])
    assert code == 0
    parser = cli_module.build_parser()
    args = parser.parse_args(["search", "an", "--data-dir", str(data)])
    monkeypatch.setattr(args, "func", broken)
    monkeypatch.setattr(cli_module, "build_parser", lambda: type("P", (), {"parse_args": lambda self, a: args})())
    capsys.readouterr()
    code = cli_module.main(["search", "an", "--data-dir", str(data)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "ZeroDivisionError" in err and "nhật ký" in err
    log = (data / "logs" / "enrollpoint.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "boom" in log
