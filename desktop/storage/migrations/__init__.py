"""Alembic migrations shipped inside the package, run programmatically (no alembic.ini, no fileConfig).

HEAD is written down here so that opening an up-to-date database never has to import Alembic; a test
checks it against the scripts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

# Every revision this version knows, oldest first. A database at any other revision is from a newer app.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_register", "0002_schedule_reports", "0003_text_keys", "0004_known_status_village_targets",
    "0005_peer_sync", "0006_outbox_states", "0007_peer_clock",
    "0008_peer_quarantine", "0009_peer_signing", "0010_event_undo",
)
HEAD = KNOWN_REVISIONS[-1]


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # lazy: an up-to-date database never needs Alembic

    from desktop import paths

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade inside one transaction: a failure leaves the database exactly as before."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
