"""How a connection to the commune database is made: plain SQLite or SQLCipher keyed with a raw key.

The lowest layer of storage: `keys` (the OS keyring) and `db` (open, migrate, back up) build on it, so
neither needs the other to connect. Pragmas: WAL, foreign keys, synchronous=FULL, transactional DDL.

Transactions: the driver is in autocommit mode and we emit BEGIN ourselves. Every transaction of the
engine takes the write lock when it begins (BEGIN IMMEDIATE): the GUI, `sync --watch`, `peer serve` and a
CLI command may write one file at once, and a deferred transaction that read and then wrote failed at
once with "database is locked" when another process had committed meanwhile (its snapshot was stale; the
busy timeout cannot help there). BEGIN IMMEDIATE waits its turn within the busy timeout instead. Reads
that ask for it (`READ_ONLY`, `Database.read_session()`) begin deferred and are query-only: in WAL mode
they never block a writer nor wait for one.

SQLAlchemy is imported only where an engine is made: a short command that reads through `open_connection`
(`enrollpoint search`, `status`) starts without it (about 0.2 s of a 0.3 s command).
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.errors import DatabaseError
from desktop.storage.failures import Failure, classify

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

# Hooks that later layers (encryption at rest) use to connect and to key a connection.
ConnectFn = Callable[[str], Any]


def _default_connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, check_same_thread=False, timeout=10.0)


_connect_fn: ConnectFn = _default_connect
_engine_keys: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()
PLAIN_ENV = "ENROLLPOINT_PLAIN_DB"
# Execution option of an engine or connection whose transactions only read: `engine.execution_options(**READ_ONLY)`.
READ_ONLY_OPTION = "enrollpoint_read_only"
READ_ONLY = {READ_ONLY_OPTION: True}


_cipher_quiet = False


def _quiet_sqlcipher(sqlcipher3: Any) -> None:
    """SQLCipher logs a wrong key to stderr as 'ERROR CORE hmac check failed'; we raise a clear error instead."""
    global _cipher_quiet
    if not _cipher_quiet:
        c = sqlcipher3.connect(":memory:")
        try:
            c.execute("PRAGMA cipher_log_level = NONE")
        except Exception:  # an older SQLCipher without the pragma: only noisier
            pass
        finally:
            c.close()
        _cipher_quiet = True


def connect_keyed(path: str, key: bytes) -> Any:
    """A SQLCipher connection keyed with a raw key (no passphrase derivation), checked on the spot."""
    import sqlcipher3

    _quiet_sqlcipher(sqlcipher3)
    conn = sqlcipher3.connect(path, check_same_thread=False, timeout=10.0)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if (known := classify(exc)) is not None and known[0] is not Failure.NOT_A_DATABASE:
            raise  # a busy, full or failing disk has its own words: never "wrong key" for it
        raise DatabaseError(
            f"Không giải mã được cơ sở dữ liệu {Path(path).name}: khóa không đúng hoặc tệp hỏng. "
            "Nếu đây là máy mới, hãy nhập khóa khôi phục (enrollpoint recovery-key --unlock).",
            en=f"The database {Path(path).name} cannot be decrypted: wrong key or damaged file. On a new "
               "computer, enter the recovery key (enrollpoint recovery-key --unlock).",
        ) from exc
    return conn


def driver_connection(session: Session) -> Any:
    """The DB-API connection (sqlite3 or sqlcipher3) under `session`, inside the session's transaction.

    Why raw access: the hot read paths (search tiers, due lists, auto-assign, indicator counts) run
    hand-written SQL over 200,000 rows and want plain tuples, without Core/ORM work per row. It is the
    connection the session already uses, so the query sees the session's own uncommitted writes and
    takes no second lock. Never commit or close it: the session owns it.
    """
    return session.connection().connection.driver_connection


def encryption_wanted(encrypted: bool | None = None) -> bool:
    """Explicit choice first; otherwise encrypted unless ENROLLPOINT_PLAIN_DB=1."""
    if encrypted is not None:
        return encrypted
    return os.environ.get(PLAIN_ENV, "") not in ("1", "true", "yes")


def engine_key(engine: Engine) -> bytes | None:
    """The SQLCipher key of an engine made here (None for a plain database)."""
    return _engine_keys.get(engine)


def create_private_file(p: Path) -> None:
    """Create an empty 0600 file before SQLite does, so its -wal/-shm/journal inherit the mode."""
    if os.name == "posix" and not p.exists():
        os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))


def connect_plain(path: str) -> Any:
    """A plain connection made the way the engine makes them (the hook below may replace it)."""
    return _connect_fn(path)


def set_connect_function(fn: ConnectFn | None) -> None:
    """Replace how a DB-API connection is made (SQLCipher plugs in here); None restores plain SQLite."""
    global _connect_fn
    _connect_fn = fn or _default_connect


def open_connection(path: str | os.PathLike[str], key: bytes | None = None) -> Any:
    """A DB-API connection made and configured exactly as the engine's (SQLCipher when `key` is given),
    without SQLAlchemy. In autocommit mode: the caller emits BEGIN, and closes it."""
    conn = connect_keyed(str(path), key) if key is not None else _connect_fn(str(path))
    try:
        _configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


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


def create_db_engine(path: str | os.PathLike[str], key: bytes | None = None) -> Engine:
    """Engine for one SQLite file (SQLCipher when `key` is given). One per process; sessions per job."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool, QueuePool

    path = str(path)
    extra: dict[str, Any] = {}
    if key is not None:
        import sqlcipher3.dbapi2

        extra["module"] = sqlcipher3.dbapi2  # so SQLAlchemy wraps its errors (IntegrityError, ...)
        creator: Callable[[], Any] = lambda: connect_keyed(path, key)  # noqa: E731
    else:
        creator = lambda: _connect_fn(path)  # noqa: E731
    # The URL is "sqlite://" (the file comes from `creator`), for which SQLAlchemy would pick its
    # in-memory pool, SingletonThreadPool: one connection per thread, and once 5 threads have used the
    # engine it closes connections of *other* threads, possibly in the middle of a query there
    # (a segfault in the driver). A file database wants the ordinary QueuePool.
    engine = create_engine(
        "sqlite://",
        creator=creator,
        poolclass=NullPool if path == ":memory:" else QueuePool,
        future=True,
        **extra,
    )
    if key is not None:
        _engine_keys[engine] = key

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        _configure(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            # A deferred read: takes no lock a writer waits for. Query-only, so a write slipped in here
            # fails loudly rather than becoming a deferred write transaction again.
            conn.exec_driver_sql("PRAGMA query_only = ON")
            conn.connection.info[READ_ONLY_OPTION] = True
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        # The next user of this pooled connection (a write session, the importer's raw connection) writes.
        if record.info.pop(READ_ONLY_OPTION, False) and dbapi_conn is not None:
            dbapi_conn.execute("PRAGMA query_only = OFF")

    return engine
