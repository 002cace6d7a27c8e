"""Telling known environment failures (disk full, database locked, read-only, damaged) from bugs.

After qutebrowser's `misc/sql.py`: the storage layer knows the drivers (sqlite3 for plain files,
sqlcipher3 for the encrypted default) and SQLAlchemy's wrappers, so it names the kind of failure; the UI
and the CLI only turn a kind into words. Anything not classified here is a bug.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from enum import StrEnum


class Failure(StrEnum):
    BUSY = "busy"  # another writer holds the database
    DISK_FULL = "disk_full"
    NOT_A_DATABASE = "not_a_database"  # damaged, or not openable with this laptop's key
    READ_ONLY = "read_only"
    NO_PERMISSION = "no_permission"
    CANNOT_OPEN = "cannot_open"
    FILE_MISSING = "file_missing"
    IO_ERROR = "io_error"  # the disk refused a read or write (often full: SQLite's -shm cannot grow)


# SQLite's primary result codes (the same in sqlite3 and sqlcipher3: both report `sqlite_errorcode`).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def driver_errors() -> tuple[type[BaseException], ...]:
    """The error base classes of both drivers and SQLAlchemy's wrapper of them."""
    import sqlcipher3.dbapi2
    from sqlalchemy.exc import DBAPIError  # here: a command that reads without SQLAlchemy starts without it

    return (sqlite3.Error, sqlcipher3.dbapi2.Error, DBAPIError)


def error_chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (SQLAlchemy's `.orig`) and its causes, each once."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack += [getattr(e, "orig", None), e.__cause__, e.__context__]


def _sqlite_code(e: BaseException) -> int | None:
    code = getattr(e, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _classify_one(e: BaseException, drivers: tuple[type[BaseException], ...]) -> Failure | None:
    text = str(e).lower()
    is_driver = isinstance(e, drivers)
    code = _sqlite_code(e) if is_driver else None
    if code in (_BUSY, _LOCKED) or "database is locked" in text or "database is busy" in text:
        return Failure.BUSY
    if isinstance(e, OSError) and e.errno == errno.ENOSPC:
        return Failure.DISK_FULL
    if code == _FULL or (is_driver and "disk is full" in text):
        return Failure.DISK_FULL
    if code in (_NOTADB, _CORRUPT) or (
            is_driver and ("file is not a database" in text or "disk image is malformed" in text)):
        return Failure.NOT_A_DATABASE
    if code == _READONLY or (is_driver and "readonly database" in text):
        return Failure.READ_ONLY
    if isinstance(e, PermissionError):
        return Failure.NO_PERMISSION
    if code == _CANTOPEN or (is_driver and "unable to open database file" in text):
        return Failure.CANNOT_OPEN
    if isinstance(e, FileNotFoundError):
        return Failure.FILE_MISSING
    if code == _IOERR or (is_driver and "disk i/o error" in text) or (isinstance(e, OSError) and e.errno == errno.EIO):
        return Failure.IO_ERROR
    return None


def classify(exc: BaseException) -> tuple[Failure, BaseException] | None:
    """The kind of a known failure and the exception in the chain that showed it, or None for a bug."""
    drivers = driver_errors()
    for e in error_chain(exc):
        kind = _classify_one(e, drivers)
        if kind is not None:
            return kind, e
    return None
