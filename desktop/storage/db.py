"""The one engine factory of the commune database: SQLite in WAL mode with foreign keys on.

Every process opens the database through `open_database()`, which also brings the schema up to date
(after a backup copy) and refuses a database written by a newer EnrollPoint. DDL runs inside real
transactions (SQLAlchemy's pysqlite recipe), so a migration that fails half-way rolls back whole.

Encryption at rest: new databases are SQLCipher files (through `sqlcipher3`) keyed with a raw 256-bit
key from the OS keyring (`desktop.storage.keys`); an existing plain file is converted on open. Opt out
with `open_database(path, encrypted=False)` or `ENROLLPOINT_PLAIN_DB=1` (tests, benchmarks that need a
plain file). An already encrypted file is always opened with its key.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop import paths
from desktop.errors import DatabaseError, DatabaseTooNew
from desktop.storage import keys, migrations
from desktop.storage.connect import (
    connect_keyed,
    connect_plain,
    create_db_engine,
    create_private_file,
    encryption_wanted,
    engine_key,
)
from desktop.storage.failures import driver_errors

log = logging.getLogger(__name__)


def default_backup_dir(db_file: Path) -> Path:
    return Path(db_file).parent / "backups"


def backup_name(db_file: Path, kind: str, when: dt.datetime | None = None) -> str:
    """`<db stem>-YYYYmmdd-HHMMSS-<kind>.db`: sorts by time, one naming for every kind of backup."""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{Path(db_file).stem}-{stamp}-{kind}.db"


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
        paths.make_private(target.parent)  # a folder we create for copies is private
    key = engine_key(engine)
    target.unlink(missing_ok=True)
    create_private_file(target)
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        assert src is not None  # a fresh pooled connection always has its DB-API connection
        dst = connect_keyed(str(target), key) if key is not None else connect_plain(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        raw.close()
    paths.make_private(target)
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
    except driver_errors() as exc:  # "file is not a database", from sqlite3, sqlcipher3 or SQLAlchemy
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
    for suffix in ("", "-wal", "-shm"):
        f = Path(str(db_file) + suffix)
        if f.exists():
            paths.make_private(f)
    return Database(
        db_file, engine, sessionmaker(engine, expire_on_commit=False), encrypted=key is not None,
        recovery_key=recovery, encryption_unavailable=unavailable,
    )


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
