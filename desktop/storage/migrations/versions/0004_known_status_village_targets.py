"""Card and VNeID state known from elsewhere (imported lists), and targets per village set by the commune.

- citizens.card_known: the list says the citizen already holds a chip card (maybe without an issue date);
- citizens.vneid_known: the VNeID stage the list reports (0 nothing, 2 level-2 account, 3 activated).
  Both are history from elsewhere: they seed the state the events start from (statuses.initial_state), so
  they put no one on the "register VNeID" list by mistake and count in no indicator of any day.
- village_targets: an optional number per (village, indicator) the commune sets for its villages, so the
  progress view and the daily report can say which villages met theirs.

Existing rows keep every value; the new columns start at 0 (nothing known), which is what the app assumed
until now. Runs inside the migration's transaction.

Revision ID: 0004_known_status_village_targets
Revises: 0003_text_keys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_known_status_village_targets"
down_revision = "0003_text_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch (copy-and-move) would drop the search index's triggers.
    op.add_column("citizens", sa.Column("card_known", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column("citizens", sa.Column("vneid_known", sa.SmallInteger(), nullable=False, server_default="0"))
    op.create_table(
        "village_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_key", sa.Text(), nullable=False),
        sa.Column("village", sa.Text(), nullable=False),
        sa.Column("indicator", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village_targets")),
        sa.UniqueConstraint("village_key", "indicator", name="uq_village_targets_key_indicator"),
    )


def downgrade() -> None:
    op.drop_table("village_targets")
    op.drop_column("citizens", "vneid_known")  # SQLite ≥ 3.35 drops a column in place, triggers kept
    op.drop_column("citizens", "card_known")
