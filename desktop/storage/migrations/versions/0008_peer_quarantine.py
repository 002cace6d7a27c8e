"""Entries from other laptops that failed the field checks are kept aside with their reason
(`peer_quarantine`), never merged; the entry itself stays in `peer_log` so the sender's sequence has no hole.

Revision ID: 0008_peer_quarantine
Revises: 0007_peer_clock
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_peer_quarantine"
down_revision = "0007_peer_clock"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peer_quarantine",
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("gid", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("origin", "seq", name=op.f("pk_peer_quarantine")),
    )


def downgrade() -> None:
    op.drop_table("peer_quarantine")
