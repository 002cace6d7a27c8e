"""Known failures become clear Vietnamese messages, with both drivers (sqlite3 and SQLCipher) and through
SQLAlchemy's wrappers; the errors are real ones, made by the drivers on real files."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy.exc
import sqlcipher3.dbapi2

from desktop.storage import keys
from desktop.storage.db import DatabaseError
from desktop.ui.dialogs.error import BugDialog
from desktop.ui.support.errors import user_message

DRIVERS = pytest.mark.parametrize("driver", [sqlite3, sqlcipher3.dbapi2], ids=["sqlite3", "sqlcipher3"])


def _raised(fn) -> BaseException:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - returned to the test
        return exc
    raise AssertionError("no error raised")


def _wrapped(orig: BaseException) -> sqlalchemy.exc.DBAPIError:
    """What SQLAlchemy raises around a driver error (its `.orig`), chained as it does."""
    cls = sqlalchemy.exc.OperationalError if "Operational" in type(orig).__name__ else sqlalchemy.exc.DatabaseError
    try:
        raise cls("INSERT INTO t VALUES (?)", (1,), orig) from orig
    except sqlalchemy.exc.DBAPIError as exc:
        return exc


def _table(driver, path: Path):
    con = driver.connect(str(path), timeout=0)
    con.execute("CREATE TABLE IF NOT EXISTS t (x)")
    con.commit()
    return con


@DRIVERS
def test_database_locked(driver, tmp_path):
    path = tmp_path / "locked.db"
    holder = _table(driver, path)
    holder.execute("BEGIN IMMEDIATE")
    other = driver.connect(str(path), timeout=0)
    exc = _raised(lambda: other.execute("BEGIN IMMEDIATE"))
    holder.rollback()
    other.close()
    holder.close()
    assert isinstance(exc, driver.OperationalError) and "locked" in str(exc)
    for e in (exc, _wrapped(exc), driver.OperationalError("database is locked")):
        assert "đang bận" in user_message(e)


@DRIVERS
def test_disk_full(driver, tmp_path):
    con = _table(driver, tmp_path / "full.db")
    con.execute("PRAGMA max_page_count = 3")  # SQLITE_FULL, as on a full disk
    exc = _raised(lambda: con.execute("INSERT INTO t VALUES (?)", (b"x" * 100_000,)))
    con.close()
    assert "full" in str(exc)
    for e in (exc, _wrapped(exc), driver.OperationalError("database or disk is full")):
        assert "Ổ đĩa đã đầy" in user_message(e)


def test_no_space_left_on_device():
    exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "C:/EnrollPoint/exports/bao-cao.xlsx")
    assert "Ổ đĩa đã đầy" in user_message(exc)


@DRIVERS
def test_file_is_not_a_database(driver, tmp_path):
    path = tmp_path / "noise.db"
    path.write_bytes(os.urandom(8192))
    exc = _raised(lambda: driver.connect(str(path)).execute("SELECT * FROM sqlite_master").fetchall())
    assert "file is not a database" in str(exc)
    for e in (exc, _wrapped(exc), driver.DatabaseError("file is not a database")):
        assert "Không đọc được cơ sở dữ liệu" in user_message(e)


def test_encrypted_file_with_the_wrong_key(tmp_path):
    from desktop.storage.db import connect_keyed

    path = tmp_path / "enc.db"
    good = connect_keyed(str(path), b"\x01" * 32)
    good.execute("CREATE TABLE t (x)")
    good.commit()
    good.close()
    ours = _raised(lambda: connect_keyed(str(path), b"\x02" * 32))
    assert isinstance(ours, DatabaseError) and user_message(_wrapped_in(ours)) == ours.message

    def raw_wrong_key() -> None:  # the driver's own error, as a query on a wrongly keyed connection gives
        con = sqlcipher3.dbapi2.connect(str(path))
        con.execute(f"PRAGMA key = \"x'{'02' * 32}'\"")
        con.execute("SELECT * FROM t").fetchall()

    exc = _raised(raw_wrong_key)
    assert isinstance(exc, sqlcipher3.dbapi2.DatabaseError)
    assert "khóa mã hoá" in user_message(_wrapped(exc))


def _wrapped_in(exc: BaseException) -> BaseException:
    try:
        raise RuntimeError("open failed") from exc
    except RuntimeError as outer:
        return outer


def test_key_errors_keep_their_own_vietnamese_message():
    for exc in (keys.KeyMissing("Máy này không có khóa của cơ sở dữ liệu."), DatabaseError("Tệp hỏng.")):
        assert user_message(exc) == exc.message


@DRIVERS
def test_read_only_database(driver, tmp_path):
    path = tmp_path / "ro.db"
    _table(driver, path).close()
    con = driver.connect(f"file:{path}?mode=ro", uri=True)
    exc = _raised(lambda: con.execute("INSERT INTO t VALUES (1)"))
    con.close()
    assert "readonly" in str(exc)
    assert "Không có quyền ghi" in user_message(_wrapped(exc))


def test_permission_error():
    exc = PermissionError(errno.EACCES, "Permission denied", "/media/usb/giay-hen.pdf")
    assert "Không có quyền truy cập tệp: /media/usb/giay-hen.pdf" in user_message(exc)
    assert "Không có quyền truy cập" in user_message(PermissionError("no"))
    try:  # raised while handling another error: found through the chain
        try:
            raise exc
        except PermissionError as inner:
            raise RuntimeError("export failed") from inner
    except RuntimeError as outer:
        assert "giay-hen.pdf" in user_message(outer)


def test_a_bug_is_not_a_known_error(qtbot):
    exc = _raised(lambda: {}["missing"])
    assert user_message(exc) is None
    assert user_message(sqlcipher3.dbapi2.OperationalError("no such column: x")) is None
    dlg = BugDialog(exc, "Traceback: KeyError 'missing'")
    qtbot.addWidget(dlg)
    assert "KeyError" in dlg.text.toPlainText()


def test_the_bug_dialog_offers_only_a_redacted_traceback(qtbot):
    """What the officer is asked to copy and send holds no name, phone, ID number or address."""
    try:
        raise RuntimeError("không xếp được Nguyễn Thị Thuý, 0987654321, 056190012345, 12 Lê Lợi")
    except RuntimeError as exc:
        dlg = BugDialog(exc, "")
    qtbot.addWidget(dlg)
    text = dlg.text.toPlainText()
    assert "RuntimeError" in text and "test_errors.py" in text
    for secret in ("Thuý", "0987654321", "056190012345", "Lê Lợi"):
        assert secret not in text
