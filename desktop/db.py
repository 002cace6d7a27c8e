"""The one engine factory of the commune database: SQLite in WAL mode with foreign keys on.

Every process opens the database through `open_database()`, which also brings the schema up to date
(after a backup copy) and refuses a database written by a newer EnrollPoint. DDL runs inside real
transactions (SQLAlchemy's pysqlite recipe), so a migration that fails half-way rolls back whole.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desktop import migrations, paths

log = logging.getLogger(__name__)


class DatabaseError(RuntimeError):
    """A database problem the officer can act on; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseTooNew(DatabaseError):
    pass


# Hooks that later layers (encryption at rest) use to connect and to key a connection.
ConnectFn = Callable[[str], Any]


def _default_connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, check_same_thread=False, timeout=10.0)


_connect_fn: ConnectFn = _default_connect


def set_connect_function(fn: ConnectFn | None) -> None:
    """Replace how a DB-API connection is made (SQLCipher plugs in here); None restores plain SQLite."""
    global _connect_fn
    _connect_fn = fn or _default_connect


def _configure(dbapi_conn: Any) -> None:
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, so DDL is transactional too
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")  # an acknowledged check-in survives a power cut
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-32000")
    cur.close()


def create_db_engine(path: str | os.PathLike[str]) -> Engine:
    """Engine for one SQLite file. One per process; sessions per job or thread."""
    path = str(path)
    engine = create_engine(
        "sqlite://",
        creator=lambda: _connect_fn(path),
        poolclass=NullPool if path == ":memory:" else None,
        future=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        _configure(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


@dataclass
class Database:
    """An open commune database: its file, engine and session factory."""

    path: Path
    engine: Engine
    sessionmaker: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception."""
        s = self.sessionmaker()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def close(self) -> None:
        self.engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).first()
        if not has:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def backup_to(engine: Engine, target: Path) -> Path:
    """Online copy through SQLite's backup API (consistent even while the app writes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        dst = _connect_fn(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        raw.close()
    if os.name == "posix":
        os.chmod(target, 0o600)
    return target


def open_database(
    path: str | os.PathLike[str] | None = None,
    *,
    migrate: bool = True,
    backup_dir: Path | None = None,
) -> Database:
    """Open (creating if needed) and migrate the commune database.

    Fast path: when the stored revision is the shipped head, Alembic is not even imported.
    """
    db_file = Path(path) if path else paths.db_path()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    existed = db_file.exists() and db_file.stat().st_size > 0
    engine = create_db_engine(db_file)
    try:
        rev = current_revision(engine)
    except sqlite3.DatabaseError as exc:
        engine.dispose()
        raise DatabaseError(f"Không mở được cơ sở dữ liệu {db_file.name}: {exc}") from exc
    if rev is not None and rev not in migrations.KNOWN_REVISIONS:
        engine.dispose()
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu được tạo bởi phiên bản EnrollPoint mới hơn (lược đồ {rev}). "
            "Hãy cài phiên bản mới nhất trước khi mở."
        )
    if migrate and rev != migrations.HEAD:
        if existed and rev is not None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            bdir = backup_dir or (db_file.parent / "backups")
            copy = backup_to(engine, bdir / f"pre-migration-{rev}-{stamp}.db")
            log.info("backup before migration written to %s", copy.name)
        migrations.upgrade(engine)
    if os.name == "posix":
        for suffix in ("", "-wal", "-shm"):
            f = Path(str(db_file) + suffix)
            if f.exists():
                os.chmod(f, 0o600)
    return Database(db_file, engine, sessionmaker(engine, expire_on_commit=False))
