"""Outbox states for communes with no link: `exported_at` (the report went into a USB bundle and
waits for the hub's receipt: "đã xuất, chờ xác nhận") and `confirmed_via` ('network' — the hub's answer to
a sync, 'receipt' — a signed receipt file, '' — not confirmed). Existing sent items are marked as
confirmed over the network (the only way they could have been confirmed); nothing else changes.

Revision ID: 0006_outbox_states
Revises: 0005_peer_sync
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_outbox_states"
down_revision = "0005_peer_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("exported_at", sa.DateTime(), nullable=True))
    op.add_column("outbox", sa.Column("confirmed_via", sa.String(16), nullable=False, server_default=""))
    op.execute("UPDATE outbox SET confirmed_via = 'network' WHERE sent_at IS NOT NULL")


def downgrade() -> None:
    op.drop_column("outbox", "confirmed_via")
    op.drop_column("outbox", "exported_at")
