"""The hub's engine factory: SQLite (default, one file) or PostgreSQL (production) from one URL.

SQLite gets WAL, foreign keys and SQLAlchemy's pysqlite recipe (we emit BEGIN ourselves, so DDL is
transactional and a failed migration rolls back whole); write transactions can ask for BEGIN IMMEDIATE so
two writers never deadlock on a lock upgrade. PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from province import migrations, partitions
from province.errors import HubRefusal
from province.settings import HubSettings
from province.settings import load as load_settings


class HubDatabaseError(HubRefusal, RuntimeError):
    """The database cannot be opened or is of a newer hub: not the caller's input, so 503 if ever answered."""

    status = 503
    title = "Không mở được cơ sở dữ liệu"


def normalise_url(url: str | None, settings: HubSettings | None = None) -> str:
    """Accept a SQLAlchemy URL, a bare file path (SQLite) or `postgresql://` (mapped to psycopg 3); none: the
    settings' database (ENROLLPOINT_HUB_DB, else hub.db in the data folder)."""
    if not url:
        return (settings or load_settings()).database_url()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_connect(dbapi_conn: Any, sync: str) -> None:
    dbapi_conn.isolation_level = None  # pysqlite recipe: we emit BEGIN, so DDL is transactional
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA synchronous={'NORMAL' if sync == 'NORMAL' else 'FULL'}")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA cache_size=-64000")
    cur.close()


# PostgreSQL: a pooled connection that sat idle longer than this is pinged before it is handed out (a
# server restart or an idle timeout kills connections while nobody uses them). SQLAlchemy's pool_pre_ping
# pinged on *every* checkout: a round trip that was a quarter of the time of a delivery (bench_intake.py).
PING_AFTER_IDLE_S = 10.0
_IDLE_SINCE = "ep_idle_since"


def _pg_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _pg_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Hand out only a connection that works: one known broken, or idle too long and not answering a
    ping, raises DisconnectionError, so the pool drops it and checks out another (SQLAlchemy's recipe)."""
    if dbapi_conn.closed or dbapi_conn.broken:
        raise DisconnectionError("connection lost")
    idle_since = record.info.get(_IDLE_SINCE)  # None: opened for this checkout
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    try:
        with dbapi_conn.cursor() as cur:
            cur.execute(";")
        if not dbapi_conn.autocommit:  # the ping opened a transaction: hand the connection out idle, so
            dbapi_conn.rollback()  # intake can switch it to autocommit (psycopg refuses inside a transaction)
    except dbapi_conn.OperationalError as exc:  # the driver's own class, as the pool sees it
        raise DisconnectionError("connection lost") from exc


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get("ep_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_hub_engine(url: str, settings: HubSettings | None = None) -> Engine:
    settings = settings or load_settings()
    url = normalise_url(url, settings)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if not db or db == ":memory:":
            raise HubDatabaseError("the hub needs a SQLite file, not an in-memory database",
                                   vi="Máy chủ tỉnh cần một tệp SQLite, không dùng cơ sở dữ liệu trong bộ nhớ.")
        Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15.0})
        sync = settings.sqlite_sync  # FULL unless the settings opt in to NORMAL (bulk loads)
        event.listen(engine, "connect", lambda conn, _record: _sqlite_connect(conn, sync))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_size=5, max_overflow=10)
        event.listen(engine, "checkin", _pg_checkin)
        event.listen(engine, "checkout", _pg_checkout)
        return engine
    raise HubDatabaseError(f"unsupported database URL scheme {parsed.drivername!r} (use sqlite or postgresql)",
                           vi=f"Không hỗ trợ loại cơ sở dữ liệu {parsed.drivername!r}: dùng sqlite hoặc postgresql.")


@dataclass
class HubDB:
    """An open hub database: engine and session factories (read and write)."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]
    view_sessions: sessionmaker[Session] | None = None  # the read replica's, when ENROLLPOINT_HUB_READ_DB is set

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception."""
        s = (self.write_sessions if write else self.sessions)()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    @contextmanager
    def view_session(self) -> Iterator[Session]:
        """A read for the steering views (tables, completeness, targets, rankings, checks, trend, drill-down,
        papers, the phone page): on the read replica when one is set, so a meeting's many readers do not load
        the database that takes the reports; else an ordinary read. Never for logins, admin actions or intake."""
        if self.view_sessions is None:
            with self.session() as s:
                yield s
            return
        s = self.view_sessions()
        try:
            yield s
        finally:
            s.rollback()  # nothing is written through a view session
            s.close()

    def close(self) -> None:
        if self.view_sessions is not None and self.view_sessions.kw.get("bind") is not None:
            self.view_sessions.kw["bind"].dispose()
        self.engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def open_hub(url: str | None = None, *, migrate: bool = True, settings: HubSettings | None = None) -> HubDB:
    """Open (creating if needed) and migrate the hub database; refuse one written by a newer hub. `settings`:
    the caller's (read once), else read from the environment now."""
    settings = settings or load_settings()
    url = normalise_url(url, settings)
    engine = create_hub_engine(url, settings)
    try:
        rev = current_revision(engine)
    except Exception as exc:
        engine.dispose()
        why = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]  # the driver's words only
        raise HubDatabaseError(f"cannot open the hub database: {why}",
                               vi=f"Không mở được cơ sở dữ liệu của máy chủ tỉnh: {why}") from exc
    if rev is not None and rev not in migrations.KNOWN_REVISIONS:
        engine.dispose()
        raise HubDatabaseError(f"the database schema {rev} is newer than this hub; upgrade the hub",
                               vi=f"Cơ sở dữ liệu ({rev}) do phiên bản máy chủ tỉnh mới hơn tạo ra: hãy cập nhật "
                               "máy chủ tỉnh.")
    if migrate and rev != migrations.HEAD:
        migrations.upgrade(engine)
    if migrate:
        partitions.ensure_ahead(engine)  # PostgreSQL: next months' report partitions exist before their reports
    write_engine = engine.execution_options(ep_write=True)
    return HubDB(
        url,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(write_engine, expire_on_commit=False),
        _replica_sessions(settings, engine),
    )


def _replica_sessions(settings: HubSettings, primary: Engine) -> sessionmaker[Session] | None:
    """The read replica's sessions (ENROLLPOINT_HUB_READ_DB), refused at start unless the replica holds this
    hub's schema: a replica behind a migration would answer the views with missing columns."""
    if not settings.read_db:
        return None
    engine = create_hub_engine(normalise_url(settings.read_db, settings), settings)
    try:
        rev, want = current_revision(engine), current_revision(primary)
    except Exception as exc:
        engine.dispose()
        why = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        raise HubDatabaseError(f"cannot open the read replica: {why}",
                               vi=f"Không mở được bản sao chỉ đọc: {why}") from exc
    if rev != want:
        engine.dispose()
        raise HubDatabaseError(f"the read replica is at schema {rev}, the database at {want}: wait for the "
                               "replica to catch up, or unset ENROLLPOINT_HUB_READ_DB",
                               vi=f"Bản sao chỉ đọc đang ở phiên bản {rev}, cơ sở dữ liệu chính ở {want}: chờ bản "
                               "sao cập nhật, hoặc bỏ ENROLLPOINT_HUB_READ_DB.")
    return sessionmaker(engine, expire_on_commit=False)
