"""The one engine factory of the commune database: SQLite in WAL mode with foreign keys on.

Every process opens the database through `open_database()`, which also brings the schema up to date
(after a backup copy) and refuses a database written by a newer EnrollPoint. DDL runs inside real
transactions (SQLAlchemy's pysqlite recipe), so a migration that fails half-way rolls back whole.

The engine (and SQLAlchemy with it) is made on first use: a read-only command reads through `reader()`,
a DB-API connection of its own, and never imports SQLAlchemy.

Encryption at rest: new databases are SQLCipher files (through `sqlcipher3`) keyed with a raw 256-bit
key from the OS keyring (`desktop.storage.keys`); an existing plain file is converted on open. Opt out
with `open_database(path, encrypted=False)` or `ENROLLPOINT_PLAIN_DB=1` (tests, benchmarks that need a
plain file). An already encrypted file is always opened with its key.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from desktop import paths
from desktop.errors import DatabaseError, DatabaseTooNew
from desktop.storage import failure_words, keys, migrations
from desktop.storage.connect import (
    READ_ONLY,
    connect_keyed,  # noqa: F401  (re-exported: callers open a copy the way the engine does)
    create_db_engine,
    create_private_file,
    encryption_wanted,
    open_connection,
)
from desktop.storage.failures import Failure, classify, driver_errors
from desktop.storage.safe_copy import BackupFailed, write_verified_copy

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.orm import sessionmaker as SessionFactory  # the name `sessionmaker` is a property below

log = logging.getLogger(__name__)
T = TypeVar("T")


def default_backup_dir(db_file: Path) -> Path:
    return Path(db_file).parent / "backups"


def backup_name(db_file: Path, kind: str, when: dt.datetime | None = None) -> str:
    """`<db stem>-YYYYmmdd-HHMMSS-<kind>.db`: sorts by time, one naming for every kind of backup."""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{Path(db_file).stem}-{stamp}-{kind}.db"


@dataclass
class Database:
    """An open commune database: its file and key; its engine and session factory are made on first use."""

    path: Path
    key: bytes | None = field(default=None, repr=False)  # the SQLCipher key (None: a plain file)
    # Set when this open created the database (or its key): show it once to the supervisor, never store it.
    recovery_key: str | None = field(default=None, repr=False)
    # Encryption was wanted but this computer has no secure OS keyring: the app warns on every start.
    encryption_unavailable: bool = False
    _engine: Engine | None = field(default=None, init=False, repr=False)
    _sessionmaker: sessionmaker[Session] | None = field(default=None, init=False, repr=False)
    _read_sessionmaker: SessionFactory[Session] | None = field(default=None, init=False, repr=False)
    _reader: Any = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def engine(self) -> Engine:
        """The process's engine for this file, made (and SQLAlchemy imported) on first use."""
        if self._engine is None:
            with self._lock:  # the GUI's threads may ask at once: one engine
                if self._engine is None:
                    self._engine = create_db_engine(self.path, key=self.key)
        return self._engine

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        if self._sessionmaker is None:
            from sqlalchemy.orm import sessionmaker as make_sessionmaker

            engine = self.engine
            with self._lock:
                if self._sessionmaker is None:
                    self._sessionmaker = make_sessionmaker(engine, expire_on_commit=False)
        return self._sessionmaker

    @property
    def read_sessionmaker(self) -> SessionFactory[Session]:
        """Sessions whose transactions begin deferred and query-only (see `read_session`)."""
        if self._read_sessionmaker is None:
            from sqlalchemy.orm import sessionmaker as make_sessionmaker

            engine = self.engine.execution_options(**READ_ONLY)
            with self._lock:
                if self._read_sessionmaker is None:
                    self._read_sessionmaker = make_sessionmaker(engine, expire_on_commit=False)
        return self._read_sessionmaker

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """A DB-API connection (sqlite3 or sqlcipher3) inside a read transaction, rolled back afterwards.

        For the hand-written SQL of short read-only commands (`enrollpoint search`, `status`): made like
        the engine's connections, but without SQLAlchemy. Its own connection, kept until close(), for
        one thread at a time; never commit on it.
        """
        if self._reader is None:
            self._reader = open_connection(self.path, self.key)
            self._reader.execute("PRAGMA query_only = ON")  # reads only: a write here fails loudly
        conn = self._reader
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:  # SQLite may have rolled back already (a full disk, an I/O error)
                conn.execute("ROLLBACK")

    def read_raw(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(conn, *args, **kwargs)` over the bare DB-API connection of `reader()`, in a read transaction.

        For the few reads the GUI makes before SQLAlchemy is imported (`services.start_facts`: the login
        dialog paints without the ORM). The UI thread's, like `reader()`: one thread at a time."""
        with self.reader() as conn:
            return fn(conn, *args, **kwargs)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception.

        Its transaction takes the write lock when it begins (BEGIN IMMEDIATE), waiting up to the busy
        timeout for another process's write: a read followed by a write never fails on a stale snapshot.
        Code that only reads uses `read_session()`, which never holds up a writer.
        """
        s = self.sessionmaker()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A unit of work that only reads: a deferred, query-only transaction, rolled back at the end.

        In WAL mode it sees one snapshot and blocks no writer however long it stays open (the GUI's lists,
        reports, exports). Writing in it raises "attempt to write a readonly database".
        """
        s = self.read_sessionmaker()
        try:
            yield s
        finally:
            s.close()

    def read_call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(session, *args, **kwargs)` in a read session (the GUI's reads).

        A service that turns out to write on first use (this laptop's device id, made when first asked
        for) fails there as query-only: it is run once more in a write session, and logged so it gets a
        write path of its own. Never a deferred write either way.
        """
        try:
            with self.read_session() as s:
                return fn(s, *args, **kwargs)
        except Exception as exc:
            if not is_read_only_refusal(exc):
                raise
            log.warning("%s wrote inside a read session: run again as a write", getattr(fn, "__qualname__", fn))
        with self.session() as s:
            return fn(s, *args, **kwargs)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._engine is not None:
            self._engine.dispose()


def is_read_only_refusal(exc: BaseException) -> bool:
    """SQLite's answer to a write on a query-only connection (sqlite3, sqlcipher3, or SQLAlchemy's wrapper)."""
    return "attempt to write a readonly database" in str(exc)


def revision_of(dbapi_conn: Any) -> str | None:
    """The Alembic revision stored in the database of a DB-API connection (None: no schema yet)."""
    has = dbapi_conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if not has:
        return None
    row = dbapi_conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return revision_of(conn.connection.driver_connection)


def _probe_revision(db: Database, in_memory: bool) -> str | None:
    """The stored revision, read through a connection of its own (closed after: the GUI's pool makes its
    own). In memory every connection is a new database: there, through the engine."""
    if in_memory:
        return current_revision(db.engine)
    conn = open_connection(db.path, db.key)
    try:
        return revision_of(conn)
    finally:
        conn.close()


def backup_to(engine: Engine, target: Path) -> Path:
    """Online copy through SQLite's backup API (consistent even while the app writes), written under a
    temporary name, verified and then renamed (`safe_copy`): `BackupFailed` leaves nothing behind."""
    return write_verified_copy(engine, target)


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
        if encrypted is not None or not isinstance(exc, keys.KeyStoreUnavailable):
            raise
        if keys.file_state(db_file) == "encrypted":
            raise
        log.warning("no secure OS keyring: the database stays unencrypted")
        key, recovery, unavailable = None, None, True
    if not in_memory:
        create_private_file(db_file)
    db = Database(db_file, key=key, recovery_key=recovery, encryption_unavailable=unavailable)
    try:
        rev = _probe_revision(db, in_memory)
    except DatabaseError:
        db.close()
        raise
    except driver_errors() as exc:  # "file is not a database", from sqlite3, sqlcipher3 or SQLAlchemy
        db.close()
        known = classify(exc)
        if known is not None and known[0] is not Failure.NOT_A_DATABASE:  # busy, full, read-only: not the key
            raise failure_words.describe_as_error(known, db_file.parent) from exc
        hint = " (tệp đã được mã hoá hoặc bị hỏng)" if key is None else ""
        hint_en = " (the file is encrypted or damaged)" if key is None else ""
        raise DatabaseError(f"Không mở được cơ sở dữ liệu {db_file.name}{hint}: {exc}",
                            en=f"The database {db_file.name} cannot be opened{hint_en}: {exc}") from exc
    if rev is not None and rev not in migrations.KNOWN_REVISIONS:
        db.close()
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu được tạo bởi phiên bản EnrollPoint mới hơn (lược đồ {rev}). "
            "Hãy cài phiên bản mới nhất trước khi mở.",
            en=f"The database was made by a newer EnrollPoint (schema {rev}). Install the latest version "
               "before opening it.",
        )
    if migrate and rev != migrations.HEAD:
        if existed and rev is not None:
            try:
                copy = backup_to(db.engine, bdir / backup_name(db_file, f"pre-migration-{rev}"))
            except BackupFailed as exc:
                db.close()
                raise DatabaseError(f"Chưa nâng cấp cơ sở dữ liệu (cần một bản sao trước): {exc.message}",
                                    en="The database was not upgraded (a backup is needed first): "
                                       f"{exc.words('en')}") from exc
            log.info("backup before migration written to %s", copy.name)
        migrations.upgrade(db.engine)
    for suffix in ("", "-wal", "-shm"):
        f = Path(str(db_file) + suffix)
        if f.exists():
            paths.make_private(f)
    return db


def _key_for(db_file: Path, want: bool, bdir: Path) -> tuple[bytes | None, str | None]:
    """The key to open with (None = plain) and a recovery key to show when the key was just created."""
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
