"""A backup that can be trusted: on a really full disk, through the real CLI.

A copy that failed half-way used to stay under its final name (0 bytes in `backups/`, a partial file and a
`-journal` on a USB stick); `backup --if-due` then said "Hôm nay đã có bản sao lưu." and made none, and
`restore` of such a file named the app's staging copy instead of the officer's file. Now a copy is written
under a temporary name, verified and renamed; a failed one leaves nothing and is reported with words.

The full disk is a 512 KiB tmpfs mounted by the test (root only, as in CI); it is always unmounted.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.storage import backup, keys, safe_copy
from desktop.storage.db import backup_name, open_database

EXE = Path(sys.executable).parent / "enrollpoint"
CITIZENS = 3000  # an encrypted register of a few MB: far more than the 512 KiB "stick"


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=timeout, env=dict(os.environ))


def _one_line_of_words(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    return lines[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A commune register made by the real CLI (`enrollpoint demo`), encrypted with the test's keyring."""
    d = Path(os.environ["ENROLLPOINT_DATA_DIR"])
    made = cli("demo", "--citizens", str(CITIZENS), "--seed", "3", timeout=300)
    assert made.returncode == 0, made.stderr
    assert keys.file_state(d / "enrollpoint.db") == "encrypted"
    return d


def _mount_full_disk(where: Path) -> Iterator[Path]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("a real full disk needs a tmpfs mount: run as root (CI does)")
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(where)],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({r.stderr.strip() or r.returncode})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


@pytest.fixture
def full_stick(tmp_path: Path) -> Iterator[Path]:
    yield from _mount_full_disk(tmp_path / f"stick-{uuid.uuid4().hex[:6]}")


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_backup_to_a_full_stick_leaves_nothing_and_says_so(data_dir: Path, full_stick: Path) -> None:
    line = _one_line_of_words(cli("backup", "--to", str(full_stick)))
    assert "Không đủ chỗ trống" in line and str(full_stick) in line and "MB" in line
    assert _listing(full_stick) == []  # no file under the final name, no partial file, no -journal
    # The daily copy into the laptop's own folder (room enough) is still made: the failure counted for nothing.
    ok = cli("backup", "--if-due", "--json")
    assert ok.returncode == 0, ok.stderr
    made = backup.list_backups(data_dir / "backups", "enrollpoint")
    assert [b.kind for b in made] == ["auto"]
    assert backup.is_usable_copy(made[0].path, keys.load_key(data_dir / "enrollpoint.db"))


def test_daily_backup_on_a_full_disk_is_not_counted_as_done(data_dir: Path, tmp_path: Path) -> None:
    folder = data_dir / "backups"
    gen = _mount_full_disk(folder)
    next(gen)
    try:
        line = _one_line_of_words(cli("backup", "--if-due"))
        assert "Không đủ chỗ trống" in line and str(folder) in line
        assert _listing(folder) == []
        # Closing a day still closes it; the copy that could not be made is a warning, not a traceback.
        closed = cli("close-day", "--date", dt.date.today().isoformat())
        assert closed.returncode == 0, closed.stderr
        assert "Không đủ chỗ trống" in closed.stderr and "Traceback" not in closed.stderr
        assert _listing(folder) == []
    finally:
        gen.close()  # unmounted: the disk has room again
    ok = cli("backup", "--if-due")
    assert ok.returncode == 0 and "Đã sao lưu" in ok.stdout, ok.stdout + ok.stderr
    assert "Hôm nay đã có bản sao lưu." in cli("backup", "--if-due").stdout


def test_leftovers_of_older_versions_do_not_count_as_todays_backup(tmp_path: Path) -> None:
    db = open_database(tmp_path / "data" / "enrollpoint.db")
    try:
        folder = backup.backup_dir(db)
        folder.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now()
        (folder / backup_name(db.path, "auto", now - dt.timedelta(seconds=2))).write_bytes(b"")  # 0 bytes
        good = backup.backup_now(db, to_dir=tmp_path / "usb")
        partial = folder / backup_name(db.path, "manual", now - dt.timedelta(seconds=1))
        partial.write_bytes(good.read_bytes()[: 4096 * 3])  # a copy cut short by a full disk
        made = backup.backup_if_due(db)
        assert made is not None and backup.is_usable_copy(made, db.key)
        assert backup.backup_if_due(db) is None  # and now today has a verified copy
    finally:
        db.close()


def test_a_copy_that_differs_from_the_source_is_refused(tmp_path: Path) -> None:
    """The verification compares row counts read in the very snapshot that was copied."""
    db = open_database(tmp_path / "data" / "enrollpoint.db")
    try:
        copy = backup.backup_now(db, to_dir=tmp_path / "usb")
        with db.engine.connect() as c:
            expected = safe_copy.row_counts(c.connection.driver_connection)
        safe_copy.verify_copy(copy, db.key, expected)
        conn = safe_copy.connect_keyed(str(copy), db.key) if db.key else safe_copy.connect_plain(str(copy))
        conn.execute("DELETE FROM alembic_version")
        conn.commit()
        conn.close()
        with pytest.raises(safe_copy.BackupFailed, match="alembic_version"):
            safe_copy.verify_copy(copy, db.key, expected)
    finally:
        db.close()


@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage"])
def test_restore_of_a_damaged_file_names_the_officers_file(data_dir: Path, tmp_path: Path, damage: str) -> None:
    """"empty": the 0-byte file an older version left in backups/ (it named `enrollpoint.db.restoring-…`)."""
    good = cli("backup", "--to", str(tmp_path / "usb"), "--json")
    assert good.returncode == 0, good.stderr
    copy = next((tmp_path / "usb").glob("*.db"))
    whole = copy.read_bytes()
    bad = tmp_path / "usb" / f"ban-sao-{damage}.db"
    bad.write_bytes({"empty": b"", "truncated": whole[: len(whole) // 2], "garbage": os.urandom(64 * 1024)}[damage])
    before = _listing(data_dir)
    line = _one_line_of_words(cli("restore", str(bad)))
    assert bad.name in line and "restoring" not in line
    assert _listing(data_dir) == before  # nothing swapped, no staging copy left behind


def test_a_copy_cut_off_by_a_power_cut_is_cleared_by_the_next_one(tmp_path: Path) -> None:
    """A temporary copy of a run that never finished (power cut, stick pulled) is removed after an hour;
    it was never under a backup's name, so it never counted."""
    db = open_database(tmp_path / "data" / "enrollpoint.db")
    usb = tmp_path / "usb"
    usb.mkdir()
    stale = usb / f".{backup_name(db.path, 'manual', dt.datetime(2026, 1, 1))}{safe_copy.PARTIAL}1"  # another pid
    stale.write_bytes(b"\0" * 4096)
    journal = Path(str(stale) + "-journal")
    journal.write_bytes(b"\0" * 512)
    old = dt.datetime.now().timestamp() - 2 * safe_copy.STALE_PARTIAL_S
    for f in (stale, journal):
        os.utime(f, (old, old))
    mine = usb / ".notes.txt"
    mine.write_text("not ours")
    try:
        assert backup.list_backups(usb) == []
        made = backup.backup_now(db, to_dir=usb)
    finally:
        db.close()
    assert _listing(usb) == sorted([".notes.txt", made.name])
