"""Sending while the app is closed: `enrollpoint autostart on` writes an XDG autostart entry whose command
really starts `sync --watch` on this data folder; and never two senders for one database (the second watch
is refused with one line and exit 2 while the first runs, and may start once the first has ended)."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import paths
from desktop.cli import main
from desktop.errors import ServiceError
from desktop.services.province_link import sender_lock
from tests.support.hub_process import REPO


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_autostart_entry_starts_the_watch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(tmp_path / "laptop")
    code, out, err = _run(capsys, "autostart", "on", "--data-dir", d)
    assert code == 0, err
    entry = tmp_path / "xdg-config" / "autostart" / "enrollpoint-sync.desktop"  # XDG_CONFIG_HOME of this test
    assert str(entry) in out and entry.exists()
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(entry, encoding="utf-8")
    assert ini["Desktop Entry"]["Type"] == "Application" and ini["Desktop Entry"]["Terminal"] == "false"
    command = shlex.split(ini["Desktop Entry"]["Exec"])
    assert command[-4:] == ["sync", "--watch", "--data-dir", d]
    started = subprocess.run([*command, "--max-runs", "1"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert started.returncode == 0, started.stderr  # what the login session runs does run
    assert _run(capsys, "autostart", "status", "--data-dir", d)[1].startswith("Tự gửi khi đăng nhập: đang bật")
    code, out, _ = _run(capsys, "autostart", "off", "--data-dir", d)
    assert code == 0 and not entry.exists() and "Đã tắt" in out


def test_never_two_senders_for_one_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "laptop"
    assert _run(capsys, "sync-status", "--data-dir", str(d))[0] == 0  # the database exists
    first = subprocess.Popen([sys.executable, "-m", "desktop", "sync", "--watch", "--data-dir", str(d),
                              "--interval", "60", "--max-runs", "2"], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = sender_lock.lock_path(d / paths.DB_FILENAME)
        deadline = time.monotonic() + 60
        while not lock.exists() and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.1)  # the watch creates the file and locks it in one step
        time.sleep(0.2)
        held = False
        try:
            with sender_lock.one_sender(d / paths.DB_FILENAME):
                pass
        except ServiceError:
            held = True
        assert held, "the first watch never took the sender lock"
        code, out, err = _run(capsys, "sync", "--watch", "--data-dir", str(d), "--max-runs", "1")
        assert code == 2 and err.strip().endswith(sender_lock.MSG_BUSY) and len(err.strip().splitlines()) == 1
    finally:
        first.terminate()
        first.wait(30)
    code, _, err = _run(capsys, "sync", "--watch", "--data-dir", str(d), "--max-runs", "1")
    assert code == 0, err  # the first has ended: its lock went with it
