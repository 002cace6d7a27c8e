"""Alembic migrations of the hub, shipped inside the package and run programmatically (no alembic.ini,
no fileConfig). Works on SQLite (batch mode, transactional DDL via the pysqlite recipe) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Every revision this hub knows, oldest first. A database at any other revision is from a newer hub.
KNOWN_REVISIONS: tuple[str, ...] = ("0001_hub", "0002_auth_totals", "0003_batch_per_device",
                                   "0004_report_per_device",
                                   "0005_offline", "0006_one_report_store", "0007_device_previous_keys", "0008_succession",
                                   "0009_login_throttle", "0010_arrivals", "0011_target_sets", "0012_national",
                                   "0013_national_totals", "0014_account_scope",
                                   "0015_published_ranks", "0016_day_rollups", "0017_national_v2",
                                   "0018_day_counters", "0019_report_partitions")
HEAD = KNOWN_REVISIONS[-1]


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


# pg_advisory_xact_lock key of the hub's migrations ("EPHUBMIG" in ASCII, as a signed 64-bit number).
MIGRATION_LOCK_KEY = 0x455048_55424D4947


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade inside one transaction under the database's own lock, so several hub processes starting at
    once (uvicorn workers, `serve` on several machines) migrate exactly once: the first holds the lock and
    migrates, the others wait for it and then find nothing left to do (alembic reads the version under the
    lock). PostgreSQL: a transaction-scoped advisory lock; SQLite: BEGIN IMMEDIATE (the write lock; waiters
    sit in the busy timeout). A failure leaves the database exactly as before."""
    from alembic import command
    from sqlalchemy import text

    with engine.execution_options(ep_write=True).begin() as conn:  # SQLite: BEGIN IMMEDIATE
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        command.upgrade(alembic_config(conn), revision)
