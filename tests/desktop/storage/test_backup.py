"""Backups: round trip, daily copy, pruning to 14, and a restore that checks before it touches anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.models import Setting
from desktop.storage import backup, keys, migrations
from desktop.storage import db as dbmod
from desktop.storage.db import open_database


def _put(db, key: str, value: str) -> None:
    with db.session() as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value


def _get(path: Path, key: str) -> str | None:
    db = open_database(path)
    try:
        with db.session() as s:
            row = s.get(Setting, key)
            return row.value if row else None
    finally:
        db.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def live(tmp_path: Path):
    path = tmp_path / "data" / "enrollpoint.db"
    db = open_database(path)
    _put(db, "probe", "before")
    yield db
    db.close()


def test_round_trip(live):
    copy = backup.backup_now(live)
    assert copy.parent == live.path.parent / "backups"
    assert copy.name.startswith("enrollpoint-") and copy.name.endswith("-manual.db")
    _put(live, "probe", "after")
    live.close()
    res = backup.restore(copy, db_path=live.path)
    assert _get(live.path, "probe") == "before"
    assert res.previous_kept_as is not None and res.previous_kept_as.name.startswith("enrollpoint.db.before-restore-")
    assert _get(res.previous_kept_as, "probe") == "after"  # the replaced data is kept aside, not lost
    assert not res.migrated and res.revision_now == migrations.HEAD


def test_backup_to_other_folder(live, tmp_path: Path):
    usb = tmp_path / "usb"
    copy = backup.backup_now(live, to_dir=usb)
    assert copy.parent == usb and copy.stat().st_size > 0


def test_backup_if_due_once_a_day(live):
    first = backup.backup_if_due(live)
    assert first is not None and first.name.endswith("-auto.db")
    assert backup.backup_if_due(live) is None
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert backup.backup_if_due(live, today=tomorrow) is not None


def test_keeps_last_14(live):
    folder = backup.backup_dir(live)
    folder.mkdir(parents=True, exist_ok=True)
    base = dt.datetime(2026, 1, 1, 12, 0, 0)
    for i in range(20):
        f = folder / dbmod.backup_name(live.path, "auto", base + dt.timedelta(days=i))
        f.write_bytes(b"x")
    (folder / "unrelated.txt").write_text("keep me")
    newest = backup.backup_now(live)  # prunes the default folder
    kept = backup.list_backups(folder, "enrollpoint")
    assert len(kept) == 14
    assert kept[0].path == newest
    assert kept[-1].taken_at == base + dt.timedelta(days=19 - 12)
    assert (folder / "unrelated.txt").exists()


def _refused_untouched(live, bad: Path, words: str) -> None:
    live.close()
    before = _digest(live.path)
    files_before = sorted(p.name for p in live.path.parent.iterdir())
    with pytest.raises(backup.RestoreRefused) as e:
        backup.restore(bad, db_path=live.path)
    assert words in e.value.message
    assert _digest(live.path) == before
    assert sorted(p.name for p in live.path.parent.iterdir()) == files_before
    assert _get(live.path, "probe") == "before"


def test_restore_refuses_corrupt_file(live, tmp_path: Path):
    copy = backup.backup_now(live, to_dir=tmp_path / "usb")
    data = bytearray(copy.read_bytes())
    for i in range(4096 + 100, min(len(data), 4096 * 6), 7):
        data[i] ^= 0x5A  # damage pages after the first
    bad = tmp_path / "usb" / "damaged.db"
    bad.write_bytes(bytes(data))
    _refused_untouched(live, bad, "hỏng")


def test_restore_refuses_garbage_and_foreign_db(live, tmp_path: Path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    _refused_untouched(live, junk, "Không mở được")
    other = tmp_path / "other.db"
    import sqlite3

    c = sqlite3.connect(other)
    c.execute("CREATE TABLE notes(x)")
    c.commit()
    c.close()
    _refused_untouched(live, other, "không phải cơ sở dữ liệu EnrollPoint")


def test_restore_refuses_newer_schema(live, tmp_path: Path):
    copy = backup.backup_now(live, to_dir=tmp_path / "usb")
    keys.store_key(copy, keys.load_key(live.path))  # so the test can open the copy to age it
    newer = open_database(copy, migrate=False)
    with newer.session() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    newer.close()
    _refused_untouched(live, copy, "mới hơn")


def test_restore_migrates_an_older_backup(tmp_path: Path):
    path = tmp_path / "data" / "enrollpoint.db"
    old = tmp_path / "old.db"
    db = open_database(old, migrate=False)
    migrations.upgrade(db.engine, migrations.KNOWN_REVISIONS[0])
    db.close()
    live = open_database(path)
    live.close()
    res = backup.restore(old, db_path=path)
    assert res.revision_of_backup == migrations.KNOWN_REVISIONS[0]
    assert res.migrated == (len(migrations.KNOWN_REVISIONS) > 1)
    assert res.revision_now == migrations.HEAD


def test_pre_migration_backup_uses_same_folder_and_naming(tmp_path: Path):
    path = tmp_path / "data" / "enrollpoint.db"
    db = open_database(path, migrate=False)
    migrations.upgrade(db.engine, migrations.KNOWN_REVISIONS[0])
    db.close()
    if len(migrations.KNOWN_REVISIONS) == 1:
        pytest.skip("only one revision")
    open_database(path).close()
    kinds = [b.kind for b in backup.list_backups(path.parent / "backups", "enrollpoint")]
    assert kinds == [f"pre-migration-{migrations.KNOWN_REVISIONS[0]}"]


def test_restore_backup_from_another_laptop_needs_its_recovery_key(tmp_path: Path):
    other = open_database(tmp_path / "laptop2" / "enrollpoint.db")
    _put(other, "probe", "from laptop 2")
    copy = backup.backup_now(other, to_dir=tmp_path / "usb")
    recovery = other.recovery_key
    other.close()
    keys.forget_key(other.path)  # the other laptop's keyring is not here
    path = tmp_path / "data" / "enrollpoint.db"
    live = open_database(path)
    _put(live, "probe", "mine")
    live.close()
    with pytest.raises(backup.RestoreRefused) as e:
        backup.restore(copy, db_path=path)
    assert "khóa khôi phục" in e.value.message
    assert _get(path, "probe") == "mine"
    res = backup.restore(copy, db_path=path, recovery_key=recovery)
    assert _get(path, "probe") == "from laptop 2"
    assert _get(res.previous_kept_as, "probe") == "mine"
