"""The one engine factory of the commune database: SQLite in WAL mode with foreign keys on.

Every process opens the database through `open_database()`, which also brings the schema up to date
(after a backup copy) and refuses a database written by a newer EnrollPoint. DDL runs inside real
transactions (SQLAlchemy's pysqlite recipe), so a migration that fails half-way rolls back whole.

Encryption at rest: new databases are SQLCipher files (through `sqlcipher3`) keyed with a raw 256-bit
key from the OS keyring (`desktop.services.keys`); an existing plain file is converted on open. Opt out
with `open_database(path, encrypted=False)` or `ENROLLPOINT_PLAIN_DB=1` (tests, benchmarks that need a
plain file). An already encrypted file is always opened with its key.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError as SADBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

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
_engine_keys: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()
PLAIN_ENV = "ENROLLPOINT_PLAIN_DB"


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
        raise DatabaseError(
            f"Không giải mã được cơ sở dữ liệu {Path(path).name}: khóa không đúng hoặc tệp hỏng. "
            "Nếu đây là máy mới, hãy nhập khóa khôi phục (enrollpoint recovery-key --unlock)."
        ) from exc
    return conn


def _driver_errors() -> tuple[type[BaseException], ...]:
    import sqlcipher3.dbapi2

    return (sqlite3.DatabaseError, sqlcipher3.dbapi2.DatabaseError, SADBAPIError)


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


def default_backup_dir(db_file: Path) -> Path:
    return Path(db_file).parent / "backups"


def backup_name(db_file: Path, kind: str, when: dt.datetime | None = None) -> str:
    """`<db stem>-YYYYmmdd-HHMMSS-<kind>.db`: sorts by time, one naming for every kind of backup."""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{Path(db_file).stem}-{stamp}-{kind}.db"


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


def create_db_engine(path: str | os.PathLike[str], key: bytes | None = None) -> Engine:
    """Engine for one SQLite file (SQLCipher when `key` is given). One per process; sessions per job."""
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
        conn.exec_driver_sql("BEGIN")

    return engine


@dataclass
class Database:
    """An open commune database: its file, engine and session factory."""

    path: Path
    engine: Engine
    sessionmaker: sessionmaker[Session]
    encrypted: bool = False
    # Set when this open created the database (or its key): show it once to the supervisor, never store it.
    recovery_key: str | None = field(default=None, repr=False)
    # Encryption was wanted but this computer has no secure OS keyring: the app warns on every start.
    encryption_unavailable: bool = False

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
    if not target.parent.exists():
        target.parent.mkdir(parents=True)
        if os.name == "posix":
            os.chmod(target.parent, 0o700)  # a folder we create for copies is private
    key = engine_key(engine)
    target.unlink(missing_ok=True)
    create_private_file(target)
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        dst = connect_keyed(str(target), key) if key is not None else _connect_fn(str(target))
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
    encrypted: bool | None = None,
) -> Database:
    """Open (creating if needed) and migrate the commune database.

    `encrypted`: None = the default policy (encrypted unless ENROLLPOINT_PLAIN_DB=1); a plain file is
    converted when encryption is wanted; an encrypted file is always opened with its keyring key.
    Fast path: when the stored revision is the shipped head, Alembic is not even imported.
    """
    db_file = Path(path) if path else paths.db_path()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    existed = db_file.exists() and db_file.stat().st_size > 0
    bdir = backup_dir or default_backup_dir(db_file)
    in_memory = str(path) == ":memory:"
    unavailable = False
    try:
        key, recovery = (None, None) if in_memory else _key_for(db_file, encryption_wanted(encrypted), bdir)
    except DatabaseError as exc:
        # No secure keyring (e.g. Linux without Secret Service): when encryption was only the default and
        # the file is not encrypted yet, open it plain and say so, rather than keep the key in a file.
        from desktop.services import keys

        if encrypted is not None or not isinstance(exc, keys.KeyStoreUnavailable):
            raise
        if keys.file_state(db_file) == "encrypted":
            raise
        log.warning("no secure OS keyring: the database stays unencrypted")
        key, recovery, unavailable = None, None, True
    if not in_memory:
        create_private_file(db_file)
    engine = create_db_engine(db_file, key=key)
    try:
        rev = current_revision(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except _driver_errors() as exc:  # "file is not a database", from sqlite3, sqlcipher3 or SQLAlchemy
        engine.dispose()
        hint = " (tệp đã được mã hoá hoặc bị hỏng)" if key is None else ""
        raise DatabaseError(f"Không mở được cơ sở dữ liệu {db_file.name}{hint}: {exc}") from exc
    if rev is not None and rev not in migrations.KNOWN_REVISIONS:
        engine.dispose()
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu được tạo bởi phiên bản EnrollPoint mới hơn (lược đồ {rev}). "
            "Hãy cài phiên bản mới nhất trước khi mở."
        )
    if migrate and rev != migrations.HEAD:
        if existed and rev is not None:
            copy = backup_to(engine, bdir / backup_name(db_file, f"pre-migration-{rev}"))
            log.info("backup before migration written to %s", copy.name)
        migrations.upgrade(engine)
    if os.name == "posix":
        for suffix in ("", "-wal", "-shm"):
            f = Path(str(db_file) + suffix)
            if f.exists():
                os.chmod(f, 0o600)
    return Database(
        db_file, engine, sessionmaker(engine, expire_on_commit=False), encrypted=key is not None,
        recovery_key=recovery, encryption_unavailable=unavailable,
    )


def _key_for(db_file: Path, want: bool, bdir: Path) -> tuple[bytes | None, str | None]:
    """The key to open with (None = plain) and a recovery key to show when the key was just created."""
    from desktop.services import keys

    state = keys.file_state(db_file)
    if state == "encrypted" or (want and state == "new"):
        info = keys.ensure_key(db_file)
        return info.key, info.recovery_key
    if want and state == "plain":
        info = keys.ensure_key(db_file)
        keys.convert_to_encrypted(db_file, info.key, bdir / backup_name(db_file, "pre-encrypt"))
        keys.encrypt_plain_backups(bdir, info.key)  # older backups were plaintext copies
        log.info("database converted to encrypted storage")
        return info.key, info.recovery_key
    return None, None
