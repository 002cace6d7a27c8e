"""A check-in mark undone by a compensating `undo` event: `status_events.undoes_id` names the event it
undoes (history stays append-only; the status replay and the indicators skip both).

Revision ID: 0010_event_undo
Revises: 0009_peer_signing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_event_undo"
down_revision = "0009_peer_signing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("status_events", sa.Column("undoes_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_status_events_undoes_id"), "status_events", ["undoes_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_status_events_undoes_id"), table_name="status_events")
    op.drop_column("status_events", "undoes_id")
