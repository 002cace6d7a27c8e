"""Encryption at rest: SQLCipher files keyed from the OS keyring, recovery key, plain -> encrypted upgrade."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from desktop.models import Citizen, Setting
from desktop.storage import backup, keys
from desktop.storage.db import DatabaseError, open_database

NAME = "Nguyễn Thị Hồng Nhung"
ID = "001190123456"


def _add_citizen(db, name: str = NAME, id_number: str = ID) -> None:
    now = dt.datetime(2026, 3, 1, 9, 0)
    with db.session() as s:
        s.add(
            Citizen(id_number=id_number, full_name=name, name_key="nguyen thi hong nhung", given_key="nhung",
                    sort_given="x", sort_family="x", created_at=now, updated_at=now)
        )


def _leaks(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for f in folder.rglob("*"):
        if f.is_file() and "keyring" not in f.name and "xdg" not in str(f):
            data = f.read_bytes()
            found += [f"{f.name}: {n!r}" for n in needles if n in data]
    return found


def _needles() -> list[bytes]:
    return [NAME.encode(), ID.encode(), b"SQLite format 3"]


def test_new_database_is_encrypted_on_disk(tmp_path: Path):
    db = open_database(tmp_path / "d" / "enrollpoint.db")
    assert db.encrypted and db.recovery_key and len(db.recovery_key.split("-")) == 14
    _add_citizen(db)
    with db.session() as s:  # while open: the -wal holds the new pages, encrypted as well
        assert s.query(Citizen).count() == 1
        assert not _leaks(tmp_path / "d", _needles())
    db.close()
    assert not _leaks(tmp_path / "d", _needles())
    with pytest.raises(sqlite3.DatabaseError):  # plain SQLite cannot read it
        sqlite3.connect(tmp_path / "d" / "enrollpoint.db").execute("SELECT * FROM citizens").fetchall()
    again = open_database(tmp_path / "d" / "enrollpoint.db")
    assert again.recovery_key is None  # shown once only
    with again.session() as s:
        assert s.query(Citizen).one().full_name == NAME
    again.close()


def test_opening_without_key_fails_cleanly_in_vietnamese(tmp_path: Path):
    path = tmp_path / "enrollpoint.db"
    open_database(path).close()
    keys.forget_key(path)
    with pytest.raises(DatabaseError) as e:
        open_database(path)
    assert isinstance(e.value, keys.KeyMissing)
    assert "khóa khôi phục" in e.value.message
    with pytest.raises(DatabaseError) as e2:  # explicit plain opening of an encrypted file: same clean error
        open_database(path, encrypted=False)
    assert "khóa" in e2.value.message


def test_wrong_key_in_keyring_fails_cleanly(tmp_path: Path):
    path = tmp_path / "enrollpoint.db"
    open_database(path).close()
    keys.store_key(path, b"\x01" * 32)
    with pytest.raises(DatabaseError) as e:
        open_database(path)
    assert "Không giải mã được" in e.value.message


def test_recovery_key_unlocks(tmp_path: Path):
    path = tmp_path / "enrollpoint.db"
    db = open_database(path)
    recovery = db.recovery_key
    _add_citizen(db)
    db.close()
    keys.forget_key(path)  # a new laptop / a wiped keyring
    with pytest.raises(keys.BadRecoveryKey):
        keys.unlock_with_recovery(path, recovery[:-1] + ("A" if recovery[-1] != "A" else "B"))  # a typo
    with pytest.raises(keys.BadRecoveryKey):
        keys.unlock_with_recovery(path, keys.recovery_key_for(b"\x02" * 32))  # another database's key
    keys.unlock_with_recovery(path, recovery.lower().replace("-", " "))  # typed loosely
    with open_database(path).session() as s:
        assert s.query(Citizen).one().id_number == ID


def test_plain_database_converted_without_plaintext_left(tmp_path: Path):
    folder = tmp_path / "d"
    path = folder / "enrollpoint.db"
    plain = open_database(path, encrypted=False)
    assert not plain.encrypted
    _add_citizen(plain)
    old_copy = backup.backup_now(plain)  # a plaintext backup from before the upgrade
    plain.close()
    assert path.read_bytes()[:15] == b"SQLite format 3" and old_copy.read_bytes()[:15] == b"SQLite format 3"
    db = open_database(path)  # the upgrade: converts
    assert db.encrypted and db.recovery_key
    with db.session() as s:
        assert s.query(Citizen).one().full_name == NAME
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    db.close()
    assert not _leaks(folder, _needles()), "a plaintext copy was left behind"
    names = sorted(p.name for p in (folder / "backups").iterdir())
    assert any(n.endswith("-pre-encrypt.db") for n in names) and old_copy.name in names
    res = backup.restore(old_copy, db_path=path)  # the converted old backup is still usable
    assert res.citizens == 1


def test_backups_are_encrypted_and_restorable(tmp_path: Path):
    db = open_database(tmp_path / "enrollpoint.db")
    _add_citizen(db)
    copy = backup.backup_now(db)
    db.close()
    assert not _leaks(copy.parent, _needles())
    assert keys.file_state(copy) == "encrypted"
    res = backup.restore(copy, db_path=tmp_path / "enrollpoint.db")
    assert res.citizens == 1


def test_plain_opt_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENROLLPOINT_PLAIN_DB", "1")
    db = open_database(tmp_path / "p.db")
    db.close()
    assert (tmp_path / "p.db").read_bytes()[:15] == b"SQLite format 3"
    assert open_database(tmp_path / "q.db", encrypted=False).encrypted is False


def test_engine_features_under_sqlcipher(db):
    assert db.encrypted
    with db.session() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        s.execute(text("CREATE VIRTUAL TABLE t_fts USING fts5(body, tokenize='trigram')"))
        s.execute(text("INSERT INTO t_fts VALUES ('nguyen thi hong nhung')"))
        assert s.execute(text("SELECT count(*) FROM t_fts WHERE t_fts MATCH 'hong'")).scalar() == 1
        s.add(Setting(key="k", value="v"))
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.session() as s:  # driver errors still wrapped
        s.add(Setting(key="k", value="again"))
        s.flush()


def test_no_keyring_gives_clear_message(tmp_path: Path):
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(keys.KeyStoreUnavailable) as e:
            open_database(tmp_path / "enrollpoint.db", encrypted=True)
        assert "kho khóa" in e.value.message
        # Encryption only by default: the database opens plain and says so (the app and CLI warn).
        db = open_database(tmp_path / "enrollpoint.db")
        assert db.encryption_unavailable and not db.encrypted
        db.close()
    finally:
        keyring.set_keyring(previous)


def test_plaintext_keyring_picked_by_default_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """keyring falls back to keyrings.alt's plaintext file on Linux without Secret Service: that would
    leave the database key in a file beside the data, so it counts only when chosen explicitly."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    plain = PlaintextKeyring()
    assert keys.secure_store_available(plain)  # chosen explicitly by the test suite's environment
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    assert not keys.secure_store_available(plain)
    previous = keyring.get_keyring()
    keyring.set_keyring(plain)
    try:
        db = open_database(tmp_path / "enrollpoint.db")
        assert db.encryption_unavailable and not db.encrypted
        db.close()
    finally:
        keyring.set_keyring(previous)


def test_recovery_key_round_trip():
    key = bytes(range(32))
    rk = keys.recovery_key_for(key)
    assert len(rk.replace("-", "")) == 56
    assert keys.parse_recovery_key(rk) == key
    assert keys.parse_recovery_key(rk.replace("O", "0").replace("I", "1").lower()) == key
