"""Each laptop signs its own change-log entries (services/peer/signing.py): two tables.

- `peer_signers`: the public signing key of every laptop of the group, as first seen (trust on first use),
  with `base` (the highest sequence that laptop had made before it signed: its unsigned history) and, when
  another key was later offered for the same device id, that key and when (an alarm, never an update).
- `peer_chain`: signed checkpoints (origin, seq, chain value, Ed25519 signature), this laptop's own and the
  ones it verified from others; they are relayed unchanged.

And the setting `peer.unsigned_top` = "<device id>:<highest seq>": what this laptop had written before
the update, its unsigned history (the `base` it publishes with its key; a database created at this
revision has none). Two new tables and one settings row; the upgrade runs in one transaction
(transactional DDL, storage/migrations/env.py), so a crash mid-way leaves the database at 0008 as it was.

Revision ID: 0009_peer_signing
Revises: 0008_peer_quarantine
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_peer_signing"
down_revision = "0008_peer_quarantine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peer_signers",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("base", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("via", sa.String(length=32), nullable=False),
        sa.Column("changed_key", sa.String(length=64), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_peer_signers")),
    )
    op.create_table(
        "peer_chain",
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=64), nullable=False),
        sa.Column("sig", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("origin", "seq", name=op.f("pk_peer_chain")),
    )
    conn = op.get_bind()
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = 'peer.device_id'").fetchone()
    if row and row[0]:
        top = conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM peer_log WHERE origin = ?", (row[0],)).scalar()
        conn.exec_driver_sql("INSERT OR REPLACE INTO settings(key, value) VALUES ('peer.unsigned_top', ?)",
                             (f"{row[0]}:{int(top or 0)}",))


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DELETE FROM settings WHERE key = 'peer.unsigned_top'")
    op.drop_table("peer_chain")
    op.drop_table("peer_signers")
