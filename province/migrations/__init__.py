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
                                   "0005_offline", "0006_one_report_store", "0007_device_previous_keys", "0008_succession")
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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade inside one transaction: a failure leaves the database exactly as before."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
