"""Personal data files are the current user's only: 0600 files, 0700 folders (POSIX)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from desktop import paths
from desktop.logs import setup_logging, shutdown_logging
from desktop.models import Setting
from desktop.storage import backup
from desktop.storage.db import open_database

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_data_files_are_private(tmp_path: Path):
    old = os.umask(0o022)  # a typical permissive umask: the app must not rely on it
    try:
        data = paths.data_dir()
        db = open_database(paths.db_path())
        with db.session() as s:  # a write, so -wal and -shm exist
            s.add(Setting(key="k", value="v"))
            s.flush()
            for suffix in ("", "-wal", "-shm"):
                f = Path(str(db.path) + suffix)
                assert f.exists(), suffix
                assert _mode(f) == 0o600, (suffix, oct(_mode(f)))
        copy = backup.backup_now(db)
        usb = backup.backup_now(db, to_dir=tmp_path / "usb")
        db.close()
        log_file = setup_logging(data)
        logging.getLogger("desktop.test").warning("hello")
        shutdown_logging()
        assert _mode(data) == 0o700
        assert _mode(copy.parent) == 0o700 and _mode(copy) == 0o600
        assert _mode(usb) == 0o600
        assert _mode(log_file.parent) == 0o700 and _mode(log_file) == 0o600
        for sub in (paths.backups_dir(), paths.logs_dir(), paths.exports_dir()):
            assert _mode(sub) == 0o700
    finally:
        os.umask(old)


def test_rotated_logs_stay_private(tmp_path: Path):
    old = os.umask(0o022)
    try:
        log_file = setup_logging(tmp_path)
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == str(log_file))
        handler.doRollover()
        logging.getLogger("desktop.test").warning("after rollover")
        shutdown_logging()
        files = sorted(log_file.parent.iterdir())
        assert len(files) >= 2
        assert all(_mode(f) == 0o600 for f in files), [(f.name, oct(_mode(f))) for f in files]
    finally:
        os.umask(old)
